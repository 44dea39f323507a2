"""The ministry's portfolio in the demo: a board of epics in every column, with stories,
sprints, readings, and the feedback loop's two recommendations.

The numbers are chosen so the loop has exactly two things to say:

* "Permit fee reminders by e-mail" (doing) has a remaining WSJF of about 1.04
  (10 × 0.5 / max(8 × 0.6, 1)), below the 2.63 of the best candidate in To do,
  "Book a site inspection online" ((8 + 8 + 5) / 8): a close recommendation;
* "Upload site plans from a phone" (doing) has a lagging indicator whose last three readings
  hold one value: a pivot recommendation.

Every other epic in doing keeps a remaining WSJF above 2.63 and indicators that move. Readings
are dated relative to today, so the demo looks the same whenever it is loaded. The lab
organization gets no portfolio: it is left for the lab's own issue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from northline.measures import services as measures
from northline.orgs.demo import MINISTRY_SLUG, DemoContext, Step, demo_now
from northline.portfolio import services
from northline.portfolio.models import Epic, Story

OWNER = "amara"
DOING_LIMIT = 6
# Indicator windows: begun 60 days ago, 300 days to go, so about a sixth is expected by now.
WINDOW_BEFORE, WINDOW_AFTER = 60, 300
# Reading dates for a moving measure (days ago), and for one that stopped moving.
MOVING_DAYS = (45, 25, 5)
STALLED_DAYS = (50, 30, 15, 5)


@dataclass(frozen=True)
class Measure:
    """A lagging indicator and where its readings have got to (share of the way to target)."""

    name: str
    unit: str
    baseline: float
    target: float
    reached: float = 0.0  # 0: no readings yet
    stalled: bool = False


@dataclass(frozen=True)
class Plan:
    title: str
    state: str
    stream: str | None
    theme: str | None
    team: str
    owner: str
    what: str
    why: str
    wsjf: tuple[int, int, int, int] | None
    measure: Measure | None
    # (title, points, state, team or None for the epic's team)
    stories: list[tuple[str, int, str]] = field(default_factory=list)
    key_result: str | None = None
    close: tuple[str, str] | None = None
    hypothesis: str = ""


def s(title: str, points: int, state: str = "todo") -> tuple[str, int, str]:
    return (title, points, state)


PLANS: list[Plan] = [
    # Funnel: ideas, some with half a business case.
    Plan(
        "Chat with a licensing officer",
        "funnel",
        "enquiry",
        "trusted_service",
        "contact",
        "owen",
        "A chat window on the permit pages, answered by licensing staff.",
        "",
        None,
        None,
    ),
    Plan(
        "Map of permitted works along the coast",
        "funnel",
        "permit",
        "trusted_service",
        "permits",
        "jonah",
        "A public map showing every approved structure and its permit.",
        "Neighbours can check a jetty is allowed without filing a request.",
        (5, 2, 3, 13),
        None,
    ),
    Plan(
        "Bulk applications for marinas",
        "funnel",
        "permit",
        "digital_permits",
        "permits",
        "jonah",
        "Marina operators apply for many berths in one go.",
        "Marinas send a third of all mooring applications, one form at a time.",
        (8, 3, 2, 13),
        Measure("Berths applied for in bulk", "berths", 0, 400),
    ),
    Plan(
        "Translate guidance into three more languages",
        "funnel",
        "enquiry",
        "trusted_service",
        "contact",
        "owen",
        "",
        "Coastal communities include many people who read English as a second language.",
        None,
        None,
    ),
    Plan(
        "Automatic checks against the coastal zoning plan",
        "funnel",
        "permit",
        "faster_decisions",
        "licensing",
        "grace",
        "The service flags applications that clash with zoning before an officer opens them.",
        "Officers spend their first hour on many cases looking up the zoning plan.",
        (13, 5, 8, 20),
        None,
    ),
    Plan(
        "Digital skills clinic for licensing staff",
        "funnel",
        None,
        "skilled_workforce",
        "executive",
        "@amara",
        "Weekly drop-in sessions with the lab's coaches.",
        "Staff asked for help with the new tools at their own pace.",
        (3, 2, 5, 3),
        None,
    ),
    Plan(
        "Retire the paper archive index",
        "funnel",
        None,
        None,
        "licensing",
        "samira",
        "Scan the card index of permits issued before 1990.",
        "",
        (2, 1, 3, 8),
        None,
    ),
    Plan(
        "Text message alerts for storm closures",
        "funnel",
        "enquiry",
        "trusted_service",
        "contact",
        "owen",
        "Permit holders hear by text when works must stop for a storm warning.",
        "Contractors keep working through warnings because nobody told them.",
        None,
        None,
    ),
    # To do: complete business cases, waiting for room in Doing.
    Plan(
        "Book a site inspection online",
        "todo",
        "permit",
        "digital_permits",
        "permits",
        "jonah",
        "Applicants pick an inspection slot in their permit account.",
        "Arranging a visit takes four phone calls on average.",
        (8, 8, 5, 8),
        Measure("Inspections booked online", "%", 0, 70),
        [s("Show free inspection slots", 5), s("Confirm a booking by e-mail", 3)],
        hypothesis="If booking is self-service, inspections happen a week sooner.",
    ),
    Plan(
        "Permit renewals in one click",
        "todo",
        "permit",
        "digital_permits",
        "permits",
        "mei",
        "Holders renew an unchanged permit without filling the form again.",
        "Most renewals change nothing but still wait in the same queue.",
        (8, 5, 3, 8),
        Measure("Renewals completed without an officer", "%", 0, 60),
        [s("Find permits due for renewal", 3), s("Renew with stored details", 5)],
        key_result="Permit types that can be applied for online",
    ),
    Plan(
        "Decision letters in plain language",
        "todo",
        "permit",
        "trusted_service",
        "licensing",
        "grace",
        "Rewrite the twelve standard decision letters.",
        "Applicants call to ask what their decision letter means.",
        (5, 3, 5, 8),
        Measure("Calls about decision letters", "calls/week", 120, 40),
        [s("Rewrite approval letters", 5)],
    ),
    Plan(
        "Case queue visible to every officer",
        "todo",
        "permit",
        "faster_decisions",
        "licensing",
        "samira",
        "One shared queue of open cases with their age.",
        "Cases wait unseen in personal inboxes.",
        (3, 2, 1, 5),
        Measure("Cases older than 60 days", "cases", 120, 20),
        [s("List open cases by age", 3)],
        key_result="Applications waiting longer than 60 days",
    ),
    Plan(
        "Agent view of application status",
        "todo",
        "enquiry",
        "trusted_service",
        "contact",
        "owen",
        "Contact centre agents see the same status page as the applicant.",
        "Agents put callers on hold to e-mail the licensing branch.",
        (2, 3, 3, 8),
        Measure("Calls resolved without a transfer", "%", 55, 85),
        [s("Read-only status page for agents", 5)],
        key_result="Questions resolved on the first contact",
    ),
    Plan(
        "Pay fees by bank transfer reference",
        "todo",
        "permit",
        "digital_permits",
        "permits",
        "ben",
        "Each application gets a payment reference the bank transfer can quote.",
        "Unmatched transfers hold up a tenth of all applications.",
        (5, 5, 3, 13),
        Measure("Payments matched automatically", "%", 40, 95),
        [s("Generate payment references", 3)],
    ),
    Plan(
        "Coaching for product owners",
        "todo",
        None,
        "skilled_workforce",
        "executive",
        "@amara",
        "Pair each new product owner with a lab coach for a quarter.",
        "The ministry will run three more product teams next year.",
        (8, 3, 2, 13),
        Measure("Product owners coached", "people", 0, 6),
        [s("Match coaches and product owners", 2)],
    ),
    # Doing: work under way.
    Plan(
        "Mooring permits online",
        "doing",
        "permit",
        "digital_permits",
        "permits",
        "jonah",
        "Apply for, pay for and receive a mooring permit without paper.",
        "Mooring permits are the most common application and all arrive on paper.",
        (20, 13, 8, 13),
        Measure("Mooring applications made online", "%", 0, 90, reached=0.3),
        [
            s("Online application form", 8, "done"),
            s("Card payment", 5, "done"),
            s("Issue the permit as a PDF", 5, "doing"),
            s("Officer review screen", 8),
        ],
        key_result="Permit types that can be applied for online",
        hypothesis="Half of mooring applicants will choose online within a quarter.",
    ),
    Plan(
        "Dock extension applications online",
        "doing",
        "permit",
        "digital_permits",
        "permits",
        "mei",
        "Bring dock extension applications into the online service.",
        "Dock extensions need drawings that are lost in the post.",
        (13, 13, 5, 5),
        Measure("Dock extension applications made online", "%", 0, 80, reached=0.25),
        [
            s("Extension questions in the form", 5, "done"),
            s("Attach drawings", 3, "done"),
            s("Neighbour notification", 5, "doing"),
            s("Fee rules for extensions", 7),
        ],
    ),
    Plan(
        "Clear the oldest applications",
        "doing",
        "permit",
        "faster_decisions",
        "licensing",
        "samira",
        "A sprint of officers working the oldest cases first.",
        "Some applicants have waited over four months.",
        (8, 13, 3, 5),
        Measure("Applications older than 120 days", "cases", 80, 0, reached=0.2),
        [
            s("Sort cases by age", 3, "done"),
            s("Weekly age review", 3, "done"),
            s("Templates for common refusals", 5, "doing"),
            s("Second officer for complex cases", 4),
        ],
        key_result="Applications waiting longer than 60 days",
    ),
    Plan(
        "Permit fee reminders by e-mail",
        "doing",
        "permit",
        "faster_decisions",
        "permits",
        "ben",
        "Remind applicants by e-mail when a fee is still unpaid.",
        "Unpaid fees stop the clock on a tenth of applications.",
        (5, 3, 2, 8),
        Measure("Applications held up by unpaid fees", "%", 10, 2, reached=0.5),
        [
            s("Reminder e-mail template", 2, "done"),
            s("Daily unpaid-fee job", 6, "done"),
            s("Stop reminders once paid", 5, "doing"),
            s("Second reminder after a week", 7),
        ],
    ),
    Plan(
        "Upload site plans from a phone",
        "doing",
        "permit",
        "digital_permits",
        "permits",
        "lucia",
        "Applicants photograph their site plan instead of scanning it.",
        "Four in ten online applications stop at the site-plan step.",
        (13, 8, 5, 8),
        Measure("Applications abandoned at the site-plan step", "%", 40, 10, stalled=True),
        [
            s("Photo upload on mobile", 5, "done"),
            s("Straighten and crop photos", 3, "done"),
            s("Accept several pages", 5, "doing"),
            s("Guidance on taking a good photo", 10),
        ],
        key_result="Applications abandoned before submission",
        hypothesis="If a phone photo is enough, far fewer applicants give up at this step.",
    ),
    # Done.
    Plan(
        "Public status page for applications",
        "done",
        "permit",
        "trusted_service",
        "permits",
        "jonah",
        "A page where applicants follow their case through each step.",
        "Most calls to the contact centre ask where an application stands.",
        (13, 8, 3, 5),
        Measure("Status calls to the contact centre", "calls/week", 400, 150, reached=0.9),
        [s("Status page", 5, "done"), s("Status e-mails", 3, "done")],
        key_result="Questions resolved on the first contact",
    ),
    Plan(
        "Single sign-on with the government login",
        "done",
        "permit",
        "digital_permits",
        "permits",
        "ben",
        "Applicants use the government-wide login instead of a new password.",
        "Forgotten passwords were the top support request.",
        (8, 5, 8, 5),
        Measure("Password reset requests", "requests/week", 90, 10, reached=1.0),
        [s("Connect the login service", 5, "done"), s("Move existing accounts", 5, "done")],
    ),
    Plan(
        "Online fee calculator",
        "done",
        "permit",
        "digital_permits",
        "permits",
        "mei",
        "Applicants see the fee before they apply.",
        "Wrong payments were returned and paid again.",
        (5, 3, 2, 3),
        Measure("Applications with the wrong fee", "%", 15, 2, reached=0.85),
        [s("Fee rules as a table", 3, "done"), s("Calculator page", 2, "done")],
    ),
    Plan(
        "Contact centre call scripts",
        "done",
        "enquiry",
        "trusted_service",
        "contact",
        "owen",
        "Short scripts for the ten most common permit questions.",
        "Answers differed from agent to agent.",
        (3, 2, 2, 2),
        Measure("Questions resolved on the first call", "%", 60, 80, reached=0.8),
        [s("Write the ten scripts", 3, "done")],
    ),
    Plan(
        "Agile foundations course",
        "done",
        None,
        "skilled_workforce",
        "executive",
        "@amara",
        "A two-day course for everyone joining a product team.",
        "Teams were forming faster than people could learn the way of working.",
        (5, 2, 3, 3),
        Measure("Staff who finished the course", "people", 0, 40, reached=1.0),
        [s("Run the first cohort", 3, "done")],
    ),
    # Closed, with what was learned.
    Plan(
        "Fax intake for permit applications",
        "closed",
        "permit",
        None,
        "licensing",
        "samira",
        "Scan incoming faxes into the case system.",
        "A few applicants still send faxes.",
        (1, 1, 1, 3),
        None,
        close=("lower_return", "Three faxes a month do not justify the work; scan them by hand."),
    ),
    Plan(
        "Kiosk at the harbour office",
        "closed",
        "permit",
        "digital_permits",
        "permits",
        "jonah",
        "A self-service terminal in the harbour office lobby.",
        "Some applicants have no computer at home.",
        (3, 2, 2, 8),
        Measure("Applications made at the kiosk", "applications/month", 0, 50),
        [s("Kiosk pilot", 5, "done")],
        close=("outcome_not_achieved", "Visitors preferred to ask the counter staff."),
    ),
    Plan(
        "Second status page for agents",
        "closed",
        "enquiry",
        "trusted_service",
        "contact",
        "owen",
        "A separate status page for contact centre agents.",
        "Agents needed the applicant's view.",
        (2, 2, 1, 5),
        None,
        close=("duplicate", "Covered by “Agent view of application status”."),
    ),
    Plan(
        "Paper form redesign",
        "closed",
        "permit",
        "digital_permits",
        "licensing",
        "grace",
        "A shorter paper application form.",
        "The paper form is eleven pages long.",
        (3, 1, 1, 5),
        None,
        close=("other", "Put aside: the online form replaces it for most applicants."),
    ),
]


def days_ago(now: dt.datetime, days: int) -> dt.datetime:
    return now - dt.timedelta(days=days)


# The epics' past, in days relative to today (DAY 0), so the cumulative flow has bands that
# rise and fall: (created, to do, doing, done or closed). The n-th epic of a column in PLANS
# takes the n-th row of its column. Chosen so Doing never holds more than DOING_LIMIT: the
# done epics leave Doing (from day -60, every 8 days) as the epics still there arrive (from
# day -55, every 9 days).
FUNNEL_DAYS = [-80, -71, -62, -53, -44, -35, -26, -17]
TODO_DAYS = [(-86, -76), (-83, -70), (-79, -64), (-75, -50), (-68, -38), (-60, -22), (-48, -12)]
DOING_DAYS = [(-88, -82, -55), (-87, -74, -46), (-85, -66, -37), (-84, -58, -28), (-81, -50, -19)]
DONE_DAYS = [
    (-89, -87, -84, -60),
    (-89, -86, -80, -52),
    (-89, -85, -76, -44),
    (-89, -84, -72, -36),
    (-89, -83, -68, -28),
]
CLOSED_DAYS = [(-89, -70), (-89, -40), (-60, -58), (-89, -25)]
# Times of day: creations in the morning, stories at noon, column moves in the afternoon;
# an epic leaves Doing (09:00) before another enters it on the same day (15:00).
CREATED_AT, STORY_AT, DONE_AT, MOVE_AT = (
    dt.time(9, 30),
    dt.time(12, 0),
    dt.time(9, 0),
    dt.time(15, 0),
)


@dataclass(frozen=True)
class Past:
    """When an epic was created and reached each column of its path (days, 0: today)."""

    created: int
    moves: dict[str, int]  # state → day

    def story_days(self, states: list[str]) -> list[int]:
        """When each of the epic's stories left To do: spread over its time in Doing, before
        it was done; a story in an epic that never reached Doing moves on creation + 3."""
        began = self.moves.get("doing", self.created + 3)
        ended = self.moves.get("done", self.moves.get("closed", -1))
        span = max(ended - began - 1, 1)
        return [
            min(began + 1 + (span * (index + 1)) // (len(states) + 1), -1)
            for index, _ in enumerate(states)
        ]


def pasts() -> list[Past]:
    queues: dict[str, list[Any]] = {
        "funnel": list(FUNNEL_DAYS),
        "todo": list(TODO_DAYS),
        "doing": list(DOING_DAYS),
        "done": list(DONE_DAYS),
        "closed": list(CLOSED_DAYS),
    }
    made: list[Past] = []
    for plan in PLANS:
        row = queues[plan.state].pop(0)
        if plan.state == "funnel":
            made.append(Past(row, {}))
        elif plan.state == "closed":
            made.append(Past(row[0], {"closed": row[1]}))
        else:
            created, *moves = row
            made.append(Past(created, dict(zip(path_to(plan.state), moves, strict=True))))
    return made


def add_measure(ctx: DemoContext, epic: Epic, measure: Measure, now: dt.datetime) -> None:
    """The epic's lagging indicator, added with the epic; each reading on its day."""
    access = ctx.access(MINISTRY_SLUG, OWNER)
    today = now.date()
    indicator = services.add_lagging_indicator(
        access,
        epic,
        name=measure.name,
        unit=measure.unit,
        baseline=measure.baseline,
        target=measure.target,
        start_date=today - dt.timedelta(days=WINDOW_BEFORE),
        target_date=today + dt.timedelta(days=WINDOW_AFTER),
    )
    span = measure.target - measure.baseline
    if measure.stalled:
        # Moved once, then held one value three times running: not moving.
        shares = [0.05, 0.1, 0.1, 0.1]
        dates: tuple[int, ...] = STALLED_DAYS
    elif measure.reached:
        shares = [measure.reached * step / 3 for step in (1, 2, 3)]
        dates = MOVING_DAYS
    else:
        return
    for share, days in zip(shares, dates, strict=True):
        recorded_at = days_ago(now, days)
        ctx.at(
            recorded_at,
            f"reading of {measure.name}",
            paused(
                measures.record_reading,
                access,
                indicator,
                value=round(measure.baseline + share * span, 1),
                recorded_at=recorded_at,
                source="Service dashboard",
            ),
        )


def paused(run: Callable[..., object], *args: Any, **kwargs: Any) -> Callable[[], object]:
    """``run(*args, **kwargs)`` with the feedback loop held, as the whole set-up is: the
    demo recomputes it once, at the end of its history."""

    def action() -> object:
        with services.feedback_paused():
            return run(*args, **kwargs)

    return action


def create_sprints(ctx: DemoContext, now: dt.datetime) -> list[Any]:
    """The permits team's last, current and next two-week sprints."""
    access = ctx.access(MINISTRY_SLUG, OWNER)
    team = ctx.teams[MINISTRY_SLUG]["permits"]
    today = now.date()
    current_start = today - dt.timedelta(days=today.weekday() + 7 * ((today.isocalendar()[1]) % 2))
    made = []
    for number, offset, capacity in ((1, -14, 24), (2, 0, 26), (3, 14, 26)):
        starts = current_start + dt.timedelta(days=offset)
        made.append(
            services.create_sprint(
                access,
                team=team,
                name=f"Permits sprint {number}",
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=11),
                capacity=capacity,
            )
        )
    return made


def create_portfolio(ctx: DemoContext) -> None:
    # Hundreds of writes in a row: one recompute at the end of the history, not a task after
    # each of them.
    with services.feedback_paused():
        build_portfolio(ctx)
    ctx.on(
        0,
        "feedback loop",
        lambda: services.recompute_feedback(ctx.ministry),
        at=dt.time(23, 0),
    )


def build_portfolio(ctx: DemoContext) -> None:
    """Set-up now (the WIP limit, the sprints); each epic on the day it was proposed, with its
    stories and indicator, then its moves across the board on their days."""
    access = ctx.access(MINISTRY_SLUG, OWNER)
    now = demo_now()
    services.set_wip_limit(access, state="doing", limit=DOING_LIMIT)
    last, current, upcoming = create_sprints(ctx, now)
    made: dict[str, Epic] = {}
    ctx.extra["portfolio"] = {"epics": made, "sprints": [last, current, upcoming]}
    for plan, past in zip(PLANS, pasts(), strict=True):
        ctx.on(
            past.created,
            f"epic {plan.title}",
            paused(propose_epic, ctx, plan, past, now),
            at=CREATED_AT,
        )
        for state, day in past.moves.items():
            if state == "closed":
                continue  # closed below, with its reason
            ctx.on(
                day,
                f"{plan.title} to {state}",
                paused(move_epic, ctx, plan.title, state),
                at=DONE_AT if state == "done" else MOVE_AT,
            )
        if plan.close is not None:
            reason, note = plan.close
            ctx.on(
                past.moves["closed"],
                f"close {plan.title}",
                paused(move_epic, ctx, plan.title, "closed", reason, note),
                at=MOVE_AT,
            )
    # One leading indicator on a done story of the moorings epic, moving nicely.
    ctx.on(-70, "leading indicator", paused(add_leading, ctx, now), at=dt.time(16, 0))
    # One card placed by hand, so the board shows a manual rank.
    ctx.on(-10, "manual rank", paused(place_by_hand, ctx), at=MOVE_AT)


def propose_epic(ctx: DemoContext, plan: Plan, past: Past, now: dt.datetime) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    teams = ctx.teams[MINISTRY_SLUG]
    people = ctx.people[MINISTRY_SLUG]
    strategy: dict[str, Any] = ctx.extra.get("strategy", {})
    themes = strategy.get("themes", {})
    streams = strategy.get("value_streams", {})
    key_results = ctx.extra.get("goals", {}).get("key_results", {})
    last, current, upcoming = ctx.extra["portfolio"]["sprints"]
    bv, tc, rr, job = plan.wsjf or (None, None, None, None)
    linked = key_results.get(plan.key_result) if plan.key_result else None
    epic = services.create_epic(
        access,
        title=plan.title,
        value_stream=streams.get(plan.stream) if plan.stream else None,
        theme=themes.get(plan.theme) if plan.theme else None,
        owner=people.get(plan.owner),
        team=teams[plan.team],
        what=plan.what,
        why=plan.why,
        hypothesis=plan.hypothesis,
        business_value=bv,
        time_criticality=tc,
        risk_reduction=rr,
        job_size=job,
        target_date=(now + dt.timedelta(days=120)).date() if plan.state != "done" else None,
        key_results=[linked] if linked is not None else [],
    )
    ctx.extra["portfolio"]["epics"][plan.title] = epic
    if plan.measure is not None:
        add_measure(ctx, epic, plan.measure, now)
    moving = [story for story in plan.stories if story[2] != "todo"]
    days = iter(past.story_days([state for *_, state in moving]))
    for title, points, state in plan.stories:
        team = teams[plan.team]
        sprint = None
        if team == teams["permits"]:
            sprint = {"done": last, "doing": current, "todo": upcoming}[state]
            if plan.state in ("todo", "closed"):
                sprint = None
        story = services.create_story(
            access,
            epic,
            title=title,
            estimate=points,
            team=team,
            sprint=sprint,
            acceptance_criteria=f"Done when {title[0].lower()}{title[1:]} works for a "
            "real applicant in the test service.",
        )
        if state != "todo":
            ctx.on(
                next(days),
                f"story {title} to {state}",
                paused(move_story, ctx, story.pk, state),
                at=STORY_AT,
            )


def move_epic(
    ctx: DemoContext, title: str, state: str, close_reason: str = "", close_note: str = ""
) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    epics: dict[str, Epic] = ctx.extra["portfolio"]["epics"]
    epics[title] = services.move_epic(
        access, epics[title], state=state, close_reason=close_reason, close_note=close_note
    )


def move_story(ctx: DemoContext, story_id: int, state: str) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    services.move_story(access, Story.objects.get(pk=story_id), state=state)


def add_leading(ctx: DemoContext, now: dt.datetime) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    moorings = ctx.extra["portfolio"]["epics"]["Mooring permits online"]
    form_story = moorings.stories.get(title="Online application form")
    leading = services.add_leading_indicator(
        access,
        form_story,
        name="Mooring forms finished without help",
        unit="%",
        baseline=20,
        target=80,
        start_date=now.date() - dt.timedelta(days=WINDOW_BEFORE),
        target_date=now.date() + dt.timedelta(days=WINDOW_AFTER),
    )
    for value, days in ((30, 40), (41, 20), (52, 4)):
        recorded_at = days_ago(now, days)
        ctx.at(
            recorded_at,
            "reading of the leading indicator",
            paused(measures.record_reading, access, leading, value=value, recorded_at=recorded_at),
        )


def place_by_hand(ctx: DemoContext) -> None:
    access = ctx.access(MINISTRY_SLUG, OWNER)
    made: dict[str, Epic] = ctx.extra["portfolio"]["epics"]
    services.move_epic(
        access,
        made["Text message alerts for storm closures"],
        state="funnel",
        after_id=made["Map of permitted works along the coast"].pk,
    )


def path_to(state: str) -> list[str]:
    return {
        "funnel": [],
        "todo": ["todo"],
        "doing": ["todo", "doing"],
        "done": ["todo", "doing", "done"],
        "closed": [],
    }[state]


STEPS: list[tuple[str, Step]] = [("portfolio: epics, stories, sprints", create_portfolio)]
