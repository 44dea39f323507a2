"""Every write to the strategy records (STYLE §2): one transaction each, audited and versioned.

Callers resolve records through ``northline.strategy.access``; each service re-checks that the
caller may write strategy records (editors and above), so none can be skipped. Later apps record
their decisions through :func:`log_decision`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from northline.lib.errors import Invalid, NotFound, StaleVersion
from northline.measures import services as measures
from northline.measures.models import Indicator, IndicatorKind
from northline.orgs.access import Access
from northline.orgs.audit import (
    create_audited,
    object_type,
    snapshot,
    stale,
    update_versioned,
    validate,
)
from northline.orgs.models import Organization, Person, Team
from northline.orgs.services import (
    RecordWrites,
    create_record,
    delete_record,
    leadership_of,
    notify,
    record_action,
    refuse_unknown,
)
from northline.strategy.models import (
    Authority,
    CoalitionBody,
    Decision,
    DecisionLink,
    DecisionStatus,
    DecisionTopic,
    IdentityRevision,
    Investment,
    Responsibility,
    Spend,
    SwotItem,
    Theme,
    ValueStream,
)

# Identity ----------------------------------------------------------------------------------


def clean_values(values: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Values as stored: a list of {"name", "meaning"}, names required and distinct."""
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for position, value in enumerate(values, start=1):
        name = str(value.get("name") or "").strip()
        meaning = str(value.get("meaning") or "").strip()
        if not name:
            raise Invalid(
                f"Value {position} has no name.", fields={"values": "Every value needs a name."}
            )
        if name.casefold() in seen:
            raise Invalid(
                f"The value {name!r} is listed twice.", fields={"values": "Names must differ."}
            )
        seen.add(name.casefold())
        cleaned.append({"name": name, "meaning": meaning})
    return cleaned


def latest_revision_number(organization: Organization) -> int:
    number = (
        IdentityRevision.objects.filter(organization=organization)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return number or 0


@transaction.atomic
def revise_identity(
    access: Access,
    *,
    mission: str,
    vision: str = "",
    values: Iterable[Mapping[str, Any]] = (),
    note: str = "",
    based_on: int,
) -> IdentityRevision:
    """Save the identity as revision N+1; ``based_on`` is the revision the author started from
    (0 for the first). If someone saved a revision since, nothing is saved (StaleVersion)."""
    access.require("write")
    # Lock the organization's row: two authors revising at once queue here, and the second
    # finds that its ``based_on`` is no longer the latest.
    Organization.objects.select_for_update().filter(pk=access.organization.pk).first()
    latest = latest_revision_number(access.organization)
    if based_on != latest:
        raise StaleVersion(
            f"Someone saved identity revision {latest} after the revision {based_on} you "
            "started from. Reload, look at what changed, and make your edit again.",
            fields={"based_on": f"Expected {latest}."},
        )
    if not mission.strip():
        raise Invalid("Write the mission.", fields={"mission": "This field is required."})
    revision = IdentityRevision(
        organization=access.organization,
        number=latest + 1,
        mission=mission.strip(),
        vision=vision.strip(),
        values=clean_values(values),
        note=note.strip(),
        author=access.user,
    )
    return create_audited(access.user, access.organization, revision)


# Shared helpers ----------------------------------------------------------------------------


def same_org(access: Access, records: Iterable[models.Model], label: str) -> list[Any]:
    """Refuse a record of another organization as if it did not exist."""
    listed = list(records)
    for record in listed:
        if getattr(record, "organization_id", None) != access.organization.pk:
            raise NotFound(f"No such {label} in this organization.")
    return listed


def as_ids(changes: dict[str, Any]) -> dict[str, Any]:
    """Foreign keys as update_versioned takes them: records become their primary keys."""
    return {
        name: value.pk if isinstance(value, models.Model) else value
        for name, value in changes.items()
    }


def set_related(access: Access, instance: Any, name: str, records: Sequence[models.Model]) -> bool:
    """Replace a many-to-many set; record the change of ids when there is one."""
    manager = getattr(instance, name)
    before = sorted(manager.values_list("pk", flat=True))
    after = sorted({record.pk for record in records})
    if before == after:
        return False
    manager.set(records)
    record_action(access, "updated", instance, {name: [before, after]})
    return True


def create_with_related(
    access: Access, instance: Any, related: Mapping[str, Sequence[models.Model]]
) -> Any:
    """create_audited plus many-to-many sets: the ``created`` event holds the links' ids, sorted,
    beside the audited fields, as updates record them (who sits on a coalition body is
    governance data from the start)."""
    validate(instance)
    instance.save(force_insert=True)
    links: dict[str, list[Any]] = {}
    for name, records in related.items():
        if records:
            getattr(instance, name).set(records)
        links[name] = sorted({record.pk for record in records})
    record_action(access, "created", instance, {**snapshot(instance), **links})
    return instance


def update_with_related(
    access: Access,
    instance: Any,
    *,
    version: int,
    changes: dict[str, Any],
    related: Mapping[str, Sequence[models.Model] | None],
) -> Any:
    """update_versioned plus many-to-many sets, bumping the version once for the whole edit."""
    if instance.version != version:
        raise stale(instance, version)
    update_versioned(access.user, access.organization, instance, version=version, changes=changes)
    moved = False
    for name, records in related.items():
        if records is not None:
            moved = set_related(access, instance, name, records) or moved
    if moved and instance.version == version:
        count = (
            type(instance)
            ._base_manager.filter(pk=instance.pk, version=version)
            .update(version=F("version") + 1, updated_at=timezone.now())
        )
        if count != 1:
            raise stale(instance, version)
        instance.version = version + 1
    return instance


# SWOT --------------------------------------------------------------------------------------


@transaction.atomic
def create_swot_item(
    access: Access, *, kind: str, statement: str, themes: Sequence[Theme] = ()
) -> SwotItem:
    access.require("write")
    return create_with_related(
        access,
        SwotItem(organization=access.organization, kind=kind, statement=statement),
        {"themes": same_org(access, themes, "theme")},
    )


@transaction.atomic
def update_swot_item(
    access: Access,
    item: SwotItem,
    *,
    version: int,
    themes: Sequence[Theme] | None = None,
    **changes: Any,
) -> SwotItem:
    access.require("write")
    refuse_unknown(changes, {"kind", "statement"})
    if themes is not None:
        same_org(access, themes, "theme")
    return update_with_related(
        access, item, version=version, changes=changes, related={"themes": themes}
    )


def delete_swot_item(access: Access, item: SwotItem) -> None:
    delete_record(access, item)


# Themes ------------------------------------------------------------------------------------

THEME_FIELDS = {"name", "description", "starts_on", "ends_on", "status"}


THEMES = RecordWrites[Theme](editable=THEME_FIELDS)


def create_theme(
    access: Access,
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    status: str = "active",
) -> Theme:
    return THEMES.create(
        access,
        Theme(
            organization=access.organization,
            name=name,
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
        ),
    )


update_theme = THEMES.update
# A theme's investments and outcome responsibilities are deleted with it.
delete_theme = THEMES.delete


@transaction.atomic
def link_indicator(access: Access, theme: Theme, indicator: Indicator) -> Theme:
    """Measure the theme by an existing lagging indicator."""
    access.require("write")
    same_org(access, [indicator], "indicator")
    if indicator.kind != IndicatorKind.LAGGING:
        raise Invalid(
            f"{indicator.name} is a leading indicator; a theme is measured by lagging ones.",
            fields={"indicator_id": "Choose a lagging indicator."},
        )
    if not theme.indicators.filter(pk=indicator.pk).exists():
        theme.indicators.add(indicator)
        record_action(
            access, "linked", theme, {"indicator": indicator.pk, "indicator_name": indicator.name}
        )
    return theme


@transaction.atomic
def add_theme_indicator(access: Access, theme: Theme, **fields: Any) -> Indicator:
    """Create a lagging indicator for the theme and link it; its dates default to the theme's."""
    access.require("write")
    fields.setdefault("start_date", theme.starts_on)
    fields.setdefault("target_date", theme.ends_on)
    indicator = measures.create_indicator(access, kind=IndicatorKind.LAGGING, **fields)
    link_indicator(access, theme, indicator)
    return indicator


@transaction.atomic
def unlink_indicator(access: Access, theme: Theme, indicator: Indicator) -> Theme:
    """Stop measuring the theme by the indicator; the indicator and its readings stay."""
    access.require("write")
    if theme.indicators.filter(pk=indicator.pk).exists():
        theme.indicators.remove(indicator)
        record_action(
            access, "unlinked", theme, {"indicator": indicator.pk, "indicator_name": indicator.name}
        )
    return theme


# Value streams -----------------------------------------------------------------------------


@transaction.atomic
def create_value_stream(
    access: Access, *, name: str, description: str = "", teams: Sequence[Team] = ()
) -> ValueStream:
    access.require("write")
    return create_with_related(
        access,
        ValueStream(organization=access.organization, name=name, description=description),
        {"teams": same_org(access, teams, "team")},
    )


@transaction.atomic
def update_value_stream(
    access: Access,
    stream: ValueStream,
    *,
    version: int,
    teams: Sequence[Team] | None = None,
    **changes: Any,
) -> ValueStream:
    access.require("write")
    refuse_unknown(changes, {"name", "description"})
    if teams is not None:
        same_org(access, teams, "team")
    return update_with_related(
        access, stream, version=version, changes=changes, related={"teams": teams}
    )


def delete_value_stream(access: Access, stream: ValueStream) -> None:
    delete_record(access, stream)


# Investment and spend ----------------------------------------------------------------------

INVESTMENT_FIELDS = {
    "theme",
    "value_stream",
    "period_start",
    "period_end",
    "planned_amount",
    "currency",
}


def check_target(access: Access, theme: Theme | None, stream: ValueStream | None) -> None:
    if (theme is None) == (stream is None):
        raise Invalid(
            "An investment funds either a theme or a value stream: choose exactly one.",
            fields={"theme": "Choose a theme or a value stream, not both."},
        )
    same_org(access, [record for record in (theme, stream) if record is not None], "target")


@transaction.atomic
def create_investment(
    access: Access,
    *,
    period_start: dt.date,
    period_end: dt.date,
    planned_amount: Decimal,
    theme: Theme | None = None,
    value_stream: ValueStream | None = None,
    currency: str = "EUR",
) -> Investment:
    access.require("write")
    check_target(access, theme, value_stream)
    return create_audited(
        access.user,
        access.organization,
        Investment(
            organization=access.organization,
            theme=theme,
            value_stream=value_stream,
            period_start=period_start,
            period_end=period_end,
            planned_amount=planned_amount,
            currency=currency.upper(),
        ),
    )


@transaction.atomic
def update_investment(
    access: Access, investment: Investment, /, *, version: int, **changes: Any
) -> Investment:
    access.require("write")
    refuse_unknown(changes, INVESTMENT_FIELDS)
    theme = changes.get("theme", investment.theme)
    stream = changes.get("value_stream", investment.value_stream)
    check_target(access, theme, stream)
    if "currency" in changes:
        changes["currency"] = changes["currency"].upper()
    return update_versioned(
        access.user, access.organization, investment, version=version, changes=as_ids(changes)
    )


def delete_investment(access: Access, investment: Investment) -> None:
    delete_record(access, investment)


def check_spent_on(investment: Investment, spent_on: dt.date) -> None:
    if not investment.period_start <= spent_on <= investment.period_end:
        raise Invalid(
            f"Money spent on {spent_on} falls outside the investment's period "
            f"({investment.period_start} to {investment.period_end}).",
            fields={"spent_on": "Choose a date within the investment's period."},
        )


@transaction.atomic
def record_spend(
    access: Access,
    investment: Investment,
    *,
    amount: Decimal,
    spent_on: dt.date,
    category: str = "",
    note: str = "",
) -> Spend:
    access.require("write")
    check_spent_on(investment, spent_on)
    return create_audited(
        access.user,
        access.organization,
        Spend(
            organization=access.organization,
            investment=investment,
            amount=amount,
            spent_on=spent_on,
            category=category,
            note=note,
        ),
    )


@transaction.atomic
def update_spend(access: Access, spend: Spend, /, *, version: int, **changes: Any) -> Spend:
    access.require("write")
    refuse_unknown(changes, {"amount", "spent_on", "category", "note"})
    if "spent_on" in changes:
        check_spent_on(spend.investment, changes["spent_on"])
    return update_versioned(
        access.user, access.organization, spend, version=version, changes=changes
    )


def delete_spend(access: Access, spend: Spend) -> None:
    delete_record(access, spend)


# Coalition bodies --------------------------------------------------------------------------


def clean_authorities(authorities: Iterable[str]) -> list[str]:
    """Known authorities only, in Authority's order, so equal sets compare equal."""
    given = set(authorities)
    unknown = sorted(given - set(Authority.values))
    if unknown:
        raise Invalid(
            f"Unknown authority: {', '.join(unknown)}.",
            fields={"authorities": "Choose from " + ", ".join(Authority.values) + "."},
        )
    return [authority for authority in Authority.values if authority in given]


@transaction.atomic
def create_body(
    access: Access,
    *,
    name: str,
    kind: str,
    description: str = "",
    authorities: Iterable[str] = (),
    members: Sequence[Person] = (),
) -> CoalitionBody:
    access.require("write")
    return create_with_related(
        access,
        CoalitionBody(
            organization=access.organization,
            name=name,
            kind=kind,
            description=description,
            authorities=clean_authorities(authorities),
        ),
        {"members": same_org(access, members, "person")},
    )


@transaction.atomic
def update_body(
    access: Access,
    body: CoalitionBody,
    *,
    version: int,
    members: Sequence[Person] | None = None,
    **changes: Any,
) -> CoalitionBody:
    access.require("write")
    refuse_unknown(changes, {"name", "kind", "description", "authorities"})
    if "authorities" in changes:
        changes["authorities"] = clean_authorities(changes["authorities"])
    if members is not None:
        same_org(access, members, "person")
    return update_with_related(
        access, body, version=version, changes=changes, related={"members": members}
    )


def delete_body(access: Access, body: CoalitionBody) -> None:
    delete_record(access, body)


@transaction.atomic
def add_body_member(access: Access, body: CoalitionBody, person: Person) -> CoalitionBody:
    access.require("write")
    same_org(access, [person], "person")
    current = list(body.members.all())
    if person not in current:
        set_related(access, body, "members", [*current, person])
    return body


@transaction.atomic
def remove_body_member(access: Access, body: CoalitionBody, person: Person) -> CoalitionBody:
    access.require("write")
    current = list(body.members.all())
    if person in current:
        set_related(access, body, "members", [p for p in current if p.pk != person.pk])
    return body


@transaction.atomic
def add_responsibility(
    access: Access,
    body: CoalitionBody,
    *,
    kind: str,
    theme: Theme | None = None,
    description: str = "",
) -> Responsibility:
    access.require("write")
    if theme is not None:
        same_org(access, [theme], "theme")
    return create_audited(
        access.user,
        access.organization,
        Responsibility(
            organization=access.organization,
            body=body,
            kind=kind,
            theme=theme,
            description=description,
        ),
    )


@transaction.atomic
def update_responsibility(
    access: Access, responsibility: Responsibility, /, *, version: int, **changes: Any
) -> Responsibility:
    access.require("write")
    refuse_unknown(changes, {"kind", "theme", "description"})
    if changes.get("theme") is not None:
        same_org(access, [changes["theme"]], "theme")
    return update_versioned(
        access.user,
        access.organization,
        responsibility,
        version=version,
        changes=as_ids(changes),
    )


def delete_responsibility(access: Access, responsibility: Responsibility) -> None:
    delete_record(access, responsibility)


# Decision log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkTarget:
    """A record a decision affects, named as the audit trail names it."""

    object_type: str
    object_id: str
    label: str

    @classmethod
    def of(cls, record: models.Model) -> LinkTarget:
        return cls(object_type(record), str(record.pk), str(record)[:300])


def as_target(link: LinkTarget | models.Model | tuple[str, Any, str]) -> LinkTarget:
    if isinstance(link, LinkTarget):
        return link
    if isinstance(link, models.Model):
        return LinkTarget.of(link)
    kind, pk, label = link
    return LinkTarget(str(kind), str(pk), str(label))


def check_made_by(access: Access, body: CoalitionBody | None, person: Person | None) -> None:
    same_org(access, [record for record in (body, person) if record is not None], "decider")


def check_supersession(decision: Decision | None, status: str, superseded_by: Any) -> None:
    if superseded_by is None:
        return
    if status != DecisionStatus.SUPERSEDED:
        raise Invalid(
            "Only a superseded decision names the decision that replaced it.",
            fields={"superseded_by": "Set the status to superseded, or leave this empty."},
        )
    if decision is not None and superseded_by.pk == decision.pk:
        raise Invalid(
            "A decision cannot supersede itself.",
            fields={"superseded_by": "Choose another decision."},
        )


def tell_leadership(access: Access, decision: Decision) -> None:
    """Identity and strategy decisions go to the owners and admins (DESIGN §2.3)."""
    slug = access.organization.slug
    notify(
        access.organization,
        leadership_of(access.organization),
        kind="decision",
        title=f"{decision.get_status_display()} {decision.get_topic_display().lower()} "
        f"decision: {decision.title}",
        body=(
            f"{access.user.get_full_name() or access.user.get_username()} logged a decision "
            f"about the organization's {decision.get_topic_display().lower()}.\n\n"
            f"{decision.context}\n\n{decision.decision}"
        ).strip(),
        url=reverse("strategy_decision", kwargs={"slug": slug, "decision_id": decision.pk}),
    )


@transaction.atomic
def log_decision(
    access: Access,
    *,
    title: str,
    topic: str = DecisionTopic.OTHER,
    context: str = "",
    decision: str = "",
    status: str = DecisionStatus.PROPOSED,
    decided_on: dt.date | None = None,
    made_by_body: CoalitionBody | None = None,
    made_by_person: Person | None = None,
    superseded_by: Decision | None = None,
    links: Iterable[LinkTarget | models.Model | tuple[str, Any, str]] = (),
) -> Decision:
    """Record a decision in the log, with the records it affects.

    Other apps call this for their own decisions (feedback answers, overrides, waivers) and
    pass their records as ``links``.
    """
    access.require("write")
    check_made_by(access, made_by_body, made_by_person)
    if superseded_by is not None:
        same_org(access, [superseded_by], "decision")
    check_supersession(None, status, superseded_by)
    entry = create_audited(
        access.user,
        access.organization,
        Decision(
            organization=access.organization,
            title=title,
            topic=topic,
            context=context,
            decision=decision,
            status=status,
            decided_on=decided_on or timezone.localdate(),
            made_by_body=made_by_body,
            made_by_person=made_by_person,
            superseded_by=superseded_by,
        ),
    )
    for link in links:
        target = as_target(link)
        add_decision_link(
            access,
            entry,
            object_type=target.object_type,
            object_id=target.object_id,
            label=target.label,
        )
    if entry.concerns_leadership:
        tell_leadership(access, entry)
    return entry


DECISION_FIELDS = {
    "title",
    "topic",
    "context",
    "decision",
    "status",
    "decided_on",
    "made_by_body",
    "made_by_person",
    "superseded_by",
}


@transaction.atomic
def update_decision(
    access: Access, decision: Decision, /, *, version: int, **changes: Any
) -> Decision:
    access.require("write")
    refuse_unknown(changes, DECISION_FIELDS)
    check_made_by(access, changes.get("made_by_body"), changes.get("made_by_person"))
    if changes.get("superseded_by") is not None:
        same_org(access, [changes["superseded_by"]], "decision")
    check_supersession(
        decision,
        changes.get("status", decision.status),
        changes.get("superseded_by", decision.superseded_by),
    )
    concerned_before = decision.concerns_leadership
    update_versioned(
        access.user, access.organization, decision, version=version, changes=as_ids(changes)
    )
    if decision.concerns_leadership and not concerned_before:
        tell_leadership(access, decision)
    return decision


def delete_decision(access: Access, decision: Decision) -> None:
    delete_record(access, decision)


def add_decision_link(
    access: Access, decision: Decision, *, object_type: str, object_id: str, label: str
) -> DecisionLink:
    return create_record(
        access,
        DecisionLink(
            organization=access.organization,
            decision=decision,
            object_type=object_type,
            object_id=str(object_id),
            label=label,
        ),
    )


def remove_decision_link(access: Access, link: DecisionLink) -> None:
    delete_record(access, link)
