"""The ministry's purpose pulse in the demo (DESIGN §2.8, component 5).

A closed organization-wide survey with 15 answers given over the past two weeks: most through
per-person links (three links were never used, one was revoked, one expired before it was
used), two by the ministry's signed-in people. The answers are mixed on purpose: several name
an objective in their own team's chain and say what the mission says in their own words, some
name another team's objective, some say "I don't know", a few are vague. An open survey of the
Permits Online team has two answers so far; the demo logins have not answered it yet, so they
can try the form.

Everything goes through the services, like every other demo step.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from northline.insights.surveys import services
from northline.orgs.demo import MINISTRY_SLUG, DemoContext

OWNER = "amara"

# (team key or None, objective key or None, purpose, days ago); each through its own link.
LINK_ANSWERS: list[tuple[str | None, str | None, str, int]] = [
    (
        "permits",
        "moorings",
        "I help people apply for dock and mooring permits online, so nobody has to post us a "
        "paper form.",
        13,
    ),
    (
        "permits",
        "online",
        "Making applying online the easiest way to get a coastal permit, without a trip to "
        "the counter.",
        12,
    ),
    (
        "licensing",
        "backlog",
        "Deciding permit applications fairly and clearing the backlog, so applicants get an "
        "answer quickly.",
        12,
    ),
    (
        "licensing",
        "decisions",
        "We decide permit applications quickly and fairly, and make decisions that stand up "
        "when they are challenged.",
        11,
    ),
    (
        "contact",
        "first_contact",
        "Answering permit questions on the first contact, so people know where their "
        "application stands.",
        10,
    ),
    (
        "contact",
        "trust",
        "Helping the public trust how permits are handled, by explaining why each decision "
        "was made.",
        9,
    ),
    # Another team's objective: outside their own chain.
    ("contact", "moorings", "Getting mooring permits online so fewer people need to call us.", 9),
    ("permits", "backlog", "Clearing the backlog of applications waiting for a decision.", 8),
    # "I don't know".
    ("licensing", None, "Processing whatever lands in the queue each morning.", 7),
    ("contact", None, "Picking up the phone.", 6),
    # Vague purposes.
    ("permits", "moorings", "I do what my manager asks me to do.", 5),
    ("executive", None, "Keeping things ticking over.", 4),
    ("licensing", "decisions", "Paperwork, mostly.", 3),
]

# (username, team key or None, objective key or None, purpose, days ago): signed in.
SIGNED_IN_ANSWERS: list[tuple[str, str | None, str | None, str, int]] = [
    (
        OWNER,
        "executive",
        "skills",
        "Growing the skills to run our digital services in-house, with less reliance on "
        "contractors.",
        11,
    ),
    (
        "demo",
        None,
        "moorings",
        "Helping the ministry's teams work in small steps and learn from applicants.",
        6,
    ),
]

TEAM_ANSWERS: list[tuple[str, str, int]] = [
    (
        "moorings",
        "Taking dock and mooring permits online, two permit types at a time, every two weeks.",
        1,
    ),
    (
        "online",
        "Making applying online the easy way to get a coastal permit, with no paper form.",
        0,
    ),
]


def step(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    teams = ctx.teams[MINISTRY_SLUG]
    objectives = ctx.extra["goals"]["objectives"]
    now = timezone.now()

    def ago(days: int, hours: int = 0) -> dt.datetime:
        return now - dt.timedelta(days=days, hours=hours)

    pulse = services.create_survey(access, title="What is our work for? Ministry pulse")
    sent = ago(14)
    for index, (team, objective, purpose, days) in enumerate(LINK_ANSWERS, start=1):
        _, secret = services.create_link(
            access, pulse, label=f"Staff member {index}", expires_in_days=21, now=sent
        )
        services.answer_by_link(
            MINISTRY_SLUG,
            secret,
            purpose=purpose,
            objective=objectives[objective] if objective else None,
            team=teams[team] if team else None,
            now=ago(days, hours=index % 5),
        )
    for username, team, objective, purpose, days in SIGNED_IN_ANSWERS:
        services.answer_survey(
            ctx.access(MINISTRY_SLUG, username),
            pulse,
            purpose=purpose,
            objective=objectives[objective] if objective else None,
            team=teams[team] if team else None,
            answered_on=timezone.localdate(ago(days)),
        )
    for label in ("Harbour office front desk", "Night shift, contact centre", "Field officer"):
        services.create_link(access, pulse, label=label, expires_in_days=21, now=sent)
    revoked, _ = services.create_link(
        access, pulse, label="Sent to the wrong address", expires_in_days=21, now=sent
    )
    services.revoke_link(access, revoked)
    services.create_link(access, pulse, label="Seasonal assessor", expires_in_days=5, now=ago(20))
    pulse = services.close_survey(access, pulse, version=pulse.version)

    permits = services.create_survey(
        access,
        title="Permits Online: what is our work for?",
        team=teams["permits"],
        closes_on=timezone.localdate() + dt.timedelta(days=10),
    )
    for index, (objective, purpose, days) in enumerate(TEAM_ANSWERS, start=1):
        _, secret = services.create_link(
            access, permits, label=f"Permits team member {index}", now=ago(2)
        )
        services.answer_by_link(
            MINISTRY_SLUG,
            secret,
            purpose=purpose,
            objective=objectives[objective],
            now=ago(days, hours=1),
        )
    services.create_link(access, permits, label="Permits team member 3", now=ago(2))
    ctx.extra["insights_surveys"] = {"pulse": pulse, "permits": permits}
