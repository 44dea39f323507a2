"""A generated organization for measuring insights at scale (benchmarks/insights.py) and for the
tests that pin its query counts at two sizes.

At ``scale=1`` it holds what issue 7 names: 50 teams, 1,425 objectives (25 for the organization
and 28 per team, cascading from them), 2,850 key results with three check-ins each, 500 epics
and 12,250 stories, plus themes, coalition bodies and the organization's mission. Smaller
scales shrink the teams, the epics and the stories alike (at least one of each).

Rows are written with ``bulk_create``: the figures measured on it are about reading the map and
the index, not about loading data, and the audit trail is not part of what they read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from northline.goals.models import KeyResult, Objective, Period
from northline.measures.models import Indicator, Reading
from northline.orgs import services as org_services
from northline.orgs.access import Access, access_organization
from northline.orgs.models import Organization, Team
from northline.portfolio.models import Epic, Story
from northline.strategy import services as strategy_services
from northline.strategy.models import Theme

TEAMS = 50
ORG_OBJECTIVES = 25
OBJECTIVES_PER_TEAM = 28
KEY_RESULTS_PER_OBJECTIVE = 2
EPICS_PER_TEAM = 10
STORIES = 12_250
THEMES = 8
# Epic states in a repeating pattern of ten: mostly in progress, some planned, a few finished.
EPIC_STATES = (
    "doing",
    "doing",
    "doing",
    "todo",
    "todo",
    "doing",
    "funnel",
    "todo",
    "done",
    "doing",
)
STORY_STATES = ("todo", "doing", "done", "todo", "doing", "done", "todo")
ESTIMATES = (1, 2, 3, 5, 8)


def orphan(epic_number: int) -> bool:
    """One epic in 25 traces to nothing: it drives no key result and serves no theme."""
    return epic_number % 25 == 1


@dataclass(frozen=True)
class Generated:
    organization: Organization
    access: Access
    period: Period
    teams: list[Team]
    objectives: int
    key_results: int
    epics: int
    stories: int


def generate(owner: User, *, slug: str = "bench", scale: float = 1.0) -> Generated:
    """One organization of the size above (times ``scale``), owned by ``owner``."""
    team_count = max(1, round(TEAMS * scale))
    story_count = max(team_count * EPICS_PER_TEAM, round(STORIES * scale))
    org = org_services.create_organization(owner, slug=slug, name="Generated Agency")
    access = access_organization(owner, org.slug)
    strategy_services.revise_identity(
        access,
        mission="Make every public service simple, fast and fair for the people who use it.",
        based_on=0,
    )
    today = timezone.localdate()
    starts, ends = today - dt.timedelta(days=45), today + dt.timedelta(days=45)
    period = Period.objects.create(
        organization=org, name="This quarter", starts_on=starts, ends_on=ends
    )
    themes = Theme.objects.bulk_create(
        Theme(organization=org, name=f"Theme {n}", starts_on=starts, ends_on=ends, status="active")
        for n in range(THEMES)
    )
    for number, theme in enumerate(themes[:3]):
        body = strategy_services.create_body(
            access,
            name=f"Portfolio board {number}",
            kind="VMO",
            authorities=["fund_epics", "change_process"] if number else ["fund_epics"],
        )
        strategy_services.add_responsibility(access, body, kind="outcome", theme=theme)
    teams = Team.objects.bulk_create(
        Team(organization=org, name=f"Team {n:02d}", kind="product") for n in range(team_count)
    )

    org_objectives = Objective.objects.bulk_create(
        Objective(
            organization=org,
            title=f"Organization objective {n}",
            period=period,
            theme=themes[n % THEMES],
            status="active",
        )
        for n in range(ORG_OBJECTIVES)
    )
    # Each team's first four objectives serve organization objectives; the rest cascade from
    # the team's own first four. Every tenth is still a draft.
    team_objectives: list[Objective] = []
    for index, team in enumerate(teams):
        first = Objective.objects.bulk_create(
            Objective(
                organization=org,
                title=f"{team.name} objective {n}",
                period=period,
                team=team,
                parent=org_objectives[(index * 4 + n) % ORG_OBJECTIVES],
                status="active",
            )
            for n in range(4)
        )
        rest = [
            Objective(
                organization=org,
                title=f"{team.name} objective {n}",
                period=period,
                team=team,
                parent=first[n % 4],
                status="draft" if n % 10 == 9 else "active",
            )
            for n in range(4, OBJECTIVES_PER_TEAM)
        ]
        team_objectives += [*first, *Objective.objects.bulk_create(rest)]
    objectives = [*org_objectives, *team_objectives]

    indicators = Indicator.objects.bulk_create(
        Indicator(
            organization=org,
            name=f"Measure {n}",
            kind="leading",
            baseline=0,
            target=100,
            start_date=starts,
            target_date=ends,
        )
        for n in range(len(objectives) * KEY_RESULTS_PER_OBJECTIVE)
    )
    key_results = KeyResult.objects.bulk_create(
        KeyResult(
            organization=org,
            objective=objectives[n // KEY_RESULTS_PER_OBJECTIVE],
            title=f"Key result {n}",
            indicator=indicator,
        )
        for n, indicator in enumerate(indicators)
    )
    now = timezone.now()
    # Three check-ins each; every seventh key result stands still (stalled).
    Reading.objects.bulk_create(
        (
            Reading(
                organization=org,
                indicator=indicator,
                value=30.0 if n % 7 == 0 else 15.0 * (step + 1),
                recorded_at=now - dt.timedelta(days=9 - 3 * step),
            )
            for n, indicator in enumerate(indicators)
            for step in range(3)
        ),
        batch_size=2000,
    )

    results_of_team: dict[int, list[KeyResult]] = {}
    for result, objective in zip(
        key_results,
        (objectives[n // KEY_RESULTS_PER_OBJECTIVE] for n in range(len(key_results))),
        strict=True,
    ):
        if objective.team_id is not None:
            results_of_team.setdefault(objective.team_id, []).append(result)
    epics: list[Epic] = []
    for index, team in enumerate(teams):
        for n in range(EPICS_PER_TEAM):
            number = index * EPICS_PER_TEAM + n
            epics.append(
                Epic(
                    organization=org,
                    title=f"{team.name} epic {n}",
                    state=EPIC_STATES[n],
                    team=team,
                    # Every third epic also serves a theme directly.
                    theme=themes[number % THEMES]
                    if number % 3 == 0 and not orphan(number)
                    else None,
                    what="Make it simpler.",
                    why="People wait too long.",
                    business_value=5,
                    time_criticality=3,
                    risk_reduction=2,
                    job_size=5,
                    rank=f"{number:08d}",
                )
            )
    epics = Epic.objects.bulk_create(epics, batch_size=1000)
    drives = Epic.key_results.through
    links = []
    for number, epic in enumerate(epics):
        if orphan(number) or epic.team_id is None:
            continue
        team_results = results_of_team[epic.team_id]
        links += [
            drives(
                epic_id=epic.pk, keyresult_id=team_results[(number * 3 + k) % len(team_results)].pk
            )
            for k in range(2)
        ]
    drives.objects.bulk_create(links, batch_size=2000)

    Story.objects.bulk_create(
        (
            Story(
                organization=org,
                epic=epics[n % len(epics)],
                title=f"Story {n}",
                state=STORY_STATES[n % len(STORY_STATES)],
                estimate=ESTIMATES[n % len(ESTIMATES)],
                team=epics[n % len(epics)].team,
                rank=f"{n:08d}",
            )
            for n in range(story_count)
        ),
        batch_size=2000,
    )
    return Generated(
        organization=org,
        access=access,
        period=period,
        teams=teams,
        objectives=len(objectives),
        key_results=len(key_results),
        epics=len(epics),
        stories=story_count,
    )
