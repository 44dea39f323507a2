"""The ministry's delivery plan in the demo: two upcoming releases and the teams they touch.

Chosen so the dependency matrix shows every kind of cell:

* "Spring service update" (in 20 days) carries an A/B experiment on the permit status page.
  The Permits Online team makes it (impactor); the Contact Centre, which needs 10 days,
  was told in time and has acknowledged; Training, which needs 30 days, was told with only
  20 left (a late notice) and has not acknowledged yet. A second feature reaches the
  Licensing Branch in time, still unacknowledged.
* "Summer permits release" (in 60 days) brings a process change that every team affected has
  heard about in time; Training has acknowledged it.

Dates are relative to the day the demo is loaded, so the picture is the same whenever it is;
each release, feature, notice and acknowledgement happens on its own day of the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from northline.delivery import services
from northline.orgs import services as org_services
from northline.orgs.demo import DEMO_USERNAME, MINISTRY_SLUG, DemoContext, Step, demo_today
from northline.orgs.models import Team, TeamRole
from northline.portfolio.models import Epic

# Days of notice each team asks for before a change reaches it.
LEAD_TIMES = {"contact": 10, "training": 30, "licensing": 14, "permits": 5}


def training_team(ctx: DemoContext) -> Team:
    """The ministry's training unit, made here if the organization has none yet."""
    teams = ctx.teams.setdefault(MINISTRY_SLUG, {})
    if "training" in teams:
        return teams["training"]
    access = ctx.access(MINISTRY_SLUG)
    existing = Team.objects.filter(organization=access.organization, name="Training").first()
    if existing is None:
        existing = org_services.create_team(
            access,
            name="Training",
            kind="support",
            description="Prepares courses and guides for staff when a service changes.",
        )
        # The demo user sits on it, so their inbox holds its notices and they can acknowledge.
        org_services.add_team_member(
            access,
            existing,
            person=ctx.people[MINISTRY_SLUG][f"@{DEMO_USERNAME}"],
            roles=[TeamRole.MEMBER],
        )
    teams["training"] = existing
    return existing


def create_delivery_plan(ctx: DemoContext) -> None:
    """Lead times and the calendar feed on the demo's first day; the releases, their features
    and every notice and acknowledgement on its own day (a notice is late or in time by the
    day it was sent, so the days below make the matrix above)."""
    access = ctx.access(MINISTRY_SLUG)
    teams = ctx.teams[MINISTRY_SLUG]
    training = training_team(ctx)
    contact, licensing, permits = teams["contact"], teams["licensing"], teams["permits"]
    for key, days in LEAD_TIMES.items():
        services.set_lead_time(access, teams[key], days=days)
    services.create_calendar_feed(access, label="Ministry releases and experiments")
    made: dict[str, Any] = {}
    ctx.extra["delivery"] = {"releases": [], "experiment": None}
    today = demo_today()

    def plan_spring() -> None:
        made["spring"] = services.create_release(
            access,
            name="Spring service update",
            planned_date=today + dt.timedelta(days=20),
            description="Small improvements to the permit pages, decided by the licensing board.",
        )
        ctx.extra["delivery"]["releases"].insert(0, made["spring"])

    def plan_summer() -> None:
        made["summer"] = services.create_release(
            access,
            name="Summer permits release",
            planned_date=today + dt.timedelta(days=60),
            description="The first permits decided on the day for small works.",
        )
        ctx.extra["delivery"]["releases"].append(made["summer"])

    def plan_experiment() -> None:
        # The first epic of the ministry's portfolio, proposed on the demo's first day.
        epic = Epic.objects.filter(organization=access.organization).order_by("id").first()
        made["experiment"] = services.create_feature(
            access,
            title="A/B test: plain-language permit status",
            kind="experiment",
            description=(
                "Half of the applicants see the status of their permit in plain words with the "
                "next step spelled out; we compare how often each half calls to ask."
            ),
            owner_team=permits,
            epic=epic,
            release=made["spring"],
        )
        ctx.extra["delivery"]["experiment"] = made["experiment"]
        services.add_impact(
            access,
            made["experiment"],
            team=permits,
            role="impactor",
            what_changes="Builds both versions of the status page and splits the traffic.",
        )

    def tell_contact() -> None:
        made["contact_impact"] = services.add_impact(
            access,
            made["experiment"],
            team=contact,
            role="impactee",
            what_changes="Callers may quote wording the agents have never seen on screen.",
            what_is_needed="Screenshots of both versions and an updated call script.",
        )

    def tell_training_late() -> None:
        services.add_impact(
            access,
            made["experiment"],
            team=training,
            role="impactee",
            what_changes="The status names in the staff course change for half of the applicants.",
            what_is_needed="A short module on the new wording before the test starts.",
        )

    def plan_reminders() -> None:
        reminders = services.create_feature(
            access,
            title="Renewal reminders by text message",
            description="A text a month before a permit expires, with a link to renew.",
            owner_team=permits,
            release=made["spring"],
        )
        services.add_impact(access, reminders, team=permits, role="impactor")
        services.add_impact(
            access,
            reminders,
            team=licensing,
            role="impactee",
            what_changes="More renewals arrive in the weeks after each batch of texts.",
            what_is_needed="A rota that can absorb the peaks.",
        )

    def plan_same_day() -> None:
        same_day = services.create_feature(
            access,
            title="Same-day decisions for small works",
            kind="process_change",
            description="Licensing officers decide permits for small works on the day they arrive.",
            owner_team=licensing,
            release=made["summer"],
        )
        services.add_impact(access, same_day, team=licensing, role="impactor")
        services.add_impact(
            access,
            same_day,
            team=contact,
            role="impactee",
            what_changes="Fewer calls chasing small-works permits; new questions about the rules.",
            what_is_needed="A one-page summary of what counts as small works.",
        )
        made["training_same_day"] = services.add_impact(
            access,
            same_day,
            team=training,
            role="impactee",
            what_changes="Officers need to learn the same-day checklist.",
            what_is_needed="A half-day workshop for licensing officers.",
            lead_time_days=21,
        )

    ctx.on(-40, "delivery: spring release planned", plan_spring)
    ctx.on(-38, "delivery: the A/B test", plan_experiment)
    ctx.on(-37, "delivery: contact centre told", tell_contact)
    ctx.on(
        -33,
        "delivery: contact centre acknowledges",
        lambda: services.acknowledge(access, made["contact_impact"]),
    )
    ctx.on(-30, "delivery: renewal reminders", plan_reminders)
    ctx.on(-25, "delivery: summer release planned", plan_summer)
    ctx.on(-24, "delivery: same-day decisions", plan_same_day, at=dt.time(11, 0))
    ctx.on(
        -10,
        "delivery: training acknowledges same-day decisions",
        lambda: services.acknowledge(access, made["training_same_day"]),
    )
    # Training hears of the A/B test with 22 days left; it asks for 30: a late notice.
    ctx.on(-2, "delivery: training told late", tell_training_late)


STEPS: list[tuple[str, Step]] = [("releases, features and impacts", create_delivery_plan)]
