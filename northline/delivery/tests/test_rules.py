"""The pure rules: lead time, the late boundary, readiness and a cell's risk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from northline.delivery import rules

RELEASE = dt.date(2026, 3, 31)


@dataclass
class FakeImpact:
    role: str = "impactee"
    acknowledged_at: dt.datetime | None = None
    lead_time_days: int | None = None


def test_it_is_on_time_with_exactly_the_lead_time_left() -> None:
    assert rules.is_late(dt.date(2026, 3, 21), RELEASE, 10) is False  # 10 days left


def test_it_is_late_one_day_inside_the_lead_time() -> None:
    assert rules.is_late(dt.date(2026, 3, 22), RELEASE, 10) is True  # 9 days left


def test_it_is_late_on_the_day_and_after() -> None:
    assert rules.is_late(RELEASE, RELEASE, 1) is True
    assert rules.is_late(RELEASE, RELEASE, 0) is False
    assert rules.is_late(dt.date(2026, 4, 2), RELEASE, 0) is True


def test_it_takes_the_impacts_lead_time_over_the_teams() -> None:
    assert rules.lead_time(FakeImpact(lead_time_days=3), 21) == 3
    assert rules.lead_time(FakeImpact(lead_time_days=0), 21) == 0
    assert rules.lead_time(FakeImpact(), 21) == 21
    assert rules.lead_time(FakeImpact(), None) == 14


def test_it_is_ready_only_when_every_impactee_acknowledged() -> None:
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert rules.is_ready([]) is True
    assert rules.is_ready([FakeImpact(role="impactor")]) is True
    assert rules.is_ready([FakeImpact(acknowledged_at=now), FakeImpact()]) is False
    assert rules.is_ready([FakeImpact(acknowledged_at=now), FakeImpact(role="impactor")]) is True


def test_it_waits_only_for_impactees_that_have_not_acknowledged() -> None:
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    told = FakeImpact(lead_time_days=10)
    impacts = [FakeImpact(role="impactor"), FakeImpact(acknowledged_at=now), told]
    assert rules.waiting_for(impacts) == [told]
    assert rules.waiting_for([FakeImpact(role="impactor")]) == []


def colour(role: str, acknowledged: bool, notice_late: bool, release: dt.date | None) -> str:
    """A cell's risk on 1 March 2026 for a team with a lead time of 10 days."""
    return rules.risk(
        role=role,
        acknowledged=acknowledged,
        notice_late=notice_late,
        today=dt.date(2026, 3, 1),
        release_date=release,
        lead_time_days=10,
    )


def test_it_colours_each_kind_of_cell() -> None:
    in_time = dt.date(2026, 3, 20)  # 19 days left
    too_close = dt.date(2026, 3, 5)  # 4 days left
    assert colour("impactor", False, True, in_time) == "ok"
    assert colour("impactee", True, False, in_time) == "ok"
    assert colour("impactee", True, True, in_time) == "late"
    assert colour("impactee", False, False, in_time) == "unacknowledged"
    assert colour("impactee", False, False, too_close) == "at_risk"
    assert colour("impactee", False, False, None) == "unacknowledged"
