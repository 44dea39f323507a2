"""Access helpers for the lab's records (STYLE §3).

An outsider gets 404 for a record of another organization, exactly as for one that does not
exist; a viewer who tries to write gets 403.
"""

from __future__ import annotations

from northline.lab.models import (
    ChecklistItem,
    Course,
    Engagement,
    Phase,
    PhaseItem,
    QualificationAssessment,
    RequiredTraining,
    TrainingRecord,
)
from northline.orgs.access import Access, get_in_org


def access_phase(access: Access, phase_id: int, action: str = "read") -> Phase:
    return get_in_org(access, Phase.objects.all(), phase_id, action, label="phase")


def access_phase_item(access: Access, item_id: int, action: str = "read") -> PhaseItem:
    return get_in_org(
        access, PhaseItem.objects.select_related("phase"), item_id, action, label="phase item"
    )


def access_engagement(access: Access, engagement_id: int, action: str = "read") -> Engagement:
    return get_in_org(
        access,
        Engagement.objects.select_related(
            "team", "product_owner", "executive_sponsor", "current_phase"
        ),
        engagement_id,
        action,
        label="engagement",
    )


def access_checklist_item(access: Access, item_id: int, action: str = "read") -> ChecklistItem:
    return get_in_org(
        access,
        ChecklistItem.objects.select_related("engagement", "phase", "decided_by"),
        item_id,
        action,
        label="checklist item",
    )


def access_assessment(
    access: Access, assessment_id: int, action: str = "read"
) -> QualificationAssessment:
    return get_in_org(
        access,
        QualificationAssessment.objects.select_related("engagement"),
        assessment_id,
        action,
        label="qualification assessment",
    )


def access_course(access: Access, course_id: int, action: str = "read") -> Course:
    return get_in_org(access, Course.objects.all(), course_id, action, label="course")


def access_required_training(
    access: Access, requirement_id: int, action: str = "read"
) -> RequiredTraining:
    return get_in_org(
        access,
        RequiredTraining.objects.select_related("course"),
        requirement_id,
        action,
        label="required training",
    )


def access_training_record(access: Access, record_id: int, action: str = "read") -> TrainingRecord:
    return get_in_org(
        access,
        TrainingRecord.objects.select_related("person", "course"),
        record_id,
        action,
        label="training record",
    )
