"""Calendar feeds: parsed back with icalendar; a revoked or unknown token is not found."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from northline.delivery import services
from northline.testing import Cast


def events(response) -> dict[str, tuple[dt.date, str]]:
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Northline//Delivery calendar//EN"
    return {
        str(event["UID"]): (event.decoded("DTSTART"), str(event["SUMMARY"]))
        for event in calendar.walk("VEVENT")
    }


def test_it_serves_the_organizations_releases_and_experiments(cast: Cast, plan, api_as) -> None:
    release = plan.release(30)
    pilot = plan.feature(release, title="Chat pilot", kind="experiment")
    plan.feature(release, title="Not an experiment")
    created = api_as(cast.editor).post("/orgs/acme/delivery/calendar-feeds", {"label": "All"})
    assert created.status_code == 201
    url = created.json()["url"]
    assert url.startswith("http://testserver/calendar/") and url.endswith(".ics")
    assert (
        "url"
        not in api_as(cast.editor).get("/orgs/acme/delivery/calendar-feeds").json()["items"][0]
    )

    response = Client().get(url.removeprefix("http://testserver"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    day = timezone.localdate() + dt.timedelta(days=30)
    assert events(response) == {
        f"release-{release.pk}@acme.northline": (day, "Release: Spring update"),
        f"experiment-{pilot.pk}@acme.northline": (day, "Experiment: Chat pilot (Spring update)"),
    }


def test_it_limits_a_team_feed_to_what_touches_the_team(plan) -> None:
    mine = plan.release(10, "Touches training")
    other = plan.release(20, "Elsewhere")
    feature = plan.feature(mine)
    services.add_impact(plan.access, feature, team=plan.training, role="impactee")
    plan.feature(other, title="Unrelated experiment", kind="experiment")
    _, token = services.create_calendar_feed(plan.access, team=plan.training, label="Training")

    response = Client().get(f"/calendar/{token}.ics")

    summaries = [summary for _, summary in events(response).values()]
    assert summaries == ["Release: Touches training"]


def test_it_answers_404_once_the_feed_is_revoked(plan) -> None:
    feed, token = services.create_calendar_feed(plan.access, label="All")
    assert Client().get(f"/calendar/{token}.ics").status_code == 200
    services.revoke_calendar_feed(plan.access, feed)
    assert Client().get(f"/calendar/{token}.ics").status_code == 404
    assert Client().get("/calendar/not-a-token.ics").status_code == 404


def test_it_keeps_only_the_tokens_hash(plan) -> None:
    import hashlib

    feed, token = services.create_calendar_feed(plan.access, label="All")
    assert feed.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.digest
