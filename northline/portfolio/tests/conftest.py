"""Records the portfolio tests share: a board in ``cast.org`` and helpers to shape epics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from northline.measures import services as measures
from northline.measures.models import Indicator
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.models import Team
from northline.portfolio import services
from northline.portfolio.models import Epic, Sprint
from northline.testing import Cast

TODAY = dt.date(2026, 3, 1)


def indicator_fields(name: str = "Permits decided within 30 days", **extra: Any) -> dict:
    """A window from 100 days ago to 100 days ahead: half of it has passed."""
    today = timezone.localdate()
    return {
        "name": name,
        "unit": "%",
        "baseline": 0,
        "target": 100,
        "start_date": today - dt.timedelta(days=100),
        "target_date": today + dt.timedelta(days=100),
        **extra,
    }


def readings(access: Access, indicator: Indicator, *values: float) -> None:
    """Readings a day apart, the last one an hour ago."""
    now = timezone.now() - dt.timedelta(hours=1)
    for offset, value in enumerate(reversed(values)):
        measures.record_reading(
            access, indicator, value=value, recorded_at=now - dt.timedelta(days=offset)
        )


@dataclass
class Board:
    access: Access
    team: Team

    def epic(
        self,
        title: str = "Apply for a mooring permit online",
        *,
        state: str = "funnel",
        wsjf: tuple[int, int, int, int] | None = (8, 5, 3, 8),
        stories: int = 1,
        lagging: bool = True,
        **fields: Any,
    ) -> Epic:
        """An epic walked through the rules into ``state``, with a complete business case."""
        bv, tc, rr, job = wsjf if wsjf else (None, None, None, None)
        epic = services.create_epic(
            self.access,
            title=title,
            what=fields.pop("what", "Mooring permits applied for and paid online."),
            why=fields.pop("why", "Applicants stop queueing at the counter."),
            business_value=bv,
            time_criticality=tc,
            risk_reduction=rr,
            job_size=job,
            team=self.team,
            **fields,
        )
        if lagging:
            services.add_lagging_indicator(self.access, epic, **indicator_fields(f"{title} KPI"))
        for number in range(stories):
            services.create_story(
                self.access, epic, title=f"Story {number + 1}", estimate=5, team=self.team
            )
        path = {"funnel": [], "todo": ["todo"], "doing": ["todo", "doing"]}
        path["done"] = [*path["doing"], "done"]
        for step in path.get(state, []):
            epic = services.move_epic(self.access, epic, state=step)
        if state == "closed":
            epic = services.move_epic(
                self.access, epic, state="closed", close_reason="duplicate", close_note="Twice."
            )
        epic.refresh_from_db()
        return epic

    def sprint(self, *, capacity: int) -> Sprint:
        """The team's "Sprint 1", two weeks from Monday 2 March 2026."""
        return services.create_sprint(
            self.access,
            team=self.team,
            name="Sprint 1",
            starts_on=dt.date(2026, 3, 2),
            ends_on=dt.date(2026, 3, 13),
            capacity=capacity,
        )


@pytest.fixture
def board(cast: Cast) -> Board:
    access = cast.owner_access
    team = org_services.create_team(access, name="Permits Online", kind="product")
    return Board(access=access, team=team)
