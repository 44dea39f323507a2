"""The demo's alignment index: every component has data and drills down to records that lower
it, and a snapshot every third day of the history's 90, taken on that day, ends at today's index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from northline.insights.components import COMPONENT_KEYS
from northline.insights.index.selectors import alignment_index
from northline.insights.models import Snapshot
from northline.orgs.access import access_organization
from northline.orgs.demo import MINISTRY_SLUG, load_demo
from northline.orgs.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry():
    load_demo()
    return access_organization(User.objects.get(username="amara"), MINISTRY_SLUG)


def test_it_gives_every_component_data_and_a_record_that_lowers_it(ministry) -> None:
    index = alignment_index(ministry)
    for component in index.components:
        assert component.has_data, component.key
        assert component.lowering, f"nothing lowers {component.key} in the demo"
    traceability = index.component("traceability")
    assert {item.label for item in traceability.lowering} == {
        "Animated lighthouse for the permit pages",
        "Rebuild the staff intranet in a new framework",
    }
    assert traceability.value is not None
    assert 0 < traceability.value < 100
    client = Client()
    client.force_login(ministry.user)
    for key in COMPONENT_KEYS:
        page = client.get(reverse("insights_component", args=[MINISTRY_SLUG, key]))
        assert page.status_code == 200
        assert b"Records that lower it (" in page.content, key


def test_it_takes_a_snapshot_every_third_day_of_the_history_ending_at_todays_index(
    ministry,
) -> None:
    today = timezone.localdate()
    organization = ministry.organization
    rows = list(Snapshot.objects.filter(organization=organization, team=None))
    # Today, 3 days ago, …, 87 days ago: 30 evenings of the history's 90.
    assert [row.taken_on for row in rows] == [
        today - dt.timedelta(days=ago) for ago in range(87, -1, -3)
    ]
    assert rows[-1].index == alignment_index(ministry).value
    teams = Team.objects.filter(organization=organization).count()
    assert Snapshot.objects.filter(organization=organization).count() == 30 * (1 + teams)
    assert not Snapshot.objects.filter(organization__slug="harbour-lab").exists()
    # Each index is what take_snapshots computed from that day's records: it moves as the
    # history does (epics proposed and moved, readings, check-ins), not along a made-up line.
    indexes = [row.index for row in rows]
    assert len(set(indexes)) > 10
    assert indexes[0] != indexes[-1]
    for row in rows:
        present = [value for value in row.components.values() if value is not None]
        assert all(0 <= value <= 100 for value in present)
        if present:
            assert row.index == round(sum(present) / len(present), 1)
