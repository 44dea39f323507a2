"""The charts in a real browser (issue 15): the boxes Chromium draws for the labels never
overlap or leave the chart, the heat map shows its marks with their legend, the trend shows a
legend drawn like its lines, and a partial index says so. Screenshots at 1440 and 390 px wide
in test-artifacts/screenshots/."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from northline.conftest import SCREENSHOTS, screenshot, sign_in
from northline.delivery import services
from northline.insights.index.services import take_snapshots
from northline.insights.reports.charts import HEAT_COL_W
from northline.insights.tests.index_org import add_governance, build, write_history
from northline.insights.tests.test_reports_dependencies import build_heat, days, feature
from northline.insights.tests.test_reports_key_results import build_okrs
from northline.testing import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = ((1440, 900), (390, 844))
LONG_RELEASES = (
    "Release 2026.3 Online permits and payments for the harbour moorings",
    "Release 2026.3 Online permits and payments for the river moorings",
)
LONG_KEY_RESULT = (
    "Applications abandoned before payment in the online mooring permit service, counted "
    "every week across every harbour"
)

BOXES = """selector => Array.from(document.querySelectorAll(selector)).map(text => {
  const box = text.getBBox();
  return [box.x, box.y, box.x + box.width, box.y + box.height];
})"""


def overlapping(boxes: list[list[float]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2)
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def heat_with_long_names(cast: Cast) -> None:
    access = cast.owner_access
    with pytest.MonkeyPatch.context() as patch:
        teams = build_heat(access, patch)
        for offset, name in enumerate(LONG_RELEASES):
            release = services.create_release(access, name=name, planned_date=days(60 + offset))
            item = feature(access, release, f"Moorings {offset}", teams.builders)
            services.add_impact(access, item, team=teams.training, role="impactee")


def test_the_heat_map_marks_each_state_and_its_release_names_never_overlap(page, cast: Cast):
    heat_with_long_names(cast)
    sign_in(page, "victor")
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/o/acme/insights/reports/dependencies/")
        chart = page.locator("svg#heat-map")
        assert chart.locator("text.heat-release").count() == 6
        names = page.evaluate(BOXES, "svg#heat-map text.heat-release")
        assert overlapping(names) == []
        assert all(right - left <= HEAT_COL_W - 4 for left, _, right, _ in names)
        teams = page.evaluate(BOXES, "svg#heat-map text.heat-team")
        assert min(left for left, _, _, _ in teams) >= 0
        # The long names are shortened, with the full name as their title.
        for name in LONG_RELEASES:
            assert chart.locator(f'text.heat-release:has(title:text-is("{name}"))').count() == 1
        for kind in ("in_time", "late", "waiting", "none"):
            assert chart.locator(f"g.heat-mark.mark-{kind}").count() >= 1
        legend = page.locator(".mark-legend")
        for words in (
            "Acknowledged, told in time",
            "Acknowledged, but told late",
            "Waiting: not acknowledged yet",
            "Not impacted",
        ):
            expect(legend.get_by_text(words)).to_be_visible()
        expect(page.locator(".heat-table")).to_be_visible()
        screenshot(page, f"charts_heat_map_{width}")
        page.locator("figure.chart-card").screenshot(
            path=SCREENSHOTS / f"charts_heat_map_figure_{width}.png"
        )


def test_the_key_result_report_keeps_long_titles_inside_the_chart(page, cast: Cast):
    okrs = build_okrs(cast.owner_access, title=LONG_KEY_RESULT)
    sign_in(page, "victor")
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/o/acme/insights/reports/key-results/?period={okrs.q1.pk}")
        labels = page.evaluate(BOXES, "svg#key-results text.bar-name")
        assert len(labels) == 3
        assert min(left for left, _, _, _ in labels) >= 0
        assert overlapping(labels) == []
        chart = page.locator("svg#key-results")
        assert chart.locator(f'text.bar-name:has(title:text-is("{LONG_KEY_RESULT}"))').count() == 1
        assert page.locator(".kr-table").get_by_role("link", name=LONG_KEY_RESULT).count() == 1
        screenshot(page, f"charts_key_results_{width}")


def test_the_index_says_it_is_partial_and_its_trend_lines_differ(page, cast: Cast):
    org = build(cast)
    add_governance(cast, org)
    today = timezone.localdate()
    take_snapshots(cast.org, today)
    write_history(cast.org, today)
    sign_in(page, "victor")
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/o/acme/insights/")
        summary = page.locator(".index-summary")
        assert summary.locator(".index-partial-badge").inner_text() == "Partial"
        expect(
            summary.get_by_text(
                "Partial: from 4 of 5 components — shared understanding has no data yet."
            )
        ).to_be_visible()
        legend = page.locator(".trend-legend li")
        assert legend.count() == 6
        assert legend.first.inner_text().startswith("Alignment index")
        dashes = page.evaluate(
            """() => Array.from(document.querySelectorAll('.trend-legend svg line'))
                .map(line => getComputedStyle(line).strokeDasharray)"""
        )
        assert len(set(dashes)) == 6
        screenshot(page, f"charts_index_{width}")
        page.locator("section.trend figure").screenshot(
            path=SCREENSHOTS / f"charts_index_trend_{width}.png"
        )
