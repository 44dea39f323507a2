"""The governance side of the lab's demo: every panel has something to show."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from northline.lab.agreements import selectors as agreement_selectors
from northline.lab.budget import selectors as budget_selectors
from northline.lab.experts import selectors as expert_selectors
from northline.lab.journey import selectors as journey_selectors
from northline.lab.models import Engagement
from northline.lab.sessions import selectors as session_selectors
from northline.orgs.access import access_organization
from northline.orgs.demo import load_demo


@pytest.mark.django_db
def test_the_demo_shows_valid_missing_voided_cells_and_an_executed_agreement() -> None:
    load_demo()
    access = access_organization(User.objects.get(username="demo"), "harbour-lab")
    aligning = Engagement.objects.get(
        organization=access.organization, title="Coastal permits online"
    )
    building = Engagement.objects.get(
        organization=access.organization, title="Harbour moorings booking"
    )

    partly = agreement_selectors.agreements(access, aligning).get()
    grid = agreement_selectors.agreement_state(access, partly)
    # 10 sections need initials × 4 signatories. Robin initialed all 10, Nadia 6, Amara 3; then
    # "Team composition" (initialed by Robin and Nadia) was reworded, voiding those two.
    assert grid.total == 40
    assert grid.counts == {"valid": 17, "missing": 21, "voided": 2, "tampered": 0}
    assert partly.status == "circulating"

    executed = agreement_selectors.agreements(access, building).get()
    assert executed.status == "executed"
    assert agreement_selectors.agreement_state(access, executed).executed is True

    kickoff = session_selectors.sessions(access, aligning).get()
    assert [p.name for p in session_selectors.not_invited(kickoff)] == ["Mei Tanaka"]
    past = session_selectors.sessions(access, building).get()
    assert session_selectors.commitments(access, past).count() == 4

    summary = budget_selectors.budget_summary(access, building)
    # 5 × 42,000 salaries, 2 × 38,000 and 24,000 contractors, 6,500 + 3,200 + 1,800 more.
    assert summary.total == 5 * 42000 + 2 * 38000 + 24000 + 6500 + 3200 + 1800
    assert summary.state == "under"  # 321,500 is below the 450,000 bottom of the range

    states = sorted(r.status for r in expert_selectors.requests(access))
    assert states == ["assigned", "declined", "done", "open"]
    assert journey_selectors.timeline(access, building)
