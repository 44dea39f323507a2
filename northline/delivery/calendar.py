"""iCalendar feeds of releases and experiments (DESIGN §2.6), per organization or per team,
plus the dated events other apps register (the lab's alignment sessions).

A feed is reached at ``/calendar/<token>.ics`` without signing in: the token is the key. Only
its SHA-256 is stored, so the URL is shown once when the feed is made; revoking the feed makes
the URL answer 404. Events are all-day (RFC 5545 DATE values) on the release's planned date;
an experiment is dated by its release. A cancelled release stays in the feed as CANCELLED so
calendars that copied it drop it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from icalendar import Calendar, Event

from northline.delivery.models import CalendarFeed, Feature, FeatureKind, Release, ReleaseStatus
from northline.delivery.services import feed_digest
from northline.orgs.models import Organization, Team

PRODID = "-//Northline//Delivery calendar//EN"
# A planned release may still move; a decided one is set; a cancelled one is withdrawn.
STATUS: dict[str, str] = {
    ReleaseStatus.PLANNED: "TENTATIVE",
    ReleaseStatus.DECIDED: "CONFIRMED",
    ReleaseStatus.RELEASED: "CONFIRMED",
    ReleaseStatus.CANCELLED: "CANCELLED",
}


# Apps above delivery add their own dated events to the feeds (the lab's alignment sessions)
# by registering a source from their AppConfig.ready; delivery imports none of them.
CalendarSource = Callable[[Organization, Team | None], Iterable[Event]]
CALENDAR_SOURCES: list[CalendarSource] = []


def register_calendar_source(source: CalendarSource) -> None:
    if source not in CALENDAR_SOURCES:
        CALENDAR_SOURCES.append(source)


def uid(kind: str, pk: int, organization: Organization) -> str:
    return f"{kind}-{pk}@{organization.slug}.northline"


def releases_for(organization: Organization, team: Team | None) -> list[Release]:
    rows = Release.objects.filter(organization=organization)
    if team is not None:
        rows = rows.filter(
            Q(features__impacts__team=team) | Q(features__owner_team=team)
        ).distinct()
    return list(rows.order_by("planned_date", "id"))


def experiments_for(organization: Organization, team: Team | None) -> list[Feature]:
    rows = Feature.objects.filter(
        organization=organization, kind=FeatureKind.EXPERIMENT, release__isnull=False
    ).select_related("release", "owner_team")
    if team is not None:
        rows = rows.filter(Q(impacts__team=team) | Q(owner_team=team)).distinct()
    return list(rows.order_by("release__planned_date", "title", "id"))


def all_day(event: Event, day: dt.date) -> None:
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))


def build(organization: Organization, team: Team | None = None, *, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    title = name or (
        f"{organization.name}: {team.name} releases" if team else f"{organization.name} releases"
    )
    calendar.add("x-wr-calname", title)
    for release in releases_for(organization, team):
        event = Event()
        event.add("uid", uid("release", release.pk, organization))
        event.add("dtstamp", release.updated_at)
        event.add("sequence", release.version)
        all_day(event, release.planned_date)
        event.add("summary", f"Release: {release.name}")
        event.add("description", release.description or f"Status: {release.get_status_display()}")
        event.add("status", STATUS[release.status])
        event.add("categories", ["Release"])
        calendar.add_component(event)
    for feature in experiments_for(organization, team):
        assert feature.release is not None
        release = feature.release
        event = Event()
        event.add("uid", uid("experiment", feature.pk, organization))
        event.add("dtstamp", max(feature.updated_at, release.updated_at))
        event.add("sequence", feature.version + release.version)
        all_day(event, release.planned_date)
        event.add("summary", f"Experiment: {feature.title} ({release.name})")
        event.add("description", feature.description or f"Starts with release {release.name}.")
        if release.status == ReleaseStatus.CANCELLED:
            event.add("status", "CANCELLED")
        event.add("categories", ["Experiment"])
        calendar.add_component(event)
    for source in CALENDAR_SOURCES:
        for event in source(organization, team):
            calendar.add_component(event)
    return calendar


def feed_for_token(token: str) -> CalendarFeed:
    feed = (
        CalendarFeed.objects.select_related("organization", "team")
        .filter(digest=feed_digest(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise Http404("No such calendar feed.")
    return feed


def feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The feed behind a secret URL; 404 when the token is unknown or the feed revoked."""
    feed = feed_for_token(token)
    calendar = build(feed.organization, feed.team, name=feed.label)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="northline.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
