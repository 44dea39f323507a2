"""The lab's agreements, alignment sessions, budgets and experts in the demo (harbour-lab).

Built on the engagements of ``ctx.extra["lab"]["engagements"]`` (steps skip what is missing):

* ``aligning`` has an agreement from the default template, circulating and partly initialed:
  Robin initialed every section, Nadia and Amara some; then a section was reworded, which
  voided the initials already on it, so the grid shows valid, missing and voided cells. Jonah,
  the product owner, has no login yet, so his cells stay missing. Its kick-off session leaves
  out a team member, so the session page warns about her.
* ``building`` has an executed agreement (Robin for the lab, Amara for the partner), a past
  two-day alignment session with commitments, a planned budget with a year of expenses for the
  burn chart.
* Two experts in residence with requests in every state.

Signatories who initial need a login: Robin (demo) and Nadia are lab members; Amara, the
partner's assistant deputy minister, is added to the lab as an editor so she can initial.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from northline.lab import agreements, budget, experts, sessions
from northline.lab.models import AgreementTemplate, Engagement
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.demo import DEMO_USERNAME, LAB_SLUG, DemoContext, Step
from northline.orgs.models import Person


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def engagements_of(ctx: DemoContext) -> dict[str, Engagement]:
    return dict(ctx.extra.get("lab", {}).get("engagements", {}))


def login_person(ctx: DemoContext, username: str) -> Person:
    return Person.objects.get(organization=ctx.lab, user=ctx.users[username])


def partner_person(ctx: DemoContext, key: str) -> Person | None:
    people: dict[str, Any] = ctx.extra.get("lab", {}).get("partner_people", {})
    return people.get(key)


def default_template(access: Access) -> AgreementTemplate | None:
    return agreements.templates(access).order_by("id").first()


def add_amara(ctx: DemoContext) -> Person:
    """The partner's sponsor initials in the lab's Northline: the engagements step made her a
    member, with one person linked to her login."""
    access = ctx.access(LAB_SLUG)
    person = login_person(ctx, "amara")
    return org_services.update_person(
        access,
        person,
        version=person.version,
        title="Assistant Deputy Minister, Coastal Services (partner sponsor)",
    )


def create_agreements(ctx: DemoContext) -> None:
    engagements = engagements_of(ctx)
    if not engagements:
        return
    lab = ctx.access(LAB_SLUG)
    template = default_template(lab)
    if template is None:
        return
    robin, nadia = login_person(ctx, DEMO_USERNAME), login_person(ctx, "nadia")
    amara = add_amara(ctx)
    as_nadia = ctx.access(LAB_SLUG, "nadia")
    as_amara = ctx.access(LAB_SLUG, "amara")

    if (aligning := engagements.get("aligning")) is not None:
        agreement = agreements.create_agreement(lab, aligning, template=template)
        signatories = [
            agreements.add_signatory(
                lab, agreement, person=robin, role="Director, Lab Operations", side="lab"
            ),
            agreements.add_signatory(
                lab, agreement, person=nadia, role="Delivery Lead", side="lab"
            ),
            agreements.add_signatory(
                lab, agreement, person=amara, role="Executive sponsor", side="partner"
            ),
        ]
        jonah = partner_person(ctx, "jonah")
        if jonah is not None:
            signatories.append(
                agreements.add_signatory(
                    lab, agreement, person=jonah, role="Product owner", side="partner"
                )
            )
        agreement.refresh_from_db()
        agreements.circulate(lab, agreement, version=agreement.version)
        required = list(agreements.sections(lab, agreement).filter(needs_initials=True))
        robin_row, nadia_row, amara_row = signatories[:3]
        for section in required:
            agreements.initial_section(lab, section, robin_row)
        for section in required[:6]:
            agreements.initial_section(as_nadia, section, nadia_row)
        for section in required[:3]:
            agreements.initial_section(as_amara, section, amara_row)
        # The partner asked for a gentler wording of co-location after three had initialed it.
        reworded = next(s for s in required if s.title == "Team composition")
        agreements.update_section(
            lab,
            reworded,
            version=reworded.version,
            body=reworded.body.replace(
                "Most of the team works side by side in the lab",
                "Most of the team works side by side in the lab at least four days a week",
            ),
        )

    if (building := engagements.get("building")) is not None:
        agreement = agreements.create_agreement(lab, building, template=template)
        rows = [
            (
                agreements.add_signatory(
                    lab, agreement, person=robin, role="Director, Lab Operations", side="lab"
                ),
                lab,
            ),
            (
                agreements.add_signatory(
                    lab, agreement, person=amara, role="Executive sponsor", side="partner"
                ),
                as_amara,
            ),
        ]
        agreement.refresh_from_db()
        agreements.circulate(lab, agreement, version=agreement.version)
        for section in agreements.sections(lab, agreement).filter(needs_initials=True):
            for signatory, access in rows:
                agreements.initial_section(access, section, signatory)


def create_sessions(ctx: DemoContext) -> None:
    engagements = engagements_of(ctx)
    lab = ctx.access(LAB_SLUG)
    lab_people = ctx.people.get(LAB_SLUG, {})
    facilitators = [p for p in (lab_people.get("priya"), lab_people.get("elena")) if p]
    if (aligning := engagements.get("aligning")) is not None:
        invited = [
            p for p in (partner_person(ctx, k) for k in ("jonah", "lucia", "ben", "amara")) if p
        ]
        # Mei, a developer on the team, is left out: the page warns about her.
        sessions.create_session(
            lab,
            aligning,
            title="Permits alignment session",
            starts_on=days_ago(-9),
            ends_on=days_ago(-10),
            facilitators=facilitators,
            attendees=invited,
            agenda=(
                "**Day one**\n\n- What applicants struggle with today, told by the contact "
                "centre\n- How a product owner decides, and who they ask\n\n**Day two**\n\n- "
                "The first three months as a team\n- Risks we can see now, and who owns each"
            ),
        )
    if (building := engagements.get("building")) is not None:
        team = [
            p
            for p in (partner_person(ctx, k) for k in ("hana", "ravi", "ines", "tom", "joan"))
            if p
        ]
        session = sessions.create_session(
            lab,
            building,
            title="Moorings alignment session",
            starts_on=days_ago(130),
            ends_on=days_ago(129),
            facilitators=facilitators,
            attendees=team,
            agenda="- The booking journey from the boat owner's side\n- Roles and decisions\n"
            "- How we will report progress",
            outcomes=(
                "The team agreed to release a first booking flow for visitor moorings before "
                "touching seasonal contracts. Harbour operations will free two clerks for user "
                "research one morning a week."
            ),
        )
        owners = {p.name: p for p in team}
        for description, owner, due in [
            ("Release two clerks for research one morning a week", "Joan Baptiste", 115),
            ("Map every fee the harbour charges today", "Hana Kowalski", 110),
            ("Set up the delivery pipeline on the shared platform", "Inês Duarte", 100),
        ]:
            if owner in owners:
                commitment = sessions.add_commitment(
                    lab,
                    session,
                    description=description,
                    owner=owners[owner],
                    due_on=days_ago(due),
                )
                sessions.update_commitment(lab, commitment, version=commitment.version, done=True)
        if "Hana Kowalski" in owners:
            sessions.add_commitment(
                lab,
                session,
                description="Share the graduation plan with the harbour's board",
                owner=owners["Hana Kowalski"],
                due_on=days_ago(-20),
            )


# (days ago, amount, category, note)
BUILDING_EXPENSES = [
    (150, "42000", "Team salaries", "First month of the seconded staff"),
    (148, "6500", "Training", "Agile fundamentals for the whole team"),
    (120, "42000", "Team salaries", ""),
    (118, "38000", "Contractors", "User research partner"),
    (95, "3200", "Equipment", "Test devices: two phones and a tablet"),
    (90, "42000", "Team salaries", ""),
    (88, "38000", "Contractors", "User research partner"),
    (60, "42000", "Team salaries", ""),
    (58, "24000", "Contractors", "Accessibility audit"),
    (30, "42000", "Team salaries", ""),
    (25, "1800", "Software", "Payment sandbox subscription"),
]


def create_budgets(ctx: DemoContext) -> None:
    engagements = engagements_of(ctx)
    lab = ctx.access(LAB_SLUG)
    if (building := engagements.get("building")) is not None:
        building.refresh_from_db()
        budget.set_budget(
            lab,
            building,
            version=building.version,
            budget_low=Decimal("450000"),
            budget_high=Decimal("700000"),
            monthly_lab_cost=Decimal("55000"),
            currency="EUR",
        )
        for days, amount, category, note in BUILDING_EXPENSES:
            budget.add_expense(
                lab,
                building,
                spent_on=days_ago(days),
                amount=amount,
                category=category,
                note=note,
            )
    if (aligning := engagements.get("aligning")) is not None:
        aligning.refresh_from_db()
        budget.set_budget(
            lab,
            aligning,
            version=aligning.version,
            budget_low=Decimal("600000"),
            budget_high=Decimal("900000"),
            monthly_lab_cost=Decimal("55000"),
        )
        budget.add_expense(
            lab,
            aligning,
            spent_on=days_ago(20),
            amount="4800",
            category="Training",
            note="Agile fundamentals seats",
        )


def create_experts(ctx: DemoContext) -> None:
    lab = ctx.access(LAB_SLUG)
    people = ctx.people.get(LAB_SLUG, {})
    if "priya" not in people or "elena" not in people:
        return
    priya = experts.create_expert(lab, person=people["priya"], areas=["agile coaching", "DevOps"])
    elena = experts.create_expert(
        lab, person=people["elena"], areas=["service design", "behavioural insights"]
    )
    engagements = engagements_of(ctx)
    if (building := engagements.get("building")) is not None:
        done = experts.create_request(
            lab,
            building,
            area="service design",
            description="Walk the booking journey with three boat owners and map the pain points.",
        )
        done = experts.assign(lab, done, expert=elena, version=done.version)
        experts.complete(lab, done, version=done.version)
        held = experts.create_request(
            lab,
            building,
            area="agile coaching",
            description="Coach the team through its first retrospective after go-live.",
        )
        experts.assign(lab, held, expert=priya, version=held.version)
    if (aligning := engagements.get("aligning")) is not None:
        experts.create_request(
            lab,
            aligning,
            area="privacy and security",
            description="Check what a permit application may keep about the applicant.",
        )
        declined = experts.create_request(
            lab,
            aligning,
            area="data",
            description="A dashboard of permit volumes by harbour.",
        )
        experts.decline(lab, declined, version=declined.version)


STEPS: list[tuple[str, Step]] = [
    ("lab: agreements and initials", create_agreements),
    ("lab: alignment sessions", create_sessions),
    ("lab: budgets and expenses", create_budgets),
    ("lab: experts in residence", create_experts),
]
