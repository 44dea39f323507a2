"""Records the governance tests share (agreements, sessions, budget, experts, reports).

The engagement is made with ``create_audited`` directly, so these tests do not depend on the
engagement side's rules for creating one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from northline.lab.agreements import services as agreement_services
from northline.lab.budget import services as budget_services
from northline.lab.experts import services as expert_services
from northline.lab.journey import services as journey_services
from northline.lab.models import Agreement, AgreementSection, Engagement, Signatory
from northline.lab.sessions import services as session_services
from northline.orgs.audit import create_audited
from northline.orgs.models import Organization, Person
from northline.testing import Cast


def person_of(user: User, org: Organization) -> Person:
    return Person.objects.get(organization=org, user=user)


def make_engagement(cast: Cast, title: str = "Coastal permits online", **fields) -> Engagement:
    access = cast.owner_access
    return create_audited(
        access.user,
        access.organization,
        Engagement(
            organization=cast.org,
            title=title,
            partner_organization="Ministry of Coastal Affairs",
            start_date=fields.pop("start_date", dt.date(2026, 1, 15)),
            budget_low=fields.pop("budget_low", Decimal("800000")),
            budget_high=fields.pop("budget_high", Decimal("1300000")),
            monthly_lab_cost=fields.pop("monthly_lab_cost", Decimal("60000")),
            **fields,
        ),
    )


@dataclass
class Signed:
    """A circulating agreement of two sections, signed by the owner (lab) and the editor
    (partner); nobody has initialed yet."""

    engagement: Engagement
    agreement: Agreement
    first: AgreementSection
    second: AgreementSection
    lab: Signatory  # the owner's
    partner: Signatory  # the editor's


def make_signed(cast: Cast, engagement: Engagement | None = None) -> Signed:
    access = cast.owner_access
    engagement = engagement or make_engagement(cast)
    agreement = agreement_services.create_agreement(access, engagement, title="Residency agreement")
    first = agreement_services.add_section(
        access, agreement, title="Co-location", body="The team works **side by side**."
    )
    second = agreement_services.add_section(
        access, agreement, title="Openness", body="Code is open unless there is a reason."
    )
    lab = agreement_services.add_signatory(
        access, agreement, person=person_of(cast.owner, cast.org), role="Lab director", side="lab"
    )
    partner = agreement_services.add_signatory(
        access,
        agreement,
        person=person_of(cast.editor, cast.org),
        role="Product owner",
        side="partner",
    )
    agreement.refresh_from_db()
    agreement = agreement_services.circulate(access, agreement, version=agreement.version)
    return Signed(engagement, agreement, first, second, lab, partner)


def refreshed(signed: Signed) -> Signed:
    for record in (signed.agreement, signed.first, signed.second):
        record.refresh_from_db()
    return signed


def engagement_records(cast: Cast, engagement: Engagement) -> dict[str, Any]:
    """One of each governance record of ``engagement`` but its agreement: a session with a
    commitment, an expense, an expert (the owner) with a request, and a report link. Returns
    their ids by the names the URLs take them by, and the link's token as ``raw``."""
    access = cast.owner_access
    owner = person_of(cast.owner, cast.org)
    session = session_services.create_session(
        access,
        engagement,
        title="Kick-off",
        starts_on=dt.date(2026, 2, 2),
        ends_on=dt.date(2026, 2, 3),
        attendees=[owner],
    )
    commitment = session_services.add_commitment(
        access, session, description="Book the room", owner=owner, due_on=dt.date(2026, 2, 9)
    )
    expense = budget_services.add_expense(
        access, engagement, spent_on=dt.date(2026, 2, 4), amount="500", category="Room"
    )
    expert = expert_services.create_expert(access, person=owner, areas=["service design"])
    request = expert_services.create_request(
        access, engagement, area="service design", description="Journey map"
    )
    link, raw = journey_services.create_report_link(access, label="Board")
    return {
        "session_id": session.pk,
        "commitment_id": commitment.pk,
        "expense_id": expense.pk,
        "expert_id": expert.pk,
        "request_id": request.pk,
        "link_id": link.pk,
        "raw": raw,
    }
