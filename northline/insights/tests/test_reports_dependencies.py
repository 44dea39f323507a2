"""The dependency heat map: teams × releases, counting impactee and impactor impacts, the
impactees that have not acknowledged, those told late and those now at risk, with the release
status filter. Lateness and risk are the delivery rules (``delivery.selectors.cell_for``).

Everything happens on known days (the clock is set as in the cumulative-flow tests): the
report is read on 1 May 2026.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from northline.delivery import services
from northline.delivery.models import Impact, Release
from northline.insights.reports import charts as charts_reports
from northline.insights.reports import exports as exports_reports
from northline.insights.reports import selectors as reports
from northline.insights.tests.test_reports_flow import set_clock
from northline.lib.errors import Invalid
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.models import Team
from northline.testing import Cast, assert_queries_constant

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 1)


@dataclass
class Teams:
    access: Access
    contact: Team  # lead time 10 days
    training: Team  # lead time 21 days
    builders: Team  # the default lead time (14 days)
    autumn: Release


def days(count: int) -> dt.date:
    return TODAY + dt.timedelta(days=count)


def feature(access: Access, release: Release | None, title: str, builders: Team):
    return services.create_feature(access, title=title, release=release, owner_team=builders)


def build_heat(
    access: Access, monkeypatch: pytest.MonkeyPatch, contact_name: str = "Contact Centre"
) -> Teams:
    """Winter fixes (released, 21 Apr), Summer update (6 May), Autumn update (31 May),
    Dropped idea (cancelled, 10 Jun), and a feature in no release."""
    set_clock(monkeypatch, days(-20))
    contact = org_services.create_team(access, name=contact_name, kind="support")
    training = org_services.create_team(access, name="Training", kind="support")
    builders = org_services.create_team(access, name="Permits Online", kind="product")
    services.set_lead_time(access, contact, days=10)
    services.set_lead_time(access, training, days=21)
    # Told on 11 Apr with 50 days left: in time, even for the 40 days Training asks here;
    # on 1 May, 30 days left, Training has not acknowledged: at risk.
    autumn = services.create_release(access, name="Autumn update", planned_date=days(30))
    permits = feature(access, autumn, "Online mooring permits", builders)
    services.add_impact(access, permits, team=contact, role="impactee")
    services.add_impact(access, permits, team=training, role="impactee", lead_time_days=40)
    services.add_impact(access, permits, team=builders, role="impactor")
    set_clock(monkeypatch, TODAY)
    status = feature(access, autumn, "Status page", builders)
    services.acknowledge(access, services.add_impact(access, status, team=contact, role="impactee"))
    # Five days' notice: late for both teams; Training acknowledges anyway.
    summer = services.create_release(access, name="Summer update", planned_date=days(5))
    payments = feature(access, summer, "Online payments", builders)
    services.add_impact(access, payments, team=contact, role="impactee")
    services.acknowledge(
        access, services.add_impact(access, payments, team=training, role="impactee")
    )
    # Told after the date: late; then decided (with an override) and released.
    winter = services.create_release(access, name="Winter fixes", planned_date=days(-10))
    refunds = feature(access, winter, "Fee refunds", builders)
    services.add_impact(access, refunds, team=contact, role="impactee")
    winter.refresh_from_db()
    winter = services.decide_release(
        access, winter, version=winter.version, override_reason="Refunds are overdue."
    )
    services.mark_released(access, winter)
    dropped = services.create_release(access, name="Dropped idea", planned_date=days(40))
    services.add_impact(
        access, feature(access, dropped, "Night service", builders), team=training, role="impactee"
    )
    dropped.refresh_from_db()
    services.cancel_release(access, dropped)
    loose = feature(access, None, "Opening hours", builders)
    services.add_impact(access, loose, team=contact, role="impactee")
    services.add_impact(access, loose, team=builders, role="impactor")
    return Teams(access, contact, training, builders, autumn)


@pytest.fixture
def heat_teams(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> Teams:
    return build_heat(cast.owner_access, monkeypatch)


def grid(heat: reports.HeatMap) -> dict[str, dict[str, tuple[int, int, int, int, int]]]:
    """team → column → (impactees, impactors, not acknowledged, late, at risk), non-empty only."""
    return {
        row.team.name: {
            column.name: (
                cell.impactees,
                cell.impactors,
                cell.unacknowledged,
                cell.late,
                cell.at_risk,
            )
            for column, cell in row.pairs
            if cell.total
        }
        for row in heat.rows
    }


def test_it_counts_impacts_per_team_and_release(heat_teams: Teams) -> None:
    heat = reports.dependency_heat_map(heat_teams.access, today=TODAY)

    assert heat.statuses == ["planned", "decided", "released"]
    # Releases by planned date, the cancelled one left out, features in no release last.
    assert [column.name for column in heat.columns] == [
        "Winter fixes",
        "Summer update",
        "Autumn update",
        "No release yet",
    ]
    assert [row.team.name for row in heat.rows] == ["Contact Centre", "Permits Online", "Training"]
    # (impactees, impactors, not acknowledged, told late, at risk)
    assert grid(heat) == {
        "Contact Centre": {
            "Winter fixes": (1, 0, 1, 1, 0),
            "Summer update": (1, 0, 1, 1, 0),
            "Autumn update": (2, 0, 1, 0, 0),
            "No release yet": (1, 0, 1, 0, 0),
        },
        "Permits Online": {"Autumn update": (0, 1, 0, 0, 0), "No release yet": (0, 1, 0, 0, 0)},
        "Training": {"Summer update": (1, 0, 0, 1, 0), "Autumn update": (1, 0, 1, 0, 1)},
    }
    totals = heat.totals
    assert (
        totals.impactees,
        totals.impactors,
        totals.unacknowledged,
        totals.late,
        totals.at_risk,
    ) == (
        7,
        2,
        5,
        3,
        1,
    )
    contact = heat.rows[0].totals
    assert (contact.impactees, contact.unacknowledged, contact.late) == (5, 4, 2)
    autumn = heat.columns[2].totals
    assert (autumn.impactees, autumn.impactors, autumn.unacknowledged, autumn.at_risk) == (
        3,
        1,
        2,
        1,
    )
    assert heat.busiest == 2


def test_it_filters_by_release_status(heat_teams: Teams) -> None:
    cancelled = reports.dependency_heat_map(heat_teams.access, statuses=["cancelled"], today=TODAY)
    assert [column.name for column in cancelled.columns] == ["Dropped idea", "No release yet"]
    assert grid(cancelled) == {
        "Contact Centre": {"No release yet": (1, 0, 1, 0, 0)},
        "Permits Online": {"No release yet": (0, 1, 0, 0, 0)},
        # Forty days' notice for a 21-day lead time: in time, just not acknowledged.
        "Training": {"Dropped idea": (1, 0, 1, 0, 0)},
    }
    released = reports.dependency_heat_map(heat_teams.access, statuses=["released"], today=TODAY)
    assert [column.name for column in released.columns] == ["Winter fixes", "No release yet"]
    # The order asked for does not matter; the statuses come back in their own order.
    both = reports.dependency_heat_map(
        heat_teams.access, statuses=["released", "planned"], today=TODAY
    )
    assert both.statuses == ["planned", "released"]
    assert [column.name for column in both.columns] == [
        "Winter fixes",
        "Summer update",
        "Autumn update",
        "No release yet",
    ]


def test_it_refuses_an_unknown_status_naming_the_field() -> None:
    with pytest.raises(Invalid) as refused:
        reports.release_statuses(["planned", "shipped"])
    assert refused.value.message == (
        "Unknown release status shipped; choose from planned, decided, released, cancelled."
    )
    assert list(refused.value.fields) == ["status"]
    assert reports.release_statuses([]) == ["planned", "decided", "released"]


def test_it_is_empty_without_impacts(cast: Cast) -> None:
    services.create_release(cast.owner_access, name="Quiet release", planned_date=TODAY)
    heat = reports.dependency_heat_map(cast.owner_access, today=TODAY)
    assert not heat.has_data and heat.rows == []
    assert [column.name for column in heat.columns] == ["Quiet release"]
    assert reports.dependency_summary(heat) == "No impacts on teams yet."


def test_it_sums_up_in_one_line(heat_teams: Teams) -> None:
    heat = reports.dependency_heat_map(heat_teams.access, today=TODAY)
    assert reports.dependency_summary(heat) == (
        "9 impacts on 3 teams across 3 releases; 5 not acknowledged, 3 told late."
    )


def test_it_reads_in_four_queries_whatever_the_number_of_impacts(
    heat_teams: Teams, monkeypatch: pytest.MonkeyPatch
) -> None:
    access = heat_teams.access

    def grow() -> None:
        for number in range(6):
            team = org_services.create_team(access, name=f"Team {number}", kind="support")
            item = feature(access, heat_teams.autumn, f"Feature {number}", heat_teams.builders)
            impact = services.add_impact(access, item, team=team, role="impactee")
            services.add_impact(access, item, team=heat_teams.training, role="impactor")
            if number % 2:
                services.acknowledge(access, impact)

    count = assert_queries_constant(lambda: reports.dependency_heat_map(access, today=TODAY), grow)
    assert count == 4


def test_it_shades_cells_by_impactee_count_and_writes_the_counts(heat_teams: Teams) -> None:
    heat = reports.dependency_heat_map(heat_teams.access, today=TODAY)
    svg = str(charts_reports.heat_map_chart(heat, chart_id="heat"))
    assert '<title id="heat-title">Dependency heat map</title>' in svg
    assert (
        "3 teams by 4 releases; 7 impactee and 2 impactor impacts, 5 not acknowledged, 3 told "
        "late." in svg
    )
    assert (
        "<title>Contact Centre, Autumn update: 2 as impactee, 0 as impactor, 1 not "
        "acknowledged, 0 told late</title>" in svg
    )
    # The busiest cell (2) is the darkest; one impactee is half as dark; empty cells are blank.
    assert svg.count('class="heat-cell heat-4 ') == 1
    assert svg.count('class="heat-cell heat-2 ') == 5
    assert svg.count('class="heat-cell heat-0 ') == 6
    assert ">2 impactees</text>" in svg
    assert ">1 impactor</text>" in svg
    assert charts_reports.heat_legend(2) == [(2, 1, 1), (4, 2, 2)]
    assert charts_reports.heat_legend(8) == [(1, 1, 2), (2, 3, 4), (3, 5, 6), (4, 7, 8)]


def marks_of(svg: str, team: str, release: str) -> list[str]:
    """The mark kinds drawn in one cell of the chart, in their order."""
    cell = svg.split(f"<title>{team}, {release}:")[1].split('<g class="heat-cell')[0]
    return [part.split('"')[0] for part in cell.split('<g class="heat-mark mark-')[1:]]


def test_it_marks_in_time_late_and_waiting_differently(heat_teams: Teams) -> None:
    heat = reports.dependency_heat_map(heat_teams.access, today=TODAY)
    svg = str(charts_reports.heat_map_chart(heat, chart_id="heat"))
    # Contact Centre acknowledged the status page (told in time), not the permits yet.
    assert marks_of(svg, "Contact Centre", "Autumn update") == ["in_time", "waiting"]
    # Training was told five days ahead and acknowledged anyway.
    assert marks_of(svg, "Training", "Summer update") == ["late"]
    # Told after the date and never acknowledged: waiting, whatever the notice.
    assert marks_of(svg, "Contact Centre", "Winter fixes") == ["waiting"]
    # Only causing the change, or nothing at all: not impacted.
    assert marks_of(svg, "Permits Online", "Autumn update") == ["none"]
    assert marks_of(svg, "Training", "Winter fixes") == ["none"]
    # The cell says its most pressing state; each mark has its words.
    assert svg.count("state-waiting") == 5
    assert svg.count("state-late") == 1
    assert svg.count("state-in_time") == 0
    assert "<title>1 acknowledged, told in time</title>" in svg
    assert "<title>1 acknowledged, but told late</title>" in svg
    assert "<title>1 waiting: not acknowledged yet, 1 of them at risk</title>" in svg
    assert "<title>Not impacted: no change to adapt to (causes 1 change)</title>" in svg
    # Each kind has its own shape: a disc, a hatched square, a ring, a dash.
    late = svg.split('<g class="heat-mark mark-late">')[1].split("</g>")[0]
    assert '<rect class="mark-shape"' in late and 'fill="url(#heat-hatch)"' in late
    assert '<pattern id="heat-hatch"' in svg
    waiting = svg.split('<g class="heat-mark mark-waiting">')[1].split("</g>")[0]
    assert '<circle class="mark-shape"' in waiting
    none = svg.split('<g class="heat-mark mark-none">')[1].split("</g>")[0]
    assert '<line class="mark-shape"' in none
    assert heat.rows[2].cells[1].acknowledged_late == 1
    assert heat.rows[0].cells[2].acknowledged_in_time == 1


def test_it_escapes_team_names(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    teams = build_heat(cast.owner_access, monkeypatch, contact_name='<img src=x onerror="x">')
    svg = str(charts_reports.heat_map_chart(reports.dependency_heat_map(teams.access, today=TODAY)))
    assert "<img" not in svg
    assert "&lt;img src=x onerror=&quot;x&quot;&gt;" in svg


def test_it_exports_one_row_per_team_and_release_with_impacts(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    teams = build_heat(cast.owner_access, monkeypatch, contact_name="+Contact Centre")
    rows = exports_reports.dependency_rows(reports.dependency_heat_map(teams.access, today=TODAY))
    assert rows == [
        [
            "team",
            "release",
            "release date",
            "release status",
            "impactee",
            "impactor",
            "not acknowledged",
            "told late",
            "at risk",
        ],
        ["'+Contact Centre", "Winter fixes", dt.date(2026, 4, 21), "Released", 1, 0, 1, 1, 0],
        ["'+Contact Centre", "Summer update", dt.date(2026, 5, 6), "Planned", 1, 0, 1, 1, 0],
        ["'+Contact Centre", "Autumn update", dt.date(2026, 5, 31), "Planned", 2, 0, 1, 0, 0],
        ["'+Contact Centre", "No release yet", None, "", 1, 0, 1, 0, 0],
        ["Permits Online", "Autumn update", dt.date(2026, 5, 31), "Planned", 0, 1, 0, 0, 0],
        ["Permits Online", "No release yet", None, "", 0, 1, 0, 0, 0],
        ["Training", "Summer update", dt.date(2026, 5, 6), "Planned", 1, 0, 0, 1, 0],
        ["Training", "Autumn update", dt.date(2026, 5, 31), "Planned", 1, 0, 1, 0, 1],
    ]
    assert Impact.objects.filter(organization=cast.org).count() == 10
