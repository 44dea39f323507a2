"""Demo step: the ministry's alignment index over the demo's 90 days, each taken on its day.

First the step adds two pet projects to the ministry's portfolio (through the portfolio's
services), a month ago: epics still in the funnel with stories under way that serve no theme
and drive no key result, the work traceability exists to find. Then it has the demo take the
snapshots of the ministry and its teams at the end of every third day of the history, through
:func:`northline.insights.index.services.take_snapshots` (the function the daily task calls),
under the demo's clock: each point of the trend is the index of what had happened by that
evening, and the last is the index every page shows today. Nothing is invented.

Only the ministry is snapshotted: the lab has no portfolio, so its index would be empty.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from northline.insights.index.services import take_snapshots
from northline.orgs.demo import MINISTRY_SLUG, DemoContext, demo_today
from northline.portfolio import services as portfolio
from northline.portfolio.models import Story

OWNER = "amara"
# The nightly task snapshots every day; the demo does so every third day (today, 3 days ago, …,
# 87 days ago): 90 snapshots of the ministry and its five teams cost about 5 s of the demo's
# 20-second start-up budget, 30 cost a third of that (docs/benchmarks.md, "Demo start-up").
SNAPSHOT_EVERY = 3
PET_PROJECTS_DAY = -30  # proposed a month ago; a story of each under way the week after

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
                    ctx.on(
                        PET_PROJECTS_DAY + 7,
                        f"start {story_title}",
                        partial(start_story, ctx, story, state),
                    )


def start_story(ctx: DemoContext, story: Story, state: str) -> None:
    with portfolio.feedback_paused():
        portfolio.move_story(ctx.access(MINISTRY_SLUG, OWNER), story, state=state)


def snapshot_ministry(ctx: DemoContext, day: dt.date) -> None:
    if (demo_today() - day).days % SNAPSHOT_EVERY == 0:
        take_snapshots(ctx.ministry, day)


def step(ctx: DemoContext) -> None:
    ctx.on(PET_PROJECTS_DAY, "pet projects", lambda: add_pet_projects(ctx), at=dt.time(11, 0))
    ctx.evenings.append(lambda day: snapshot_ministry(ctx, day))
