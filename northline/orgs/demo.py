"""The demo: a public-sector innovation lab and the ministry it partners with (DESIGN §4).

Everything is written through the services, so the demo's history is the same audit trail a
real organization gets. :func:`load_demo` runs the steps of every Northline app in the order of
``INSTALLED_APPS`` (so an app's steps can use the records of the apps below it): this module's
``STEPS`` first, then each later app's ``northline.<app>.demo.STEPS``, a list of
``(label, step)`` pairs where ``step(ctx)`` adds that app's records to the :class:`DemoContext`.

The demo has a past: the organization's last :data:`HISTORY_DAYS` days are played through the
services under a simulated clock (time-machine moves ``datetime`` and ``time`` themselves, so
``timezone.now()``, ``auto_now_add`` and the audit trail follow it). The steps run on the
first day of the history, at :data:`SETUP_TIME`, and do their set-up there; what happens on a
later day they register with :meth:`DemoContext.on`. :func:`load_demo` then plays those
actions in order of (day, time, registration), and at the end of each day runs the evening
tasks the steps gave it (insights takes the alignment-index snapshots there, with the function
the daily task calls). No event, snapshot or timestamp is written directly, so every report
reads a history made by the rules themselves.
"""

from __future__ import annotations

import datetime as dt
import heapq
import importlib
import importlib.util
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import time_machine
from django.apps import apps
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from northline.orgs import services
from northline.orgs.access import Access, access_organization
from northline.orgs.models import Organization, Person, Team, TeamMember, TeamRole

LAB_SLUG = "harbour-lab"
MINISTRY_SLUG = "ministry-of-coast"
DEMO_USERNAME = "demo"
# Printed by `northline demo`; the demo database lives on the user's own machine.
DEMO_PASSWORD = "northline-demo"

# Today and the 89 days before it; the steps run on the first of them.
HISTORY_DAYS = 90
FIRST_DAY = -(HISTORY_DAYS - 1)
SETUP_TIME = dt.time(8, 0)
HISTORY_LABEL = f"the last {HISTORY_DAYS} days, day by day"
EVENING = dt.time(23, 30)  # after the day's actions, when the nightly tasks run

# The moment the load began: what the steps mean by "now" and "today" while the clock is back
# in the past (``demo_now()`` outside a load is the real clock).
_started: ContextVar[dt.datetime | None] = ContextVar("demo_started", default=None)


def demo_now() -> dt.datetime:
    """The demo's "now": when the load began, whatever the simulated clock says."""
    started = _started.get()
    return started if started is not None else timezone.now()


def demo_today() -> dt.date:
    return timezone.localdate(demo_now())


def day_of(offset: int) -> dt.date:
    """The demo's day ``offset`` (0: today, -89: the first day of the history)."""
    return demo_today() + dt.timedelta(days=offset)


def moment_at(offset: int, at: dt.time) -> dt.datetime:
    """``at`` on day ``offset``, never later than the demo's now (today's actions that are
    due later in the day happen now instead, in the same order)."""
    moment = timezone.make_aware(dt.datetime.combine(day_of(offset), at))
    return min(moment, demo_now())


@dataclass(frozen=True)
class Action:
    """Something a step has the demo do on a later day, through the services."""

    day: int  # 0: today, -89: the first day of the history
    at: dt.time
    order: int  # registration order: the steps register in INSTALLED_APPS order
    label: str
    run: Callable[[], object]

    @property
    def key(self) -> tuple[int, dt.time, int]:
        return (self.day, self.at, self.order)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    description: str


@dataclass(frozen=True)
class DemoInfo:
    """What `northline demo` tells the user once the demo is ready."""

    organization_slug: str
    partner_slug: str
    logins: list[DemoLogin]
    created: bool

    @property
    def username(self) -> str:
        return self.logins[0].username

    @property
    def password(self) -> str:
        return self.logins[0].password


@dataclass
class DemoContext:
    """The records the steps have made so far, for the steps after them to build on."""

    users: dict[str, User] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    # People and teams by organization slug, then by a short key the steps share.
    people: dict[str, dict[str, Person]] = field(default_factory=dict)
    teams: dict[str, dict[str, Team]] = field(default_factory=dict)
    team_members: dict[str, dict[tuple[str, str], TeamMember]] = field(default_factory=dict)
    # Later apps keep their own records here, under their app label.
    extra: dict[str, Any] = field(default_factory=dict)
    # What happens after the set-up, as a heap on the actions' keys: load_demo plays it in
    # date order, and an action may register later ones while it plays.
    timeline: list[tuple[tuple[int, dt.time, int], Action]] = field(default_factory=list)
    counter: Iterator[int] = field(default_factory=itertools.count)
    playing: tuple[int, dt.time, int] | None = None  # the key of the action being played
    # What runs at the end of every day of the history, given the day (index snapshots).
    evenings: list[Callable[[dt.date], object]] = field(default_factory=list)

    def on(
        self, day: int, label: str, run: Callable[[], object], *, at: dt.time = dt.time(10, 0)
    ) -> None:
        """Have ``run()`` happen at ``at`` on day ``day`` (0: today, negative: days ago).

        ``run`` reads the records it needs when it runs (from this context or the database),
        not when it is registered: an action can build on one registered after it that
        happens before it. A day before the history's first is played on the first day; an
        action may register later ones (a reading on the day after its indicator is added).
        """
        day = max(day, FIRST_DAY)
        if day > 0:
            raise ValueError(f"The demo has no future: day {day} of {label!r}.")
        action = Action(day, at, next(self.counter), label, run)
        if self.playing is not None and action.key < self.playing:
            raise ValueError(f"{label!r} is due before the action that registers it.")
        heapq.heappush(self.timeline, (action.key, action))

    def at(self, moment: dt.datetime, label: str, run: Callable[[], object]) -> None:
        """Have ``run()`` happen at ``moment`` (one before the history: on its first day)."""
        local = timezone.localtime(moment)
        self.on((local.date() - demo_today()).days, label, run, at=local.time())

    @property
    def lab(self) -> Organization:
        return self.organizations[LAB_SLUG]

    @property
    def ministry(self) -> Organization:
        return self.organizations[MINISTRY_SLUG]

    def access(self, slug: str, username: str = DEMO_USERNAME) -> Access:
        return access_organization(self.users[username], slug)


Step = Callable[[DemoContext], None]
Progress = Callable[[int, int, str], None]


# The cast ----------------------------------------------------------------------------------

# username → (first name, last name, e-mail, what the CLI says about the login)
USERS = {
    DEMO_USERNAME: ("Robin", "Hale", "robin.hale@harbour-lab.example", "owner of the lab"),
    "nadia": ("Nadia", "Ferreira", "nadia.ferreira@harbour-lab.example", "editor in the lab"),
    "tomas": ("Tomás", "Lind", "tomas.lind@harbour-lab.example", "viewer in the lab"),
    "amara": ("Amara", "Osei", "amara.osei@coast.example", "owner of the ministry"),
}

# Job titles of the people who have a login, per organization.
MEMBER_TITLES = {
    LAB_SLUG: {
        DEMO_USERNAME: "Director, Lab Operations",
        "nadia": "Delivery Lead",
        "tomas": "Policy Analyst",
    },
    MINISTRY_SLUG: {
        "amara": "Assistant Deputy Minister, Coastal Services",
        DEMO_USERNAME: "Lab Partnership Lead (Harbour Digital Lab)",
    },
}

# Everyone else: key → (name, title, e-mail).
PEOPLE = {
    LAB_SLUG: {
        "priya": ("Priya Raman", "Agile Coach", "priya.raman@harbour-lab.example"),
        "kwame": ("Kwame Boateng", "DevOps Lead", "kwame.boateng@harbour-lab.example"),
        "elena": ("Elena Sokolova", "Service Designer", "elena.sokolova@harbour-lab.example"),
        "marcus": ("Marcus Webb", "User Researcher", "marcus.webb@harbour-lab.example"),
    },
    MINISTRY_SLUG: {
        "jonah": ("Jonah Pike", "Product Owner, Permits", "jonah.pike@coast.example"),
        "lucia": ("Lucía Ortega", "Business Analyst", "lucia.ortega@coast.example"),
        "ben": ("Ben Aldridge", "DevOps Engineer (contract)", "ben.aldridge@contractor.example"),
        "mei": ("Mei Tanaka", "Developer", "mei.tanaka@coast.example"),
        "samira": ("Samira Haddad", "Licensing Officer", "samira.haddad@coast.example"),
        "owen": ("Owen Price", "Contact Centre Manager", "owen.price@coast.example"),
        "grace": ("Grace Whitfield", "Director, Licensing Policy", ""),
    },
}

# key → (name, kind, description)
TEAMS = {
    LAB_SLUG: {
        "leadership": (
            "Lab Leadership",
            "leadership",
            "Sets the lab's direction and decides which partner teams come into residence.",
        ),
        "operations": (
            "Lab Operations",
            "operations",
            "Runs the residency programme: intake, agreements, training and reporting.",
        ),
        "studio": (
            "Design Studio",
            "lab",
            "Service designers and researchers who work alongside resident teams.",
        ),
        "platform": (
            "Platform Support",
            "support",
            "Keeps the shared hosting platform and delivery pipelines running for residents.",
        ),
    },
    MINISTRY_SLUG: {
        # Renamed to "Permits Online" by the edits step, so the history shows an update.
        "permits": (
            "Permit Modernization",
            "product",
            "The resident team rebuilding how coastal permits are applied for and issued.",
        ),
        "licensing": (
            "Licensing Branch",
            "business",
            "The business area that owns permit policy and decisions.",
        ),
        "executive": (
            "Executive Committee",
            "leadership",
            "Senior leaders who sponsor the ministry's digital work.",
        ),
        "contact": (
            "Contact Centre",
            "support",
            "Answers the public's calls and e-mails about permits.",
        ),
    },
}

PRODUCT_OWNER = TeamRole.PRODUCT_OWNER
DEVOPS = TeamRole.DEVOPS_SPECIALIST
SPONSOR = TeamRole.EXECUTIVE_SPONSOR
SCRUM_MASTER = TeamRole.SCRUM_MASTER
MEMBER = TeamRole.MEMBER
STAKEHOLDER = TeamRole.STAKEHOLDER

# (team, person, roles, is_employee, co_located); "@user" names a person by their login.
TEAM_MEMBERS = {
    LAB_SLUG: [
        ("leadership", "@demo", [SPONSOR], True, True),
        ("leadership", "@nadia", [MEMBER], True, True),
        ("leadership", "@tomas", [STAKEHOLDER], True, False),
        ("operations", "@demo", [PRODUCT_OWNER], True, True),
        ("operations", "@nadia", [SCRUM_MASTER], True, True),
        ("operations", "priya", [MEMBER], False, True),
        ("studio", "elena", [MEMBER], True, True),
        ("studio", "marcus", [MEMBER], True, False),
        ("studio", "priya", [SCRUM_MASTER], False, True),
        ("platform", "kwame", [DEVOPS, MEMBER], True, True),
        ("platform", "@tomas", [STAKEHOLDER], True, True),
    ],
    MINISTRY_SLUG: [
        ("permits", "jonah", [PRODUCT_OWNER], True, True),
        # Starts as a member; the edits step makes her the scrum master.
        ("permits", "lucia", [MEMBER], True, True),
        ("permits", "ben", [DEVOPS], False, True),
        ("permits", "mei", [MEMBER], True, True),
        ("permits", "samira", [MEMBER], True, False),
        ("permits", "@amara", [SPONSOR], True, False),
        ("permits", "owen", [STAKEHOLDER], True, False),
        ("permits", "@demo", [STAKEHOLDER], False, False),
        ("licensing", "grace", [SPONSOR], True, True),
        ("licensing", "samira", [MEMBER], True, True),
        ("licensing", "jonah", [MEMBER], True, True),
        ("executive", "@amara", [SPONSOR, MEMBER], True, True),
        ("executive", "grace", [MEMBER], True, True),
        ("contact", "owen", [PRODUCT_OWNER], True, True),
        ("contact", "samira", [STAKEHOLDER], True, False),
    ],
}


# Steps -------------------------------------------------------------------------------------


def create_users(ctx: DemoContext) -> None:
    for username, (first, last, email, _) in USERS.items():
        ctx.users[username] = services.create_user(
            username=username,
            password=DEMO_PASSWORD,
            email=email,
            first_name=first,
            last_name=last,
        )


def create_organizations(ctx: DemoContext) -> None:
    ctx.organizations[LAB_SLUG] = services.create_organization(
        ctx.users[DEMO_USERNAME],
        slug=LAB_SLUG,
        name="Harbour Digital Lab",
        description=(
            "A public-sector innovation lab. Partner teams from across government spend a "
            "residency here learning to build and run their services in small, frequent steps."
        ),
    )
    # The ministry is created by its own owner; the demo user is invited in as an admin.
    ctx.organizations[MINISTRY_SLUG] = services.create_organization(
        ctx.users["amara"],
        slug=MINISTRY_SLUG,
        name="Ministry of Coastal Affairs",
        description=(
            "Issues permits for work along the coast. Its permits team is in residence at "
            "Harbour Digital Lab."
        ),
    )


def add_members(ctx: DemoContext) -> None:
    lab = ctx.access(LAB_SLUG)
    services.add_member(lab, user=ctx.users["nadia"], role="editor")
    services.add_member(lab, user=ctx.users["tomas"], role="viewer")
    ministry = ctx.access(MINISTRY_SLUG, "amara")
    services.add_member(ministry, user=ctx.users[DEMO_USERNAME], role="admin")


def create_people(ctx: DemoContext) -> None:
    for slug, titles in MEMBER_TITLES.items():
        access = ctx.access(slug)
        people = ctx.people.setdefault(slug, {})
        for username, title in titles.items():
            person = Person.objects.get(organization=access.organization, user=ctx.users[username])
            people[f"@{username}"] = services.update_person(
                access, person, version=person.version, title=title
            )
        for key, (name, title, email) in PEOPLE[slug].items():
            people[key] = services.create_person(access, name=name, title=title, email=email)


def create_teams(ctx: DemoContext) -> None:
    for slug, teams in TEAMS.items():
        access = ctx.access(slug)
        made = ctx.teams.setdefault(slug, {})
        for key, (name, kind, description) in teams.items():
            made[key] = services.create_team(access, name=name, kind=kind, description=description)


def add_team_members(ctx: DemoContext) -> None:
    for slug, rows in TEAM_MEMBERS.items():
        access = ctx.access(slug)
        made = ctx.team_members.setdefault(slug, {})
        for team_key, person_key, roles, is_employee, co_located in rows:
            made[(team_key, person_key)] = services.add_team_member(
                access,
                ctx.teams[slug][team_key],
                person=ctx.people[slug][person_key],
                roles=[str(role) for role in roles],
                is_employee=is_employee,
                co_located=co_located,
            )


def make_edits(ctx: DemoContext) -> None:
    """A few ordinary changes a month into the history, so it shows updates with their before
    and after."""
    ctx.on(-60, "edits", lambda: edit(ctx), at=dt.time(14, 0))


def edit(ctx: DemoContext) -> None:
    ministry = ctx.access(MINISTRY_SLUG)
    permits = ctx.teams[MINISTRY_SLUG]["permits"]
    ctx.teams[MINISTRY_SLUG]["permits"] = services.update_team(
        ministry, permits, version=permits.version, name="Permits Online"
    )
    lucia = ctx.team_members[MINISTRY_SLUG][("permits", "lucia")]
    ctx.team_members[MINISTRY_SLUG][("permits", "lucia")] = services.update_team_member(
        ministry, lucia, version=lucia.version, roles=[SCRUM_MASTER, MEMBER]
    )
    lab = ctx.access(LAB_SLUG)
    marcus = ctx.people[LAB_SLUG]["marcus"]
    ctx.people[LAB_SLUG]["marcus"] = services.update_person(
        lab, marcus, version=marcus.version, title="Lead User Researcher"
    )


STEPS: list[tuple[str, Step]] = [
    ("users", create_users),
    ("organizations", create_organizations),
    ("memberships", add_members),
    ("people", create_people),
    ("teams", create_teams),
    ("team members", add_team_members),
    ("edits", make_edits),
]


# Running -----------------------------------------------------------------------------------


def demo_steps() -> list[tuple[str, Step]]:
    """The steps of every Northline app that has a ``demo`` module, in INSTALLED_APPS order,
    then the history they registered (:func:`play`)."""
    steps: list[tuple[str, Step]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("northline."):
            continue
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        steps.extend(importlib.import_module(name).STEPS)
    return [*steps, (HISTORY_LABEL, play)]


def is_loaded() -> bool:
    return Organization.objects.filter(slug=LAB_SLUG).exists()


def demo_info(created: bool) -> DemoInfo:
    logins = [
        DemoLogin(username, DEMO_PASSWORD, description)
        for username, (*_, description) in USERS.items()
    ]
    return DemoInfo(
        organization_slug=LAB_SLUG, partner_slug=MINISTRY_SLUG, logins=logins, created=created
    )


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """The clock stands still at ``moment`` (tick=False: every write of one action carries
    the same time, and a slow machine cannot push one past the next action's)."""
    with time_machine.travel(moment, tick=False):
        yield


def play(ctx: DemoContext) -> None:
    """The timeline, day by day, each day closed by its evening tasks (the insights step's
    snapshots, taken as the nightly task takes them: a day's snapshot sees only what had
    happened by then)."""
    for offset in range(FIRST_DAY, 1):
        while ctx.timeline and ctx.timeline[0][0][0] == offset:
            key, action = heapq.heappop(ctx.timeline)
            ctx.playing = key
            with clock_at(moment_at(offset, action.at)):
                action.run()
        day = day_of(offset)
        with clock_at(moment_at(offset, EVENING)):
            for task in ctx.evenings:
                task(day)


def load_demo(progress: Progress | None = None) -> DemoInfo:
    """Load the demo unless it is there already; ``progress(index, total, label)`` per step
    (the history, played after every app's set-up, is the last step).

    One transaction: an interrupted load leaves nothing behind, so the next run starts over
    instead of finding half a demo and taking it for a whole one.
    """
    if is_loaded():
        return demo_info(created=False)
    with transaction.atomic():
        run_steps(DemoContext(), demo_steps(), progress)
    return demo_info(created=True)


def run_steps(
    ctx: DemoContext, steps: list[tuple[str, Step]], progress: Progress | None = None
) -> DemoContext:
    """Run ``steps`` on the history's first day, then play the history they registered.

    :func:`play` is the last of :func:`demo_steps`; a list without it (a test of one app's
    steps) has the history played after its steps all the same.
    """
    if all(step is not play for _, step in steps):
        steps = [*steps, (HISTORY_LABEL, play)]
    token = _started.set(timezone.now())
    try:
        for index, (label, step) in enumerate(steps, start=1):
            if progress is not None:
                progress(index, len(steps), label)
            if step is play:
                play(ctx)
            else:
                with clock_at(moment_at(FIRST_DAY, SETUP_TIME)):
                    step(ctx)
    finally:
        _started.reset(token)
    return ctx
