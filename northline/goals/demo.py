"""The ministry's OKRs in the demo: a quarter of objectives at organization and team level.

The quarter is computed from today so the demo always looks current. Check-ins are spread over
the part of the quarter that has passed, shaped so that most key results are on track, one is
at risk, exactly one has stopped moving (three equal check-ins) and one is off track: the
Goals page then has something to say in "needs attention".

Everything goes through the services, like every other demo step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from northline.goals import services
from northline.goals.models import KeyResult, Objective
from northline.measures.rules import day_start, expected_progress
from northline.orgs.demo import MINISTRY_SLUG, DemoContext, Step, demo_now

# Below this elapsed share of the calendar quarter, "off track" cannot happen yet (progress
# cannot lag the expected share by more than 0.25 when that share is under 0.25), so the demo
# uses a 13-week quarter that began six weeks ago instead.
EARLIEST_SHARE = 0.4
CHECK_INS = 4


def calendar_quarter(today: dt.date) -> tuple[str, dt.date, dt.date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    starts = dt.date(today.year, first_month, 1)
    next_start = (
        dt.date(today.year + 1, 1, 1)
        if first_month == 10
        else dt.date(today.year, first_month + 3, 1)
    )
    return f"Q{(first_month - 1) // 3 + 1} {today.year}", starts, next_start - dt.timedelta(days=1)


def demo_quarter(now: dt.datetime) -> tuple[str, dt.date, dt.date]:
    """The calendar quarter around ``now``, or 13 weeks from six weeks ago early in one."""
    name, starts, ends = calendar_quarter(now.date())
    if expected_progress(starts, ends, now) >= EARLIEST_SHARE:
        return name, starts, ends
    starts = now.date() - dt.timedelta(weeks=6)
    ends = starts + dt.timedelta(weeks=13)
    return f"Quarter to {ends:%d %b %Y}", starts, ends


@dataclass(frozen=True)
class Shape:
    """How a key result's check-ins go: where the latest one lands relative to the expected
    share ``e``, and whether the last three hold one value."""

    name: str

    def latest(self, expected: float) -> float:
        if self.name == "ahead":
            return min(1.0, expected + 0.15)
        if self.name == "on_track":
            return min(0.98, expected + 0.04)
        if self.name == "at_risk":
            return expected - 0.18  # behind by more than 0.10, less than 0.25
        if self.name == "off_track":
            return expected * 0.25  # behind by 0.75 e > 0.25 once e ≥ 0.4
        if self.name == "stalled":
            return expected - 0.05
        raise ValueError(self.name)

    def shares(self, expected: float) -> list[float]:
        """Progress at each check-in, oldest first."""
        latest = self.latest(expected)
        if self.name == "stalled":
            # Moved once, then the same value three times running.
            return [latest * 0.5, latest, latest, latest]
        return [latest * step / CHECK_INS for step in range(1, CHECK_INS + 1)]


AHEAD, ON_TRACK, AT_RISK = Shape("ahead"), Shape("on_track"), Shape("at_risk")
OFF_TRACK, STALLED = Shape("off_track"), Shape("stalled")
CONFIDENCE = {"ahead": 85, "on_track": 75, "at_risk": 55, "off_track": 30, "stalled": 45}


# key → (title, team, parent, theme, owner, description)
OBJECTIVES: dict[str, tuple[str, str | None, str | None, str | None, str, str]] = {
    "online": (
        "Make applying online the easiest way to get a coastal permit",
        None,
        None,
        "digital_permits",
        "@amara",
        "Most applicants should never need a paper form or a counter visit.",
    ),
    "decisions": (
        "Decide permit applications faster without cutting corners",
        None,
        None,
        "faster_decisions",
        "grace",
        "Quicker answers that still stand up when they are challenged.",
    ),
    "trust": (
        "Earn the public's trust in how permits are handled",
        None,
        None,
        "trusted_service",
        "@amara",
        "People should know where their application stands and why it was decided as it was.",
    ),
    "moorings": (
        "Take dock and mooring permits online",
        "permits",
        "online",
        None,
        "jonah",
        "The two permit types with the most paper go first; the team ships every two weeks.",
    ),
    "backlog": (
        "Clear the backlog of applications waiting for a decision",
        "licensing",
        "decisions",
        None,
        "samira",
        "",
    ),
    "first_contact": (
        "Answer permit questions on the first contact",
        "contact",
        "trust",
        None,
        "owen",
        "Agents get the same status information applicants see online.",
    ),
    "skills": (
        "Grow the skills to run digital services in-house",
        "executive",
        None,
        "skilled_workforce",
        "@amara",
        "Less reliance on contractors by the end of the year.",
    ),
}

# (objective, title, owner, baseline, target, unit, weight, kind, shape, latest note)
KEY_RESULTS: list[tuple[str, str, str, float, float, str, float, str, Shape, str]] = [
    (
        "online",
        "Share of applications submitted online",
        "jonah",
        35,
        80,
        "%",
        2,
        "lagging",
        ON_TRACK,
        "Mooring renewals moved online this sprint and pulled the share up.",
    ),
    (
        "online",
        "Paper forms still in use",
        "lucia",
        14,
        2,
        "forms",
        1,
        "lagging",
        AHEAD,
        "Retired three more forms after the legal review.",
    ),
    (
        "decisions",
        "Median days from application to decision",
        "grace",
        46,
        20,
        "days",
        2,
        "lagging",
        AT_RISK,
        "Summer applications are still working through; expect a drop next month.",
    ),
    (
        "decisions",
        "Decisions overturned on appeal",
        "samira",
        9,
        4,
        "%",
        1,
        "lagging",
        ON_TRACK,
        "",
    ),
    (
        "trust",
        "Applicants who rate the service good or better",
        "owen",
        58,
        75,
        "%",
        1,
        "lagging",
        ON_TRACK,
        "The status page is the most praised change in the survey comments.",
    ),
    (
        "moorings",
        "Permit types that can be applied for online",
        "mei",
        2,
        8,
        "types",
        1,
        "leading",
        ON_TRACK,
        "Dock extensions are in user testing.",
    ),
    (
        "moorings",
        "Applications abandoned before submission",
        "jonah",
        40,
        15,
        "%",
        1,
        "leading",
        STALLED,
        "Still stuck at the site-plan upload step. Worth trying a different approach?",
    ),
    (
        "backlog",
        "Applications waiting longer than 60 days",
        "samira",
        120,
        10,
        "applications",
        2,
        "lagging",
        OFF_TRACK,
        "Two assessors are on leave and new applications keep arriving faster than expected.",
    ),
    (
        "backlog",
        "Decision templates agreed with legal services",
        "grace",
        0,
        6,
        "templates",
        1,
        "leading",
        ON_TRACK,
        "",
    ),
    (
        "first_contact",
        "Questions resolved on the first contact",
        "owen",
        62,
        85,
        "%",
        1,
        "lagging",
        ON_TRACK,
        "Agents now see the same status page as applicants.",
    ),
    (
        "skills",
        "Staff who finished digital service training",
        "@amara",
        12,
        60,
        "people",
        1,
        "leading",
        ON_TRACK,
        "",
    ),
]


# Units counted in whole numbers; the others (percentages, days) keep one decimal.
WHOLE_UNITS = {"forms", "types", "applications", "templates", "people"}


# The key result of the demo's owner (Amara) whose latest check-in is late against its weekly
# cadence, so that her "My work" page opens with a key result due a check-in.
LATE_CHECK_IN = "Staff who finished digital service training"
LATE_SPAN = 0.75


def value_at(baseline: float, target: float, share: float, unit: str) -> float:
    value = baseline + share * (target - baseline)
    return float(round(value)) if unit in WHOLE_UNITS else round(value, 1)


def create_goals(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, "amara")
    people = ctx.people[MINISTRY_SLUG]
    teams = ctx.teams[MINISTRY_SLUG]
    themes: dict[str, Any] = ctx.extra.get("strategy", {}).get("themes", {})
    now = demo_now()
    name, starts, ends = demo_quarter(now)
    period = services.create_period(access, name=name, starts_on=starts, ends_on=ends)

    objectives: dict[str, Objective] = {}
    for key, (title, team, parent, theme, owner, description) in OBJECTIVES.items():
        objectives[key] = services.create_objective(
            access,
            title=title,
            description=description,
            period=period,
            team=teams[team] if team else None,
            parent=objectives[parent] if parent else None,
            theme=themes.get(theme) if theme else None,  # no such theme: leave it unlinked
            owner=people[owner],
            status="active",
        )

    key_results: dict[str, KeyResult] = {}
    expected = expected_progress(starts, ends, now)
    elapsed = now - day_start(starts)
    for objective, title, owner, baseline, target, unit, weight, kind, shape, note in KEY_RESULTS:
        key_result = services.create_key_result(
            access,
            objectives[objective],
            title=title,
            owner=people[owner],
            baseline=baseline,
            target=target,
            unit=unit,
            weight=weight,
            kind=kind,
        )
        shares = shape.shares(expected)
        span = LATE_SPAN if title == LATE_CHECK_IN else 0.95
        for index, share in enumerate(shares, start=1):
            # Spread over the quarter so far; the latest a few days ago, well inside 21 days
            # (Amara's own key result: about two weeks ago, so it is due a check-in).
            when = day_start(starts) + elapsed * (span * index / len(shares))
            ctx.at(
                when,
                f"check-in on {title}",
                partial(
                    services.record_check_in,
                    access,
                    key_result,
                    value=value_at(baseline, target, share, unit),
                    confidence=CONFIDENCE[shape.name],
                    note=note if index == len(shares) else "",
                    recorded_at=when,
                ),
            )
        key_results[title] = key_result
    ctx.extra["goals"] = {"period": period, "objectives": objectives, "key_results": key_results}


STEPS: list[tuple[str, Step]] = [("objectives and key results", create_goals)]
