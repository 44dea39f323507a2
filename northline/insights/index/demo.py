"""Demo step: the ministry's alignment index over the last 60 days, ending at today's real one.

First the step adds two pet projects to the ministry's portfolio (through the portfolio's
services): epics still in the funnel with stories under way that serve no theme and drive no
key result, the work traceability exists to find. Then it takes today's snapshot of the
ministry and its teams through :func:`northline.insights.index.services.take_snapshots`, so the last
point of the trend is the index every page shows today.

The 59 days before today are **demo history**, written with ``bulk_create``: a snapshot of a
past day cannot be recomputed (the records have changed since), so the demo invents a
plausible past. Each component of the organization and of each team starts about 6 to 14
points below today's value 59 days ago and rises evenly towards it, with a day-to-day wobble
of up to two points either way; a component with no data today has none in the past either.
The day's index is the mean of that day's components, as the real index is. The wobble comes
from ``random.Random`` seeded with the organization, the team and the component, so every
load of the demo draws the same lines.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from northline.insights.components import COMPONENT_KEYS
from northline.insights.index.services import take_snapshots
from northline.insights.models import Snapshot
from northline.orgs.demo import MINISTRY_SLUG, DemoContext
from northline.orgs.models import Organization, Team
from northline.portfolio import services as portfolio

OWNER = "amara"
HISTORY_DAYS = 60  # today and the 59 days before it
RISE = (6.0, 14.0)  # how far below today's value a component starts, in points
WOBBLE = 2.0  # the day-to-day noise, in points either way

# (title, team key, owner key, what, stories as (title, points, state))
PET_PROJECTS: list[tuple[str, str, str, str, list[tuple[str, int, str]]]] = [
    (
        "Animated lighthouse for the permit pages",
        "permits",
        "jonah",
        "A lighthouse whose beam sweeps across the top of every permit page.",
        [("Draw the lighthouse frames", 3, "doing"), ("Make the beam follow the mouse", 5, "todo")],
    ),
    (
        "Rebuild the staff intranet in a new framework",
        "licensing",
        "samira",
        "The branch's intranet pages, rewritten in the framework a developer wanted to try.",
        [("Pick the framework", 2, "doing"), ("Port the staff directory", 8, "todo")],
    ),
]


def add_pet_projects(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    teams = ctx.teams[MINISTRY_SLUG]
    people = ctx.people[MINISTRY_SLUG]
    # The feedback loop only judges epics in Doing; these stay in the funnel.
    with portfolio.feedback_paused():
        for title, team_key, owner_key, what, stories in PET_PROJECTS:
            epic = portfolio.create_epic(
                access,
                title=title,
                team=teams[team_key],
                owner=people.get(owner_key),
                what=what,
                description="Started without anyone asking which goal it serves.",
            )
            for story_title, points, state in stories:
                story = portfolio.create_story(access, epic, title=story_title, estimate=points)
                if state != "todo":
                    portfolio.move_story(access, story, state=state)


def history_of(
    today_values: dict[str, float | None], seed: str, days: int = HISTORY_DAYS
) -> dict[int, dict[str, float | None]]:
    """Component values for each of the ``days - 1`` days before today (days ago → values)."""
    past: dict[int, dict[str, float | None]] = {ago: {} for ago in range(1, days)}
    for key in COMPONENT_KEYS:
        value = today_values.get(key)
        draw = random.Random(f"{seed}:{key}")
        rise = draw.uniform(*RISE)
        for ago in range(1, days):
            if value is None:
                past[ago][key] = None
                continue
            trend = value - rise * ago / (days - 1)
            wobble = draw.uniform(-WOBBLE, WOBBLE)
            past[ago][key] = round(min(max(trend + wobble, 0.0), 100.0), 1)
    return past


def mean_of(values: dict[str, float | None]) -> float | None:
    present = [value for value in values.values() if value is not None]
    return round(sum(present) / len(present), 1) if present else None


def write_history(organization: Organization, today: dt.date) -> int:
    """The demo's invented past, from today's real snapshots; returns the rows written."""
    rows: list[Snapshot] = []
    teams: dict[int, Team] = {
        team.pk: team for team in Team.objects.filter(organization=organization)
    }
    for snapshot in Snapshot.objects.filter(organization=organization, taken_on=today):
        team = teams.get(snapshot.team_id) if snapshot.team_id is not None else None
        seed = f"{organization.slug}:{team.name if team is not None else 'organization'}"
        for ago, values in history_of(snapshot.components, seed).items():
            rows.append(
                Snapshot(
                    organization=organization,
                    team=team,
                    taken_on=today - dt.timedelta(days=ago),
                    index=mean_of(values),
                    components=values,
                )
            )
    Snapshot.objects.bulk_create(rows)
    return len(rows)


def step(ctx: DemoContext) -> None:
    add_pet_projects(ctx)
    today = timezone.localdate()
    take_snapshots(ctx.ministry, today)
    write_history(ctx.ministry, today)
