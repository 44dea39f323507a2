"""Records for the OpenAPI walk: one of each kind the governance routes take by id.

Called by the engagement side's ``tests/walk.py`` at its end; if that module does not call it
(or is missing), ``northline/lab/tests/walk.py`` is expected to. It reuses an engagement the
engagement side made (``values["engagement_id"]``) or makes one itself.
"""

from __future__ import annotations

from typing import Any

from northline.lab.agreements import selectors as agreement_selectors
from northline.lab.agreements import services as agreement_services
from northline.lab.models import Engagement
from northline.lab.tests.governance import engagement_records
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
    values.update(
        template_id=template.pk,
        template_section_id=template_section.pk,
        agreement_id=agreement.pk,
        section_id=section.pk,
        signatory_id=signatory.pk,
    )
    records = engagement_records(cast, engagement)
    del records["raw"]  # the walk takes the link by its id
    values.update(records)
