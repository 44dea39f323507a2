"""The roadmap: releases, dated epics and the current period's objectives on a time axis.

A window of whole quarters (by default the current quarter and the three after it) is cut into
months; each item is placed by its dates as grid columns (one column per day would be too fine
for a printed page, so a column is a month and an item spans the months it touches). Items
outside the window are left out and counted. Lanes hold at most :data:`LANE_CAP` items unless
the reader asks for more of one lane.

The states in words come from the rules that already exist: an objective's pace from the goals
cascade (measures' pace rule); a release or epic is late once its date has passed and it is not
released/done. An epic is at risk when its target date is within :data:`EPIC_AT_RISK_DAYS` days
and it is not done (issue 14). Queries: a fixed number, however many items (one for releases,
one for epics, the cascade's four, one for the current period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from icalendar import Calendar, Event

from northline.delivery.calendar import PRODID, all_day, releases_for, uid
from northline.delivery.models import Release, ReleaseStatus
from northline.goals import selectors as goals
from northline.measures.rules import Pace
from northline.orgs.access import Access
from northline.orgs.models import Organization, Team
from northline.portfolio.models import Epic, EpicState
from northline.strategy.models import Theme, ValueStream

LANE_CAP = 50
EPIC_AT_RISK_DAYS = 14
DEFAULT_QUARTERS = 4
MAX_QUARTERS = 8
FINISHED_EPIC = (EpicState.DONE, EpicState.CLOSED)
FINISHED_RELEASE = (ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED)
# Objective paces that the roadmap names "At risk" (off track is worse, so it counts too).
PACE_AT_RISK = (Pace.AT_RISK, Pace.OFF_TRACK, Pace.NOT_STARTED)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    """Whole months from ``start`` (the first of a month) for ``quarters`` quarters."""

    start: dt.date
    quarters: int

    @property
    def months(self) -> list[dt.date]:
        return [add_months(self.start, n) for n in range(self.quarters * 3)]

    @property
    def end(self) -> dt.date:
        """The last day inside the window."""
        return add_months(self.start, self.quarters * 3) - dt.timedelta(days=1)

    @property
    def previous(self) -> dt.date:
        return add_months(self.start, -self.quarters * 3)

    @property
    def next(self) -> dt.date:
        return add_months(self.start, self.quarters * 3)

    @property
    def quarter_heads(self) -> list[tuple[str, int, int]]:
        """(label, first column, span) per quarter; a window may start mid-quarter."""
        heads: list[tuple[str, int, int]] = []
        for column, month in enumerate(self.months, start=1):
            label = f"Q{(month.month - 1) // 3 + 1} {month.year}"
            if heads and heads[-1][0] == label:
                heads[-1] = (label, heads[-1][1], heads[-1][2] + 1)
            else:
                heads.append((label, column, 1))
        return heads

    def column(self, day: dt.date) -> int:
        """The grid column (1-based) of the month holding ``day``, clamped to the window."""
        months = (day.year - self.start.year) * 12 + day.month - self.start.month
        return min(max(months, 0), self.quarters * 3 - 1) + 1


def window_of(from_month: dt.date | None, quarters: int | None, today: dt.date) -> Window:
    return Window(start=from_month or quarter_start(today), quarters=quarters or DEFAULT_QUARTERS)


@dataclass
class Item:
    """One bar on the roadmap, its dates and its state in words."""

    kind: str  # "release", "epic" or "objective"
    pk: int
    title: str
    url: str
    start: dt.date
    end: dt.date
    state: str  # the record's own state in words ("Planned", "Doing", "Active")
    flag: str  # "late", "at_risk" or ""
    team: str = ""
    theme: str = ""
    value_stream: str = ""
    column: int = 1
    span: int = 1

    @property
    def flag_label(self) -> str:
        return {"late": "Late", "at_risk": "At risk"}.get(self.flag, "")

    @property
    def is_point(self) -> bool:
        return self.start == self.end


@dataclass
class Lane:
    """A row group: its items inside the window, capped unless expanded."""

    key: str
    label: str
    items: list[Item] = field(default_factory=list)
    hidden: int = 0  # beyond the cap

    @property
    def total(self) -> int:
        return len(self.items) + self.hidden


@dataclass
class Filters:
    theme: Theme | None = None
    value_stream: ValueStream | None = None
    team: Team | None = None


@dataclass
class Roadmap:
    window: Window
    today: dt.date
    lanes: list[Lane]
    before: dict[str, int]  # kind → items that end before the window
    after: dict[str, int]  # kind → items that start after it

    @property
    def today_column(self) -> int | None:
        if self.window.start <= self.today <= self.window.end:
            return self.window.column(self.today)
        return None

    @property
    def today_offset(self) -> int:
        """How far into its month today is, in percent (places the today line)."""
        month = self.today.replace(day=1)
        days = (add_months(month, 1) - month).days
        return round((self.today.day - 1) * 100 / days)

    @property
    def items(self) -> list[Item]:
        return [item for lane in self.lanes for item in lane.items]

    @property
    def empty(self) -> bool:
        return not self.lanes and not any(self.before.values()) and not any(self.after.values())


def release_flag(release: Release, today: dt.date) -> str:
    if release.status not in FINISHED_RELEASE and release.planned_date < today:
        return "late"
    return ""


def epic_flag(epic: Epic, today: dt.date) -> str:
    assert epic.target_date is not None
    if epic.state in FINISHED_EPIC:
        return ""
    if epic.target_date < today:
        return "late"
    if (epic.target_date - today).days <= EPIC_AT_RISK_DAYS:
        return "at_risk"
    return ""


def objective_flag(pace: Pace, ends_on: dt.date, closed: bool, today: dt.date) -> str:
    if closed:
        return ""
    if ends_on < today:
        return "late"
    return "at_risk" if pace in PACE_AT_RISK else ""


def releases(access: Access, filters: Filters, today: dt.date) -> list[Item]:
    """Releases that are not cancelled; for a team, those the calendar feed gives it (its
    features or its impacts). Themes and value streams do not apply to releases."""
    slug = access.organization.slug
    return [
        Item(
            kind="release",
            pk=release.pk,
            title=release.name,
            url=reverse("delivery_release", args=[slug, release.pk]),
            start=release.planned_date,
            end=release.planned_date,
            state=release.get_status_display(),
            flag=release_flag(release, today),
        )
        for release in releases_for(access.organization, filters.team)
        if release.status != ReleaseStatus.CANCELLED
    ]


def epics(access: Access, filters: Filters, today: dt.date) -> list[Item]:
    rows = (
        Epic.objects.filter(organization=access.organization, target_date__isnull=False)
        .exclude(state=EpicState.CLOSED)
        .select_related("team", "theme", "value_stream")
    )
    if filters.team is not None:
        rows = rows.filter(team=filters.team)
    if filters.theme is not None:
        rows = rows.filter(theme=filters.theme)
    if filters.value_stream is not None:
        rows = rows.filter(value_stream=filters.value_stream)
    slug = access.organization.slug
    items = []
    for epic in rows.order_by("target_date", "title", "id"):
        assert epic.target_date is not None
        items.append(
            Item(
                kind="epic",
                pk=epic.pk,
                title=epic.title,
                url=reverse("portfolio_epic", args=[slug, epic.pk]),
                start=epic.target_date,
                end=epic.target_date,
                state=epic.get_state_display(),
                flag=epic_flag(epic, today),
                team=epic.team.name if epic.team else "",
                theme=epic.theme.name if epic.theme else "",
                value_stream=epic.value_stream.name if epic.value_stream else "",
            )
        )
    return items


def objectives(access: Access, filters: Filters, today: dt.date) -> list[Item]:
    period = goals.current_period(access, today)
    if period is None:
        return []
    tree = goals.cascade(access, period)
    slug = access.organization.slug
    items = []
    for node in goals.walk(tree.roots):
        objective = node.objective
        if filters.team is not None and objective.team_id != filters.team.pk:
            continue
        if filters.theme is not None and objective.theme_id != filters.theme.pk:
            continue
        if filters.value_stream is not None:
            continue  # objectives belong to no value stream
        items.append(
            Item(
                kind="objective",
                pk=objective.pk,
                title=objective.title,
                url=reverse("goals_objective", args=[slug, objective.pk]),
                start=period.starts_on,
                end=period.ends_on,
                state=f"{objective.get_status_display()}, {node.pace.label.lower()}",
                flag=objective_flag(node.pace, period.ends_on, objective.status == "closed", today),
                team=objective.team.name if objective.team else "",
                theme=objective.theme.name if objective.theme else "",
            )
        )
    return items


def build(
    access: Access,
    window: Window,
    filters: Filters,
    *,
    today: dt.date,
    group_by: str = "team",
    expanded: str = "",
    capped: bool = True,
) -> Roadmap:
    """The roadmap in ``window``; lanes other than ``expanded`` hold at most LANE_CAP items."""
    before: dict[str, int] = {"release": 0, "epic": 0, "objective": 0}
    after: dict[str, int] = {"release": 0, "epic": 0, "objective": 0}
    groups: list[tuple[str, str, list[Item]]] = [
        ("releases", "Releases", releases(access, filters, today)),
        ("objectives", "Objectives", objectives(access, filters, today)),
    ]
    by_group: dict[str, list[Item]] = {}
    for item in epics(access, filters, today):
        name = (item.theme if group_by == "theme" else item.team) or ""
        by_group.setdefault(name, []).append(item)
    for name in sorted(by_group, key=lambda n: (n == "", n.lower())):
        label = name or ("No theme" if group_by == "theme" else "No team")
        groups.append((f"epics-{name or '-'}", f"Epics: {label}", by_group[name]))
    lanes = []
    for key, label, items in groups:
        inside = []
        for item in items:
            if item.end < window.start:
                before[item.kind] += 1
            elif item.start > window.end:
                after[item.kind] += 1
            else:
                item.column = window.column(item.start)
                item.span = window.column(item.end) - item.column + 1
                inside.append(item)
        if not inside:
            continue
        lane = Lane(key=key, label=label, items=inside)
        if capped and key != expanded and len(inside) > LANE_CAP:
            lane.items, lane.hidden = inside[:LANE_CAP], len(inside) - LANE_CAP
        lanes.append(lane)
    return Roadmap(window=window, today=today, lanes=lanes, before=before, after=after)


def calendar_of(
    organization: Organization, plan: Roadmap, absolute: Callable[[str], str]
) -> Calendar:
    """One all-day event per release and per epic target date in the window (uncapped); the
    icalendar library escapes the text, as in the calendar feeds."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{organization.name} roadmap")
    for item in plan.items:
        if item.kind == "objective":
            continue
        event = Event()
        # The feeds' uid for a release, so a calendar that holds both sees one event.
        event.add(
            "uid",
            uid(item.kind if item.kind == "release" else "epic-target", item.pk, organization),
        )
        event.add("dtstamp", dt.datetime.now(dt.UTC))
        all_day(event, item.start)
        label = "Release" if item.kind == "release" else "Epic target"
        event.add("summary", f"{label}: {item.title}")
        words = ", ".join(part for part in (item.state, item.flag_label, item.team) if part)
        event.add("description", words)
        event.add("url", absolute(item.url))
        event.add("categories", [label])
        calendar.add_component(event)
    return calendar
