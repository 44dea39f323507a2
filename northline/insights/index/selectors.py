"""The alignment index (DESIGN §2.8): five components and their mean.

The components, in the order the design lists them:

1. traceability, 2. coverage, 3. movement: northline.insights.alignment counts them;
4. **governance** (here): four checks, each record one item that passes or lowers it;
5. shared understanding: northline.insights.surveys.understanding scores the pulse surveys.

The index is the mean of the components that have data (``AlignmentIndex.value``); a component
without items says "no data" and is left out of the mean, never given a score.

Governance's checks, for the organization (or, in a team's view, the team's share of them):

* **business cases**: every epic in To do, Doing or Done has a complete business case (the
  portfolio's rule for entering To do: a what, a why and at least one lagging indicator);
* **impactee acknowledgements**: every impactee of a feature in a release that is decided or
  released, or still planned with its date passed, acknowledged on or before the release's
  planned date (a team's view: the impacts on that team);
* **coalition authority** (organization only): every coalition body with responsibilities
  holds the authorities they need (strategy's "responsibility without authority" rule);
* **lab engagements**: every engagement aligning or in residence has an executed partnership
  agreement and its people have completed the training their roles require (a team's view:
  the engagements of that team).

Query cost: :func:`governance` reads impacts (1 query), coalition bodies and their
responsibilities (2, organization only) and engagements with their agreements (2), whatever the
number of epics, stories, objectives and impacts. Each engagement aligning or in residence then
costs the lab's own reads: three for its training readiness
(``lab.engagements.selectors.readiness``) and three per agreement not terminated
(``lab.agreements.selectors.agreement_state``). A lab hosts a handful of such engagements at a
time; these are read through the lab's selectors rather than batched here so that the readiness
and execution rules stay in one place.

At the end, the reads of the daily snapshots that keep the index's trend
(:func:`northline.insights.index.services.take_snapshots` takes them).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from northline.delivery import rules as delivery_rules
from northline.delivery.models import Impact, ImpactRole, ReleaseStatus
from northline.insights.alignment import (
    Alignment,
    coverage,
    first_three,
    load,
    movement,
    traceability,
)
from northline.insights.components import COMPONENT_KEYS, AlignmentIndex, Component, Lowering
from northline.insights.models import Snapshot
from northline.insights.surveys.understanding import understanding
from northline.lab.agreements import selectors as agreement_selectors
from northline.lab.engagements.selectors import readiness
from northline.lab.models import (
    Agreement,
    AgreementStatus,
    Engagement,
    EngagementStatus,
    TrainingStatus,
)
from northline.lib.errors import Invalid
from northline.lib.memory import bulk_read
from northline.orgs.access import Access
from northline.orgs.models import Team
from northline.portfolio import rules as portfolio_rules
from northline.portfolio.models import EpicState
from northline.strategy.models import CoalitionBody
from northline.strategy.selectors import authority_label, missing_authorities_of

GOVERNANCE_EXPLANATION = (
    "Epics past the funnel with a complete business case, impactees who acknowledged before "
    "their release, coalition bodies holding the authority their responsibilities need, and "
    "lab engagements with an executed agreement and trained people, out of all of them."
)
TEAM_LEAVES_OUT_AUTHORITY = (
    "A team's view leaves out the coalition's authority: coalition bodies answer to the "
    "whole organization."
)

# Governance's parts, in the order pages show them.
BUSINESS_CASES = "business cases"
ACKNOWLEDGEMENTS = "impactee acknowledgements"
AUTHORITY = "coalition authority"
ENGAGEMENTS = "lab engagements"

PAST_FUNNEL = (EpicState.TODO, EpicState.DOING, EpicState.DONE)
ACTIVE_ENGAGEMENTS = (EngagementStatus.ALIGNING, EngagementStatus.IN_RESIDENCE)
TRAINING_WORDS = {status.value: status.label.lower() for status in TrainingStatus} | {
    "missing": "no record"
}
# Names listed in a reason before "and N more".
NAMES_SHOWN = 3


def listing(names: list[str]) -> str:
    shown = names[:NAMES_SHOWN]
    rest = len(names) - len(shown)
    return "; ".join(shown) + (f"; and {rest} more" if rest else "")


# Governance, check by check ---------------------------------------------------------------------


def business_cases(alignment: Alignment, component: Component) -> None:
    """Every epic in To do, Doing or Done in scope, judged by the portfolio's rule for entering
    To do (read from the loaded graph: no query)."""
    passed = total = 0
    for epic in alignment.epics.values():
        if epic.state not in PAST_FUNNEL or not alignment.epic_in_scope(epic):
            continue
        total += 1
        gaps = list(
            portfolio_rules.business_case_gaps(
                epic.what, epic.why, len(alignment.epic_indicators.get(epic.pk, ()))
            ).values()
        )
        if not gaps:
            passed += 1
            continue
        component.lowering.append(
            Lowering(
                object_type="portfolio.epic",
                object_id=epic.pk,
                label=epic.title,
                reason=(
                    f"in {portfolio_rules.STATE_LABELS[epic.state]} with an incomplete "
                    "business case: " + " ".join(gaps)
                ),
            )
        )
    component.add_part(BUSINESS_CASES, passed, total)


def due_impacts(access: Access, alignment: Alignment) -> list[Impact]:
    """Impactee impacts whose release is decided or released, or planned with its date passed
    (one query)."""
    today = timezone.localdate(alignment.at)
    due = Q(feature__release__status__in=(ReleaseStatus.DECIDED, ReleaseStatus.RELEASED)) | Q(
        feature__release__status=ReleaseStatus.PLANNED, feature__release__planned_date__lt=today
    )
    impacts = Impact.objects.filter(
        due, organization=access.organization, role=ImpactRole.IMPACTEE
    ).select_related("feature__release", "team")
    if alignment.team is not None:
        impacts = impacts.filter(team=alignment.team)
    return list(impacts.order_by("feature__release__planned_date", "feature__title", "id"))


RELEASE_WORDS = {
    ReleaseStatus.DECIDED: "decided for",
    ReleaseStatus.RELEASED: "released, planned for",
    ReleaseStatus.PLANNED: "still planned for",
}


def acknowledgement_gap(impact: Impact) -> str | None:
    """Why the impact counts against governance, or None when it was acknowledged in time
    (on or before the release's planned date)."""
    release = impact.feature.release
    assert release is not None  # due_impacts reads only impacts of features in a release
    planned = release.planned_date
    where = f"release {release.name}, {RELEASE_WORDS[ReleaseStatus(release.status)]} {planned}"
    if not delivery_rules.is_ready([impact]):
        return f"{impact.team.name} has not acknowledged it; {where}"
    assert impact.acknowledged_at is not None
    acknowledged_on = timezone.localdate(impact.acknowledged_at)
    days_after = -delivery_rules.days_left(acknowledged_on, planned)
    if days_after <= 0:
        return None
    return (
        f"{impact.team.name} acknowledged it on {acknowledged_on}, {days_after} "
        f"day{'s' if days_after != 1 else ''} after the planned date; {where}"
    )


def acknowledgements(access: Access, alignment: Alignment, component: Component) -> None:
    passed = total = 0
    slug = access.organization.slug
    for impact in due_impacts(access, alignment):
        total += 1
        gap = acknowledgement_gap(impact)
        if gap is None:
            passed += 1
            continue
        # Impacts have no page of their own: they are shown on their feature's page.
        url = reverse("delivery_feature", args=[slug, impact.feature_id]) + f"#impact-{impact.pk}"
        component.lowering.append(
            Lowering(
                object_type="delivery.impact",
                object_id=impact.pk,
                label=f"{impact.feature.title} → {impact.team.name}",
                reason=gap,
                url=url,
            )
        )
    component.add_part(ACKNOWLEDGEMENTS, passed, total)


def coalition_authority(access: Access, component: Component) -> None:
    """Bodies with at least one responsibility, judged by strategy's authority rule (two
    queries)."""
    bodies = list(
        CoalitionBody.objects.filter(
            organization=access.organization, responsibilities__isnull=False
        )
        .distinct()
        .order_by("name", "id")
    )
    missing = missing_authorities_of(bodies)
    passed = 0
    for body in bodies:
        lacking = missing[body.pk]
        if not lacking:
            passed += 1
            continue
        component.lowering.append(
            Lowering(
                object_type="strategy.coalitionbody",
                object_id=body.pk,
                label=body.name,
                reason=(
                    "responsibility without authority: its responsibilities need "
                    + ", ".join(authority_label(authority) for authority in lacking)
                    + ", which it does not hold"
                ),
            )
        )
    component.add_part(AUTHORITY, passed, len(bodies))


def agreement_gap(access: Access, found: list[Agreement]) -> str | None:
    """None when one of the engagement's agreements is executed (judged from its initials by
    the lab's grid, so a tampered initial does not count), else why not."""
    if not found:
        return "no partnership agreement yet"
    described = []
    for agreement in found:
        grid = agreement_selectors.agreement_state(access, agreement)
        if grid.executed:
            return None
        described.append(
            f"“{agreement.title}” is {agreement.get_status_display().lower()} with "
            f"{grid.counts.get(agreement_selectors.VALID, 0)} of {grid.total} cells initialed"
        )
    return "agreement not executed: " + "; ".join(described)


def training_gap(access: Access, engagement: Engagement) -> str | None:
    state = readiness(access, engagement)
    if not state.missing:
        return None
    names = [
        f"{person.name} lacks {course.name} "
        f"({TRAINING_WORDS.get(state.cells[(person.pk, course.pk)], 'no record')})"
        for person, course in state.missing
    ]
    return "training incomplete: " + listing(names)


def lab_engagements(access: Access, alignment: Alignment, component: Component) -> None:
    engagements = Engagement.objects.filter(
        organization=access.organization, status__in=ACTIVE_ENGAGEMENTS
    ).select_related("team", "product_owner", "executive_sponsor")
    if alignment.team is not None:
        engagements = engagements.filter(team=alignment.team)
    listed = list(engagements.order_by("title", "id"))
    by_engagement: dict[int, list[Agreement]] = {engagement.pk: [] for engagement in listed}
    if listed:
        for agreement in (
            Agreement.objects.filter(engagement__in=list(by_engagement))
            .exclude(status=AgreementStatus.TERMINATED)
            .order_by("-id")
        ):
            by_engagement[agreement.engagement_id].append(agreement)
    passed = 0
    for engagement in listed:
        gaps = [
            gap
            for gap in (
                agreement_gap(access, by_engagement[engagement.pk]),
                training_gap(access, engagement),
            )
            if gap is not None
        ]
        if not gaps:
            passed += 1
            continue
        component.lowering.append(
            Lowering(
                object_type="lab.engagement",
                object_id=engagement.pk,
                label=engagement.title,
                reason=f"{engagement.get_status_display().lower()}; " + "; ".join(gaps),
            )
        )
    component.add_part(ENGAGEMENTS, passed, len(listed))


def governance(alignment: Alignment, access: Access) -> Component:
    """Governance's four checks over the loaded graph; every checked record is one item.

    ``access`` gives the organization (the graph does not carry it) and is what the lab's
    selectors read with.
    """
    component = Component(key="governance", explanation=GOVERNANCE_EXPLANATION)
    business_cases(alignment, component)
    acknowledgements(access, alignment, component)
    if alignment.team is None:
        coalition_authority(access, component)
    else:
        component.explanation = f"{GOVERNANCE_EXPLANATION} {TEAM_LEAVES_OUT_AUTHORITY}"
    lab_engagements(access, alignment, component)
    return component


# The index ----------------------------------------------------------------------------------------


@bulk_read
def alignment_index(
    access: Access, team: Team | None = None, at: dt.datetime | None = None
) -> AlignmentIndex:
    """The five components in DESIGN order, for the organization or one of its teams (a bulk
    read: judging the whole graph builds as many objects as loading it)."""
    return index_of(access, load(access, team=team, at=at))


def index_of(access: Access, alignment: Alignment) -> AlignmentIndex:
    """The index of a loaded graph, in the graph's scope (the organization, or its team)."""
    components = [
        *first_three(alignment),
        governance(alignment, access),
        understanding(access, team=alignment.team),
    ]
    return AlignmentIndex(components=components, team_id=alignment.team_id)


def component_of(access: Access, key: str, team: Team | None = None) -> Component:
    """One component alone, for its drill-down page (the others are not computed)."""
    if key not in COMPONENT_KEYS:
        raise KeyError(key)
    if key == "understanding":
        return understanding(access, team=team)
    alignment = load(access, team=team)
    if key == "governance":
        return governance(alignment, access)
    return {"traceability": traceability, "coverage": coverage, "movement": movement}[key](
        alignment
    )


# Reads ------------------------------------------------------------------------------------------


def snapshots(
    access: Access,
    *,
    team: Team | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Snapshot]:
    """The organization's (or one team's) snapshots from ``since`` to ``until``, oldest first."""
    if since is not None and until is not None and since > until:
        raise Invalid(
            f"The range starts on {since:%Y-%m-%d}, after it ends ({until:%Y-%m-%d}).",
            fields={"since": "On or before “until”."},
        )
    queryset = Snapshot.objects.filter(organization=access.organization)
    queryset = queryset.filter(team=team) if team is not None else queryset.filter(team=None)
    if since is not None:
        queryset = queryset.filter(taken_on__gte=since)
    if until is not None:
        queryset = queryset.filter(taken_on__lte=until)
    return queryset.order_by("taken_on", "id")


def component_values(snapshot: Snapshot) -> dict[str, float | None]:
    """A snapshot's component values by key, every key present (null: no data that day)."""
    stored = snapshot.components or {}
    return {key: stored.get(key) for key in COMPONENT_KEYS}
