"""The cumulative flow of the board, replayed from the audit trail.

The epics are created, moved, closed and deleted through the portfolio services, on known
days: the tests set the clock (``django.utils.timezone.now``) before each call, so the audit
events carry those days exactly as they would have in production. Nothing writes events by
hand except the one test about records that predate their history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from northline.insights.reports import charts as charts_reports
from northline.insights.reports import exports as exports_reports
from northline.insights.reports import selectors as reports
from northline.lib.errors import Invalid
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.audit import record_event
from northline.portfolio import services
from northline.portfolio.models import Epic
from northline.portfolio.tests.conftest import Board
from northline.testing import Cast, assert_queries_constant

pytestmark = pytest.mark.django_db

Clock = Callable[[dt.date], None]
TODAY = dt.date(2026, 3, 20)
START, END = dt.date(2026, 3, 10), dt.date(2026, 3, 16)


def set_clock(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """From now on it is noon (UTC) of ``day`` for every service and every auto_now_add."""
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """``clock(day)``: see ``set_clock``."""
    return lambda day: set_clock(monkeypatch, day)


def on[T](clock: Clock, day: tuple[int, int], action: Callable[[], T]) -> T:
    clock(dt.date(2026, *day))
    return action()


def move(
    board: Board, epic: Epic, state: str, close_reason: str = "", close_note: str = ""
) -> Epic:
    epic.refresh_from_db()
    return services.move_epic(
        board.access, epic, state=state, close_reason=close_reason, close_note=close_note
    )


def build_flow(access: Access, clock: Clock) -> Board:
    """A (created 1 Mar, to do 5 Mar, doing 12 Mar, done 14 Mar); B (created 11 Mar, closed
    13 Mar); C (created 9 Mar, deleted 15 Mar); D (created and to do on 12 Mar);
    E (created 18 Mar, after the window)."""
    team = org_services.create_team(access, name="Digital Permits", kind="product")
    board = Board(access=access, team=team)
    a = on(clock, (3, 1), lambda: board.epic("Apply online"))
    on(clock, (3, 5), lambda: move(board, a, "todo"))
    c = on(clock, (3, 9), lambda: board.epic("Counter booking"))
    b = on(clock, (3, 11), lambda: board.epic("Bulk permits"))
    on(clock, (3, 12), lambda: move(board, a, "doing"))
    d = on(clock, (3, 12), lambda: board.epic("Digital receipts"))
    on(clock, (3, 12), lambda: move(board, d, "todo"))
    on(clock, (3, 13), lambda: move(board, b, "closed", close_reason="duplicate", close_note="x"))
    on(clock, (3, 14), lambda: move(board, a, "done"))
    on(clock, (3, 15), lambda: services.delete_epic(access, c))
    on(clock, (3, 18), lambda: board.epic("Evening opening"))
    clock(TODAY)
    return board


def counts(report: reports.FlowReport) -> list[tuple[str, int, int, int, int, int]]:
    return [
        (
            f"{day.day:%m-%d}",
            day.counts["funnel"],
            day.counts["todo"],
            day.counts["doing"],
            day.counts["done"],
            day.counts["closed"],
        )
        for day in report.days
    ]


def test_it_counts_each_state_at_the_end_of_each_day(cast: Cast, clock: Clock) -> None:
    board = build_flow(cast.owner_access, clock)
    report = reports.cumulative_flow(board.access, today=TODAY, start=START, end=END)

    assert (report.start, report.end, report.length) == (START, END, 7)
    # day: funnel, to do, doing, done, closed
    assert counts(report) == [
        ("03-10", 1, 1, 0, 0, 0),  # A to do and C in the funnel, both from before the window
        ("03-11", 2, 1, 0, 0, 0),  # B created
        ("03-12", 2, 1, 1, 0, 0),  # A doing; D created and moved to do the same day
        ("03-13", 1, 1, 1, 0, 1),  # B closed
        ("03-14", 1, 1, 0, 1, 1),  # A done
        ("03-15", 0, 1, 0, 1, 1),  # C deleted
        ("03-16", 0, 1, 0, 1, 1),
    ]
    assert [day.total for day in report.days] == [2, 3, 4, 4, 4, 3, 3]
    assert report.legend == [
        ("funnel", "Funnel", 0),
        ("todo", "To do", 1),
        ("doing", "Doing", 0),
        ("done", "Done", 1),
        ("closed", "Closed", 1),
    ]


def test_it_defaults_to_the_last_90_days_ending_today(cast: Cast, clock: Clock) -> None:
    board = build_flow(cast.owner_access, clock)
    report = reports.cumulative_flow(board.access, today=TODAY)
    assert (report.start, report.end, report.length) == (dt.date(2025, 12, 21), TODAY, 90)
    # Before A was created nothing stood on the board.
    assert counts(report)[0] == ("12-21", 0, 0, 0, 0, 0)
    assert counts(report)[-1] == ("03-20", 1, 1, 0, 1, 1)  # E, D, A, B
    week = reports.cumulative_flow(board.access, today=TODAY, days=7)
    assert (week.start, week.end) == (dt.date(2026, 3, 14), TODAY)
    ending = reports.cumulative_flow(board.access, today=TODAY, days=7, end=dt.date(2026, 3, 13))
    assert (ending.start, ending.end) == (dt.date(2026, 3, 7), dt.date(2026, 3, 13))
    assert counts(ending)[0] == ("03-07", 0, 1, 0, 0, 0)  # A in to do, C not yet created
    from_start = reports.cumulative_flow(board.access, today=TODAY, start=dt.date(2026, 3, 1))
    assert (from_start.start, from_start.end) == (dt.date(2026, 3, 1), TODAY)
    assert counts(from_start)[0] == ("03-01", 1, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("window", "field", "message"),
    [
        ({"days": 6}, "days", "7 to 365 days long; 6 is outside"),
        ({"days": 366}, "days", "7 to 365 days long; 366 is outside"),
        ({"end": dt.date(2026, 3, 21)}, "end", "cannot end after today (2026-03-20)"),
        ({"start": dt.date(2026, 3, 17), "end": dt.date(2026, 3, 16)}, "start", "starts after"),
        ({"start": dt.date(2026, 3, 15)}, "start", "2026-03-15 to 2026-03-20 is 6"),
        ({"start": dt.date(2025, 3, 20)}, "start", "2025-03-20 to 2026-03-20 is 366"),
    ],
)
def test_it_refuses_a_window_it_cannot_draw_naming_the_field(
    window: dict, field: str, message: str
) -> None:
    with pytest.raises(Invalid) as refused:
        reports.flow_window(today=TODAY, **window)
    assert message in refused.value.message
    assert list(refused.value.fields) == [field]


def test_it_allows_windows_of_seven_to_365_days_ending_today_at_the_latest() -> None:
    assert reports.flow_window(today=TODAY, start=dt.date(2026, 3, 14)) == (
        dt.date(2026, 3, 14),
        TODAY,
    )
    assert reports.flow_window(today=TODAY, start=dt.date(2025, 3, 21)) == (
        dt.date(2025, 3, 21),
        TODAY,
    )
    assert reports.flow_window(today=TODAY, days=365) == (dt.date(2025, 3, 21), TODAY)
    assert reports.flow_window(today=TODAY, end=TODAY, days=7) == (dt.date(2026, 3, 14), TODAY)


def test_it_counts_an_epic_without_history_from_the_day_its_row_was_made(
    cast: Cast, clock: Clock
) -> None:
    """Records that predate their history (an epic inserted without the services, another
    whose trail starts with a move) still count, from the day their row was made."""
    access = cast.owner_access
    clock(dt.date(2026, 3, 11))
    Epic.objects.create(organization=cast.org, title="Imported", state="doing", rank="a")
    moved = Epic.objects.create(organization=cast.org, title="Half-told", state="todo", rank="b")
    clock(dt.date(2026, 3, 13))
    record_event(
        actor=cast.owner,
        organization=cast.org,
        verb="moved",
        obj=moved,
        changes={"state": ["todo", "doing"]},
    )
    report = reports.cumulative_flow(access, today=TODAY, start=START, end=END)
    assert counts(report)[:4] == [
        ("03-10", 0, 0, 0, 0, 0),
        ("03-11", 0, 1, 1, 0, 0),
        ("03-12", 0, 1, 1, 0, 0),
        ("03-13", 0, 0, 2, 0, 0),
    ]


def test_it_ignores_other_organizations_and_other_records(cast: Cast, clock: Clock) -> None:
    clock(dt.date(2026, 3, 12))
    outsider = cast.access(cast.outsider, cast.other_org)
    team = org_services.create_team(outsider, name="Elsewhere", kind="product")
    Board(outsider, team).epic("Their epic", state="todo")
    report = reports.cumulative_flow(cast.owner_access, today=TODAY, start=START, end=END)
    assert not report.has_data and report.epics == 0
    assert reports.flow_summary(report) == "No epics on the board yet."


def test_it_sums_up_the_last_day_in_one_line(cast: Cast, clock: Clock) -> None:
    board = build_flow(cast.owner_access, clock)
    report = reports.cumulative_flow(board.access, today=TODAY)
    assert reports.flow_summary(report) == (
        "On 20 Mar 2026: 1 funnel, 1 to do, 0 doing, 1 done, 1 closed."
    )


def test_it_reads_the_trail_in_two_queries_whatever_the_epics_and_events(
    cast: Cast, clock: Clock
) -> None:
    board = build_flow(cast.owner_access, clock)

    def grow() -> None:
        for number in range(5):
            clock(dt.date(2026, 3, 10 + number))
            epic = board.epic(f"More {number}")
            clock(dt.date(2026, 3, 11 + number))
            move(board, epic, "todo")
            clock(dt.date(2026, 3, 12 + number))
            move(board, epic, "doing")
        clock(TODAY)

    count = assert_queries_constant(
        lambda: reports.cumulative_flow(board.access, today=TODAY, start=START, end=END), grow
    )
    assert count == 2


def test_it_draws_stacked_bands_with_a_title_and_description(cast: Cast, clock: Clock) -> None:
    board = build_flow(cast.owner_access, clock)
    report = reports.cumulative_flow(board.access, today=TODAY, start=START, end=END)
    svg = str(charts_reports.flow_chart(report, chart_id="cfd"))
    assert '<svg class="chart" id="cfd" role="img"' in svg
    assert '<title id="cfd-title">Cumulative flow of the board</title>' in svg
    assert (
        "Epics per state from 2026-03-10 to 2026-03-16. On the first day: funnel 1, to do 1, "
        "doing 0, done 0, closed 0; on the last day: funnel 0, to do 1, doing 0, done 1, "
        "closed 1." in svg
    )
    # One band per state, closed at the bottom and the funnel on top.
    bands = [part.split('"')[0] for part in svg.split('class="flow-band flow-')[1:]]
    assert bands == ["closed", "done", "doing", "todo", "funnel"]
    assert "<title>Done: 1 on 2026-03-16</title>" in svg


def test_it_exports_one_row_per_day(cast: Cast, clock: Clock) -> None:
    board = build_flow(cast.owner_access, clock)
    report = reports.cumulative_flow(board.access, today=TODAY, start=START, end=END)
    rows = exports_reports.flow_rows(report)
    assert rows[0] == ["date", "funnel", "to do", "doing", "done", "closed", "total"]
    assert rows[1] == [dt.date(2026, 3, 10), 1, 1, 0, 0, 0, 2]
    assert rows[-1] == [dt.date(2026, 3, 16), 0, 1, 0, 1, 1, 3]
    assert len(rows) == 8
