"""The lab's engagements in the demo (harbour-lab): a leadership body that may waive gates,
courses and the training each role requires, and three engagements at three points of the
playbook, stored in ``ctx.extra["lab"]["engagements"]`` for the governance steps:

* ``qualifying`` — "Fishing licence renewals", a candidate in Qualify with three of the five
  criteria judged (two met, one not);
* ``aligning`` — "Coastal permits online", in Align with a training gap: it entered Align with
  Lucía as its trained product owner; Jonah took over the role afterwards and has not yet
  completed Agile fundamentals, so readiness and the composition panel show the gap;
* ``building`` — "Harbour moorings booking", in residence in Build. Its product owner had not
  finished the course when it asked to enter Align, so Robin, for the lab's leadership, waived
  that pre-condition (the decision log shows the waiver); she completed it during Align.

Dates are relative to today so the demo reads the same whenever it is loaded. The set-up
(body, courses, partner people and teams, old training) happens on the demo's first day; each
engagement is proposed, judged and let through its gates on its own day of the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from northline.lab.engagements import selectors, services
from northline.lab.models import ChecklistItem, Course, Engagement, QualificationAssessment
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.demo import DEMO_USERNAME, LAB_SLUG, DemoContext, Step, demo_today
from northline.orgs.models import Person, Team
from northline.strategy import services as strategy

# Partner people, kept in the lab organization (engagements live there): key → (name, title).
PARTNER_PEOPLE = {
    "jonah": ("Jonah Pike", "Product Owner, Permits (Ministry of Coast)"),
    "lucia": ("Lucía Ortega", "Business Analyst (Ministry of Coast)"),
    "ben": ("Ben Aldridge", "DevOps Engineer, contracted (Ministry of Coast)"),
    "mei": ("Mei Tanaka", "Developer (Ministry of Coast)"),
    "amara": ("Amara Osei", "Assistant Deputy Minister, Coastal Services"),
    "hana": ("Hana Kowalski", "Harbour Master's Office, Product Owner"),
    "ravi": ("Ravi Menon", "Developer, Harbour Master's Office"),
    "ines": ("Inês Duarte", "DevOps Specialist, Harbour Master's Office"),
    "tom": ("Tom Reyes", "Booking Clerk, Harbour Master's Office"),
    "joan": ("Joan Baptiste", "Director, Harbour Operations"),
    "fiona": ("Fiona Clarke", "Licensing Manager, Fisheries"),
    "dev": ("Dev Patel", "Director, Fisheries Services"),
}

# team key → (name, [(person, roles, is_employee, co_located)])
PARTNER_TEAMS: dict[str, tuple[str, list[tuple[str, list[str], bool, bool]]]] = {
    "permits": (
        "Permits Online (Ministry of Coast)",
        [
            ("jonah", ["product_owner"], True, True),
            ("lucia", ["member"], True, True),
            ("ben", ["devops_specialist"], False, True),
            ("mei", ["member"], True, False),
        ],
    ),
    "moorings": (
        "Moorings Booking (Harbour Master's Office)",
        [
            ("hana", ["product_owner"], True, True),
            ("ravi", ["member"], True, True),
            ("ines", ["devops_specialist"], True, True),
            ("tom", ["member", "stakeholder"], True, False),
        ],
    ),
}

EVIDENCE = {
    "priority": "Named in the ministry's service plan for this year.",
    "complex": "Three branches and two systems touch every application.",
    "digital": "Most applicants already start online and finish on paper.",
    "enabler_dependent": "Needs the shared payments and identity services.",
    "continuous": "The service runs all year; rules change every season.",
}


def days_ago(days: int) -> dt.date:
    """A date relative to the demo's today (not the simulated clock's)."""
    return demo_today() - dt.timedelta(days=days)


def engagements_of(ctx: DemoContext) -> dict[str, Engagement]:
    return dict(ctx.extra.get("lab", {}).get("engagements", {}))


def login_person(ctx: DemoContext, username: str) -> Person:
    return Person.objects.get(organization=ctx.lab, user=ctx.users[username])


def partner_person(ctx: DemoContext, key: str) -> Person | None:
    people: dict[str, Any] = ctx.extra.get("lab", {}).get("partner_people", {})
    return people.get(key)


def assess(access: Access, engagement: Engagement, verdicts: dict[str, bool]) -> None:
    for assessment in QualificationAssessment.objects.filter(engagement=engagement):
        if assessment.criterion in verdicts:
            services.assess_criterion(
                access,
                assessment,
                version=assessment.version,
                met=verdicts[assessment.criterion],
                evidence=EVIDENCE[assessment.criterion]
                if verdicts[assessment.criterion]
                else "A one-off change; the team would disband after launch.",
            )


def meet_manual(access: Access, engagement: Engagement, phase_key: str, evidence: str) -> None:
    """Mark every manual pre-condition of ``phase_key`` met (automatic ones check themselves)."""
    for item in ChecklistItem.objects.filter(
        engagement=engagement, phase__key=phase_key, kind="precondition"
    ).exclude(check_key__in=["qualified", "product_owner_trained", "composition_ok"]):
        services.set_item_state(access, item, version=item.version, state="met", evidence=evidence)


def advance(access: Access, engagement: Engagement) -> Engagement:
    engagement.refresh_from_db()
    return services.advance_phase(access, engagement, version=engagement.version)


def create_lab_engagements(ctx: DemoContext) -> None:
    access = ctx.access(LAB_SLUG)
    org = ctx.organizations[LAB_SLUG]

    robin = Person.objects.get(organization=org, user=ctx.users[DEMO_USERNAME])

    body = strategy.create_body(
        access,
        name="Lab Leadership Council",
        kind="other",
        description="Decides which partners come into residence and when a gate may open "
        "without one of its pre-conditions.",
        authorities=["waive_gates", "staff_teams"],
        members=[robin],
    )

    courses: dict[str, Course] = {
        "agile": services.create_course(
            access,
            name="Agile fundamentals",
            provider="Harbour Digital Lab",
            hours=14,
            audience_roles=["product_owner", "member", "scrum_master"],
        ),
        "leadership": services.create_course(
            access,
            name="Digital leadership",
            provider="Harbour Digital Lab",
            hours=7,
            audience_roles=["executive_sponsor"],
        ),
        "devops": services.create_course(
            access,
            name="DevOps for the rest of the team",
            provider="Platform Support",
            hours=4,
            audience_roles=["member", "product_owner"],
        ),
    }
    services.require_training(access, role="product_owner", course=courses["agile"])
    services.require_training(access, role="executive_sponsor", course=courses["leadership"])

    people: dict[str, Person] = {}
    for key, (name, title) in PARTNER_PEOPLE.items():
        if key in ctx.users:
            # A partner with a login (the ministry's sponsor initials agreements here) joins
            # the lab as a member, which gives her one person: her own, not a second one.
            org_services.add_member(access, user=ctx.users[key], role="editor")
            own = Person.objects.get(organization=access.organization, user=ctx.users[key])
            people[key] = org_services.update_person(access, own, version=own.version, title=title)
        else:
            people[key] = org_services.create_person(access, name=name, title=title)
    teams: dict[str, Team] = {}
    for key, (name, rows) in PARTNER_TEAMS.items():
        team = org_services.create_team(access, name=name, kind="product")
        for person_key, roles, employee, co_located in rows:
            org_services.add_team_member(
                access,
                team,
                person=people[person_key],
                roles=roles,
                is_employee=employee,
                co_located=co_located,
            )
        teams[key] = team

    def trained(person_key: str, course_key: str, days: int) -> None:
        services.record_training(
            access,
            person=people[person_key],
            course=courses[course_key],
            status="completed",
            completed_on=days_ago(days),
        )

    trained("lucia", "agile", 200)
    trained("amara", "leadership", 150)
    trained("joan", "leadership", 300)
    trained("ravi", "agile", 120)
    services.record_training(
        access, person=people["jonah"], course=courses["agile"], status="in_progress"
    )
    services.record_training(
        access, person=people["hana"], course=courses["agile"], status="planned"
    )
    services.record_training(
        access, person=people["tom"], course=courses["devops"], status="planned"
    )

    engagements: dict[str, Engagement] = {}
    ctx.extra.setdefault("lab", {})
    ctx.extra["lab"].update(
        body=body,
        courses=courses,
        partner_people=people,
        partner_teams=teams,
        engagements=engagements,
    )
    play_building(ctx, access, people, teams, courses)
    play_aligning(ctx, access, people, teams)
    play_qualifying(ctx, access, people)


# What each engagement's proposal says: people and teams by key, dates in days ago (negative:
# days ahead).
PROPOSALS: dict[str, dict[str, Any]] = {
    "qualifying": {
        "title": "Fishing licence renewals",
        "partner_organization": "Ministry of Coast",
        "business_area": "Fisheries Services",
        "product": "Renew a commercial fishing licence online",
        "product_owner": "fiona",
        "executive_sponsor": "dev",
        "start_date": 12,
    },
    "aligning": {
        "title": "Coastal permits online",
        "partner_organization": "Ministry of Coast",
        "business_area": "Licensing Branch",
        "product": "Apply for and track a coastal permit online",
        "team": "permits",
        "product_owner": "lucia",
        "executive_sponsor": "amara",
        "start_date": 75,
        "graduation_window_start": -240,
        "graduation_window_end": -330,
    },
    "building": {
        "title": "Harbour moorings booking",
        "partner_organization": "Harbour Master's Office",
        "business_area": "Harbour Operations",
        "product": "Book and pay for a mooring online",
        "team": "moorings",
        "product_owner": "hana",
        "executive_sponsor": "joan",
        "start_date": 160,
        "graduation_window_start": -60,
        "graduation_window_end": -120,
    },
}
PROPOSAL_PEOPLE = ("product_owner", "executive_sponsor")
PROPOSAL_DATES = ("start_date", "graduation_window_start", "graduation_window_end")


def propose_engagement(
    access: Access, key: str, people: dict[str, Person], teams: dict[str, Team]
) -> Engagement:
    """Engagement ``key`` as ``PROPOSALS`` describes it, its dates counted from today."""
    fields = dict(PROPOSALS[key])
    for name in PROPOSAL_PEOPLE:
        fields[name] = people[fields[name]]
    if "team" in fields:
        fields["team"] = teams[fields["team"]]
    for name in PROPOSAL_DATES:
        if name in fields:
            fields[name] = days_ago(fields[name])
    return services.create_engagement(access, **fields)


# The engagements' past: each gate opens on its own day, so the lab report's days per phase
# are the days the rules held each engagement there. Days are relative to today (0).


def play_qualifying(ctx: DemoContext, access: Access, people: dict[str, Person]) -> None:
    """A candidate since twelve days ago, three criteria judged four days later."""
    engagements = engagements_of_record(ctx)

    def propose() -> None:
        engagements["qualifying"] = propose_engagement(access, "qualifying", people, teams={})

    ctx.on(-12, "lab: fishing licences proposed", propose)
    ctx.on(
        -8,
        "lab: fishing licences assessed",
        lambda: assess(
            access,
            engagements["qualifying"],
            {"priority": True, "digital": True, "continuous": False},
        ),
    )


def play_aligning(
    ctx: DemoContext, access: Access, people: dict[str, Person], teams: dict[str, Team]
) -> None:
    """Proposed 75 days ago, in Align since day -60 with Lucía as its trained product owner;
    Jonah took the role over on day -30."""
    engagements = engagements_of_record(ctx)

    def propose() -> None:
        engagements["aligning"] = propose_engagement(access, "aligning", people, teams)

    def hand_over() -> None:
        aligning = engagements["aligning"]
        aligning.refresh_from_db()
        engagements["aligning"] = services.update_engagement(
            access, aligning, version=aligning.version, product_owner=people["jonah"]
        )

    def enter_align() -> None:
        engagements["aligning"] = advance(access, engagements["aligning"])

    ctx.on(-75, "lab: coastal permits proposed", propose)
    ctx.on(
        -72,
        "lab: coastal permits assessed",
        lambda: assess(access, engagements["aligning"], dict.fromkeys(EVIDENCE, True)),
    )
    ctx.on(
        -62,
        "lab: coastal permits ready to align",
        lambda: meet_manual(
            access, engagements["aligning"], "align", "Amara confirmed at the steering meeting."
        ),
    )
    ctx.on(-60, "lab: coastal permits enter Align", enter_align, at=dt.time(14, 0))
    ctx.on(-30, "lab: Jonah takes over as product owner", hand_over)


def play_building(
    ctx: DemoContext,
    access: Access,
    people: dict[str, Person],
    teams: dict[str, Team],
    courses: dict[str, Course],
) -> None:
    """Proposed long before the history (its start date is 160 days ago) and judged on its
    first day; through Align on a waiver from the lab's leadership (day -84), in Build since
    day -44. Its product owner completed the course during Align."""
    engagements = engagements_of_record(ctx)

    def propose() -> None:
        building = propose_engagement(access, "building", people, teams)
        assess(access, building, dict.fromkeys(EVIDENCE, True))
        engagements["building"] = building

    def waive() -> None:
        building = engagements["building"]
        meet_manual(access, building, "align", "Joan opened the alignment session herself.")
        gate = ChecklistItem.objects.get(engagement=building, check_key="product_owner_trained")
        services.waive_item(
            access,
            gate,
            reason="Hana is booked on the next Agile fundamentals cohort and has run the booking "
            "desk for six years; waiting a season would lose the harbour's summer data.",
        )

    def enter() -> None:
        engagements["building"] = advance(access, engagements["building"])

    def completes_agile() -> None:
        agile = selectors.training_records(access, person=people["hana"].pk).get(
            course=courses["agile"]
        )
        services.update_training_record(
            access,
            agile,
            version=agile.version,
            status="completed",
            completed_on=timezone.localdate(),
        )

    ctx.on(-89, "lab: moorings booking proposed", propose, at=dt.time(9, 0))
    ctx.on(-85, "lab: moorings booking waiver", waive)
    ctx.on(-84, "lab: moorings booking enters Align", enter)
    ctx.on(
        -70,
        "lab: Hana's DevOps course",
        lambda: services.record_training(
            access,
            person=people["hana"],
            course=courses["devops"],
            status="completed",
            completed_on=timezone.localdate(),
        ),
    )
    ctx.on(-60, "lab: Hana completes Agile fundamentals", completes_agile)
    ctx.on(
        -45,
        "lab: moorings booking ready to build",
        lambda: meet_manual(
            access,
            engagements["building"],
            "build",
            "Agreement executed; DevOps specialist is on staff.",
        ),
    )
    ctx.on(-44, "lab: moorings booking enters Build", enter)


def engagements_of_record(ctx: DemoContext) -> dict[str, Engagement]:
    """The engagements the demo has made so far, by key, filled in as the history plays."""
    engagements: dict[str, Engagement] = ctx.extra["lab"]["engagements"]
    return engagements


STEPS: list[tuple[str, Step]] = [
    ("lab: playbook gates, engagements, training", create_lab_engagements)
]
