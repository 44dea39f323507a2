"""The demo's portfolio: every column filled, and one epic in each recommendation case."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from northline.orgs.access import access_organization
from northline.orgs.demo import load_demo
from northline.orgs.models import Event
from northline.portfolio import selectors
from northline.portfolio.models import Epic, Recommendation, Sprint, WipLimit

pytestmark = pytest.mark.django_db


def test_it_loads_a_board_with_both_recommendation_cases():
    load_demo()
    access = access_organization(User.objects.get(username="amara"), "ministry-of-coast")
    epics = Epic.objects.filter(organization=access.organization)
    assert 25 <= epics.count() <= 40
    columns = {column.state: column.count for column in selectors.board(access)}
    assert all(columns[state] > 0 for state in ("funnel", "todo", "doing", "done", "closed"))
    limit = WipLimit.objects.get(organization=access.organization, state="doing").limit
    assert columns["doing"] <= limit

    open_recommendations = {
        (item.kind, item.epic.title) for item in selectors.recommendations(access, status="open")
    }
    assert open_recommendations == {
        ("close_lower_return", "Permit fee reminders by e-mail"),
        ("pivot_outcome_not_moving", "Upload site plans from a phone"),
    }
    # Recomputed once at the end: no recommendation opened and withdrawn on the way.
    assert not Recommendation.objects.exclude(status="open").exists()
    close = Recommendation.objects.get(kind="close_lower_return")
    # 10 × (1 − 0.5) / max(8 × (1 − 0.4), 1) = 1.04 against (8 + 8 + 5) / 8 = 2.63
    assert close.candidate is not None
    assert close.candidate.title == "Book a site inspection online"
    assert "remaining WSJF of 1.04" in close.message
    assert "WSJF of 2.63" in close.message

    assert Sprint.objects.filter(organization=access.organization).count() == 3
    assert epics.filter(rank_is_manual=True).count() == 1
    assert epics.exclude(key_results=None).exists()
    assert epics.exclude(theme=None).exists()
    # The lab has no portfolio yet.
    assert not Epic.objects.filter(organization__slug="harbour-lab").exists()

    # A past: epics proposed over weeks, each done epic moved through To do, Doing and Done on
    # three different days (the moves are in the audit trail with the day they happened).
    proposed = {timezone.localdate(moment) for moment in epics.values_list("created_at", flat=True)}
    assert len(proposed) > 15
    for epic in epics.filter(state="done"):
        moves = Event.objects.filter(
            object_type="portfolio.epic", object_id=str(epic.pk), changes__has_key="state"
        )
        days = [timezone.localdate(moment) for moment in moves.values_list("created_at", flat=True)]
        assert len(set(days)) >= 3, epic.title
