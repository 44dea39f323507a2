"""The demo's quarter of OKRs: a cascade with history that gives "needs attention" a story."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from northline.goals import selectors
from northline.goals.demo import demo_quarter
from northline.goals.models import Objective
from northline.measures.rules import Pace
from northline.orgs.access import access_organization
from northline.orgs.demo import load_demo

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def test_it_uses_the_calendar_quarter_unless_it_has_barely_begun():
    # 22 November 2026: 52 of 91 days of Q4 have passed (0.57)
    assert demo_quarter(dt.datetime(2026, 11, 22, 9, tzinfo=UTC)) == (
        "Q4 2026",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    # 10 January 2027: 9 of 89 days (0.10) → 13 weeks from six weeks ago
    assert demo_quarter(dt.datetime(2027, 1, 10, 9, tzinfo=UTC)) == (
        "Quarter to 28 Feb 2027",
        dt.date(2026, 11, 29),
        dt.date(2027, 2, 28),
    )


def test_it_loads_a_quarter_of_okrs_for_the_ministry():
    load_demo()
    amara = User.objects.get(username="amara")
    access = access_organization(amara, "ministry-of-coast")
    period = selectors.current_period(access)
    assert period is not None
    tree = selectors.cascade(access, period)

    results = [result for node in tree.nodes.values() for result in node.key_results]
    stalled = [r.key_result.title for r in results if r.stalled]
    off_track = [r.key_result.title for r in results if r.pace == Pace.OFF_TRACK]
    on_track = [r for r in results if r.pace == Pace.ON_TRACK and not r.stalled]
    assert stalled == ["Applications abandoned before submission"]
    assert off_track == ["Applications waiting longer than 60 days"]
    assert len(on_track) >= 6
    assert all(r.health.readings == 4 for r in results)
    # Organization-level objectives under the strategy's themes; team objectives below them.
    top = {node.objective.title: group.theme for group in tree.groups for node in group.objectives}
    assert top["Make applying online the easiest way to get a coastal permit"] is not None
    team_level = Objective.objects.filter(organization=access.organization, team__isnull=False)
    assert team_level.count() == 4
    assert team_level.filter(parent__isnull=False).count() == 3
    assert {r.key_result.title for r in tree.needs_attention} == set(stalled + off_track)
