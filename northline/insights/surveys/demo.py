"""The ministry's purpose pulse in the demo (DESIGN §2.8, component 5).

A closed organization-wide survey with 15 answers given over the past two weeks: most through
per-person links (three links were never used, one was revoked, one expired before it was
used), two by the ministry's signed-in people. The answers are mixed on purpose: several name
an objective in their own team's chain and say what the mission says in their own words, some
name another team's objective, some say "I don't know", a few are vague. An open survey of the
Permits Online team has two answers so far; the demo logins have not answered it yet, so they
can try the form.

Everything goes through the services, like every other demo step, each on its day of the
demo's history.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from northline.insights.surveys import services
from northline.orgs.demo import MINISTRY_SLUG, DemoContext, demo_now, demo_today

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
    """The pulse drafted three weeks ago and its links sent a week later; each answer on the
    day it was given; closed after the last. The team survey opened three days ago. Each runs
    under the demo's clock, so no service is told a date: they read it as a user's would."""
    access = ctx.access(MINISTRY_SLUG, OWNER)
    teams = ctx.teams[MINISTRY_SLUG]
    objectives = ctx.extra["goals"]["objectives"]
    now = demo_now()
    made: dict[str, Any] = {}
    ctx.extra["insights_surveys"] = made

    def ago(days: int, hours: int = 0) -> dt.datetime:
        return now - dt.timedelta(days=days, hours=hours)

    def draft_pulse() -> None:
        made["pulse"] = services.create_survey(access, title="What is our work for? Ministry pulse")
        # Expires before the others are sent: never used.
        services.create_link(access, made["pulse"], label="Seasonal assessor", expires_in_days=5)

    def send_links() -> None:
        for index in range(1, len(LINK_ANSWERS) + 1):
            _, secret = services.create_link(
                access, made["pulse"], label=f"Staff member {index}", expires_in_days=21
            )
            made[f"secret {index}"] = secret
        for label in ("Harbour office front desk", "Night shift, contact centre", "Field officer"):
            services.create_link(access, made["pulse"], label=label, expires_in_days=21)
        made["revoked"], _ = services.create_link(
            access, made["pulse"], label="Sent to the wrong address", expires_in_days=21
        )

    def close_pulse() -> None:
        pulse = made["pulse"]
        pulse.refresh_from_db()
        made["pulse"] = services.close_survey(access, pulse, version=pulse.version)

    def open_team_survey() -> None:
        made["permits"] = services.create_survey(
            access,
            title="Permits Online: what is our work for?",
            team=teams["permits"],
            closes_on=demo_today() + dt.timedelta(days=10),
        )

    def send_team_links() -> None:
        for index, _ in enumerate(TEAM_ANSWERS, start=1):
            _, made[f"team secret {index}"] = services.create_link(
                access, made["permits"], label=f"Permits team member {index}"
            )
        services.create_link(access, made["permits"], label="Permits team member 3")

    ctx.at(ago(20), "pulse drafted", draft_pulse)
    ctx.at(ago(14), "pulse links sent", send_links)
    ctx.at(
        ago(13, hours=-2),
        "a link revoked",
        lambda: services.revoke_link(access, made["revoked"]),
    )
    for index, (team, objective, purpose, days) in enumerate(LINK_ANSWERS, start=1):
        # On the day itself, in working hours: "now" minus hours would cross into the day
        # before when the demo loads just after midnight.
        ctx.on(
            -days,
            f"pulse answer {index}",
            partial(
                answer_by_link,
                made,
                f"secret {index}",
                purpose=purpose,
                objective=objectives[objective] if objective else None,
                team=teams[team] if team else None,
            ),
            at=dt.time(9 + index % 5, 0),
        )
    for username, team, objective, purpose, days in SIGNED_IN_ANSWERS:
        ctx.on(
            -days,
            f"pulse answer of {username}",
            partial(
                answer_signed_in,
                ctx,
                made,
                username,
                purpose=purpose,
                objective=objectives[objective] if objective else None,
                team=teams[team] if team else None,
            ),
            at=dt.time(16, 0),
        )
    ctx.on(-2, "pulse closed", close_pulse, at=dt.time(9, 0))
    ctx.at(ago(3), "team survey opened", open_team_survey)
    ctx.at(ago(2), "team survey links sent", send_team_links)
    for index, (objective, purpose, days) in enumerate(TEAM_ANSWERS, start=1):
        moment = ago(days, hours=1)
        ctx.at(
            moment,
            f"team answer {index}",
            partial(
                answer_by_link,
                made,
                f"team secret {index}",
                purpose=purpose,
                objective=objectives[objective],
            ),
        )


def answer_by_link(made: dict[str, Any], secret_key: str, **answer: Any) -> None:
    services.answer_by_link(MINISTRY_SLUG, made[secret_key], **answer)


def answer_signed_in(ctx: DemoContext, made: dict[str, Any], username: str, **answer: Any) -> None:
    services.answer_survey(
        ctx.access(MINISTRY_SLUG, username),
        made["pulse"],
        **answer,
    )
