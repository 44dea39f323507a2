"""The reports in a real browser: the reports home, and each report's chart, table and
filters, read by a viewer. Each test leaves a screenshot in test-artifacts/screenshots/.

The records are made on known days (the clock is set while they are made, then given back,
so the browser's session cookie is dated today), and the pages are asked for those days.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from northline.conftest import SCREENSHOTS, sign_in
from northline.insights.tests.test_reports_dependencies import build_heat
from northline.insights.tests.test_reports_flow import build_flow, move, set_clock
from northline.insights.tests.test_reports_investment import build_investments
from northline.insights.tests.test_reports_key_results import build_okrs
from northline.testing import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def busy_board(cast: Cast) -> None:
    """The flow tests' five epics, and eight more moving through February and March."""
    with pytest.MonkeyPatch.context() as patch:

        def clock(day: dt.date) -> None:
            set_clock(patch, day)

        board = build_flow(cast.owner_access, clock)
        first = dt.date(2026, 2, 1)
        for number in range(8):
            clock(first + dt.timedelta(days=3 * number))
            epic = board.epic(f"Service {number + 1}")
            for step, state in enumerate(["todo", "doing", "done"][: 1 + number % 3]):
                clock(first + dt.timedelta(days=3 * number + 6 * (step + 1)))
                move(board, epic, state)


def heat(cast: Cast) -> None:
    with pytest.MonkeyPatch.context() as patch:
        build_heat(cast.owner_access, patch)


def test_the_reports_home_lists_the_four_reports(page, cast: Cast) -> None:
    build_investments(cast.owner_access)
    busy_board(cast)
    heat(cast)
    sign_in(page, "victor")
    page.goto("/o/acme/insights/reports/")
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    cards = page.locator(".report-card")
    assert cards.count() == 4
    expect(
        page.get_by_text("250,000 EUR planned across 2 themes and 1 value stream, 46 % spent")
    ).to_be_visible()
    expect(page.get_by_text("9 impacts on 3 teams across 3 releases")).to_be_visible()
    assert page.locator('.subnav a[aria-current="page"]').inner_text() == "Reports"
    page.screenshot(path=SCREENSHOTS / "insights_reports_home.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="Investment vs themes").click()
    expect(page.get_by_role("heading", name="Investment vs themes")).to_be_visible()


def test_the_investment_report_draws_bars_and_filters_by_period(page, cast: Cast) -> None:
    build_investments(cast.owner_access)
    sign_in(page, "victor")
    page.goto("/o/acme/insights/reports/investment/")
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 2
    assert charts.first.locator("title").first.text_content() == "Planned vs spent by theme (EUR)"
    expect(page.locator(".key-over").first).to_be_visible()
    page.get_by_label("Period", exact=True).select_option("2026-01-01/2026-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(
        page.get_by_role("heading", name="EUR: 200,000 planned, 116,000 spent (58 %)")
    ).to_be_visible()
    assert "period=2026-01-01%2F2026-12-31" in (
        page.get_by_role("link", name="Download CSV").get_attribute("href") or ""
    )


def test_the_flow_report_stacks_the_states_with_a_legend_in_words(page, cast: Cast) -> None:
    busy_board(cast)
    sign_in(page, "victor")
    page.goto("/o/acme/insights/reports/flow/?start=2026-02-01&end=2026-03-20")
    expect(page.get_by_text("From 1 Feb 2026 to 20 Mar 2026 (48 days).")).to_be_visible()
    assert page.locator("svg#flow polygon.flow-band").count() == 5
    legend = page.locator(".flow-legend")
    for word in ("Funnel", "To do", "Doing", "Done", "Closed"):
        assert word in legend.inner_text()
    page.get_by_text("Every day's numbers").click()
    assert page.locator(".flow-days tbody tr").count() == 48
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "insights_reports_flow_days.png", full_page=True)
    # A window longer than a year: the browser holds the form back (the field says 7 to
    # 365); typed into the address, the server refuses it next to the field, without a chart.
    page.goto("/o/acme/insights/reports/flow/")
    assert page.get_by_label("Days").get_attribute("max") == "365"
    page.goto("/o/acme/insights/reports/flow/?days=400")
    expect(page.get_by_text("Ensure this value is less than or equal to 365.")).to_be_visible()
    assert page.locator("svg#flow").count() == 0


def test_the_key_result_report_marks_the_expected_share(page, cast: Cast) -> None:
    okrs = build_okrs(cast.owner_access)
    sign_in(page, "victor")
    page.goto(f"/o/acme/insights/reports/key-results/?period={okrs.q1.pk}")
    chart = page.locator("svg#key-results")
    assert chart.locator("line.kr-expected").count() == 3
    # Read today the period is over: every key result is judged at its end.
    expect(page.locator(".kr-table .health").first).to_be_visible()
    expect(page.get_by_role("heading", name="Across periods")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "insights_reports_key_results_all.png", full_page=True)
    page.get_by_label("Team").select_option(label="Permits")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.locator("svg#key-results line.kr-expected").count() == 1
    expect(page.get_by_role("link", name="Fewer counter visits")).to_be_visible()
    assert page.get_by_role("link", name="Days to decide").count() == 0


def test_the_heat_map_filters_by_release_status(page, cast: Cast) -> None:
    heat(cast)
    sign_in(page, "victor")
    page.goto("/o/acme/insights/reports/dependencies/")
    chart = page.locator("svg#heat-map")
    expect(chart).to_be_visible()
    assert chart.locator("g.heat-cell").count() == 12  # 3 teams × 4 columns
    assert page.get_by_label("Planned").is_checked()
    assert not page.get_by_label("Cancelled").is_checked()
    page.screenshot(path=SCREENSHOTS / "insights_reports_heat_default.png", full_page=True)
    page.get_by_label("Cancelled").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert chart.locator("text.heat-release", has_text="Dropped idea").count() == 1
    expect(page.locator(".heat-table").get_by_text("Dropped idea")).to_be_visible()
