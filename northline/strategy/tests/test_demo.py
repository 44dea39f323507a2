"""The ministry's demo strategy, loaded through the services on top of the shell's demo."""

from __future__ import annotations

import pytest

from northline.measures.selectors import health_of
from northline.orgs import demo as org_demo
from northline.orgs.models import Notification
from northline.strategy import demo, selectors
from northline.strategy.models import CoalitionBody, Decision, IdentityRevision, SwotItem

pytestmark = pytest.mark.django_db


def test_it_loads_a_believable_strategy_for_the_ministry():
    # The steps register what happened on later days; run_steps plays that history too.
    ctx = org_demo.run_steps(org_demo.DemoContext(), [*org_demo.STEPS, *demo.STEPS])
    ministry = ctx.ministry
    themes = ctx.extra["strategy"]["themes"]
    assert {key: theme.name for key, theme in themes.items()} == {
        "digital_permits": "Permits online, end to end",
        "faster_decisions": "Decisions in days, not months",
        "trusted_service": "A service people trust",
        "skilled_workforce": "A digitally skilled workforce",
    }
    assert all(theme.indicators.filter(kind="lagging").count() == 1 for theme in themes.values())
    assert IdentityRevision.objects.filter(organization=ministry).count() == 2
    kinds = SwotItem.objects.filter(organization=ministry).values_list("kind", flat=True)
    assert all(2 <= list(kinds).count(kind) <= 3 for kind in ["strength", "weakness"])
    bodies = CoalitionBody.objects.filter(organization=ministry).prefetch_related(
        "responsibilities"
    )
    flags = {body.kind: selectors.missing_authorities(body) for body in bodies}
    assert flags == {"LACE": [], "VMO": ["change_process"]}
    lace_members = ctx.extra["strategy"]["bodies"]["lace"].members.all()
    assert all(selectors.body_holding(person, "waive_gates") for person in lace_members)
    statuses = set(Decision.objects.filter(organization=ministry).values_list("status", flat=True))
    assert statuses == {"proposed", "accepted", "rejected", "superseded"}
    proposed = Notification.objects.filter(title__startswith="Proposed strategy decision")
    assert sorted(proposed.values_list("recipient__username", flat=True)) == ["amara", "demo"]
    # Only the workforce measure repeats its last readings: it alone shows as not moving.
    indicators = {key: theme.indicators.get() for key, theme in themes.items()}
    health = health_of(indicators.values())
    stalled = sorted(key for key, indicator in indicators.items() if health[indicator.pk].stalled)
    assert stalled == ["skilled_workforce"]
