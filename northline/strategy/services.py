"""Every write to the strategy records (STYLE §2): one transaction each, audited and versioned.

Callers resolve records through ``northline.strategy.access``; each service re-checks that the
caller may write strategy records (editors and above), so none can be skipped. Later apps record
their decisions through :func:`log_decision`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
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
    object_type,
    snapshot,
    stale,
    validate,
)
from northline.orgs.models import Organization, Person, Team
from northline.orgs.services import (
    RecordWrites,
    add_record,
    change_record,
    check_changes,
    create_record,
    delete_record,
    known_choices,
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
    return add_record(access, revision)


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
    change_record(access, instance, version=version, changes=changes)
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


class LinkedWrites[R: models.Model](RecordWrites[R]):
    """The plain writes of a record whose many-to-many links are set with it (a SWOT item's
    themes, a value stream's teams, a body's members): ``links`` names each link and how a
    record of another organization in it is refused; the links' ids are audited with the
    record, and an edit of fields and links bumps the version once."""

    def __init__(
        self,
        *,
        editable: Collection[str],
        links: Mapping[str, str],
        clean: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        super().__init__(editable=editable, clean=clean)
        self.links = dict(links)

    @transaction.atomic
    def create(self, access: Access, record: R, **links: Sequence[models.Model]) -> R:
        access.require(self.right)
        return create_with_related(
            access,
            record,
            {
                name: same_org(access, links.get(name, ()), label)
                for name, label in self.links.items()
            },
        )

    @transaction.atomic
    def update(self, access: Access, record: R, /, *, version: int, **changes: Any) -> R:
        related = {name: changes.pop(name, None) for name in self.links}
        check_changes(access, changes, editable=self.editable, right=self.right, clean=self.clean)
        for name, records in related.items():
            if records is not None:
                same_org(access, records, self.links[name])
        return update_with_related(
            access, record, version=version, changes=changes, related=related
        )


# SWOT --------------------------------------------------------------------------------------


SWOT_ITEMS = LinkedWrites[SwotItem](editable={"kind", "statement"}, links={"themes": "theme"})


def create_swot_item(
    access: Access, *, kind: str, statement: str, themes: Sequence[Theme] = ()
) -> SwotItem:
    return SWOT_ITEMS.create(
        access,
        SwotItem(organization=access.organization, kind=kind, statement=statement),
        themes=themes,
    )


# update_swot_item(access, item, version=…, themes=…, kind=…, statement=…)
update_swot_item = SWOT_ITEMS.update
delete_swot_item = SWOT_ITEMS.delete


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


VALUE_STREAMS = LinkedWrites[ValueStream](editable={"name", "description"}, links={"teams": "team"})


def create_value_stream(
    access: Access, *, name: str, description: str = "", teams: Sequence[Team] = ()
) -> ValueStream:
    return VALUE_STREAMS.create(
        access,
        ValueStream(organization=access.organization, name=name, description=description),
        teams=teams,
    )


# update_value_stream(access, stream, version=…, teams=…, name=…, description=…)
update_value_stream = VALUE_STREAMS.update
delete_value_stream = VALUE_STREAMS.delete


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
    return add_record(
        access,
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
    return change_record(access, investment, version=version, changes=as_ids(changes))


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
    return add_record(
        access,
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
    return change_record(access, spend, version=version, changes=changes)


def delete_spend(access: Access, spend: Spend) -> None:
    delete_record(access, spend)


# Coalition bodies --------------------------------------------------------------------------


def clean_authorities(authorities: Iterable[str]) -> list[str]:
    """Known authorities only, in Authority's order, so equal sets compare equal."""
    return known_choices(
        authorities, Authority.values, unknown="Unknown authority", field="authorities"
    )


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


BODIES = LinkedWrites[CoalitionBody](
    editable={"name", "kind", "description", "authorities"},
    links={"members": "person"},
    clean={"authorities": clean_authorities},
)
# update_body(access, body, version=…, members=…, name=…, kind=…, description=…, authorities=…)
update_body = BODIES.update
delete_body = BODIES.delete


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
    return add_record(
        access,
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
    return change_record(access, responsibility, version=version, changes=as_ids(changes))


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
    entry = add_record(
        access,
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
    change_record(access, decision, version=version, changes=as_ids(changes))
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
