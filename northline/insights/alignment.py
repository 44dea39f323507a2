"""The alignment graph (DESIGN §2.8): strategy and work read once, and the rules that say how
they connect.

:func:`load` reads an organization's mission, themes, objectives, key results, epics and the
active work under them with a fixed number of queries, whatever the number of rows (the map and
the index of an organization with 12,000 stories cost the same queries as one with twelve). The
map draws it; the index's first three components count it:

* **active work** is the stories in ``todo`` or ``doing`` of epics that are neither ``done`` nor
  ``closed``; a story belongs to its own team, else to its epic's;
* an epic **traces** when it drives a key result of an active objective or serves an active
  theme; active work traces when its epic does;
* a key result is **driven** when an epic with active work drives it; an objective is driven
  when one of its key results is, or one of its active child objectives is;
* **traceability** = traced active story points / active story points;
* **coverage** = driven items / the active objectives and their key results;
* **movement** = measures on track and not stalled / the key results of active objectives,
  the indicators of active themes and the lagging indicators of epics in ``doing``.

Closed epics are left out of the graph; done epics stay (the map shows what drove a key
result), though they hold no active work.

A team's view (``team=``) counts that team's stories, objectives (with their key results) and
epics; whatever they connect to (an organization-level objective, another team's epic) is
still read, so a team's epic that drives the organization's key result traces.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.utils import timezone

from northline.goals.models import KeyResult, Objective, ObjectiveStatus, Period
from northline.insights.components import Component, Lowering
from northline.lib.memory import bulk_read
from northline.lib.models import lean
from northline.measures.models import Indicator
from northline.measures.rules import Health, Pace
from northline.measures.selectors import Measured, health_of
from northline.orgs.access import Access
from northline.orgs.models import Team
from northline.portfolio.models import Epic, EpicState, Story, StoryState
from northline.strategy.models import (
    CoalitionBody,
    IdentityRevision,
    Responsibility,
    ResponsibilityKind,
    Theme,
    ThemeStatus,
)

ACTIVE_STORY_STATES = (StoryState.TODO, StoryState.DOING)
FINISHED_EPIC_STATES = (EpicState.DONE, EpicState.CLOSED)


@dataclass
class TeamWork:
    """Active stories and their points, for one team on one epic."""

    points: int = 0
    stories: int = 0


@dataclass
class EpicWork:
    """An epic's active work: stories in todo or doing, by team (None: no team)."""

    by_team: dict[int | None, TeamWork] = field(default_factory=dict)

    @property
    def points(self) -> int:
        return sum(work.points for work in self.by_team.values())

    @property
    def stories(self) -> int:
        return sum(work.stories for work in self.by_team.values())

    def of(self, team_id: int | None) -> TeamWork:
        """The work of one team, or of every team when ``team_id`` is None."""
        if team_id is None:
            return TeamWork(points=self.points, stories=self.stories)
        return self.by_team.get(team_id, TeamWork())


@dataclass(slots=True)
class ObjectiveRow:
    """The columns of an objective the graph's readers (this module, the map, the index) read,
    with its period and team: 1,425 objectives of a large organization built as model records
    cost about a tenth of its map page (one profiled request), much of it in setting their
    foreign keys one by one."""

    pk: int
    title: str
    status: str
    period_id: int
    team_id: int | None
    parent_id: int | None
    theme_id: int | None
    period: Period
    team: Team | None

    @classmethod
    def of(cls, objective: Objective) -> ObjectiveRow:
        return cls(
            objective.pk,
            objective.title,
            objective.status,
            objective.period_id,
            objective.team_id,
            objective.parent_id,
            objective.theme_id,
            objective.period,
            objective.team,
        )

    def get_status_display(self) -> str:
        return str(ObjectiveStatus(self.status).label)


@dataclass
class Alignment:
    """An organization's strategy and work as one graph, scoped to a team and a period."""

    at: dt.datetime
    team: Team | None
    period: Period | None
    identity: IdentityRevision | None
    themes: dict[int, Theme]
    theme_indicators: dict[int, list[Indicator]]
    objectives: dict[int, ObjectiveRow]
    children: dict[int, list[int]]
    key_results: dict[int, KeyResultRow]
    key_results_of: dict[int, list[int]]
    kr_health: dict[int, Health]
    epics: dict[int, Epic]
    epic_key_results: dict[int, set[int]]
    epic_indicators: dict[int, list[Indicator]]
    indicator_health: dict[int, Health]
    work: dict[int, EpicWork]
    bodies_by_theme: dict[int, list[CoalitionBody]]
    # A part of the graph (load_part): the objectives it was read for; the others it holds
    # (owners of key results its epics also drive) are context, never in scope.
    within: frozenset[int] | None = None
    # Derived in __post_init__: key result id → the epics that drive it; objective id → driven.
    _drivers: dict[int, list[int]] = field(init=False, repr=False)
    _driven: dict[int, bool] | None = field(init=False, repr=False, default=None)

    # Scope ---------------------------------------------------------------------------------

    @property
    def team_id(self) -> int | None:
        return self.team.pk if self.team is not None else None

    def objective_in_scope(self, objective: ObjectiveRow) -> bool:
        if self.within is not None and objective.pk not in self.within:
            return False
        if self.period is not None and objective.period_id != self.period.pk:
            return False
        return self.team is None or objective.team_id == self.team.pk

    def active_objectives(self) -> list[ObjectiveRow]:
        """The active objectives in scope, in the order the goals pages list them."""
        return [
            objective
            for objective in self.objectives.values()
            if objective.status == ObjectiveStatus.ACTIVE and self.objective_in_scope(objective)
        ]

    def for_team(self, team: Team | None) -> Alignment:
        """The same graph scoped to another team (or the whole organization): nothing is read
        again, since a team's view differs only in what it counts."""
        return dataclasses.replace(self, team=team)

    def epic_in_scope(self, epic: Epic) -> bool:
        return self.team is None or epic.team_id == self.team.pk

    def active_points(self, epic_id: int) -> TeamWork:
        """The epic's active work that counts in scope (every team's, or the team's own)."""
        work = self.work.get(epic_id)
        return work.of(self.team_id) if work is not None else TeamWork()

    # The rules -----------------------------------------------------------------------------

    def theme_active(self, theme_id: int | None) -> bool:
        theme = self.themes.get(theme_id) if theme_id is not None else None
        return theme is not None and theme.status == ThemeStatus.ACTIVE

    def objective_active(self, objective_id: int) -> bool:
        objective = self.objectives.get(objective_id)
        return objective is not None and objective.status == ObjectiveStatus.ACTIVE

    def traces(self, epic_id: int) -> bool:
        """The epic drives a key result of an active objective, or serves an active theme."""
        epic = self.epics[epic_id]
        if self.theme_active(epic.theme_id):
            return True
        return any(
            self.objective_active(self.key_results[kr_id].objective_id)
            for kr_id in self.epic_key_results.get(epic_id, ())
            if kr_id in self.key_results
        )

    def has_active_work(self, epic_id: int) -> bool:
        work = self.work.get(epic_id)
        return work is not None and work.stories > 0

    def drivers_of(self, kr_id: int) -> list[int]:
        """The epics with active work that drive the key result."""
        return [
            epic_id
            for epic_id in self._drivers.get(kr_id, ())
            if epic_id in self.epics and self.has_active_work(epic_id)
        ]

    def kr_driven(self, kr_id: int) -> bool:
        return bool(self.drivers_of(kr_id))

    def objective_driven(self, objective_id: int) -> bool:
        """One of its key results is driven, or one of its active child objectives is."""
        return self._driven_objectives().get(objective_id, False)

    def orphan_epics(self) -> list[Epic]:
        """Epics in scope whose active work traces to no active objective or theme."""
        return [
            epic
            for epic in self.epics.values()
            if self.active_points(epic.pk).stories and not self.traces(epic.pk)
        ]

    def unsupported_objectives(self) -> list[ObjectiveRow]:
        """Active objectives in scope that no active work drives."""
        return [o for o in self.active_objectives() if not self.objective_driven(o.pk)]

    # Derived once ----------------------------------------------------------------------------

    def __post_init__(self) -> None:
        drivers: dict[int, list[int]] = defaultdict(list)
        for epic_id, kr_ids in self.epic_key_results.items():
            for kr_id in kr_ids:
                drivers[kr_id].append(epic_id)
        self._drivers = drivers
        self._driven = None

    def _driven_objectives(self) -> dict[int, bool]:
        if self._driven is not None:
            return self._driven
        driven: dict[int, bool] = {}

        def visit(objective_id: int, path: frozenset[int]) -> bool:
            if objective_id in driven:
                return driven[objective_id]
            result = any(self.kr_driven(kr) for kr in self.key_results_of.get(objective_id, ()))
            for child_id in self.children.get(objective_id, ()):
                # ``path`` guards against a cycle the services refuse but a database could hold.
                if child_id in path or not self.objective_active(child_id):
                    continue
                result = visit(child_id, path | {objective_id}) or result
            driven[objective_id] = result
            return result

        for objective_id in self.objectives:
            visit(objective_id, frozenset())
        self._driven = driven
        return driven


INDICATOR_DEFERRED = lean("indicator", text=("indicator__description",))[2:]
OBJECTIVE_DEFERRED = lean("period", "team", text=("description", "team__description"))
# An ObjectiveRow's columns, in its order (its period and team are joined from those read once).
OBJECTIVE_COLUMNS = ("id", "title", "status", "period_id", "team_id", "parent_id", "theme_id")
EPIC_TEXTS = ("description", "hypothesis", "close_note")
EPIC_DEFERRED = lean("team", "theme", text=(*EPIC_TEXTS, "team__description", "theme__description"))

# Loading ------------------------------------------------------------------------------------


@bulk_read
def load(
    access: Access,
    *,
    team: Team | None = None,
    period: Period | None = None,
    at: dt.datetime | None = None,
) -> Alignment:
    """The whole graph of the caller's organization, scoped to ``team`` and ``period``.

    Thirteen queries: identity, themes, theme indicators, periods, teams, objectives, key
    results with their indicators' bounds and dates, epics, epic key results, epic indicators,
    active story totals, outcome responsibilities, readings. Model instances are what costs on
    a large organization, so each period and team is built once, key results and their
    indicators are read as rows of the columns read, and no column the graph never reads is
    converted.
    """
    organization = access.organization
    moment = at or timezone.now()
    identity = (
        IdentityRevision.objects.filter(organization=organization).order_by("-number").first()
    )
    themes = {theme.pk: theme for theme in Theme.objects.filter(organization=organization)}
    theme_indicators: dict[int, list[Indicator]] = defaultdict(list)
    theme_links = Theme.indicators.through.objects.filter(
        theme__organization=organization
    ).select_related("indicator")
    theme_links = theme_links.defer(*INDICATOR_DEFERRED)
    for link in theme_links.order_by("indicator__name", "indicator_id"):
        theme_indicators[link.theme_id].append(link.indicator)

    # Periods and teams read once and shared: joined per row they were built again for each
    # of 1,425 objectives and 500 epics of a large organization.
    periods = {
        record.pk: record
        for record in Period.objects.filter(organization=organization).defer(*lean())
    }
    teams = {
        record.pk: record
        for record in Team.objects.filter(organization=organization).defer(
            *lean(text=("description",))
        )
    }
    objectives: dict[int, ObjectiveRow] = {}
    for pk, title, status, period_id, team_id, parent_id, theme_id in (
        Objective.objects.filter(organization=organization)
        .order_by(*objective_order())
        .values_list(*OBJECTIVE_COLUMNS)
    ):
        objectives[pk] = ObjectiveRow(
            pk,
            title,
            status,
            period_id,
            team_id,
            parent_id,
            theme_id,
            periods[period_id],
            teams[team_id] if team_id is not None else None,
        )
    children: dict[int, list[int]] = defaultdict(list)
    for objective in objectives.values():
        if objective.parent_id in objectives:
            children[objective.parent_id].append(objective.pk)
    key_results, kr_indicators = key_result_rows(
        KeyResult.objects.filter(organization=organization)
    )
    key_results_of: dict[int, list[int]] = defaultdict(list)
    for result in key_results.values():
        key_results_of[result.objective_id].append(result.pk)

    epics = {
        epic.pk: epic
        for epic in Epic.objects.filter(organization=organization)
        .exclude(state=EpicState.CLOSED)
        .defer(*lean(text=EPIC_TEXTS))
        .order_by("rank", "id")
    }
    for epic in epics.values():
        if epic.team_id is not None:
            epic.team = teams[epic.team_id]
        if epic.theme_id is not None:
            epic.theme = themes[epic.theme_id]
    epic_key_results: dict[int, set[int]] = defaultdict(set)
    for epic_id, kr_id in (
        Epic.key_results.through.objects.filter(epic__organization=organization)
        .exclude(epic__state=EpicState.CLOSED)
        .values_list("epic_id", "keyresult_id")
    ):
        epic_key_results[epic_id].add(kr_id)
    epic_indicators: dict[int, list[Indicator]] = defaultdict(list)
    epic_links = (
        Epic.lagging_indicators.through.objects.filter(epic__organization=organization)
        .exclude(epic__state=EpicState.CLOSED)
        .select_related("indicator")
    )
    for epic_link in epic_links.defer(*INDICATOR_DEFERRED).order_by(
        "indicator__name", "indicator_id"
    ):
        epic_indicators[epic_link.epic_id].append(epic_link.indicator)

    work = work_totals(Story.objects.filter(organization=organization))

    bodies_by_theme: dict[int, list[CoalitionBody]] = defaultdict(list)
    for responsibility in (
        Responsibility.objects.filter(organization=organization, kind=ResponsibilityKind.OUTCOME)
        .select_related("body")
        .order_by("body__name", "id")
    ):
        if responsibility.theme_id is not None:
            owners = bodies_by_theme[responsibility.theme_id]
            if responsibility.body not in owners:
                owners.append(responsibility.body)

    judged, kr_health = judge_measures(
        objectives, key_results, kr_indicators, theme_indicators, epic_indicators, moment
    )

    return Alignment(
        at=moment,
        team=team,
        period=period,
        identity=identity,
        themes=themes,
        theme_indicators=dict(theme_indicators),
        objectives=objectives,
        children=dict(children),
        key_results=key_results,
        key_results_of=dict(key_results_of),
        kr_health=kr_health,
        epics=epics,
        epic_key_results=dict(epic_key_results),
        epic_indicators=dict(epic_indicators),
        indicator_health=judged,
        work=dict(work),
        bodies_by_theme=dict(bodies_by_theme),
    )


def work_totals(stories: QuerySet[Story]) -> dict[int, EpicWork]:
    """Active work by epic and team, of ``stories`` (one query)."""
    work: dict[int, EpicWork] = defaultdict(EpicWork)
    totals = (
        stories.filter(state__in=ACTIVE_STORY_STATES)
        .exclude(epic__state__in=FINISHED_EPIC_STATES)
        .annotate(owner_team=Coalesce("team_id", "epic__team_id"))
        .values("epic_id", "owner_team")
        .annotate(points=Coalesce(Sum("estimate"), 0), stories=Count("id"))
        .order_by()
    )
    for row in totals:
        work[row["epic_id"]].by_team[row["owner_team"]] = TeamWork(
            points=row["points"], stories=row["stories"]
        )
    return dict(work)


class MeasureRow(NamedTuple):
    """The columns of an indicator that judging it reads (measures.selectors.Measured)."""

    pk: int
    baseline: float
    target: float
    start_date: dt.date
    target_date: dt.date
    direction: str


class KeyResultRow(NamedTuple):
    """The columns of a key result the graph's readers (this module, the map, the index) read:
    2,850 key results of a large organization built as records cost more than reading them."""

    pk: int
    objective_id: int
    title: str
    weight: float
    indicator_id: int


def key_result_rows(
    key_results: QuerySet[KeyResult],
) -> tuple[dict[int, KeyResultRow], dict[int, MeasureRow]]:
    """The key results as rows, and their indicators as the columns judging reads: one query."""
    columns = [f"indicator__{name}" for name in MeasureRow._fields[1:]]
    rows: dict[int, KeyResultRow] = {}
    measures: dict[int, MeasureRow] = {}
    for row in key_results.order_by("objective_id", "id").values_list(
        *KeyResultRow._fields, *columns
    ):
        result = KeyResultRow._make(row[: len(KeyResultRow._fields)])
        rows[result.pk] = result
        measures[result.indicator_id] = MeasureRow(
            result.indicator_id, *row[len(KeyResultRow._fields) :]
        )
    return rows, measures


def judge_measures(
    objectives: dict[int, ObjectiveRow],
    key_results: dict[int, KeyResultRow],
    kr_indicators: Mapping[int, Measured],
    theme_indicators: Mapping[int, list[Indicator]],
    epic_indicators: Mapping[int, list[Indicator]],
    moment: dt.datetime,
) -> tuple[dict[int, Health], dict[int, Health]]:
    """Every measure judged in one batch (one query for the readings): key results over their
    objective's period, the indicators of themes and epics over their own dates. Returns the
    health by indicator and by key result."""
    windows = {
        result.indicator_id: (
            objectives[result.objective_id].period.starts_on,
            objectives[result.objective_id].period.ends_on,
        )
        for result in key_results.values()
        if result.objective_id in objectives
    }
    measured: dict[int, Measured] = {
        result.indicator_id: kr_indicators[result.indicator_id] for result in key_results.values()
    }
    for group in (*theme_indicators.values(), *epic_indicators.values()):
        for indicator in group:
            measured.setdefault(indicator.pk, indicator)
    judged = health_of(measured.values(), at=moment, windows=windows)
    kr_health = {result.pk: judged[result.indicator_id] for result in key_results.values()}
    return judged, kr_health


def objective_order() -> tuple[OrderBy, str, str]:
    """Organization objectives first on every database (PostgreSQL sorts NULLs last)."""
    return (F("team__name").asc(nulls_first=True), "title", "id")


@bulk_read
def load_part(
    access: Access,
    *,
    objectives: Iterable[int],
    descend: bool = True,
    team: Team | None = None,
    period: Period | None = None,
    at: dt.datetime | None = None,
) -> Alignment:
    """The part of the graph a branch of the map needs, judged as :func:`load` judges it: the
    given objectives (with ``descend``, every objective below them), their key results, the
    epics (not closed) that drive those, and what the epics link to (their other key results
    with the objectives that own them, their themes) so that whether they trace is known.

    Nothing else of the organization is read: one query per level of the cascade below the
    objectives, then nine (key results, objectives, epics, their links, indicators, active
    work, readings), whatever the size of the rest of the organization."""
    organization = access.organization
    moment = at or timezone.now()
    wanted = set(objectives)
    frontier = set(wanted)
    while descend and frontier:
        below = set(
            Objective.objects.filter(organization=organization, parent_id__in=frontier).values_list(
                "pk", flat=True
            )
        )
        frontier = below - wanted
        wanted |= frontier
    links = list(
        Epic.key_results.through.objects.filter(
            epic__in=Epic.objects.filter(
                organization=organization, key_results__objective_id__in=wanted
            ).exclude(state=EpicState.CLOSED)
        ).values_list("epic_id", "keyresult_id")
    )
    epic_key_results: dict[int, set[int]] = defaultdict(set)
    for epic_id, kr_id in links:
        epic_key_results[epic_id].add(kr_id)
    key_results, kr_indicators = key_result_rows(
        KeyResult.objects.filter(organization=organization).filter(
            Q(objective_id__in=wanted) | Q(pk__in={kr_id for _, kr_id in links})
        )
    )
    key_results_of: dict[int, list[int]] = defaultdict(list)
    for result in key_results.values():
        key_results_of[result.objective_id].append(result.pk)
    owners = wanted | {result.objective_id for result in key_results.values()}
    objective_rows = {
        objective.pk: ObjectiveRow.of(objective)
        for objective in Objective.objects.filter(organization=organization, pk__in=owners)
        .select_related("period", "team")
        .defer(*OBJECTIVE_DEFERRED)
        .order_by(*objective_order())
    }
    children: dict[int, list[int]] = defaultdict(list)
    for objective in objective_rows.values():
        if objective.parent_id in objective_rows:
            children[objective.parent_id].append(objective.pk)
    epics = {
        epic.pk: epic
        for epic in Epic.objects.filter(organization=organization, pk__in=epic_key_results)
        .select_related("team", "theme")
        .defer(*EPIC_DEFERRED)
        .order_by("rank", "id")
    }
    themes = {epic.theme.pk: epic.theme for epic in epics.values() if epic.theme is not None}
    epic_indicators: dict[int, list[Indicator]] = defaultdict(list)
    epic_links = Epic.lagging_indicators.through.objects.filter(epic_id__in=epics).select_related(
        "indicator"
    )
    for epic_link in epic_links.defer(*INDICATOR_DEFERRED).order_by(
        "indicator__name", "indicator_id"
    ):
        epic_indicators[epic_link.epic_id].append(epic_link.indicator)
    work = work_totals(Story.objects.filter(organization=organization, epic_id__in=epics))
    judged, kr_health = judge_measures(
        objective_rows,
        key_results,
        kr_indicators,
        {},
        epic_indicators,
        moment,
    )
    return Alignment(
        at=moment,
        team=team,
        period=period,
        identity=None,
        themes=themes,
        theme_indicators={},
        objectives=objective_rows,
        children=dict(children),
        key_results=key_results,
        key_results_of=dict(key_results_of),
        kr_health=kr_health,
        epics=epics,
        epic_key_results=dict(epic_key_results),
        epic_indicators=dict(epic_indicators),
        indicator_health=judged,
        work=work,
        bodies_by_theme={},
        within=frozenset(wanted),
    )


# The first three components -------------------------------------------------------------------


def points_label(points: int, stories: int) -> str:
    return (
        f"{points} point{'s' if points != 1 else ''} in {stories} "
        f"active stor{'ies' if stories != 1 else 'y'}"
    )


def traceability(alignment: Alignment) -> Component:
    """Traced active story points / active story points; each untraced epic lowers it by its
    points."""
    component = Component(
        key="traceability",
        explanation=(
            "Story points in To do or Doing whose epic drives a key result of an active "
            "objective or serves an active theme, out of all such points."
        ),
    )
    untraced = []
    for epic in alignment.epics.values():
        work = alignment.active_points(epic.pk)
        if not work.stories:
            continue
        component.total += work.points
        if alignment.traces(epic.pk):
            component.passed += work.points
        elif work.points:
            untraced.append((epic, work))
    untraced.sort(key=lambda pair: (-pair[1].points, pair[0].title, pair[0].pk))
    component.lowering = [
        Lowering(
            object_type="portfolio.epic",
            object_id=epic.pk,
            label=epic.title,
            reason=(
                f"{points_label(work.points, work.stories)}; the epic drives no key result of "
                "an active objective and serves no active theme"
            ),
            weight=float(work.points),
        )
        for epic, work in untraced
    ]
    return component


def coverage(alignment: Alignment) -> Component:
    """Driven / all, over the active objectives in scope and their key results."""
    component = Component(
        key="coverage",
        explanation=(
            "Active objectives and their key results that an epic with stories in To do or "
            "Doing drives (an objective also through its child objectives), out of all of them."
        ),
    )
    objectives_driven = results_driven = objectives_total = results_total = 0
    for objective in alignment.active_objectives():
        objectives_total += 1
        if alignment.objective_driven(objective.pk):
            objectives_driven += 1
        else:
            component.lowering.append(
                Lowering(
                    object_type="goals.objective",
                    object_id=objective.pk,
                    label=objective.title,
                    reason=(
                        "no active work drives this objective, its key results or its child "
                        "objectives"
                    ),
                )
            )
        for kr_id in alignment.key_results_of.get(objective.pk, ()):
            results_total += 1
            if alignment.kr_driven(kr_id):
                results_driven += 1
            else:
                component.lowering.append(
                    Lowering(
                        object_type="goals.keyresult",
                        object_id=kr_id,
                        label=alignment.key_results[kr_id].title,
                        reason=f"no epic with active work drives it (objective: {objective.title})",
                    )
                )
    component.add_part("objectives", objectives_driven, objectives_total)
    component.add_part("key results", results_driven, results_total)
    return component


def health_reason(health: Health) -> str | None:
    """Why a measure counts against movement, or None when it is on track and moving."""
    if health.pace == Pace.ON_TRACK and not health.stalled:
        return None
    words = []
    if health.pace != Pace.ON_TRACK:
        words.append(
            f"{health.pace.label.lower()} (progress {health.percent} %, expected "
            f"{round(health.expected * 100)} %)"
        )
    if health.stalled:
        since = health.unchanged_since
        words.append(f"not moving since {since:%Y-%m-%d}" if since else "not moving")
    return "; ".join(words)


def movement(alignment: Alignment) -> Component:
    """Measures on track and not stalled / measures: key results of active objectives, the
    indicators of active themes (organization only) and the lagging indicators of epics in
    doing."""
    component = Component(
        key="movement",
        explanation=(
            "Key results of active objectives, indicators of active themes and lagging "
            "indicators of epics in Doing that are on track and not stalled, out of all of them."
        ),
    )
    counted: set[int] = set()  # indicator ids: one measure counts once
    results_ok = results_total = others_ok = others_total = 0

    def judge(
        indicator_id: int, health: Health, object_type: str, object_id: int, label: str
    ) -> bool | None:
        if indicator_id in counted:
            return None
        counted.add(indicator_id)
        reason = health_reason(health)
        if reason is not None:
            component.lowering.append(
                Lowering(object_type=object_type, object_id=object_id, label=label, reason=reason)
            )
        return reason is None

    for objective in alignment.active_objectives():
        for kr_id in alignment.key_results_of.get(objective.pk, ()):
            result = alignment.key_results[kr_id]
            ok = judge(
                result.indicator_id,
                alignment.kr_health[kr_id],
                "goals.keyresult",
                kr_id,
                result.title,
            )
            if ok is not None:
                results_total += 1
                results_ok += ok
    measured: list[tuple[Indicator, str, int, str]] = []
    if alignment.team is None:
        for theme_id, indicators in alignment.theme_indicators.items():
            if alignment.theme_active(theme_id):
                theme = alignment.themes[theme_id]
                measured += [
                    (ind, "strategy.theme", theme_id, f"{theme.name}: {ind.name}")
                    for ind in indicators
                ]
    for epic in alignment.epics.values():
        if epic.state == EpicState.DOING and alignment.epic_in_scope(epic):
            measured += [
                (ind, "portfolio.epic", epic.pk, f"{epic.title}: {ind.name}")
                for ind in alignment.epic_indicators.get(epic.pk, ())
            ]
    for indicator, object_type, object_id, label in measured:
        ok = judge(
            indicator.pk, alignment.indicator_health[indicator.pk], object_type, object_id, label
        )
        if ok is not None:
            others_total += 1
            others_ok += ok
    component.add_part("key results", results_ok, results_total)
    component.add_part("indicators", others_ok, others_total)
    return component


def first_three(alignment: Alignment) -> list[Component]:
    return [traceability(alignment), coverage(alignment), movement(alignment)]
