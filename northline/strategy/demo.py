"""The ministry's strategy in the demo: identity, SWOT, four themes with indicators and money,
two value streams, a LACE and a VMO (the VMO lacks an authority on purpose), and decisions.

Dates are relative to the day the demo loads, so the indicators always sit mid-window.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

from django.utils import timezone

from northline.measures import services as measures
from northline.orgs.demo import MINISTRY_SLUG, DemoContext, Step, demo_now, demo_today
from northline.strategy import services
from northline.strategy.models import Theme

OWNER = "amara"


def today() -> dt.date:
    return demo_today()


def days_ago(days: int, hour: int = 10) -> dt.datetime:
    moment = demo_now() - dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def window() -> tuple[dt.date, dt.date]:
    """The themes' year: begun about five months ago."""
    start = today() - dt.timedelta(days=150)
    return start, start + dt.timedelta(days=365)


def shared(ctx: DemoContext) -> dict[str, Any]:
    return ctx.extra.setdefault("strategy", {})


def write_identity(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    values = [
        {"name": "Open by default", "meaning": "We publish our plans, our data and our results."},
        {
            "name": "Start with the applicant",
            "meaning": "We test each change with applicants.",
        },
        {"name": "Small steps, often", "meaning": "We release in weeks, not years, and learn."},
    ]
    services.revise_identity(
        access,
        mission="We look after the coast by issuing permits for work along it.",
        vision="Coastal permits that are simple to get and fair to everyone who lives nearby.",
        values=values,
        note="First statement, agreed at the leadership off-site.",
        based_on=0,
    )
    services.revise_identity(
        access,
        mission=(
            "We protect the coast and the people who depend on it by deciding permit "
            "applications quickly, fairly and in the open."
        ),
        vision="Coastal permits that are simple to get and fair to everyone who lives nearby.",
        values=[
            *values,
            {"name": "Decide, then explain", "meaning": "Every decision comes with its reasons."},
        ],
        note="The old mission described an activity; this one names the outcome we answer for.",
        based_on=1,
    )


# key → (name, description, indicator (name, unit, baseline, target), readings, planned)
THEMES: dict[str, tuple[str, str, tuple[str, str, float, float], list[float], int]] = {
    "digital_permits": (
        "Permits online, end to end",
        "Every permit can be applied for, paid, tracked and issued online.",
        ("Applications submitted online", "%", 12, 80),
        [18, 27, 36, 43],
        420_000,
    ),
    "faster_decisions": (
        "Decisions in days, not months",
        "Applicants hear the answer while their project is still possible.",
        ("Median days from application to decision", "days", 94, 20),
        [90, 84, 79],
        260_000,
    ),
    "trusted_service": (
        "A service people trust",
        "Applicants and neighbours understand how and why decisions are made.",
        ("Applicant satisfaction", "out of 5", 3.1, 4.3),
        [3.3, 3.5, 3.6],
        150_000,
    ),
    "skilled_workforce": (
        "A digitally skilled workforce",
        "Licensing staff can run, change and improve the digital service themselves.",
        ("Staff who completed digital skills training", "%", 8, 70),
        [15, 22, 22, 22],
        120_000,
    ),
}

# theme → [(days ago, amount, category, note)]
SPENDS: dict[str, list[tuple[int, int, str, str]]] = {
    "digital_permits": [
        (130, 48_000, "Staff", "Product team, first two months"),
        (95, 36_500, "Contractors", "DevOps engineer"),
        (60, 52_000, "Staff", "Product team"),
        (20, 9_800, "Hosting", "Cloud hosting, half year"),
    ],
    "faster_decisions": [
        (110, 22_000, "Research", "Study of where applications wait"),
        (45, 41_000, "Staff", "Triage rules and case tooling"),
    ],
    "trusted_service": [
        (90, 12_500, "Research", "Applicant and neighbour interviews"),
        (30, 7_200, "Content", "Plain-language guidance"),
    ],
    "skilled_workforce": [
        (100, 18_000, "Training", "Digital fundamentals, first cohort"),
        (70, 4_500, "Training", "Product owner course"),
    ],
}


def create_themes(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    start, end = window()
    made: dict[str, Theme] = {}
    for key, (name, description, indicator, readings, _) in THEMES.items():
        theme = services.create_theme(
            access, name=name, description=description, starts_on=start, ends_on=end
        )
        label, unit, baseline, target = indicator
        created = services.add_theme_indicator(
            access, theme, name=label, unit=unit, baseline=baseline, target=target
        )
        # From 125 days ago to 5 days ago, so only a measure whose last readings repeat
        # (the workforce one) shows as not moving. Each is recorded on its day (those older
        # than the demo's history on its first day, dated back).
        spacing = 120 // max(len(readings) - 1, 1)
        for position, value in enumerate(readings):
            ago = 125 - position * spacing
            ctx.on(
                -ago,
                f"reading of {label}",
                partial(
                    measures.record_reading,
                    access,
                    created,
                    value=value,
                    recorded_at=days_ago(ago),
                    source="Monthly service report",
                ),
                at=dt.time(11, 0),
            )
        made[key] = theme
    shared(ctx)["themes"] = made


def write_swot(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    themes = shared(ctx)["themes"]
    items = [
        (
            "strength",
            "Licensing officers know the coast and the law well.",
            ["trusted_service"],
        ),
        ("strength", "A product team is already in residence at the lab.", ["digital_permits"]),
        ("strength", "Leadership has said in public that the service must change.", []),
        ("weakness", "Most applications still arrive on paper or by e-mail.", ["digital_permits"]),
        ("weakness", "Cases wait in queues nobody can see.", ["faster_decisions"]),
        ("weakness", "Few staff have worked in an agile team.", ["skilled_workforce"]),
        (
            "opportunity",
            "The lab offers coaching and shared hosting.",
            ["skilled_workforce"],
        ),
        (
            "opportunity",
            "Government-wide payment and login services exist.",
            ["digital_permits"],
        ),
        ("threat", "Application volumes rise every summer.", ["faster_decisions"]),
        (
            "threat",
            "Disputes with neighbours erode trust in permits.",
            ["trusted_service"],
        ),
    ]
    for kind, statement, keys in items:
        services.create_swot_item(
            access, kind=kind, statement=statement, themes=[themes[key] for key in keys]
        )


def create_value_streams(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    teams = ctx.teams[MINISTRY_SLUG]
    shared(ctx)["value_streams"] = {
        "permit": services.create_value_stream(
            access,
            name="Get a coastal permit",
            description="From the first question to the issued permit.",
            teams=[teams["permits"], teams["licensing"], teams["contact"]],
        ),
        "enquiry": services.create_value_stream(
            access,
            name="Answer an enquiry",
            description="A member of the public asks about a permit or a decision.",
            teams=[teams["contact"]],
        ),
    }


def plan_investment(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    themes = shared(ctx)["themes"]
    start, end = window()
    for key, (*_, planned) in THEMES.items():
        investment = services.create_investment(
            access,
            theme=themes[key],
            period_start=start,
            period_end=end,
            planned_amount=Decimal(planned),
            currency="EUR",
        )
        for ago, amount, category, note in SPENDS[key]:
            services.record_spend(
                access,
                investment,
                amount=Decimal(amount),
                spent_on=today() - dt.timedelta(days=ago),
                category=category,
                note=note,
            )
    stream = shared(ctx)["value_streams"]["enquiry"]
    investment = services.create_investment(
        access,
        value_stream=stream,
        period_start=start,
        period_end=end,
        planned_amount=Decimal(60_000),
    )
    services.record_spend(
        access,
        investment,
        amount=Decimal(14_000),
        spent_on=today() - dt.timedelta(days=40),
        category="Staff",
        note="Call scripts for the new online service",
    )


def form_coalition(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    people = ctx.people[MINISTRY_SLUG]
    themes = shared(ctx)["themes"]
    lace = services.create_body(
        access,
        name="Coastal Ways of Working Centre",
        kind="LACE",
        description="Leads the change to agile ways of working and runs the lab partnership.",
        authorities=["change_process", "change_strategy", "staff_teams", "waive_gates"],
        members=[people["@amara"], people["grace"], people["lucia"]],
    )
    services.add_responsibility(access, lace, kind="practice", description="Agile delivery")
    services.add_responsibility(
        access, lace, kind="lab_program", description="The permits team's residency"
    )
    services.add_responsibility(access, lace, kind="strategy", description="Keep themes current")
    # The VMO owns two outcomes and may fund work and approve releases, but not change how
    # work is done: the deliberate responsibility-without-authority gap of the demo.
    vmo = services.create_body(
        access,
        name="Permits Value Office",
        kind="VMO",
        description="Funds and tracks the work that moves the permit outcomes.",
        authorities=["fund_epics", "approve_releases"],
        members=[people["jonah"], people["samira"], people["owen"]],
    )
    services.add_responsibility(access, vmo, kind="outcome", theme=themes["digital_permits"])
    services.add_responsibility(access, vmo, kind="outcome", theme=themes["faster_decisions"])
    services.add_responsibility(access, vmo, kind="release_coordination")
    shared(ctx)["bodies"] = {"lace": lace, "vmo": vmo}


def log_decisions(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    people = ctx.people[MINISTRY_SLUG]
    themes = shared(ctx)["themes"]
    bodies = shared(ctx)["bodies"]
    services.log_decision(
        access,
        title="Adopt four themes for the year",
        topic="strategy",
        status="accepted",
        decided_on=today() - dt.timedelta(days=150),
        made_by_person=people["@amara"],
        context="The SWOT showed slow, paper-based decisions as our largest weakness.",
        decision="Our work this year serves four themes: **online permits**, **faster "
        "decisions**, **trust** and **digital skills**. Each has one lagging indicator.",
        links=list(themes.values()),
    )
    services.log_decision(
        access,
        title="Name the outcome in the mission",
        topic="identity",
        status="accepted",
        decided_on=today() - dt.timedelta(days=140),
        made_by_body=bodies["lace"],
        context="Staff read the first mission as a description of paperwork.",
        decision="Revision 2 of the identity states what the coast and its people gain.",
    )
    services.log_decision(
        access,
        title="Build a native mobile app for applications",
        topic="portfolio",
        status="rejected",
        decided_on=today() - dt.timedelta(days=100),
        made_by_body=bodies["vmo"],
        context="Applicants are mostly firms that apply from an office computer.",
        decision="Not now. A responsive web service reaches them sooner and at lower cost.",
        links=[themes["digital_permits"]],
    )
    quarterly = services.log_decision(
        access,
        title="Release permit changes once a quarter",
        topic="delivery",
        status="accepted",
        decided_on=today() - dt.timedelta(days=120),
        made_by_body=bodies["vmo"],
        context="Releases used to need a change board each time.",
        decision="Bundle changes into one release a quarter.",
    )

    def release_fortnightly() -> None:
        fortnightly = services.log_decision(
            access,
            title="Release every two weeks, when the business says so",
            topic="delivery",
            status="accepted",
            decided_on=timezone.localdate(),
            made_by_body=bodies["vmo"],
            context="Quarterly releases held finished work back for months.",
            decision="Releases are decoupled from the calendar: the product owner decides, "
            "at most every two weeks, after the contact centre confirms it is ready.",
        )
        quarterly.refresh_from_db()
        services.update_decision(
            access,
            quarterly,
            version=quarterly.version,
            status="superseded",
            superseded_by=fortnightly,
        )

    def propose_authority() -> None:
        services.log_decision(
            access,
            title="Let the Permits Value Office change how work is done",
            topic="strategy",
            status="proposed",
            decided_on=timezone.localdate(),
            made_by_body=bodies["vmo"],
            context="The office answers for two outcomes but must ask the LACE before changing "
            "any process, which slows every improvement to the way permits are decided.",
            decision="Proposed: grant the office the *change process* authority for the permit "
            "value stream, reviewed after one quarter.",
            links=[bodies["vmo"], themes["faster_decisions"]],
        )

    # Decided within the demo's history: logged on the day they were taken.
    ctx.on(-60, "decision: release every two weeks", release_fortnightly, at=dt.time(15, 0))
    ctx.on(-3, "decision: a proposal for the value office", propose_authority, at=dt.time(15, 0))


STEPS: list[tuple[str, Step]] = [
    ("identity", write_identity),
    ("themes and indicators", create_themes),
    ("SWOT", write_swot),
    ("value streams", create_value_streams),
    ("investment and spend", plan_investment),
    ("guiding coalition", form_coalition),
    ("decision log", log_decisions),
]
