"""Records for the OpenAPI walk: the default playbook, an engagement, a course with a
requirement and a record; then the governance side's records, built on them."""

from __future__ import annotations

import importlib
from typing import Any

from northline.lab.engagements import services
from northline.lab.models import ChecklistItem, Phase, PhaseItem, QualificationAssessment
from northline.orgs.models import Person
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    access = cast.owner_access
    phase = Phase.objects.filter(organization=cast.org).first()
    if phase is None:  # the default playbook comes with the organization
        raise AssertionError("cast.org has no playbook")
    person = Person.objects.filter(organization=cast.org, user=cast.owner).get()
    engagement = services.create_engagement(
        access, title="Walk engagement", partner_organization="Walk ministry", product_owner=person
    )
    course = services.create_course(access, name="Walk course")
    requirement = services.require_training(access, role="product_owner", course=course)
    record = services.record_training(access, person=person, course=course)
    values.update(
        phase_id=phase.pk,
        phase_item_id=PhaseItem.objects.filter(phase=phase).first().pk,
        engagement_id=engagement.pk,
        checklist_item_id=ChecklistItem.objects.filter(engagement=engagement).first().pk,
        assessment_id=QualificationAssessment.objects.filter(engagement=engagement).first().pk,
        course_id=course.pk,
        requirement_id=requirement.pk,
        training_record_id=record.pk,
    )
    try:
        governance = importlib.import_module("northline.lab.tests.walk_governance")
    except ModuleNotFoundError as missing:
        if missing.name != "northline.lab.tests.walk_governance":
            raise
        return
    governance.build(cast, values)
