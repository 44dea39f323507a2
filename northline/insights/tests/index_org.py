"""A small organization built by hand for the index tests, every figure countable on paper.

Dates are relative to today: the period (and every measure's window) runs from 50 days ago to
50 days ahead, so about half of the way is expected now. Readings are on a 0–100 scale.

Strategy and goals (cast.org, "Acme Ministry"):

* themes: **Faster decisions** (active, one indicator, off track at 10), **Paper forms**
  (retired);
* objectives: **Decide permits faster** (organization, active, serves Faster decisions) with
  key results **Median days** (on track, moving) and **Appeals upheld** (on track but stalled:
  three readings of 55); **Apply online** (Permits, active, child of Decide permits faster) with
  **Online share** (on track); **Renew by phone** (Licensing, active, no key result);
  **Someday** (draft: never counted).

Work (story points in brackets; only To do and Doing stories of open epics are active):

* **Online permit form** (Permits, doing, drives Online share): 5 To do + 3 Doing (Permits),
  8 Done; its lagging indicator **Online permit form outcome** is on track at 70;
* **Inspection booking** (Licensing, todo, serves Faster decisions): 5 To do; its "why" was
  blanked after it entered To do (an incomplete business case);
* **Archive scanning** (Licensing, funnel, serves the retired Paper forms): 8 Doing (no team:
  the epic's, Licensing) + 2 To do (Permits): traces to nothing;
* **Fax gateway** (closed from the funnel): 13 To do, never counted;
* **Appeals portal** (Licensing, done, drives Appeals upheld): 5 To do, never counted.

By hand, for the organization: traceability 13 of 23 points = 56.5; coverage 3 of 6 (2 of 3
objectives, 1 of 3 key results) = 50.0; movement 3 of 5 (2 of 3 key results, 1 of 2
indicators) = 60.0. Governance (:func:`add_governance`) adds its own records.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from northline.delivery import services as delivery
from northline.delivery.models import Feature, Impact, Release
from northline.goals import services as goals
from northline.goals.models import KeyResult, Objective, Period
from northline.goals.tests.factories import period_around_today
from northline.insights.components import COMPONENT_KEYS
from northline.insights.models import Snapshot
from northline.lab.agreements import services as agreement_services
from northline.lab.engagements import services as lab
from northline.lab.models import Agreement, Course, Engagement
from northline.lab.tests.governance import make_engagement, make_signed, person_of
from northline.measures import services as measures
from northline.measures.models import Indicator
from northline.orgs import services as orgs
from northline.orgs.access import Access
from northline.orgs.models import Organization, Team
from northline.portfolio import services as portfolio
from northline.portfolio.models import Epic, Story
from northline.strategy import services as strategy
from northline.strategy.models import CoalitionBody, Theme
from northline.testing import Cast

WINDOW = 50  # days before and after today


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@dataclass
class Org:
    """The records of the hand-built organization, by the names the module docstring uses."""

    access: Access
    permits: Team
    licensing: Team
    period: Period
    faster: Theme
    paper: Theme
    decide: Objective
    apply: Objective
    renew: Objective
    median: KeyResult
    appeals: KeyResult
    online: KeyResult
    form: Epic
    booking: Epic
    archive: Epic
    fax: Epic
    portal: Epic
    theme_indicator: Indicator
    form_indicator: Indicator
    stories: dict[str, Story] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def indicator(access: Access, name: str, *, kind: str = "lagging") -> Indicator:
    today = timezone.localdate()
    return measures.create_indicator(
        access,
        name=name,
        kind=kind,
        baseline=0,
        target=100,
        start_date=today - dt.timedelta(days=WINDOW),
        target_date=today + dt.timedelta(days=WINDOW),
    )


def read(access: Access, target: Indicator, *readings: tuple[float, int]) -> None:
    """Readings as (value, days ago), oldest first."""
    for value, ago in readings:
        measures.record_reading(access, target, value=value, recorded_at=days_ago(ago))


def business_case(access: Access, name: str) -> dict[str, Any]:
    return {"what": f"{name}: what changes", "why": f"{name}: who benefits"}


def epic(
    access: Access,
    title: str,
    *,
    team: Team,
    to: list[str],
    complete: bool = True,
    **fields: Any,
) -> Epic:
    """An epic walked through the board to the last state of ``to`` (rules met on the way)."""
    made = portfolio.create_epic(
        access,
        title=title,
        team=team,
        business_value=5,
        time_criticality=3,
        risk_reduction=2,
        job_size=5,
        **(business_case(access, title) if complete else {}),
        **fields,
    )
    if complete and any(state in to for state in ("todo", "doing", "done")):
        portfolio.add_lagging_indicator(
            access,
            made,
            name=f"{title} outcome",
            baseline=0,
            target=100,
            start_date=timezone.localdate() - dt.timedelta(days=WINDOW),
            target_date=timezone.localdate() + dt.timedelta(days=WINDOW),
        )
    return made


def move(access: Access, target: Epic, *states: str, **extra: Any) -> Epic:
    for state in states:
        target = portfolio.move_epic(access, Epic.objects.get(pk=target.pk), state=state, **extra)
    return target


def story(
    access: Access, on: Epic, title: str, points: int, state: str = "todo", team: Team | None = None
) -> Story:
    made = portfolio.create_story(access, on, title=title, estimate=points, team=team)
    if state != "todo":
        made = portfolio.move_story(access, made, state=state)
    return made


def build(cast: Cast) -> Org:
    access = cast.owner_access
    permits = orgs.create_team(access, name="Permits", kind="product")
    licensing = orgs.create_team(access, name="Licensing", kind="product")
    period = period_around_today(access, elapsed=WINDOW, remaining=WINDOW, name="This half")
    faster = strategy.create_theme(
        access, name="Faster decisions", starts_on=period.starts_on, ends_on=period.ends_on
    )
    paper = strategy.create_theme(
        access,
        name="Paper forms",
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        status="retired",
    )
    theme_indicator = indicator(access, "Decisions within a week")
    strategy.link_indicator(access, faster, theme_indicator)
    read(access, theme_indicator, (10, 5))

    decide = goals.create_objective(
        access, title="Decide permits faster", period=period, theme=faster, status="active"
    )
    apply = goals.create_objective(
        access, title="Apply online", period=period, team=permits, parent=decide, status="active"
    )
    renew = goals.create_objective(
        access, title="Renew by phone", period=period, team=licensing, status="active"
    )
    goals.create_objective(access, title="Someday", period=period)  # draft
    median = goals.create_key_result(access, decide, title="Median days", baseline=0, target=100)
    appeals = goals.create_key_result(
        access, decide, title="Appeals upheld", baseline=0, target=100
    )
    online = goals.create_key_result(access, apply, title="Online share", baseline=0, target=100)
    read(access, median.indicator, (40, 20), (60, 5))
    read(access, appeals.indicator, (55, 15), (55, 10), (55, 5))
    read(access, online.indicator, (50, 5))

    with portfolio.feedback_paused():
        form = epic(access, "Online permit form", team=permits, to=["doing"], key_results=[online])
        s1 = story(access, form, "Form fields", 5, team=permits)
        s2 = story(access, form, "Save a draft", 3, "doing", team=permits)
        s3 = story(access, form, "Sign in", 8, team=permits)
        move(access, form, "todo", "doing")
        portfolio.move_story(access, s3, state="doing")
        s3 = portfolio.move_story(access, Story.objects.get(pk=s3.pk), state="done")
        form_indicator = form.lagging_indicators.get()
        read(access, form_indicator, (70, 5))

        booking = epic(access, "Inspection booking", team=licensing, to=["todo"], theme=faster)
        s4 = story(access, booking, "Pick a slot", 5)
        booking = move(access, booking, "todo")
        booking = portfolio.update_epic(access, booking, version=booking.version, why="")

        archive = portfolio.create_epic(
            access, title="Archive scanning", team=licensing, theme=paper
        )
        s5 = story(access, archive, "Scan the basement", 8, "doing")
        s6 = story(access, archive, "Index the scans", 2, team=permits)

        fax = portfolio.create_epic(access, title="Fax gateway", team=licensing)
        s7 = story(access, fax, "Buy a fax", 13)
        move(access, fax, "closed", close_reason="duplicate", close_note="Same as e-mail intake.")

        portal = epic(access, "Appeals portal", team=licensing, to=["done"], key_results=[appeals])
        s8 = story(access, portal, "Upload evidence", 3)
        move(access, portal, "todo", "doing")
        portfolio.move_story(access, s8, state="doing")
        portfolio.move_story(access, Story.objects.get(pk=s8.pk), state="done")
        move(access, portal, "done")
        s9 = story(access, portal, "Leftover polish", 5)
    return Org(
        access=access,
        permits=permits,
        licensing=licensing,
        period=period,
        faster=faster,
        paper=paper,
        decide=decide,
        apply=apply,
        renew=renew,
        median=median,
        appeals=appeals,
        online=online,
        form=Epic.objects.get(pk=form.pk),
        booking=Epic.objects.get(pk=booking.pk),
        archive=archive,
        fax=Epic.objects.get(pk=fax.pk),
        portal=Epic.objects.get(pk=portal.pk),
        theme_indicator=theme_indicator,
        form_indicator=form_indicator,
        stories={
            "form fields": s1,
            "save a draft": s2,
            "sign in": s3,
            "pick a slot": s4,
            "scan": s5,
            "index": s6,
            "fax": s7,
            "upload": s8,
            "leftover": s9,
        },
    )


# Governance ---------------------------------------------------------------------------------


@dataclass
class Governance:
    """The records :func:`add_governance` adds, by the names its docstring uses."""

    decided: Release
    overdue: Release
    coming: Release
    cancelled: Release
    status_page: Feature
    renewals: Feature
    on_time: Impact  # status page → Licensing: acknowledged 12 days before the release
    silent: Impact  # status page → Contact centre: never acknowledged
    late: Impact  # renewals → Licensing: acknowledged today, 3 days after the planned date
    steady: CoalitionBody  # outcome on Faster decisions, holds fund_epics and change_process
    toothless: CoalitionBody  # release coordination without approve_releases
    ready: Engagement  # aligning, Permits: executed agreement, trained product owner
    unready: Engagement  # in residence, Licensing: no agreement, product owner untrained
    agreement: Agreement
    course: Course


def backdate_acknowledgement(impact: Impact, days: int) -> Impact:
    # The acknowledgement service stamps "now"; a test of the past moves the stamp back.
    Impact.objects.filter(pk=impact.pk).update(acknowledged_at=days_ago(days))
    return Impact.objects.get(pk=impact.pk)


def add_governance(cast: Cast, org: Org) -> Governance:
    """Releases, impacts, coalition bodies and lab engagements, so that governance counts:

    * business cases: Online permit form, Inspection booking (its why blanked) and Appeals
      portal are past the funnel: 2 of 3 complete;
    * impactee acknowledgements: Status page (release "Spring", decided, planned 10 days ago;
      Permits is its impactor) on Licensing acknowledged 12 days ago (in time) and on Contact
      centre never; Renewals (release "Summer", still planned for 3 days ago) on Licensing
      acknowledged today, 3 days late; the release planned for next week and the cancelled one
      do not count; nor does the impactor: 1 of 3;
    * coalition authority: "Value office" holds what its outcome needs; "Release board" lacks
      approve_releases; "Idle circle" has no responsibility and does not count: 1 of 2;
    * lab engagements: "Permits residency" (aligning, Permits) has an executed agreement and a
      trained product owner; "Licensing residency" (in residence, Licensing) has neither;
      a candidate does not count: 1 of 2.

    Organization: 5 of 10 = 50.0. Licensing (no authority part): business cases 1 of 2
    (Inspection booking, Appeals portal), acknowledgements 1 of 2, engagements 0 of 1: 2 of 5
    = 40.0. Permits: business cases 1 of 1, no due impact, engagements 1 of 1: 2 of 2 = 100.0.
    """
    access = org.access
    today = timezone.localdate()
    decided = delivery.create_release(
        access, name="Spring", planned_date=today - dt.timedelta(days=10)
    )
    overdue = delivery.create_release(
        access, name="Summer", planned_date=today - dt.timedelta(days=3)
    )
    coming = delivery.create_release(
        access, name="Autumn", planned_date=today + dt.timedelta(days=7)
    )
    cancelled = delivery.create_release(
        access, name="Winter", planned_date=today - dt.timedelta(days=20)
    )
    status_page = delivery.create_feature(
        access, title="Status page", owner_team=org.permits, release=decided
    )
    renewals = delivery.create_feature(
        access, title="Renewals", owner_team=org.permits, release=overdue
    )
    next_week = delivery.create_feature(
        access, title="Fee calculator", owner_team=org.permits, release=coming
    )
    dropped = delivery.create_feature(
        access, title="Chat bot", owner_team=org.permits, release=cancelled
    )
    delivery.add_impact(access, status_page, team=org.permits, role="impactor")
    on_time = delivery.add_impact(access, status_page, team=org.licensing, role="impactee")
    silent_team = orgs.create_team(access, name="Contact centre", kind="support")
    silent = delivery.add_impact(access, status_page, team=silent_team, role="impactee")
    late = delivery.add_impact(access, renewals, team=org.licensing, role="impactee")
    delivery.add_impact(access, next_week, team=org.licensing, role="impactee")
    delivery.add_impact(access, dropped, team=org.licensing, role="impactee")
    on_time = backdate_acknowledgement(delivery.acknowledge(access, on_time), 12)
    late = delivery.acknowledge(access, late)
    decided = delivery.decide_release(
        access,
        Release.objects.get(pk=decided.pk),
        version=Release.objects.get(pk=decided.pk).version,
        override_reason="The contact centre will catch up.",
    )
    cancelled = delivery.cancel_release(access, Release.objects.get(pk=cancelled.pk))

    steady = strategy.create_body(
        access, name="Value office", kind="VMO", authorities=["fund_epics", "change_process"]
    )
    strategy.add_responsibility(access, steady, kind="outcome", theme=org.faster)
    toothless = strategy.create_body(access, name="Release board", kind="PMO")
    strategy.add_responsibility(access, toothless, kind="release_coordination")
    strategy.create_body(access, name="Idle circle", kind="other")

    course = lab.create_course(access, name="Agile fundamentals")
    lab.require_training(access, role="product_owner", course=course)
    owner = person_of(cast.owner, cast.org)
    pat = orgs.create_person(access, name="Pat Doyle", email="pat@example.org")
    lab.record_training(access, person=owner, course=course, status="completed", completed_on=today)
    lab.record_training(access, person=pat, course=course, status="planned")
    ready = make_engagement(
        cast, "Permits residency", status="aligning", team=org.permits, product_owner=owner
    )
    signed = make_signed(cast, ready)
    for section in (signed.first, signed.second):
        agreement_services.initial_section(access, section, signed.lab)
        agreement_services.initial_section(cast.access(cast.editor), section, signed.partner)
    unready = make_engagement(
        cast,
        "Licensing residency",
        status="in_residence",
        team=org.licensing,
        product_owner=pat,
    )
    make_engagement(cast, "Harbour maybe", status="candidate", team=org.licensing)
    return Governance(
        decided=decided,
        overdue=overdue,
        coming=coming,
        cancelled=cancelled,
        status_page=status_page,
        renewals=renewals,
        on_time=on_time,
        silent=silent,
        late=late,
        steady=steady,
        toothless=toothless,
        ready=ready,
        unready=unready,
        agreement=Agreement.objects.get(pk=signed.agreement.pk),
        course=course,
    )


# A trend for the chart's browser test ---------------------------------------------------------
# Invented on purpose, and only here: the chart needs 60 days of points, and this organization
# is built today. (The demo's own trend is taken day by day under its clock; see
# northline.insights.index.demo.)

TREND_DAYS = 60  # today and the 59 days before it
RISE = (6.0, 14.0)  # how far below today's value a component starts, in points
WOBBLE = 2.0  # the day-to-day noise, in points either way


def history_of(
    today_values: dict[str, float | None], seed: str, days: int = TREND_DAYS
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
    """An invented past, from today's real snapshots; returns the rows written."""
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
