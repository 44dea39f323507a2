"""The reports pages for each user who may and who may not: the reports home, the four
reports with their filters, empty states and refusals, and the CSV / XLSX downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from northline.insights.tests.test_reports_dependencies import build_heat
from northline.insights.tests.test_reports_flow import build_flow, set_clock
from northline.insights.tests.test_reports_investment import build_investments
from northline.insights.tests.test_reports_key_results import AT, build_okrs
from northline.portfolio import services as portfolio
from northline.testing import Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db

PAGES = [
    "insights_reports",
    "insights_report_investment",
    "insights_report_flow",
    "insights_report_key_results",
    "insights_report_dependencies",
]
REPORTS = ["investment", "flow", "key-results", "dependencies"]


def urls(slug: str = "acme") -> list[str]:
    return [reverse(name, args=[slug]) for name in PAGES] + [
        reverse("insights_report_export", args=[slug, report, fmt])
        for report in REPORTS
        for fmt in ("csv", "xlsx")
    ]


def text(response) -> str:
    return response.content.decode()


def test_it_sends_the_anonymous_caller_to_sign_in(client: Client, cast: Cast) -> None:
    for url in urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next=/o/acme/insights/reports/"), url


def test_it_hides_every_page_from_outsiders(cast: Cast) -> None:
    outsider = signed_in(cast.outsider)
    for url in urls():
        assert outsider.get(url).status_code == 404, url


def test_it_shows_every_page_to_a_viewer_with_what_to_add_and_where(cast: Cast) -> None:
    viewer = signed_in(cast.viewer)
    for url in urls():
        assert viewer.get(url).status_code == 200, url
    home = text(viewer.get(reverse("insights_reports", args=["acme"])))
    assert '<a href="/o/acme/insights/reports/" aria-current="page">Reports</a>' in home
    for summary in (
        "No investments yet.",
        "No epics on the board yet.",
        "No periods yet.",
        "No impacts on teams yet.",
    ):
        assert summary in home
    assert 'href="/o/acme/insights/reports/key-results.xlsx"' in home
    investment = text(viewer.get(reverse("insights_report_investment", args=["acme"])))
    assert "No investments yet" in investment
    assert 'Add them under <a href="/o/acme/strategy/investments/">Strategy → Investment</a>' in (
        investment
    )
    flow = text(viewer.get(reverse("insights_report_flow", args=["acme"])))
    assert "No epics yet" in flow and 'href="/o/acme/portfolio/"' in flow
    key_results = text(viewer.get(reverse("insights_report_key_results", args=["acme"])))
    assert "No periods yet" in key_results and 'href="/o/acme/goals/periods/"' in key_results
    heat = text(viewer.get(reverse("insights_report_dependencies", args=["acme"])))
    assert "No impacts yet" in heat and 'href="/o/acme/delivery/releases/"' in heat


def test_it_draws_the_investment_report_with_its_chart_table_and_period_filter(
    cast: Cast,
) -> None:
    build_investments(cast.owner_access, permits_name="<b>Faster</b> permits")
    viewer = signed_in(cast.viewer)
    page = text(viewer.get(reverse("insights_report_investment", args=["acme"])))
    assert page.count('role="img"') == 2  # one chart per currency
    assert "EUR: 250,000 planned, 116,000 spent (46 %)" in page
    assert "&lt;b&gt;Faster&lt;/b&gt; permits" in page and "<b>Faster</b>" not in page
    assert '<option value="2026-01-01/2026-12-31">2026-01-01 – 2026-12-31</option>' in page
    assert '<td class="num">60 %</td>' in page  # Faster permits' share of the portfolio
    assert "over plan" in page
    filtered = text(
        viewer.get(
            reverse("insights_report_investment", args=["acme"]),
            {"period": "2026-01-01/2026-12-31"},
        )
    )
    assert "EUR: 200,000 planned, 116,000 spent (58 %)" in filtered
    assert "Investments whose period overlaps 2026-01-01 – 2026-12-31." in filtered
    assert (
        'href="/o/acme/insights/reports/investment.csv?period=2026-01-01%2F2026-12-31"' in filtered
    )
    empty = text(
        viewer.get(
            reverse("insights_report_investment", args=["acme"]),
            {"period": "2030-01-01/2030-12-31"},
        )
    )
    assert "Nothing is planned for 2030-01-01 – 2030-12-31." in empty


def test_it_draws_the_flow_with_a_legend_in_words(cast: Cast, monkeypatch) -> None:
    build_flow(cast.owner_access, lambda day: set_clock(monkeypatch, day))
    viewer = signed_in(cast.viewer)
    url = reverse("insights_report_flow", args=["acme"])
    page = text(viewer.get(url, {"start": "2026-03-10", "end": "2026-03-16"}))
    assert "From 10 Mar 2026 to 16 Mar 2026 (7 days)." in page
    for entry in ("Funnel: 0", "To do: 1", "Doing: 0", "Done: 1", "Closed: 1"):
        assert entry in page
    assert page.count('class="flow-band') == 5
    assert (
        '<tr><th scope="row">2026-03-12</th><td class="num">2</td><td class="num">1</td>'
        '<td class="num">1</td><td class="num">0</td><td class="num">0</td>'
        '<td class="num">4</td></tr>' in page
    )
    assert 'href="/o/acme/insights/reports/flow.xlsx?start=2026-03-10&amp;end=2026-03-16"' in page


def test_it_draws_key_results_with_pace_in_words(cast: Cast, monkeypatch) -> None:
    okrs = build_okrs(cast.owner_access, title="<i>Applications</i> online")
    monkeypatch.setattr(timezone, "now", lambda: AT)
    viewer = signed_in(cast.viewer)
    url = reverse("insights_report_key_results", args=["acme"])
    page = text(viewer.get(url))
    assert "Q1 2026: 1 Jan 2026 – 11 Apr 2026" in page
    assert '<span class="health health-on_track">On track</span>' in page
    assert '<span class="health health-stalled">Not moving</span>' in page
    assert "&lt;i&gt;Applications&lt;/i&gt; online" in page and "<i>Applications" not in page
    assert "70 %" in page and "40 %" in page
    assert "Across periods" in page and "0.25" in page
    team = text(viewer.get(url, {"team": okrs.team.pk}))
    assert "Q1 2026: 1 Jan 2026 – 11 Apr 2026 · objectives of Permits" in team
    assert "Fewer counter visits" in team and "Days to decide" not in team
    other = text(viewer.get(url, {"period": okrs.q2.pk}))
    assert "No objectives in Q2 2026 yet." in other


def test_it_draws_the_heat_map_with_counts_beside_the_shades(cast: Cast, monkeypatch) -> None:
    build_heat(cast.owner_access, monkeypatch)
    viewer = signed_in(cast.viewer)
    url = reverse("insights_report_dependencies", args=["acme"])
    page = text(viewer.get(url))
    assert 'id="heat-map" role="img"' in page
    assert "1 as impactee</li>" in page and "2 as impactee</li>" in page
    assert '<input type="checkbox" name="status" value="planned"' in page
    assert 'value="cancelled" id="id_status_3">' in page  # not ticked by default
    assert "Dropped idea" not in page
    cancelled = text(viewer.get(url, {"status": "cancelled"}))
    assert "Dropped idea" in cancelled
    assert 'href="/o/acme/insights/reports/dependencies.csv?status=cancelled"' in cancelled


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("insights_report_investment", {"period": "soon"}, "must be two dates as start/end"),
        ("insights_report_flow", {"days": "400"}, "Ensure this value is less than or equal to 365"),
        ("insights_report_flow", {"start": "2026-03-20", "end": "2026-03-01"}, "starts after"),
        ("insights_report_key_results", {"period": "999999"}, "Select a valid choice"),
        ("insights_report_key_results", {"team": "nobody"}, "Select a valid choice"),
        ("insights_report_dependencies", {"status": "shipped"}, "Select a valid choice"),
    ],
)
def test_it_explains_a_refused_filter_next_to_the_field(
    cast: Cast, name: str, query: dict, message: str
) -> None:
    viewer = signed_in(cast.viewer)
    response = viewer.get(reverse(name, args=["acme"]), query)
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert "The report is not drawn with these choices." in page
    assert "Download CSV" not in page
    field = next(iter(query))
    assert 'class="field has-error"' in page
    assert f'name="{field}"' in page
    # A download with the same filters shows the page and its message instead.
    export = reverse("insights_report_export", args=["acme", REPORTS[PAGES.index(name) - 1], "csv"])
    refused = viewer.get(export, query)
    assert refused.status_code == 422 and message in text(refused)


def test_it_downloads_each_report_with_the_pages_filters(cast: Cast, monkeypatch) -> None:
    build_flow(cast.owner_access, lambda day: set_clock(monkeypatch, day))
    build_investments(cast.owner_access)
    viewer = signed_in(cast.viewer)
    response = viewer.get(
        reverse("insights_report_export", args=["acme", "flow", "csv"]),
        {"start": "2026-03-10", "end": "2026-03-16"},
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="acme-cumulative-flow-2026-03-20.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ["2026-03-10", "1", "1", "0", "0", "0", "2"]
    assert len(rows) == 8
    response = viewer.get(
        reverse("insights_report_export", args=["acme", "investment", "xlsx"]),
        {"period": "2027-01-01/2027-12-31"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[2]] == [
        "EUR",
        "theme",
        "Faster permits",
        50000,
        0,
        50000,
        0,
        1,
        "2027-01-01/2027-12-31",
    ]
    assert sheet.max_row == 2


def test_it_keeps_the_pages_query_counts_flat_as_rows_grow(cast: Cast, monkeypatch) -> None:
    board = build_flow(cast.owner_access, lambda day: set_clock(monkeypatch, day))
    teams = build_heat(cast.owner_access, monkeypatch)
    set_clock(monkeypatch, dt.date(2026, 5, 1))
    viewer = signed_in(cast.viewer)

    def grow() -> None:
        from northline.delivery import services as delivery
        from northline.orgs import services as org_services

        for number in range(4):
            epic = board.epic(f"Grown {number}")
            portfolio.move_epic(board.access, epic, state="todo")
            team = org_services.create_team(board.access, name=f"Grown {number}", kind="support")
            item = delivery.create_feature(
                board.access, title=f"Grown {number}", release=teams.autumn
            )
            delivery.add_impact(board.access, item, team=team, role="impactee")

    def pages() -> None:
        for name in PAGES:
            assert viewer.get(reverse(name, args=["acme"])).status_code == 200

    assert_queries_constant(pages, grow)
