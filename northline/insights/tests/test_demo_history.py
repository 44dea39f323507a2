"""The demo has a past: its last 90 days were played through the services under a moving
clock, so the reports read a history that every row lived through on the day it says."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from northline.insights.models import Snapshot
from northline.insights.reports.selectors import cumulative_flow
from northline.measures.models import Reading
from northline.orgs.access import access_organization
from northline.orgs.demo import MINISTRY_SLUG, load_demo
from northline.orgs.models import Event

pytestmark = pytest.mark.django_db


def test_it_plays_ninety_days_of_history_through_the_services() -> None:
    load_demo()
    ministry = access_organization(User.objects.get(username="amara"), MINISTRY_SLUG)
    today = timezone.localdate()
    first = today - dt.timedelta(days=89)

    # The cumulative flow: epics arrive and move on many days, so several bands change.
    flow = cumulative_flow(ministry, days=90)
    arrivals = [later.total - earlier.total for earlier, later in itertools.pairwise(flow.days)]
    assert sum(1 for change in arrivals if change > 0) > 10
    changed = {
        state
        for earlier, later in itertools.pairwise(flow.days)
        for state in earlier.counts
        if earlier.counts[state] != later.counts[state]
    }
    assert {"funnel", "todo", "doing", "done", "closed"} <= changed
    assert flow.first.counts["done"] == 0
    assert flow.latest.counts["done"] == 5

    # Audit events span the history, one or more on every day, none after now.
    events = Event.objects.filter(organization=ministry.organization)
    days = {timezone.localdate(moment) for moment in events.values_list("created_at", flat=True)}
    assert min(days) == first
    assert len(days) > 60
    assert not Event.objects.filter(created_at__gt=timezone.now()).exists()

    # Readings and check-ins were recorded on the day they are dated, over weeks.
    readings = Reading.objects.filter(organization=ministry.organization)
    recorded = {
        timezone.localdate(reading.created_at)
        for reading in readings
        if timezone.localdate(reading.recorded_at) >= first
    }
    assert len(recorded) > 10
    assert max(recorded) - min(recorded) > dt.timedelta(weeks=8)
    for reading in readings:
        if timezone.localdate(reading.recorded_at) >= first:
            assert timezone.localdate(reading.created_at) == timezone.localdate(reading.recorded_at)

    # A snapshot every third evening, taken that day (created_at follows the clock): never
    # invented later.
    snapshots = Snapshot.objects.filter(organization=ministry.organization, team=None)
    assert snapshots.count() == 30
    assert all(
        timezone.localdate(snapshot.created_at) == snapshot.taken_on for snapshot in snapshots
    )
