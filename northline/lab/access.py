"""Access helpers for the lab's records (STYLE §3).

An outsider gets 404 for a record of another organization, exactly as for one that does not
exist; a viewer who tries to write gets 403. Not-found messages name the model's verbose name
("No phase item with id 7 in this organization.").
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
from northline.orgs.record_access import RecordAccess

access_phase = RecordAccess(Phase.objects.all())
access_phase_item = RecordAccess(PhaseItem.objects.select_related("phase"))
access_engagement = RecordAccess(
    Engagement.objects.select_related("team", "product_owner", "executive_sponsor", "current_phase")
)
access_checklist_item = RecordAccess(
    ChecklistItem.objects.select_related("engagement", "phase", "decided_by")
)
access_assessment = RecordAccess(QualificationAssessment.objects.select_related("engagement"))
access_course = RecordAccess(Course.objects.all())
access_required_training = RecordAccess(RequiredTraining.objects.select_related("course"))
access_training_record = RecordAccess(TrainingRecord.objects.select_related("person", "course"))
