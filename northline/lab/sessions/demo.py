"""The demo's alignment sessions (see ``lab.demo``): a kick-off that leaves out a team member, a
past two-day session with commitments.
"""

from __future__ import annotations

import datetime as dt

from northline.lab.engagements.demo import days_ago, engagements_of, partner_person
from northline.lab.sessions import services
from northline.orgs.demo import LAB_SLUG, DemoContext


def create_sessions(ctx: DemoContext) -> None:
    """The moorings session is recorded (after the fact) on the engagement's first day; the
    permits one is planned three weeks before it takes place."""
    ctx.on(
        -89, "lab: moorings session", lambda: record_sessions(ctx, "building"), at=dt.time(16, 0)
    )
    ctx.on(-19, "lab: permits session planned", lambda: record_sessions(ctx, "aligning"))


def record_sessions(ctx: DemoContext, key: str) -> None:
    engagements = {k: e for k, e in engagements_of(ctx).items() if k == key}
    lab = ctx.access(LAB_SLUG)
    lab_people = ctx.people.get(LAB_SLUG, {})
    facilitators = [p for p in (lab_people.get("priya"), lab_people.get("elena")) if p]
    if (aligning := engagements.get("aligning")) is not None:
        invited = [
            p for p in (partner_person(ctx, k) for k in ("jonah", "lucia", "ben", "amara")) if p
        ]
        # Mei, a developer on the team, is left out: the page warns about her.
        services.create_session(
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
        session = services.create_session(
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
                commitment = services.add_commitment(
                    lab,
                    session,
                    description=description,
                    owner=owners[owner],
                    due_on=days_ago(due),
                )
                services.update_commitment(lab, commitment, version=commitment.version, done=True)
        if "Hana Kowalski" in owners:
            services.add_commitment(
                lab,
                session,
                description="Share the graduation plan with the harbour's board",
                owner=owners["Hana Kowalski"],
                due_on=days_ago(-20),
            )
