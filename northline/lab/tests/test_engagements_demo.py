"""The lab's demo: three engagements at three points of the playbook, one through a waiver."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from northline.lab.engagements import selectors
from northline.lab.journey.selectors import lab_report, timeline
from northline.lab.models import ChecklistItem, Engagement
from northline.orgs.access import access_organization
from northline.orgs.demo import load_demo


@pytest.mark.django_db
def test_it_loads_three_engagements_one_through_a_waiver() -> None:
    load_demo()
    access = access_organization(User.objects.get(username="demo"), "harbour-lab")
    by_title = {e.title: e for e in selectors.engagements(access)}
    qualifying = by_title["Fishing licence renewals"]
    aligning = by_title["Coastal permits online"]
    building = by_title["Harbour moorings booking"]
    assert (qualifying.status, qualifying.current_phase.key) == ("candidate", "qualify")
    assert (aligning.status, aligning.current_phase.key) == ("aligning", "align")
    assert (building.status, building.current_phase.key) == ("in_residence", "build")

    # The aligning engagement's product owner lacks the required course.
    gap = selectors.readiness(access, aligning)
    assert ("Jonah Pike", "Agile fundamentals") in [(p.name, c.name) for p, c in gap.missing]
    rules = {rule.key: rule.ok for rule in selectors.composition(access, aligning)}
    assert rules["product_owner_trained"] is False

    waived = ChecklistItem.objects.get(engagement=building, check_key="product_owner_trained")
    assert waived.state == "waived"
    assert waived.waiver_decision is not None
    decision = waived.waiver_decision
    assert decision.topic == "lab"
    assert decision.made_by_body.name == "Lab Leadership Council"
    assert Engagement.objects.filter(organization=access.organization).count() == 3


@pytest.mark.django_db
def test_it_lets_each_engagement_through_its_gates_on_its_own_days() -> None:
    load_demo()
    access = access_organization(User.objects.get(username="demo"), "harbour-lab")
    report = lab_report(access.organization)
    averages = {time.phase.key: time.average_days for time in report.time_in_phase}
    # Qualify: 5 (moorings), 15 (permits) and 12 days so far (fishing); Align: 40 and 60 so
    # far; Build: 44 so far.
    assert averages["qualify"] == 11
    assert averages["align"] == 50
    assert averages["build"] == 44
    building = Engagement.objects.get(title="Harbour moorings booking")
    days = {timezone.localdate(entry.event.created_at) for entry in timeline(access, building)}
    assert len(days) > 10
    assert max(days) - min(days) > dt.timedelta(weeks=8)
