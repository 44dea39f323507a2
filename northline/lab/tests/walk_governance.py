"""Records for the OpenAPI walk: one of each kind the governance routes take by id.

Called by the engagement side's ``tests/walk.py`` at its end; if that module does not call it
(or is missing), ``northline/lab/tests/walk.py`` is expected to. It reuses an engagement the
engagement side made (``values["engagement_id"]``) or makes one itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from northline.lab.agreements import selectors as agreement_selectors
from northline.lab.agreements import services as agreement_services
from northline.lab.budget import services as budget_services
from northline.lab.experts import services as expert_services
from northline.lab.journey import services as journey_services
from northline.lab.models import Engagement
from northline.lab.sessions import services as session_services
from northline.orgs.audit import create_audited
from northline.orgs.models import Person
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    access = cast.owner_access
    known = values.get("engagement_id")
    engagement = (
        Engagement.objects.filter(organization=cast.org, pk=known).first() if known else None
    ) or create_audited(
        access.user,
        access.organization,
        Engagement(
            organization=cast.org, title="Walk engagement", partner_organization="Walk ministry"
        ),
    )
    values.setdefault("engagement_id", engagement.pk)
    owner = Person.objects.get(organization=cast.org, user=cast.owner)
    template = agreement_services.create_template(access, name="Walk template")
    template_section = agreement_services.add_template_section(
        access, template, title="Openness", body="We work in the open."
    )
    agreement = agreement_services.create_agreement(access, engagement, template=template)
    section = agreement_selectors.sections(access, agreement).get()
    signatory = agreement_services.add_signatory(
        access, agreement, person=owner, role="Lab director", side="lab"
    )
    session = session_services.create_session(
        access,
        engagement,
        title="Walk alignment",
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 3),
        attendees=[owner],
    )
    commitment = session_services.add_commitment(
        access, session, description="Share the backlog", owner=owner, due_on=dt.date(2026, 3, 9)
    )
    expense = budget_services.add_expense(
        access, engagement, spent_on=dt.date(2026, 3, 4), amount="1200", category="Training"
    )
    expert = expert_services.create_expert(access, person=owner, areas=["agile coaching"])
    request = expert_services.create_request(
        access, engagement, area="agile coaching", description="Help with the first retro"
    )
    link, _ = journey_services.create_report_link(access, label="Walk link")
    values.update(
        template_id=template.pk,
        template_section_id=template_section.pk,
        agreement_id=agreement.pk,
        section_id=section.pk,
        signatory_id=signatory.pk,
        session_id=session.pk,
        commitment_id=commitment.pk,
        expense_id=expense.pk,
        expert_id=expert.pk,
        request_id=request.pk,
        link_id=link.pk,
    )
