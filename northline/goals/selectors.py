"""Reads of periods, objectives and key results, and the progress that rolls up through them.

The rules (progress, pace, stalled) live in ``northline.measures.rules``; this module only
gathers the readings and applies them:

* a key result's progress is its indicator's, judged over its objective's period;
* an objective's is the weighted mean of its key results' progress, or, with no key results,
  the plain mean of its child objectives' (recursively); with neither, 0;
* an objective's pace is the same pace rule applied to that progress over the period;
* the score is the progress judged at the end of the period's last day (0.0–1.0); before the
  period ends it is provisional and equals the progress so far.

:func:`cascade` builds a whole period's tree with a fixed number of queries, whatever the
number of objectives: objectives, key results (with indicators and owners) and readings are
each loaded once and assembled in Python.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Max, QuerySet
from django.utils import timezone

from northline.goals.models import KeyResult, Objective, ObjectiveStatus, Period
from northline.lib.memory import bulk_read
from northline.lib.models import lean
from northline.measures.models import Indicator, Reading
from northline.measures.rules import (
    Health,
    Pace,
    day_start,
    expected_progress,
    judge,
    pace,
    weighted_mean,
)
from northline.measures.selectors import Window, health_of, points_of
from northline.orgs.access import Access
from northline.orgs.models import Person, Team
from northline.strategy.models import Theme

# Plain reads -----------------------------------------------------------------------------


def periods(access: Access) -> QuerySet[Period]:
    return Period.objects.filter(organization=access.organization)


def objectives(
    access: Access,
    *,
    period: int | None = None,
    team: int | None = None,
    status: str | None = None,
) -> QuerySet[Objective]:
    queryset = Objective.objects.filter(organization=access.organization)
    if period is not None:
        queryset = queryset.filter(period_id=period)
    if team is not None:
        queryset = queryset.filter(team_id=team)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def key_results(access: Access, *, objective: int | None = None) -> QuerySet[KeyResult]:
    queryset = KeyResult.objects.filter(organization=access.organization).select_related(
        "indicator"
    )
    if objective is not None:
        queryset = queryset.filter(objective_id=objective)
    return queryset


def check_ins(access: Access, key_result: KeyResult) -> QuerySet[Reading]:
    """A key result's check-ins, oldest first."""
    return Reading.objects.filter(
        organization=access.organization, indicator_id=key_result.indicator_id
    ).select_related("author")


# The check-in cadence --------------------------------------------------------------------


def checkin_due(last_reading_at: dt.datetime | None, every_days: int, now: dt.datetime) -> bool:
    """Due when the key result has no reading within its cadence (never checked in: due)."""
    return last_reading_at is None or last_reading_at <= now - dt.timedelta(days=every_days)


@dataclass(frozen=True)
class CheckInDue:
    """A key result due a check-in, and when it was last checked in (None: never)."""

    key_result: KeyResult
    last_reading_at: dt.datetime | None


def due_for_check_in(key_results: QuerySet[KeyResult], now: dt.datetime) -> list[CheckInDue]:
    """Of ``key_results``, those of objectives not closed, in a period that contains today,
    with no reading within their cadence (:func:`checkin_due`). The longest waiting first,
    never checked in before all. One query, whatever the number of key results: My work and
    the weekly check-in reminder read it."""
    today = timezone.localdate(now)
    rows = (
        key_results.filter(
            objective__period__starts_on__lte=today,
            objective__period__ends_on__gte=today,
        )
        .exclude(objective__status=ObjectiveStatus.CLOSED)
        .select_related("objective")
        .annotate(last_reading_at=Max("indicator__readings__recorded_at"))
        .order_by("title", "id")
    )
    due = [
        CheckInDue(key_result=kr, last_reading_at=kr.last_reading_at)
        for kr in rows
        if checkin_due(kr.last_reading_at, kr.checkin_every_days, now)
    ]
    due.sort(key=lambda item: (item.last_reading_at is not None, item.last_reading_at))
    return due


def teams(access: Access) -> QuerySet[Team]:
    return Team.objects.filter(organization=access.organization)


def people(access: Access) -> QuerySet[Person]:
    return Person.objects.filter(organization=access.organization)


def themes(access: Access) -> QuerySet[Theme]:
    return Theme.objects.filter(organization=access.organization)


def current_period(access: Access, today: dt.date | None = None) -> Period | None:
    """The period that contains today (the shortest if several do), else the latest to start."""
    day = today or timezone.localdate()
    containing = (
        periods(access)
        .filter(starts_on__lte=day, ends_on__gte=day)
        .order_by("ends_on", "-starts_on", "id")
        .first()
    )
    return containing or periods(access).first()


def objective_count(access: Access, period: Period) -> int:
    return Objective.objects.filter(organization=access.organization, period=period).count()


# Progress --------------------------------------------------------------------------------


def period_window(period: Period) -> Window:
    return (period.starts_on, period.ends_on)


def period_end(period: Period) -> dt.datetime:
    """The end of the period's last day: check-ins made on that day still count."""
    return day_start(period.ends_on + dt.timedelta(days=1))


def score_is_final(period: Period, at: dt.datetime) -> bool:
    """Whether the period has ended at ``at``, so its scores no longer change."""
    return period_end(period) <= at


def score_moment(period: Period, at: dt.datetime) -> dt.datetime:
    """When a key result's score is judged: at the end of its period's last day, or, while the
    period runs, at ``at`` (the score so far)."""
    return min(period_end(period), at)


def key_result_scores(
    results: Iterable[tuple[KeyResult, Period]], at: dt.datetime
) -> dict[int, float]:
    """The score of each key result (with ``indicator`` selected) of its period, as known at
    ``at``: its progress judged at :func:`score_moment` over the period. One query for the
    readings, whatever the number of periods; the one place the score rule is applied."""
    pairs = list(results)
    points = points_of((result.indicator_id for result, _ in pairs), at)
    scores: dict[int, float] = {}
    for result, period in pairs:
        start, end = period_window(period)
        indicator = result.indicator
        scores[result.pk] = judge(
            baseline=indicator.baseline,
            target=indicator.target,
            points=points.get(indicator.pk, []),
            start=start,
            end=end,
            at=score_moment(period, at),
            direction=indicator.direction,
        ).progress
    return scores


@dataclass
class KeyResultProgress:
    """A key result judged now, with its score at the period's end."""

    key_result: KeyResult
    health: Health
    score: float

    @property
    def progress(self) -> float:
        return self.health.progress

    @property
    def pace(self) -> Pace:
        return self.health.pace

    @property
    def stalled(self) -> bool:
        return self.health.stalled

    @property
    def needs_attention(self) -> bool:
        return self.health.needs_attention


@dataclass
class ObjectiveProgress:
    """An objective in the cascade: its progress, pace and score, its key results, children."""

    objective: Objective
    progress: float
    expected: float
    pace: Pace
    score: float
    has_reading: bool
    key_results: list[KeyResultProgress] = field(default_factory=list)
    children: list[ObjectiveProgress] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


@dataclass
class ThemeGroup:
    """Top-level objectives that serve one theme (theme None: aligned to none)."""

    theme: Theme | None
    objectives: list[ObjectiveProgress]


@dataclass
class Cascade:
    """A period's objectives as a tree, grouped by the theme each top-level objective serves."""

    period: Period
    at: dt.datetime
    final: bool  # the period has ended, so scores are final
    groups: list[ThemeGroup]
    nodes: dict[int, ObjectiveProgress]
    # How many objectives the period holds, when ``nodes`` holds only those a filtered page
    # needs (cascade(keep=...)); None: ``nodes`` holds them all.
    total: int | None = None

    @property
    def roots(self) -> list[ObjectiveProgress]:
        return [node for group in self.groups for node in group.objectives]

    @property
    def needs_attention(self) -> list[KeyResultProgress]:
        """Stalled and off-track key results of the objectives shown, the worst first."""
        found = [
            result
            for node in walk(self.roots)
            for result in node.key_results
            if result.needs_attention
        ]
        return sorted(found, key=lambda r: (r.pace.severity, r.progress, r.key_result.pk))

    def __len__(self) -> int:
        return self.total if self.total is not None else len(self.nodes)


def walk(nodes: Iterable[ObjectiveProgress]) -> Iterable[ObjectiveProgress]:
    for node in nodes:
        yield node
        yield from walk(node.children)


def judge_key_results(
    results: list[KeyResult], period: Period, at: dt.datetime
) -> dict[int, KeyResultProgress]:
    """Every key result of one period judged at ``at`` and at the period's end.

    One query for the readings up to ``at``, and one more for the score only once the period
    has ended (before then the score is the progress so far).
    """
    indicators: list[Indicator] = [result.indicator for result in results]
    windows = {indicator.pk: period_window(period) for indicator in indicators}
    now = health_of(indicators, at=at, windows=windows)
    if score_moment(period, at) < at:
        scores = key_result_scores(((result, period) for result in results), at)
    else:
        # The score is judged at ``at`` itself: the progress just judged is the score so far.
        scores = {result.pk: now[result.indicator_id].progress for result in results}
    return {
        result.pk: KeyResultProgress(
            key_result=result, health=now[result.indicator_id], score=scores[result.pk]
        )
        for result in results
    }


def roll_up(
    key_results: Sequence[tuple[float, float, bool]], children: Sequence[tuple[float, bool]]
) -> tuple[float, bool]:
    """An objective's value from its key results' (value, weight, has a reading): their
    weighted mean; with no key results, the plain mean of its children's (value, has a
    reading); with neither, 0. Also whether any of them has a reading. The one place the
    roll-up rule lives: the cascade and the insights map both call it."""
    if key_results:
        mean = weighted_mean([(value, weight) for value, weight, _ in key_results])
        return mean, any(has_reading for _, _, has_reading in key_results)
    if children:
        mean = sum(value for value, _ in children) / len(children)
        return mean, any(has_reading for _, has_reading in children)
    return 0.0, False


def needed_for(
    objectives: Sequence[Objective], keep: Callable[[Objective], bool], with_results: set[int]
) -> set[int]:
    """The objectives whose progress a page showing those ``keep`` accepts depends on: the
    shown ones and their ancestors (so filtered() places them as in the whole tree), and,
    below any of these without key results of its own, its children (roll_up takes their
    progress instead), recursively."""
    by_id = {objective.pk: objective for objective in objectives}
    children_of: dict[int, list[int]] = defaultdict(list)
    for objective in objectives:
        if objective.parent_id in by_id:
            children_of[objective.parent_id].append(objective.pk)
    needed: set[int] = set()
    waiting = [objective.pk for objective in objectives if keep(objective)]
    for pk in list(waiting):
        parent = by_id[pk].parent_id
        while parent in by_id and parent not in needed:
            waiting.append(parent)
            parent = by_id[parent].parent_id
    while waiting:
        pk = waiting.pop()
        if pk in needed:
            continue
        needed.add(pk)
        if pk not in with_results:
            waiting.extend(children_of.get(pk, []))
    return needed


@bulk_read
def cascade(
    access: Access,
    period: Period,
    *,
    at: dt.datetime | None = None,
    keep: Callable[[Objective], bool] | None = None,
) -> Cascade:
    """The period's whole tree: five queries (objectives, the organization's teams, key
    results, readings, and the readings at the period's end once it is over), however many
    objectives there are.

    With ``keep`` (a page that shows only some objectives, pruned with :func:`filtered`), only
    what their progress depends on is read and judged (:func:`needed_for`), with one more
    query; the progress of every objective ``keep`` accepts is the same as in the whole tree.
    A large period builds thousands of records at once, so the read runs with the cyclic
    collector paused (``lib.memory.bulk_read``), as the alignment graph's does.
    """
    moment = at or timezone.now()
    objectives_of_period = list(
        Objective.objects.filter(organization=access.organization, period=period)
        .select_related("owner", "theme")
        .defer(*lean("owner", "theme"))
        .order_by("team__name", "title", "id")
    )
    # Teams read once and shared: joined, one was built for each of a large period's 1,425
    # objectives (the goals page built 1,450 teams to show 50 objectives).
    by_id = {team.pk: team for team in teams(access).defer(*lean())}
    for objective in objectives_of_period:
        objective.team = by_id[objective.team_id] if objective.team_id is not None else None
    total = None
    results_of_period = KeyResult.objects.filter(
        organization=access.organization, objective__period=period
    )
    if keep is not None:
        total = len(objectives_of_period)
        with_results = set(results_of_period.values_list("objective_id", flat=True).distinct())
        needed = needed_for(objectives_of_period, keep, with_results)
        objectives_of_period = [o for o in objectives_of_period if o.pk in needed]
        results_of_period = results_of_period.filter(objective_id__in=needed)
    results = list(
        results_of_period.select_related("indicator", "owner")
        .defer(*lean("indicator", "owner"))
        .order_by("objective_id", "id")
    )
    # Each key result's objective is one already read: not a second copy from a join.
    objective_by_id = {objective.pk: objective for objective in objectives_of_period}
    for result in results:
        result.objective = objective_by_id[result.objective_id]
    judged = judge_key_results(results, period, moment)
    by_objective: dict[int, list[KeyResultProgress]] = defaultdict(list)
    for result in results:
        by_objective[result.objective_id].append(judged[result.pk])
    children_of: dict[int | None, list[Objective]] = defaultdict(list)
    ids = {objective.pk for objective in objectives_of_period}
    for objective in objectives_of_period:
        # Organization-level objectives come before team objectives at every level.
        parent = objective.parent_id if objective.parent_id in ids else None
        children_of[parent].append(objective)
    for siblings in children_of.values():
        siblings.sort(key=lambda o: (o.team_id is not None, o.team.name if o.team else "", o.title))

    expected = expected_progress(period.starts_on, period.ends_on, moment)
    nodes: dict[int, ObjectiveProgress] = {}

    def build(objective: Objective, path: frozenset[int]) -> ObjectiveProgress:
        # ``path`` guards against a cycle the services refuse but a database could still hold.
        children = [
            build(child, path | {objective.pk})
            for child in children_of.get(objective.pk, [])
            if child.pk not in path
        ]
        own = by_objective.get(objective.pk, [])
        progress, has_reading = roll_up(
            [(r.progress, r.key_result.weight, bool(r.health.readings)) for r in own],
            [(child.progress, child.has_reading) for child in children],
        )
        score, _ = roll_up(
            [(r.score, r.key_result.weight, False) for r in own],
            [(child.score, False) for child in children],
        )
        node = ObjectiveProgress(
            objective=objective,
            progress=progress,
            expected=expected,
            pace=pace(
                progress, expected, has_reading=has_reading, start=period.starts_on, at=moment
            ),
            score=score,
            has_reading=has_reading,
            key_results=own,
            children=children,
        )
        nodes[objective.pk] = node
        return node

    roots = [build(objective, frozenset()) for objective in children_of.get(None, [])]
    return Cascade(
        period=period,
        at=moment,
        final=score_is_final(period, moment),
        groups=group_by_theme(roots),
        nodes=nodes,
        total=total,
    )


def group_by_theme(roots: list[ObjectiveProgress]) -> list[ThemeGroup]:
    """Top-level objectives under the theme they serve, themes by name; the unaligned last."""
    grouped: dict[int | None, list[ObjectiveProgress]] = defaultdict(list)
    themes_by_id: dict[int, Theme] = {}
    for node in roots:
        theme = node.objective.theme
        if theme is not None:
            themes_by_id[theme.pk] = theme
        grouped[theme.pk if theme else None].append(node)
    ordered = sorted(themes_by_id.values(), key=lambda theme: (theme.name, theme.pk))
    groups = [ThemeGroup(theme=theme, objectives=grouped[theme.pk]) for theme in ordered]
    if grouped.get(None):
        groups.append(ThemeGroup(theme=None, objectives=grouped[None]))
    return groups


def filtered(tree: Cascade, keep: Callable[[Objective], bool]) -> Cascade:
    """The tree showing only the objectives ``keep`` accepts; progress is not recomputed.

    An objective that is left out hands its shown descendants up to its own place (and theme),
    so a team's objectives stay visible when their organization-level parent is filtered away.
    """

    def prune(nodes: list[ObjectiveProgress]) -> list[ObjectiveProgress]:
        shown: list[ObjectiveProgress] = []
        for node in nodes:
            children = prune(node.children)
            if keep(node.objective):
                shown.append(dataclasses.replace(node, children=children))
            else:
                shown.extend(children)
        return shown

    groups = [ThemeGroup(group.theme, prune(group.objectives)) for group in tree.groups]
    return dataclasses.replace(tree, groups=[group for group in groups if group.objectives])


def objective_progress(
    access: Access, objective: Objective, *, at: dt.datetime | None = None
) -> ObjectiveProgress:
    """One objective's progress, from its period's cascade (so children count)."""
    return cascade(access, objective.period, at=at).nodes[objective.pk]


def key_result_progress(
    key_result: KeyResult, *, at: dt.datetime | None = None
) -> KeyResultProgress:
    moment = at or timezone.now()
    return judge_key_results([key_result], key_result.objective.period, moment)[key_result.pk]


# The objective chooser (northline.lib.choosers) ------------------------------------------------


def objectives_matching(
    access: Access, q: str = "", *, exclude: Iterable[int] = ()
) -> QuerySet[Objective]:
    """The organization's objectives an objective may be aligned to, newest period first, whose
    title contains ``q``."""
    found = (
        Objective.objects.filter(organization=access.organization)
        .exclude(pk__in=list(exclude))
        .select_related("period", "team")
    )
    if q:
        found = found.filter(title__icontains=q)
    return found.order_by("-period__starts_on", "team_id", "title", "pk")


def objective_label(objective: Objective) -> str:
    owner = objective.team.name if objective.team else "Organization"
    return f"{objective.title} ({owner}, {objective.period.name})"
