"""The four reports of insights (DESIGN §2.8), read with a fixed number of queries each,
whatever the number of rows:

* **investment** — planned against spent money per theme and per value stream, and each one's
  share of the portfolio, by currency, optionally for one period. The sums are
  ``northline.strategy.selectors.planned_vs_actual``'s rows; this module only groups them.
* **cumulative flow** — for each day of a window, how many epics stood in each state, replayed
  from the append-only audit trail (``portfolio.epic`` events).
* **key-result progress** — a period's objectives and key results as
  ``northline.goals.selectors.cascade`` judges them, with the latest confidence, and the mean
  key-result score of every period.
* **dependency heat map** — teams × releases, counting impacts, unacknowledged impactees and
  late notices with ``northline.delivery.selectors.cell_for`` (its rules decide lateness).

Every selector takes the caller's ``Access`` and, where the answer depends on the day,
``today`` / ``at`` so tests can name the day. Bad parameters raise ``Invalid`` naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from northline.delivery.models import Impact, ImpactRole, Release, ReleaseStatus
from northline.delivery.selectors import cell_for, latest_notices, lead_time_defaults
from northline.goals.models import KeyResult, Objective, Period
from northline.goals.selectors import (
    Cascade,
    ObjectiveProgress,
    cascade,
    current_period,
    filtered,
    key_result_scores,
    periods,
    score_is_final,
)
from northline.lib.errors import Invalid
from northline.measures.models import Reading
from northline.measures.rules import Pace, needs_attention
from northline.orgs.access import Access
from northline.orgs.models import Event, Team
from northline.portfolio.models import Epic, EpicState
from northline.strategy.models import Investment
from northline.strategy.selectors import ZERO, PlannedAndSpent, ReportRow, planned_vs_actual

# The reports, in the order the reports home lists them: key → title.
REPORTS: list[tuple[str, str]] = [
    ("investment", "Investment vs themes"),
    ("flow", "Cumulative flow of the board"),
    ("key-results", "Key-result progress"),
    ("dependencies", "Dependency heat map"),
]
REPORT_TITLES = dict(REPORTS)
# Each report's page (URL name; every one takes the organization's slug).
REPORT_PAGES: dict[str, str] = {
    "investment": "insights_report_investment",
    "flow": "insights_report_flow",
    "key-results": "insights_report_key_results",
    "dependencies": "insights_report_dependencies",
}


# Investment vs themes ------------------------------------------------------------------------

# ISO 8601's interval notation: 2026-01-01/2026-12-31.
INTERVAL = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True, order=True)
class Interval:
    """A span of whole days, both ends included."""

    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m-%d}/{self.end:%Y-%m-%d}"

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return start <= self.end and end >= self.start

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


def parse_interval(text: str, field_name: str = "period") -> Interval:
    """``"2026-01-01/2026-12-31"`` → Interval; anything else is refused naming the field."""
    match = INTERVAL.match(text.strip())
    if match is None:
        raise Invalid(
            f"The {field_name} must be two dates as start/end, e.g. 2026-01-01/2026-12-31.",
            fields={field_name: "Write it as YYYY-MM-DD/YYYY-MM-DD."},
        )
    try:
        start, end = (dt.date.fromisoformat(part) for part in match.groups())
    except ValueError as error:
        raise Invalid(
            f"The {field_name} holds a date that does not exist: {text}.",
            fields={field_name: "Not a real date."},
        ) from error
    if end < start:
        raise Invalid(
            f"The {field_name} ends before it starts: {text}.",
            fields={field_name: "The end comes before the start."},
        )
    return Interval(start, end)


@dataclass
class TargetMoney(PlannedAndSpent):
    """A theme's or a value stream's money in one currency, within the chosen period."""

    target_type: str  # "theme" | "value_stream"
    target_id: int
    name: str
    currency: str
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    # Its planned money over all planned money of the currency (themes and value streams).
    share_of_portfolio: float = 0.0

    @property
    def over(self) -> bool:
        return self.actual > self.planned


@dataclass
class CurrencyPortfolio(PlannedAndSpent):
    """Everything planned in one currency: themes first (most money first), then streams."""

    currency: str
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    themes: list[TargetMoney] = field(default_factory=list)
    value_streams: list[TargetMoney] = field(default_factory=list)

    @property
    def targets(self) -> list[TargetMoney]:
        return [*self.themes, *self.value_streams]


@dataclass
class InvestmentReport:
    period: Interval | None  # None: every period
    periods: list[Interval]  # every period investments were planned for, for the filter
    currencies: list[CurrencyPortfolio]
    rows: list[ReportRow]  # planned_vs_actual's rows (target × period × currency) shown

    @property
    def has_data(self) -> bool:
        return bool(self.rows)


def investment_periods(access: Access) -> list[Interval]:
    """Every period investments are planned for, earliest first (one query): the choices of
    the investment report's filter."""
    pairs = (
        Investment.objects.filter(organization=access.organization)
        .order_by("period_start", "period_end")
        .values_list("period_start", "period_end")
        .distinct()
    )
    return [Interval(start, end) for start, end in pairs]


def investment(access: Access, *, period: Interval | None = None) -> InvestmentReport:
    """Planned vs actual by theme and value stream, per currency; with ``period``, only the
    investments whose period overlaps it. One query (planned_vs_actual's)."""
    report = planned_vs_actual(access)
    known = sorted({Interval(row.period_start, row.period_end) for row in report.rows})
    rows = [
        row
        for row in report.rows
        if period is None or period.overlaps(row.period_start, row.period_end)
    ]
    by_target: dict[tuple[str, str, int], TargetMoney] = {}
    portfolios: dict[str, CurrencyPortfolio] = {}
    for row in rows:
        money = by_target.setdefault(
            (row.currency, row.target_type, row.target_id),
            TargetMoney(row.target_type, row.target_id, row.target_name, row.currency),
        )
        money.planned += row.planned
        money.actual += row.actual
        portfolio = portfolios.setdefault(row.currency, CurrencyPortfolio(row.currency))
        portfolio.planned += row.planned
        portfolio.actual += row.actual
    for money in by_target.values():
        portfolio = portfolios[money.currency]
        if portfolio.planned:
            money.share_of_portfolio = round(float(money.planned / portfolio.planned), 4)
        side = portfolio.themes if money.target_type == "theme" else portfolio.value_streams
        side.append(money)
    for portfolio in portfolios.values():
        for side in (portfolio.themes, portfolio.value_streams):
            side.sort(key=lambda money: (-money.planned, money.name, money.target_id))
    return InvestmentReport(
        period=period,
        periods=known,
        currencies=[portfolios[currency] for currency in sorted(portfolios)],
        rows=rows,
    )


# Cumulative flow of the board ----------------------------------------------------------------

FLOW_STATES: list[tuple[str, str]] = list(EpicState.choices)
FLOW_STATE_KEYS = [key for key, _ in FLOW_STATES]
DEFAULT_DAYS = 90
MIN_DAYS = 7
MAX_DAYS = 365
EPIC = "portfolio.epic"


@dataclass
class FlowDay:
    """How many epics stood in each state at the end of one day."""

    day: dt.date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class FlowReport:
    start: dt.date
    end: dt.date
    days: list[FlowDay]
    # Epics whose history the trail holds (in the window or before it).
    epics: int

    @property
    def has_data(self) -> bool:
        return any(day.total for day in self.days)

    @property
    def latest(self) -> FlowDay:
        return self.days[-1]

    @property
    def first(self) -> FlowDay:
        return self.days[0]

    @property
    def length(self) -> int:
        return len(self.days)

    @property
    def legend(self) -> list[tuple[str, str, int]]:
        """Each state with its label and its count on the last day, in the board's order."""
        return [(key, label, self.latest.counts[key]) for key, label in FLOW_STATES]


def flow_window(
    *,
    today: dt.date,
    days: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[dt.date, dt.date]:
    """The window's first and last day. ``days`` (default 90) ending on ``end`` (default
    today), or from ``start`` to ``end``; 7 to 365 days long, ending today at the latest."""
    if days is not None and not MIN_DAYS <= days <= MAX_DAYS:
        raise Invalid(
            f"The window is {MIN_DAYS} to {MAX_DAYS} days long; {days} is outside that.",
            fields={"days": f"Between {MIN_DAYS} and {MAX_DAYS}."},
        )
    last = end or today
    if last > today:
        raise Invalid(
            f"The window cannot end after today ({today:%Y-%m-%d}): nothing has happened yet.",
            fields={"end": f"On or before {today:%Y-%m-%d}."},
        )
    if start is None:
        first = last - dt.timedelta(days=(days or DEFAULT_DAYS) - 1)
        return first, last
    if start > last:
        raise Invalid(
            f"The window starts after it ends ({start:%Y-%m-%d} > {last:%Y-%m-%d}).",
            fields={"start": f"On or before {last:%Y-%m-%d}."},
        )
    length = (last - start).days + 1
    if not MIN_DAYS <= length <= MAX_DAYS:
        raise Invalid(
            f"The window is {MIN_DAYS} to {MAX_DAYS} days long; "
            f"{start:%Y-%m-%d} to {last:%Y-%m-%d} is {length}.",
            fields={"start": f"A window of {MIN_DAYS} to {MAX_DAYS} days."},
        )
    return start, last


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# A transition: on a day an epic went from one state (None: it did not exist) to another
# (None: it was deleted).
Transition = tuple[dt.date, str | None]


def epic_histories(access: Access, before: dt.datetime) -> dict[str, list[Transition]]:
    """Each epic's changes of state before ``before``, oldest first, from the audit trail.

    The trail holds a ``created`` event whose changes give the first state, ``moved`` or
    ``updated`` events with ``{"state": [before, after]}`` when the state changed, and a
    ``deleted`` event. An epic whose trail lacks its ``created`` event (records that predate
    their history) starts in the first change's "before" state on the day the epic row was
    created, or, with the row gone too, on the day of that first change. Two queries.
    """
    events = (
        Event.objects.filter(
            Q(verb__in=("created", "deleted")) | Q(changes__has_key="state"),
            organization=access.organization,
            object_type=EPIC,
            created_at__lt=before,
        )
        .order_by("created_at", "id")
        .values_list("object_id", "verb", "changes", "created_at")
    )
    histories: dict[str, list[Transition]] = defaultdict(list)
    first_before: dict[str, tuple[dt.date, str]] = {}
    for object_id, verb, changes, created_at in events:
        day = local_day(created_at)
        if verb == "created":
            histories[object_id].append((day, changes.get("state", EpicState.FUNNEL)))
        elif verb == "deleted":
            histories[object_id].append((day, None))
        else:
            change = changes.get("state")
            if not isinstance(change, list) or len(change) != 2:
                continue
            if object_id not in histories:
                first_before[object_id] = (day, change[0])
            histories[object_id].append((day, change[1]))
    # One read of the epics' rows: the start of an epic whose creation the trail lacks, and
    # the state of one with no event at all (neither should exist: every write is audited).
    rows = Epic.objects.filter(organization=access.organization, created_at__lt=before).values_list(
        "pk", "state", "created_at"
    )
    for epic_id, state, created_at in rows:
        key = str(epic_id)
        if key not in histories:
            histories[key].append((local_day(created_at), state))
        elif key in first_before:
            day, was = first_before.pop(key)
            histories[key].insert(0, (min(day, local_day(created_at)), was))
    # A deleted epic without its creation starts on the day of its first change.
    for key, (day, was) in first_before.items():
        histories[key].insert(0, (day, was))
    return histories


def cumulative_flow(
    access: Access,
    *,
    today: dt.date | None = None,
    days: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> FlowReport:
    """Epics per state at the end of each day of the window. Epics created before the window
    count in the state they held when it opened. Two queries, whatever the number of epics
    and events."""
    first, last = flow_window(today=today or timezone.localdate(), days=days, start=start, end=end)
    length = (last - first).days + 1
    # delta[i][state]: how the count of ``state`` changes on day i of the window (changes
    # before the window are applied on its first day).
    delta: list[dict[str, int]] = [defaultdict(int) for _ in range(length)]
    histories = epic_histories(access, start_of(last + dt.timedelta(days=1)))
    for transitions in histories.values():
        was: str | None = None
        for day, state in transitions:
            if state == was:
                continue
            index = max((day - first).days, 0)
            if was is not None:
                delta[index][was] -= 1
            if state is not None:
                delta[index][state] += 1
            was = state
    running = dict.fromkeys(FLOW_STATE_KEYS, 0)
    flow: list[FlowDay] = []
    for index in range(length):
        for state, change in delta[index].items():
            running[state] = running.get(state, 0) + change
        flow.append(
            FlowDay(
                first + dt.timedelta(days=index),
                {state: running.get(state, 0) for state in FLOW_STATE_KEYS},
            )
        )
    return FlowReport(start=first, end=last, days=flow, epics=len(histories))


# Key-result progress -------------------------------------------------------------------------


@dataclass
class KeyResultLine:
    """One key result as the report shows it."""

    key_result: KeyResult
    progress: float
    expected: float
    pace: Pace
    stalled: bool
    confidence: int | None  # the latest check-in's that gave one (0–100 %)
    score: float
    readings: int

    @property
    def needs_attention(self) -> bool:
        return needs_attention(self.pace, self.stalled)


@dataclass
class ObjectiveLine:
    """An objective of the cascade, flattened: ``depth`` 0 for top-level ones."""

    node: ObjectiveProgress
    depth: int
    key_results: list[KeyResultLine]

    @property
    def objective(self) -> Objective:
        return self.node.objective


@dataclass
class PeriodScore:
    """A period's mean key-result score (final once the period has ended)."""

    period: Period
    key_results: int
    mean_score: float | None
    final: bool


@dataclass
class KeyResultReport:
    period: Period | None
    periods: list[Period]
    team: Team | None
    at: dt.datetime
    final: bool
    objectives: list[ObjectiveLine]
    across: list[PeriodScore]

    @property
    def key_results(self) -> list[KeyResultLine]:
        return [line for objective in self.objectives for line in objective.key_results]

    @property
    def has_data(self) -> bool:
        return bool(self.objectives)

    def pace_counts(self) -> dict[str, int]:
        counts = dict.fromkeys((pace.value for pace in Pace), 0)
        for line in self.key_results:
            counts[line.pace.value] += 1
        return counts

    @property
    def stalled_count(self) -> int:
        return sum(1 for line in self.key_results if line.stalled)

    @property
    def mean_score(self) -> float | None:
        lines = self.key_results
        return sum(line.score for line in lines) / len(lines) if lines else None


def latest_confidences(indicator_ids: Iterable[int], at: dt.datetime) -> dict[int, int]:
    """Each indicator's most recent confidence up to ``at`` (check-ins without one are
    skipped): one query."""
    found: dict[int, int] = {}
    rows = (
        Reading.objects.filter(
            indicator_id__in=list(indicator_ids), confidence__isnull=False, recorded_at__lte=at
        )
        .order_by("indicator_id", "-recorded_at", "-id")
        .values_list("indicator_id", "confidence")
    )
    for indicator_id, confidence in rows:
        if confidence is not None:
            found.setdefault(indicator_id, confidence)
    return found


def flatten(tree: Cascade, confidences: dict[int, int]) -> list[ObjectiveLine]:
    lines: list[ObjectiveLine] = []

    def visit(node: ObjectiveProgress, depth: int) -> None:
        lines.append(
            ObjectiveLine(
                node=node,
                depth=depth,
                key_results=[
                    KeyResultLine(
                        key_result=result.key_result,
                        progress=result.progress,
                        expected=result.health.expected,
                        pace=result.pace,
                        stalled=result.stalled,
                        confidence=confidences.get(result.key_result.indicator_id),
                        score=result.score,
                        readings=result.health.readings,
                    )
                    for result in node.key_results
                ],
            )
        )
        for child in node.children:
            visit(child, depth + 1)

    for root in tree.roots:
        visit(root, 0)
    return lines


def scores_by_period(
    access: Access,
    at: dt.datetime,
    team: Team | None = None,
    all_periods: list[Period] | None = None,
) -> list[PeriodScore]:
    """Every period's (``all_periods``, default the organization's) mean key-result score,
    latest period first: two queries, three without the periods.

    A score is ``goals.selectors.key_result_scores``' (the key result's progress at the end of
    its period's last day, so far while the period runs), judged here in one batch over every
    period rather than one cascade per period.
    """
    if all_periods is None:
        all_periods = list(periods(access))
    results = KeyResult.objects.filter(organization=access.organization).select_related(
        "indicator", "objective"
    )
    if team is not None:
        results = results.filter(objective__team=team)
    result_list = list(results)
    period_by_id = {period.pk: period for period in all_periods}
    scores = key_result_scores(
        ((result, period_by_id[result.objective.period_id]) for result in result_list), at
    )
    by_period: dict[int, list[float]] = defaultdict(list)
    for result in result_list:
        by_period[result.objective.period_id].append(scores[result.pk])
    return [
        PeriodScore(
            period=period,
            key_results=len(by_period[period.pk]),
            mean_score=(
                sum(by_period[period.pk]) / len(by_period[period.pk])
                if by_period[period.pk]
                else None
            ),
            final=score_is_final(period, at),
        )
        for period in all_periods
    ]


def key_result_progress(
    access: Access,
    *,
    period: Period | None = None,
    team: Team | None = None,
    at: dt.datetime | None = None,
) -> KeyResultReport:
    """The chosen period's (default: the current one) objectives and key results, with the
    latest confidence; with ``team``, only that team's objectives. Eight queries (nine once
    the period has ended: the cascade reads the readings at its end too)."""
    moment = at or timezone.now()
    chosen = period or current_period(access, timezone.localdate(moment))
    objectives: list[ObjectiveLine] = []
    final = False
    if chosen is not None:
        tree = cascade(access, chosen, at=moment)
        final = tree.final
        if team is not None:
            tree = filtered(tree, lambda objective: objective.team_id == team.pk)
        indicator_ids = [
            result.key_result.indicator_id
            for node in tree.nodes.values()
            for result in node.key_results
        ]
        objectives = flatten(tree, latest_confidences(indicator_ids, moment))
    all_periods = list(periods(access))
    return KeyResultReport(
        period=chosen,
        periods=all_periods,
        team=team,
        at=moment,
        final=final,
        objectives=objectives,
        across=scores_by_period(access, moment, team, all_periods),
    )


def period_in_org(access: Access, period_id: int | None) -> Period | None:
    """The period the caller named, refused with 422 naming ``period`` if it is not theirs."""
    if period_id is None:
        return None
    found = periods(access).filter(pk=period_id).first()
    if found is None:
        raise Invalid(
            f"No period with id {period_id} in this organization.",
            fields={"period": "Not a period of this organization."},
        )
    return found


def team_in_org(access: Access, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    found = Team.objects.filter(organization=access.organization, pk=team_id).first()
    if found is None:
        raise Invalid(
            f"No team with id {team_id} in this organization.",
            fields={"team": "Not a team of this organization."},
        )
    return found


# Dependency heat map -------------------------------------------------------------------------

RELEASE_STATUSES: list[tuple[str, str]] = list(ReleaseStatus.choices)
DEFAULT_RELEASE_STATUSES = (
    ReleaseStatus.PLANNED,
    ReleaseStatus.DECIDED,
    ReleaseStatus.RELEASED,
)
# The column of features that are in no release yet.
NO_RELEASE = 0


@dataclass
class HeatCell:
    """The impacts on one team from one release's features (or from unreleased features)."""

    impactees: int = 0
    impactors: int = 0
    # Impactees that have not acknowledged.
    unacknowledged: int = 0
    # Impactees whose latest notice came with less than their lead time left.
    late: int = 0
    # Of those, the ones that have acknowledged anyway.
    acknowledged_late: int = 0
    # Impactees not acknowledged while the release is now closer than their lead time.
    at_risk: int = 0

    @property
    def total(self) -> int:
        return self.impactees + self.impactors

    @property
    def acknowledged_in_time(self) -> int:
        return self.impactees - self.unacknowledged - self.acknowledged_late

    def add(self, other: HeatCell) -> None:
        self.impactees += other.impactees
        self.impactors += other.impactors
        self.unacknowledged += other.unacknowledged
        self.late += other.late
        self.acknowledged_late += other.acknowledged_late
        self.at_risk += other.at_risk


@dataclass
class HeatColumn:
    """A release (None: features without a release), with its totals over every team."""

    release: Release | None
    totals: HeatCell = field(default_factory=HeatCell)

    @property
    def key(self) -> int:
        return self.release.pk if self.release is not None else NO_RELEASE

    @property
    def name(self) -> str:
        return self.release.name if self.release is not None else "No release yet"


@dataclass
class HeatRow:
    team: Team
    cells: list[HeatCell]  # in the columns' order
    totals: HeatCell = field(default_factory=HeatCell)
    # (column, cell) in the columns' order, for tables.
    pairs: list[tuple[HeatColumn, HeatCell]] = field(default_factory=list)


@dataclass
class HeatMap:
    statuses: list[str]
    columns: list[HeatColumn]
    rows: list[HeatRow]
    totals: HeatCell
    today: dt.date

    @property
    def has_data(self) -> bool:
        return self.totals.total > 0

    @property
    def busiest(self) -> int:
        """The highest impactee count of any cell: the darkest shade."""
        return max((cell.impactees for row in self.rows for cell in row.cells), default=0)


def release_statuses(values: Iterable[str] | None) -> list[str]:
    """The chosen release statuses (default: all but cancelled), refused naming ``status``."""
    chosen = list(values or [])
    if not chosen:
        return list(DEFAULT_RELEASE_STATUSES)
    unknown = [value for value in chosen if value not in ReleaseStatus.values]
    if unknown:
        raise Invalid(
            f"Unknown release status {', '.join(unknown)}; choose from "
            f"{', '.join(ReleaseStatus.values)}.",
            fields={"status": "Planned, decided, released or cancelled."},
        )
    return [value for value in ReleaseStatus.values if value in chosen]


def dependency_heat_map(
    access: Access, *, statuses: Iterable[str] | None = None, today: dt.date | None = None
) -> HeatMap:
    """Teams (rows, by name) × releases of the chosen statuses (columns, by planned date) with
    the features in no release last; four queries whatever the number of impacts."""
    chosen = release_statuses(statuses)
    day = today or timezone.localdate()
    org = access.organization
    releases = list(
        Release.objects.filter(organization=org, status__in=chosen).order_by("planned_date", "id")
    )
    impacts = list(
        Impact.objects.filter(
            Q(feature__release__status__in=chosen) | Q(feature__release__isnull=True),
            organization=org,
        ).select_related("feature__release", "team")
    )
    defaults = lead_time_defaults(access, {impact.team_id for impact in impacts})
    notices = latest_notices([impact.pk for impact in impacts])
    columns = [HeatColumn(release) for release in releases]
    if any(impact.feature.release_id is None for impact in impacts):
        columns.append(HeatColumn(None))
    position = {column.key: index for index, column in enumerate(columns)}
    teams = sorted(
        {impact.team_id: impact.team for impact in impacts}.values(),
        key=lambda team: (team.name, team.pk),
    )
    rows = {team.pk: HeatRow(team, [HeatCell() for _ in columns]) for team in teams}
    for impact in impacts:
        cell = rows[impact.team_id].cells[position[impact.feature.release_id or NO_RELEASE]]
        judged = cell_for(impact, defaults.get(impact.team_id), notices.get(impact.pk), day)
        if impact.role == ImpactRole.IMPACTEE:
            cell.impactees += 1
            cell.unacknowledged += 0 if judged.acknowledged else 1
            cell.late += 1 if judged.risk == "late" else 0
            if judged.acknowledged and judged.risk == "late":
                cell.acknowledged_late += 1
            cell.at_risk += 1 if judged.risk == "at_risk" else 0
        else:
            cell.impactors += 1
    totals = HeatCell()
    for row in rows.values():
        row.pairs = list(zip(columns, row.cells, strict=True))
        for column, cell in row.pairs:
            row.totals.add(cell)
            column.totals.add(cell)
        totals.add(row.totals)
    return HeatMap(
        statuses=chosen,
        columns=columns,
        rows=[rows[team.pk] for team in teams],
        totals=totals,
        today=day,
    )


# The reports home ----------------------------------------------------------------------------


def money_text(amount: Decimal) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def investment_summary(report: InvestmentReport) -> str:
    if not report.has_data:
        return "No investments yet."
    parts = []
    for portfolio in report.currencies:
        share = portfolio.spent_share
        spent = f"{round(share * 100)} % spent" if share is not None else "nothing planned"
        parts.append(
            f"{money_text(portfolio.planned)} {portfolio.currency} planned across "
            f"{plural(len(portfolio.themes), 'theme')} and "
            f"{plural(len(portfolio.value_streams), 'value stream')}, {spent}"
        )
    return "; ".join(parts) + "."


def flow_summary(report: FlowReport) -> str:
    if not report.has_data:
        return "No epics on the board yet."
    labels = dict(FLOW_STATES)
    counts = ", ".join(
        f"{report.latest.counts[state]} {labels[state].lower()}" for state in FLOW_STATE_KEYS
    )
    return f"On {report.end.day} {report.end:%b %Y}: {counts}."


def key_result_summary(report: KeyResultReport) -> str:
    if report.period is None:
        return "No periods yet."
    lines = report.key_results
    if not lines:
        return f"{report.period.name}: no key results yet."
    counts = report.pace_counts()
    mean = report.mean_score
    return (
        f"{report.period.name}: {plural(len(lines), 'key result')}, "
        + ", ".join(f"{counts[pace.value]} {pace.label.lower()}" for pace in Pace)
        + f"; mean score {mean:.2f}."
    )


def dependency_summary(heat: HeatMap) -> str:
    if not heat.has_data:
        return "No impacts on teams yet."
    releases = sum(1 for column in heat.columns if column.release is not None)
    return (
        f"{plural(heat.totals.total, 'impact')} on {plural(len(heat.rows), 'team')} across "
        f"{plural(releases, 'release')}; {heat.totals.unacknowledged} not acknowledged, "
        f"{heat.totals.late} told late."
    )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass
class ReportCard:
    key: str
    title: str
    summary: str
    about: str

    @property
    def page(self) -> str:
        return REPORT_PAGES[self.key]


ABOUT: dict[str, str] = {
    "investment": "Planned against spent money per theme and value stream, and each one's "
    "share of the portfolio.",
    "flow": "How many epics stood in each column of the portfolio board, day by day.",
    "key-results": "Each objective's key results: progress against the expected share, pace, "
    "confidence and score.",
    "dependencies": "Which teams the coming releases touch, and how many were told late or "
    "have not acknowledged.",
}


def overview(access: Access, *, today: dt.date | None = None) -> list[ReportCard]:
    """The four reports with a one-line summary each (about a dozen queries in all)."""
    day = today or timezone.localdate()
    summaries: dict[str, Any] = {
        "investment": investment_summary(investment(access)),
        "flow": flow_summary(cumulative_flow(access, today=day)),
        "key-results": key_result_summary(key_result_progress(access)),
        "dependencies": dependency_summary(dependency_heat_map(access, today=day)),
    }
    return [ReportCard(key, title, summaries[key], ABOUT[key]) for key, title in REPORTS]
