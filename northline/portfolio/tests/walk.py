"""Records for the OpenAPI walk: an epic in doing with a story, a sprint, a lagging indicator
that has stopped moving, and the pivot recommendation the feedback loop opens for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from northline.measures import services as measures
from northline.orgs import services as org_services
from northline.portfolio import services
from northline.portfolio.models import Recommendation
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    access = cast.owner_access
    today = timezone.localdate()
    team = org_services.create_team(access, name="Walk permits team", kind="product")
    sprint = services.create_sprint(
        access,
        team=team,
        name="Walk sprint 1",
        starts_on=today,
        ends_on=today + dt.timedelta(days=13),
        capacity=20,
    )
    epic = services.create_epic(
        access,
        title="Book a mooring inspection online",
        what="Inspections booked in the permit account.",
        why="Fewer phone calls to arrange a visit.",
        business_value=8,
        time_criticality=5,
        risk_reduction=3,
        job_size=8,
        team=team,
    )
    indicator = services.add_lagging_indicator(
        access,
        epic,
        name="Inspections booked online",
        unit="%",
        baseline=0,
        target=60,
        start_date=today - dt.timedelta(days=60),
        target_date=today + dt.timedelta(days=60),
    )
    story = services.create_story(access, epic, title="Pick a slot", estimate=3, sprint=sprint)
    services.move_epic(access, epic, state="todo")
    services.move_epic(access, epic, state="doing")
    now = timezone.now()
    for days in (3, 2, 1):
        measures.record_reading(
            access, indicator, value=10, recorded_at=now - dt.timedelta(days=days)
        )
    recommendation = Recommendation.objects.get(epic=epic, status="open")
    values.update(
        epic_id=epic.pk,
        story_id=story.pk,
        sprint_id=sprint.pk,
        recommendation_id=recommendation.pk,
    )
