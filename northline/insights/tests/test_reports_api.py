"""The reports API: every route for the anonymous caller (401), the outsider (404) and a
viewer (200), each report's JSON on the hand-built organizations of the report tests, the
CSV and XLSX exports, and bad query parameters answered with 422 naming the parameter."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from northline.insights.tests.test_reports_dependencies import build_heat
from northline.insights.tests.test_reports_flow import build_flow, set_clock
from northline.insights.tests.test_reports_investment import build_investments
from northline.insights.tests.test_reports_key_results import AT, build_okrs
from northline.testing import ApiClient, Cast

pytestmark = pytest.mark.django_db

BASE = "/orgs/acme/insights/reports"
ROUTES = [
    BASE,
    *(
        f"{BASE}/{report}{suffix}"
        for report in ("investment", "flow", "key-results", "dependencies")
        for suffix in ("", ".csv", ".xlsx")
    ),
]


def assert_refused_everywhere(client: ApiClient, status: int, field: str, says: str) -> None:
    """Every route answers ``status`` with ``says`` in the error's ``field``."""
    for path in ROUTES:
        response = client.get(path)
        assert response.status_code == status, path
        assert response.json()["error"][field] == says, path


def test_it_refuses_the_anonymous_caller_everywhere(api_as) -> None:
    assert_refused_everywhere(api_as(None), 401, "code", "not_authenticated")


def test_it_hides_every_route_from_outsiders(cast: Cast, api_as) -> None:
    message = "No organization named 'acme'."
    assert_refused_everywhere(api_as(cast.outsider), 404, "message", message)


def test_it_answers_a_viewer_on_every_route_even_with_nothing_to_show(cast: Cast, api_as) -> None:
    viewer = api_as(cast.viewer)
    for path in ROUTES:
        assert viewer.get(path).status_code == 200, path
    listing = viewer.get(BASE).json()["reports"]
    assert [(card["key"], card["summary"]) for card in listing] == [
        ("investment", "No investments yet."),
        ("flow", "No epics on the board yet."),
        ("key-results", "No periods yet."),
        ("dependencies", "No impacts on teams yet."),
    ]
    assert listing[1]["page"] == "/o/acme/insights/reports/flow/"
    assert listing[1]["api"] == "/api/v1/orgs/acme/insights/reports/flow"


def test_it_reports_investment_as_json(cast: Cast, api_as) -> None:
    build_investments(cast.owner_access)
    viewer = api_as(cast.viewer)
    body = viewer.get(f"{BASE}/investment", period="2026-01-01/2026-12-31").json()
    assert body["period"] == "2026-01-01/2026-12-31"
    assert body["periods"] == ["2026-01-01/2026-12-31", "2027-01-01/2027-12-31"]
    eur = body["currencies"][0]
    assert (eur["currency"], eur["planned"], eur["actual"], eur["spent_share"]) == (
        "EUR",
        "200000.00",
        "116000.00",
        0.58,
    )
    assert [
        (theme["name"], theme["planned"], theme["actual"], theme["share_of_portfolio"])
        for theme in eur["themes"]
    ] == [
        ("Faster permits", "100000.00", "40000.00", 0.5),
        ("Open data", "60000.00", "66000.00", 0.3),
    ]
    assert eur["value_streams"][0]["name"] == "Licensing"
    assert eur["value_streams"][0]["remaining"] == "30000.00"
    assert len(body["rows"]) == 4  # the 2027 investment is outside the period


def test_it_reports_the_cumulative_flow_as_json(
    cast: Cast, api_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_flow(cast.owner_access, lambda day: set_clock(monkeypatch, day))
    viewer = api_as(cast.viewer)
    body = viewer.get(f"{BASE}/flow", start="2026-03-10", end="2026-03-16").json()
    assert (body["start"], body["end"]) == ("2026-03-10", "2026-03-16")
    assert [state["key"] for state in body["states"]] == [
        "funnel",
        "todo",
        "doing",
        "done",
        "closed",
    ]
    assert body["days"][2] == {
        "date": "2026-03-12",
        "funnel": 2,
        "todo": 1,
        "doing": 1,
        "done": 0,
        "closed": 0,
        "total": 4,
    }
    # Today is 20 Mar 2026 (the clock the flow was built with): 90 days by default.
    default = viewer.get(f"{BASE}/flow").json()
    assert (default["start"], default["end"], len(default["days"])) == (
        "2025-12-21",
        "2026-03-20",
        90,
    )


def test_it_reports_key_results_as_json(cast: Cast, api_as, monkeypatch) -> None:
    okrs = build_okrs(cast.owner_access)
    monkeypatch.setattr(timezone, "now", lambda: AT)
    viewer = api_as(cast.viewer)
    body = viewer.get(f"{BASE}/key-results").json()
    assert body["period"]["name"] == "Q1 2026"
    assert body["final"] is False
    assert [(o["title"], o["depth"], o["pace"]) for o in body["objectives"]] == [
        ("Permits online end to end", 0, "off_track"),
        ("Fewer counter visits", 1, "not_started"),
    ]
    first = body["objectives"][0]["key_results"][0]
    assert {
        key: first[key]
        for key in ("title", "progress", "expected", "pace", "stalled", "confidence", "score")
    } == {
        "title": "Applications made online",
        "progress": 0.45,
        "expected": 0.5,
        "pace": "on_track",
        "stalled": False,
        "confidence": 70,
        "score": 0.45,
    }
    assert [(row["period"]["name"], row["key_results"]) for row in body["across"]] == [
        ("Q2 2026", 0),
        ("Q1 2026", 3),
        ("Q4 2025", 2),
    ]
    team = viewer.get(f"{BASE}/key-results", period=okrs.q1.pk, team=okrs.team.pk).json()
    assert team["team"] == {"id": okrs.team.pk, "name": "Permits"}
    assert [o["title"] for o in team["objectives"]] == ["Fewer counter visits"]


def test_it_reports_the_heat_map_as_json(cast: Cast, api_as, monkeypatch) -> None:
    build_heat(cast.owner_access, monkeypatch)
    viewer = api_as(cast.viewer)
    body = viewer.get(f"{BASE}/dependencies").json()
    assert body["statuses"] == ["planned", "decided", "released"]
    assert body["today"] == "2026-05-01"
    assert [c["release"]["name"] if c["release"] else None for c in body["columns"]] == [
        "Winter fixes",
        "Summer update",
        "Autumn update",
        None,
    ]
    assert body["totals"] == {
        "impactees": 7,
        "impactors": 2,
        "unacknowledged": 5,
        "late": 3,
        "at_risk": 1,
    }
    training = body["rows"][2]
    assert training["team"]["name"] == "Training"
    assert training["cells"][2] == {
        "impactees": 1,
        "impactors": 0,
        "unacknowledged": 1,
        "late": 0,
        "at_risk": 1,
    }
    cancelled = viewer.get(f"{BASE}/dependencies", status=["cancelled"]).json()
    assert [c["release"]["name"] if c["release"] else None for c in cancelled["columns"]] == [
        "Dropped idea",
        None,
    ]


def test_it_exports_each_report_as_csv_and_xlsx(cast: Cast, api_as, monkeypatch) -> None:
    build_investments(cast.owner_access, permits_name="=1+2")
    build_heat(cast.owner_access, monkeypatch)
    viewer = api_as(cast.viewer)

    response = viewer.get(f"{BASE}/investment.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="acme-investment-2026-05-01.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["currency", "kind", "name", "planned"]
    assert rows[1] == [
        "EUR",
        "theme",
        "'=1+2",
        "150000.0",
        "40000.0",
        "110000.0",
        "0.2667",
        "0.6",
        "all",
    ]

    response = viewer.get(f"{BASE}/dependencies.xlsx", status=["planned"])
    assert response["Content-Disposition"] == (
        'attachment; filename="acme-dependencies-2026-05-01.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.title == "Dependencies"
    assert [cell.value for cell in sheet[1]][:5] == [
        "team",
        "release",
        "release date",
        "release status",
        "impactee",
    ]
    assert [cell.value for cell in sheet[2]] == [
        "Contact Centre",
        "Summer update",
        dt.datetime(2026, 5, 6),
        "Planned",
        1,
        0,
        1,
        1,
        0,
    ]
    assert sheet.max_row == 8  # the header; Contact ×3, Permits Online ×2, Training ×2

    flow = viewer.get(f"{BASE}/flow.csv", days=7)
    assert flow["Content-Disposition"] == (
        'attachment; filename="acme-cumulative-flow-2026-05-01.csv"'
    )
    assert len(list(csv.reader(io.StringIO(flow.content.decode())))) == 8
    key_results = viewer.get(f"{BASE}/key-results.xlsx")
    assert key_results["Content-Disposition"] == (
        'attachment; filename="acme-key-results-2026-05-01.xlsx"'
    )


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("investment", {"period": "last year"}, "period"),
        ("investment.csv", {"period": "2026-12-31/2026-01-01"}, "period"),
        ("flow", {"days": 3}, "days"),
        ("flow", {"days": "many"}, "days"),
        ("flow.xlsx", {"days": 400}, "days"),
        ("flow", {"start": "2026-13-01"}, "start"),
        ("flow", {"start": "2026-03-20", "end": "2026-03-01"}, "start"),
        ("flow", {"end": "2999-01-01"}, "end"),
        ("key-results", {"period": 999999}, "period"),
        ("key-results", {"period": "first"}, "period"),
        ("key-results.csv", {"team": 999999}, "team"),
        ("dependencies", {"status": "shipped"}, "status"),
    ],
)
def test_it_answers_a_bad_query_parameter_with_422_naming_it(
    cast: Cast, api_as, path: str, query: dict, field: str
) -> None:
    response = api_as(cast.viewer).get(f"{BASE}/{path}", **query)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert [name.split(".")[0] for name in error["fields"]] == [field]
    assert error["message"]


def test_it_explains_a_window_that_starts_after_it_ends(cast: Cast, api_as) -> None:
    response = api_as(cast.viewer).get(f"{BASE}/flow", start="2026-03-20", end="2026-03-01")
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "The window starts after it ends (2026-03-20 > 2026-03-01).",
            "fields": {"start": "On or before 2026-03-01."},
        }
    }
