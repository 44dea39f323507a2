"""The roadmap page and its CSV and iCal exports: placement on the time axis, late and at-risk
items in words, filters, the window, caps per lane, and who may read it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from northline.delivery import roadmap
from northline.delivery.tests.conftest import Plan
from northline.goals import services as goal_services
from northline.goals.models import Period
from northline.goals.tests.factories import period_around_today
from northline.orgs import services as org_services
from northline.portfolio import services as portfolio_services
from northline.strategy import services as strategy_services
from northline.testing import Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db


def url(plan: Plan, name: str = "delivery_roadmap") -> str:
    return reverse(name, args=[plan.access.organization.slug])


def today() -> dt.date:
    return timezone.localdate()


def epic(plan: Plan, title: str, days: int, **extra):
    return portfolio_services.create_epic(
        plan.access, title=title, target_date=today() + dt.timedelta(days=days), **extra
    )


def test_it_places_items_in_their_month(plan: Plan, cast: Cast) -> None:
    start = roadmap.quarter_start(today())
    portfolio_services.create_epic(
        plan.access,
        title="Mooring permits online",
        team=plan.builders,
        target_date=start.replace(day=1) + dt.timedelta(days=70),
    )
    window = roadmap.window_of(None, None, today())
    built = roadmap.build(plan.access, window, roadmap.Filters(), today=today())
    [item] = [item for item in built.items if item.title == "Mooring permits online"]
    assert item.column == 3  # the quarter's third month: 1 + 70 days lands in it
    page = signed_in(cast.viewer).get(url(plan))
    month = roadmap.add_months(start, 2)
    assert f'grid-column: 4 / span 1" data-month="{month:%Y-%m}"' in page.text
    assert "Epics: Permits Online" in page.text


def test_it_marks_late_and_at_risk_items_in_words(plan: Plan, cast: Cast) -> None:
    plan.release(-3, name="Overdue release")
    epic(plan, "Overdue epic", -2)
    epic(plan, "Nearly due epic", 5)
    epic(plan, "Far epic", 40)
    text = signed_in(cast.viewer).get(url(plan)).text
    assert 'Overdue release</a> <span class="flag flag-late">Late</span>' in text
    assert 'Overdue epic</a> <span class="flag flag-late">Late</span>' in text
    assert 'Nearly due epic</a> <span class="flag flag-at_risk">At risk</span>' in text
    assert "Far epic</a>\n" in text
    assert 'class="rm-today-mark"' in text


def with_active_objective(plan: Plan, cast: Cast, period: Period, title: str) -> str:
    """The roadmap as a viewer sees it once an active objective ``title`` runs in ``period``."""
    goal_services.create_objective(plan.access, title=title, period=period, status="active")
    return signed_in(cast.viewer).get(url(plan)).text


def test_it_shows_the_current_periods_objectives_with_their_pace(plan: Plan, cast: Cast) -> None:
    start = roadmap.quarter_start(today())
    period = goal_services.create_period(
        plan.access, name="This quarter", starts_on=start, ends_on=roadmap.add_months(start, 3)
    )
    text = with_active_objective(plan, cast, period, "Faster permits")
    assert "Faster permits</a>" in text
    assert "Objectives" in text


def test_it_marks_an_objective_behind_its_pace_at_risk(plan: Plan, cast: Cast) -> None:
    # Thirty days into the period with no check-in: the pace rule says "not started".
    period = period_around_today(plan.access, elapsed=30, remaining=60, name="Running")
    text = with_active_objective(plan, cast, period, "Shorter queues")
    assert 'Shorter queues</a> <span class="flag flag-at_risk">At risk</span>' in text
    assert "Active, not started" in text


def test_it_filters_by_team_theme_and_value_stream(plan: Plan, cast: Cast) -> None:
    theme = strategy_services.create_theme(
        plan.access, name="Digital first", starts_on=today(), ends_on=today() + dt.timedelta(400)
    )
    stream = strategy_services.create_value_stream(plan.access, name="Permits")
    epic(plan, "Themed epic", 30, theme=theme, value_stream=stream, team=plan.builders)
    epic(plan, "Other epic", 30, team=plan.contact)
    plan.feature(plan.release(20, name="Builders release"))  # a feature of Permits Online
    plan.release(25, name="Unrelated release")
    client = signed_in(cast.viewer)
    text = client.get(url(plan), {"team": plan.builders.pk}).text
    assert "Builders release" in text and "Unrelated release" not in text
    for params in (
        {"theme": theme.pk},
        {"value_stream": stream.pk},
        {"team": plan.builders.pk},
    ):
        text = client.get(url(plan), params).text
        assert "Themed epic" in text and "Other epic" not in text
        # The filters stay in the window and export links.
        name, value = next(iter(params.items()))
        assert f"{name}={value}" in text.split('rel="prev"')[0]
        assert f"roadmap.csv?{name}={value}" in text


def test_it_refuses_unknown_and_other_organizations_ids(plan: Plan, cast: Cast) -> None:
    elsewhere_team = org_services.create_team(
        cast.access(cast.outsider, cast.other_org), name="Their team", kind="product"
    )
    client = signed_in(cast.viewer)
    assert client.get(url(plan), {"team": elsewhere_team.pk}).status_code == 404
    assert client.get(url(plan), {"theme": 999999}).status_code == 404
    assert client.get(url(plan), {"value_stream": "abc"}).status_code == 404
    assert client.get(url(plan), {"quarters": 9}).status_code == 404
    assert client.get(url(plan), {"from": "2027-13"}).status_code == 404


def test_it_moves_the_window_and_counts_items_outside(plan: Plan, cast: Cast) -> None:
    start = roadmap.quarter_start(today())
    epic(plan, "Inside epic", 1)
    portfolio_services.create_epic(
        plan.access, title="Later epic", target_date=roadmap.add_months(start, 14)
    )
    client = signed_in(cast.viewer)
    text = client.get(url(plan)).text
    assert "1 epic ends after this window." in text
    assert "Later epic" not in text
    later = roadmap.add_months(start, 12)
    text = client.get(url(plan), {"from": f"{later:%Y-%m}", "quarters": "2"}).text
    assert "Later epic" in text
    assert "1 epic ends before this window." in text
    previous = roadmap.add_months(later, -6)
    assert f"from={previous:%Y-%m}" in text and "quarters=2" in text
    assert f"from={roadmap.add_months(later, 6):%Y-%m}" in text


def test_it_caps_a_lane_at_fifty_with_show_more(plan: Plan, cast: Cast) -> None:
    for n in range(55):
        epic(plan, f"Epic {n:02}", 30, team=plan.builders)
    client = signed_in(cast.viewer)
    text = client.get(url(plan)).text
    assert text.count('class="rm-row rm-item kind-epic') == 50
    assert "Show 5 more in Epics: Permits Online" in text
    text = client.get(url(plan), {"more": "epics-Permits Online"}).text
    assert text.count('class="rm-row rm-item kind-epic') == 55


def test_it_exports_csv_and_ical(plan: Plan, cast: Cast) -> None:
    plan.release(10, name="Spring update")
    epic(plan, "=Formula epic", -1, team=plan.builders)
    client = signed_in(cast.viewer)
    response = client.get(url(plan, "delivery_roadmap_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "kind", "title", "team", "theme", "start", "end", "state", "late/at risk", "URL",
    ]  # fmt: skip
    by_title = {row[1]: row for row in rows[1:]}
    release_day = (today() + dt.timedelta(days=10)).isoformat()
    assert by_title["Spring update"][:8] == [
        "release", "Spring update", "", "", release_day, release_day, "Planned", "",
    ]  # fmt: skip
    assert by_title["'=Formula epic"][6:8] == ["Funnel", "Late"]
    assert by_title["'=Formula epic"][8].startswith("http://testserver/o/")
    response = client.get(url(plan, "delivery_roadmap_ics"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert ".ics" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"Release: Spring update", "Epic target: =Formula epic"}
    release = events["Release: Spring update"]
    assert release.decoded("dtstart") == today() + dt.timedelta(days=10)
    assert release.decoded("dtend") == today() + dt.timedelta(days=11)
    # The calendar feed's uid, so a calendar holding both shows the release once.
    assert str(release["uid"]).startswith("release-") and str(release["uid"]).endswith(
        "@acme.northline"
    )


def test_it_shows_an_empty_state(plan: Plan, cast: Cast) -> None:
    assert "Nothing has a date yet" in signed_in(cast.viewer).get(url(plan)).text


def test_it_lets_members_read_and_keeps_others_out(plan: Plan, cast: Cast) -> None:
    for name in ("delivery_roadmap", "delivery_roadmap_csv", "delivery_roadmap_ics"):
        anonymous = Client().get(url(plan, name))
        assert anonymous.status_code == 302 and "login" in anonymous["Location"]
        assert signed_in(cast.outsider).get(url(plan, name)).status_code == 404
        assert signed_in(cast.viewer).get(url(plan, name)).status_code == 200
        assert signed_in(cast.viewer).post(url(plan, name)).status_code == 405


def test_it_reads_in_a_constant_number_of_queries(plan: Plan, cast: Cast) -> None:
    client = signed_in(cast.viewer)
    counter = iter(range(10_000))

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(counter)
            epic(plan, f"Epic {k}", k % 200, team=plan.builders if k % 2 else plan.contact)
            plan.release(k % 200, name=f"Release {k}")

    start = roadmap.quarter_start(today())
    period = goal_services.create_period(
        plan.access, name="This quarter", starts_on=start, ends_on=roadmap.add_months(start, 3)
    )
    goal_services.create_objective(plan.access, title="Faster permits", period=period)
    grow(10)
    count = assert_queries_constant(lambda: client.get(url(plan)), lambda: grow(20))
    # The same 14 for 10 epics and 10 releases as for 30 of each (session and membership, the
    # current period and its cascade, releases, epics, the filters' teams, themes, streams).
    assert count == 14


def test_it_stays_readable_with_500_epics_and_60_releases(plan: Plan, cast: Cast) -> None:
    """The size the issue names, all within the default window (four quarters from this
    quarter's start): every lane capped at 50 with "Show N more", the same queries."""
    client = signed_in(cast.viewer)
    teams = [plan.builders, plan.contact]
    made = iter(range(10_000))

    def grow(epics: int, releases: int) -> None:
        for _ in range(epics):
            k = next(made)
            epic(plan, f"Epic {k:03}", 10 + k % 240, team=teams[k % 2])
        for _ in range(releases):
            k = next(made)
            plan.release(5 + (k * 7) % 240, name=f"Release {k:03}")

    grow(10, 6)
    count = assert_queries_constant(lambda: client.get(url(plan)), lambda: grow(490, 54))
    # As for 30 (above), less the current period's cascade: there is no period here.
    assert count == 12
    text = client.get(url(plan)).text
    # Two team lanes of 250 epics each and one lane of 60 releases, 50 shown in each.
    assert text.count('class="rm-row rm-item kind-epic') == 100
    assert text.count('class="rm-row rm-item kind-release') == 50
    assert "Show 10 more in Releases" in text
    assert text.count("Show 200 more in Epics") == 2
