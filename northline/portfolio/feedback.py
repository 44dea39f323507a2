"""The feedback loop (DESIGN §2.5): is the rest of an epic still worth more than what waits?

For a whole organization at once, in a constant number of queries (the candidate from one query
in WSJF order, epics with their lagging indicators, story points, the leading indicators of done
stories, and every reading through one ``health_of`` call), it works out per epic in doing (and
for the candidate, and any epic a caller asks about):

* done share = done story points / all story points (0 when there are none);
* realized share = mean progress of the lagging indicators (0 without readings);
* remaining WSJF = cost of delay × (1 − realized) / max(job size × (1 − done), 1);

then the best candidate (the highest-WSJF epic in ``todo`` with a complete business case) and
the recommendations that hold for epics in ``doing``:

* ``close_lower_return``: remaining WSJF below the candidate's WSJF (equal is not below);
* ``pivot_outcome_not_moving``: a lagging indicator stalled or off track after at least three
  readings, or every leading indicator of the epic's done stories stalled.

Progress, pace and stalled come from northline.measures.rules through ``health_of``; nothing
here judges an indicator itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from northline.measures.models import Indicator
from northline.measures.rules import Health
from northline.measures.selectors import health_of
from northline.orgs.models import Organization
from northline.portfolio import rules
from northline.portfolio.models import (
    Epic,
    EpicState,
    RecommendationKind,
    Story,
    StoryState,
)

# A lagging indicator needs this many readings before "not moving" counts against its epic.
PIVOT_AFTER_READINGS = 3


def number(value: float) -> str:
    """A WSJF as people write it: at most two decimals, no trailing zeros (3, 2.5, 2.67)."""
    cents = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{cents:f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class EpicFeedback:
    """The feedback loop's numbers for one epic."""

    epic: Epic
    cost_of_delay: int | None
    wsjf: float | None
    points_done: int
    points_total: int
    done_share: float
    realized_share: float
    remaining_wsjf: float | None
    # Lagging indicators (in name order) with their health.
    lagging: list[tuple[Indicator, Health]] = field(default_factory=list)
    # Leading indicators of the epic's done stories, with their health.
    done_leading: list[tuple[Indicator, Health]] = field(default_factory=list)

    @property
    def stalled(self) -> bool:
        return any(health.stalled for _, health in self.lagging)

    @property
    def not_moving(self) -> list[tuple[Indicator, Health]]:
        """Lagging indicators that need attention (stalled or off track) after enough readings
        to judge."""
        return [
            (indicator, health)
            for indicator, health in self.lagging
            if health.readings >= PIVOT_AFTER_READINGS and health.needs_attention
        ]

    @property
    def leading_all_stalled(self) -> bool:
        return bool(self.done_leading) and all(health.stalled for _, health in self.done_leading)


@dataclass(frozen=True)
class Finding:
    """A recommendation that holds now; ``key`` tells one situation from another, so an
    answered "keep" is not asked again until the situation changes."""

    epic: Epic
    kind: str
    message: str
    details: dict[str, Any]
    candidate: Epic | None
    key: str


@dataclass
class Feedback:
    epics: dict[int, EpicFeedback]
    candidate: EpicFeedback | None
    findings: list[Finding]

    def for_epic(self, epic_id: int) -> EpicFeedback | None:
        return self.epics.get(epic_id)


def compute(
    organization: Organization,
    *,
    epic_ids: Iterable[int] = (),
    at: dt.datetime | None = None,
) -> Feedback:
    """The loop over what its recommendations depend on: every epic in doing, the best
    candidate waiting in todo, and ``epic_ids`` (in any state) for a caller that shows them.

    The rest of To do never enters a recommendation, so it is not read: the candidate comes
    from one query in WSJF order (:func:`candidate_epic`), and the work grows with the epics
    in progress, not with the size of the backlog."""
    moment = at or timezone.now()
    wanted = set(epic_ids)
    candidate_epic_ = candidate_epic(organization)
    if candidate_epic_ is not None:
        wanted.add(candidate_epic_.pk)
    epics = list(
        Epic.objects.filter(organization=organization)
        .filter(Q(state=EpicState.DOING) | Q(pk__in=wanted))
        .select_related("team")
        .prefetch_related("lagging_indicators")
    )
    results = numbers_of(epics, moment)
    candidate = results.get(candidate_epic_.pk) if candidate_epic_ is not None else None
    findings: list[Finding] = []
    for item in results.values():
        if item.epic.state != EpicState.DOING:
            continue
        close = close_finding(item, candidate)
        if close is not None:
            findings.append(close)
        pivot = pivot_finding(item)
        if pivot is not None:
            findings.append(pivot)
    return Feedback(epics=results, candidate=candidate, findings=findings)


# How many To do epics one query of the candidate's scan reads; the first is nearly always it,
# since an epic needs a whole business case to enter To do.
CANDIDATE_SCAN = 50


def candidate_epic(organization: Organization) -> Epic | None:
    """The best candidate: the highest-WSJF epic in To do with a complete business case, the
    older (lower id) of equals; None when no epic in To do qualifies.

    The database sorts To do by the rules' own WSJF expression (the same quotient in floating
    point, so the same order and the same ties); the business case is then judged here by
    :func:`rules.business_case_complete`, row by row, until one holds."""
    ordered = (
        Epic.objects.filter(organization=organization, state=EpicState.TODO)
        .annotate(wsjf_value=rules.wsjf_expression(), lagging_count=Count("lagging_indicators"))
        .filter(wsjf_value__isnull=False)
        .order_by(F("wsjf_value").desc(), "id")
        .only("id", "what", "why")
    )
    start = 0
    while True:
        rows = list(ordered[start : start + CANDIDATE_SCAN])
        for epic in rows:
            if rules.business_case_complete(epic.what, epic.why, epic.lagging_count):
                return epic
        if len(rows) < CANDIDATE_SCAN:
            return None
        start += CANDIDATE_SCAN


def numbers_of(epics: list[Epic], moment: dt.datetime) -> dict[int, EpicFeedback]:
    """Each epic's numbers (done, realized and remaining WSJF, indicator health) in a constant
    number of queries: story points, the leading indicators of done stories, and every reading
    through one ``health_of`` call. ``epics`` come with their lagging indicators prefetched."""
    ids = [epic.pk for epic in epics]
    points = {
        row["epic_id"]: (row["done"] or 0, row["total"] or 0)
        for row in Story.objects.filter(epic_id__in=ids)
        .values("epic_id")
        .annotate(
            done=Sum("estimate", filter=Q(state=StoryState.DONE)),
            total=Sum("estimate"),
        )
    }
    leading_links = list(
        Story.leading_indicators.through.objects.filter(
            story__epic_id__in=ids, story__state=StoryState.DONE
        )
        .order_by("indicator__name", "indicator_id")
        .values_list("story__epic_id", "indicator_id")
    )
    leading_ids = {indicator_id for _, indicator_id in leading_links}
    leading_by_id = {
        indicator.pk: indicator for indicator in Indicator.objects.filter(pk__in=leading_ids)
    }
    indicators: dict[int, Indicator] = dict(leading_by_id)
    for epic in epics:
        for indicator in epic.lagging_indicators.all():
            indicators[indicator.pk] = indicator
    healths = health_of(indicators.values(), at=moment)

    done_leading: dict[int, list[tuple[Indicator, Health]]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for epic_id, indicator_id in leading_links:
        if (epic_id, indicator_id) not in seen:
            seen.add((epic_id, indicator_id))
            done_leading[epic_id].append((indicators[indicator_id], healths[indicator_id]))

    results: dict[int, EpicFeedback] = {}
    for epic in epics:
        lagging = [
            (indicator, healths[indicator.pk])
            for indicator in sorted(epic.lagging_indicators.all(), key=lambda i: (i.name, i.pk))
        ]
        done, total = points.get(epic.pk, (0, 0))
        done_share = done / total if total else 0.0
        realized = sum(health.progress for _, health in lagging) / len(lagging) if lagging else 0.0
        delay = rules.cost_of_delay_of(epic)
        score = rules.wsjf_of(epic)
        remaining = (
            rules.remaining_wsjf(delay, epic.job_size, realized, done_share)
            if delay is not None and epic.job_size
            else None
        )
        results[epic.pk] = EpicFeedback(
            epic=epic,
            cost_of_delay=delay,
            wsjf=score,
            points_done=done,
            points_total=total,
            done_share=done_share,
            realized_share=realized,
            remaining_wsjf=remaining,
            lagging=lagging,
            done_leading=done_leading.get(epic.pk, []),
        )
    return results


def close_finding(item: EpicFeedback, candidate: EpicFeedback | None) -> Finding | None:
    if candidate is None or candidate.wsjf is None or item.remaining_wsjf is None:
        return None
    if not rules.below(item.remaining_wsjf, candidate.wsjf):
        return None
    epic, other = item.epic, candidate.epic
    message = (
        f"The rest of “{epic.title}” is worth a remaining WSJF of "
        f"{number(item.remaining_wsjf)}, below the WSJF of {number(candidate.wsjf)} of "
        f"“{other.title}”, the best candidate waiting in To do. Consider closing this epic "
        f"and starting “{other.title}”."
    )
    details = {
        "remaining_wsjf": round(item.remaining_wsjf, 4),
        "candidate_wsjf": round(candidate.wsjf, 4),
        "candidate_id": other.pk,
        "candidate_title": other.title,
        "done_share": round(item.done_share, 4),
        "realized_share": round(item.realized_share, 4),
    }
    return Finding(
        epic=epic,
        kind=RecommendationKind.CLOSE_LOWER_RETURN,
        message=message,
        details=details,
        candidate=other,
        key=f"candidate:{other.pk}",
    )


def pivot_finding(item: EpicFeedback) -> Finding | None:
    not_moving = item.not_moving
    leading_stalled = item.leading_all_stalled
    if not not_moving and not leading_stalled:
        return None
    reasons = [
        f"“{indicator.name}” is "
        f"{'not moving' if health.stalled else 'off track'} after {health.readings} readings"
        for indicator, health in not_moving
    ]
    if leading_stalled:
        names = ", ".join(f"“{indicator.name}”" for indicator, _ in item.done_leading)
        reasons.append(f"every leading indicator of its done stories has stalled ({names})")
    message = (
        f"The outcome of “{item.epic.title}” is not moving: {'; '.join(reasons)}. "
        "Consider a pivot: a new epic that tries another way to the same outcome."
    )
    details = {
        "lagging": [
            {
                "id": indicator.pk,
                "name": indicator.name,
                "readings": health.readings,
                "stalled": health.stalled,
                "pace": health.pace.value,
            }
            for indicator, health in not_moving
        ],
        "leading_stalled": [indicator.pk for indicator, _ in item.done_leading]
        if leading_stalled
        else [],
    }
    key_ids = sorted(indicator.pk for indicator, _ in not_moving)
    return Finding(
        epic=item.epic,
        kind=RecommendationKind.PIVOT_OUTCOME_NOT_MOVING,
        message=message,
        details=details,
        candidate=None,
        key=f"lagging:{key_ids}|leading:{leading_stalled}",
    )
