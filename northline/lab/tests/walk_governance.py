"""Records for the OpenAPI walk: one of each kind the governance routes take by id.

Called by the engagement side's ``tests/walk.py`` at its end; if that module does not call it
(or is missing), ``northline/lab/tests/walk.py`` is expected to. It reuses an engagement the
engagement side made (``values["engagement_id"]``) or makes one itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from northline.lab import agreements, budget, experts, journey, sessions
from northline.lab.models import Engagement
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
    template = agreements.create_template(access, name="Walk template")
    template_section = agreements.add_template_section(
        access, template, title="Openness", body="We work in the open."
    )
    agreement = agreements.create_agreement(access, engagement, template=template)
    section = agreements.sections(access, agreement).get()
    signatory = agreements.add_signatory(
        access, agreement, person=owner, role="Lab director", side="lab"
    )
    session = sessions.create_session(
        access,
        engagement,
        title="Walk alignment",
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 3),
        attendees=[owner],
    )
    commitment = sessions.add_commitment(
        access, session, description="Share the backlog", owner=owner, due_on=dt.date(2026, 3, 9)
    )
    expense = budget.add_expense(
        access, engagement, spent_on=dt.date(2026, 3, 4), amount="1200", category="Training"
    )
    expert = experts.create_expert(access, person=owner, areas=["agile coaching"])
    request = experts.create_request(
        access, engagement, area="agile coaching", description="Help with the first retro"
    )
    link, _ = journey.create_report_link(access, label="Walk link")
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
