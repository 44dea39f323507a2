"""The Insights home in a real browser: the index and its components, a component's
drill-down, the team selector and the trend chart. Each test leaves screenshots in
test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from northline.conftest import SCREENSHOTS, screenshot, sign_in
from northline.insights.index.services import take_snapshots
from northline.insights.tests.index_org import add_governance, build, write_history
from northline.testing import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_insights_home_shows_the_index_drills_down_and_filters_by_team(page, cast: Cast):
    org = build(cast)
    add_governance(cast, org)
    take_snapshots(cast.org, timezone.localdate())
    write_history(cast.org, timezone.localdate())

    sign_in(page, "victor")
    page.goto("/o/acme/")
    page.get_by_role("navigation", name="Acme Ministry").get_by_role(
        "link", name="Insights"
    ).click()
    page.wait_for_url("**/o/acme/insights/")
    # (56.5 + 50 + 60 + 50) / 4 = 54.125: 54.1; understanding has no answers yet.
    assert page.locator(".index-summary .index-number").inner_text() == "54.1"
    assert page.locator(".index-summary .health").inner_text() == "Weak"
    cards = page.locator("ol.components > li")
    assert cards.count() == 5
    governance = page.locator("#component-governance")
    assert governance.locator(".component-value").inner_text() == "50.0"
    expect(governance.get_by_text("Coalition authority")).to_be_visible()
    expect(governance.get_by_role("link", name="Release board")).to_be_visible()
    understanding = page.locator("#component-understanding")
    assert understanding.locator(".component-value").inner_text() == "No data"

    # The trend: a chart with the index line and the figures behind a disclosure.
    chart = page.locator("svg#index-trend")
    expect(chart).to_be_visible()
    assert chart.locator("polyline.trend-main").count() == 1
    table = page.locator(".trend-table table")
    expect(table).to_be_hidden()
    page.get_by_text("The figures, day by day").click()
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() == 60
    screenshot(page, "insights_index_home")
    page.locator("section.index-summary").screenshot(path=SCREENSHOTS / "insights_index_value.png")
    page.locator("ol.components").screenshot(path=SCREENSHOTS / "insights_index_components.png")
    page.locator("section.trend figure").screenshot(path=SCREENSHOTS / "insights_index_trend.png")

    # A component's drill-down, from its "see all" link.
    page.get_by_role("link", name="See all 5 records that lower governance").click()
    page.wait_for_url("**/insights/components/governance/")
    expect(page.get_by_role("heading", name="Governance", level=1)).to_be_visible()
    rows = page.locator("table.lowering-table tbody tr")
    assert rows.count() == 5
    expect(rows.filter(has_text="Licensing residency").get_by_text("In residence")).to_be_visible()
    screenshot(page, "insights_index_drill_down")

    # The team selector narrows the page to one team (it submits itself on change).
    page.get_by_role("link", name="Alignment index").first.click()
    page.wait_for_url("**/insights/")
    with page.expect_navigation():
        page.get_by_label("Show the index of", exact=True).select_option(label="Licensing")
    assert "team=" in page.url
    expect(page.get_by_role("heading", name="Alignment index of Licensing")).to_be_visible()
    assert page.locator("#component-traceability .component-value").inner_text() == "38.5"
    expect(page.locator("svg#index-trend")).to_be_visible()
    assert "Licensing" in page.locator("svg#index-trend title").first.text_content()
    page.locator("form.team-filter").screenshot(path=SCREENSHOTS / "insights_index_team.png")
    with page.expect_navigation():
        page.get_by_role("link", name="Back to the whole organization").click()
    expect(page.get_by_role("heading", name="Alignment index of the organization")).to_be_visible()


def test_the_insights_home_says_what_to_do_without_snapshots(page, cast: Cast):
    sign_in(page, "victor")
    page.goto("/o/acme/insights/")
    assert page.locator(".index-summary .index-number").inner_text() == "No data"
    expect(page.get_by_text("The first reading appears after the nightly snapshot")).to_be_visible()
    assert page.locator(".trend-empty code").count() == 0
    assert page.locator("svg#index-trend").count() == 0
