"""API routes for the playbook, engagements and their gates, qualification, composition and
training (DESIGN §2.7). Agreements, sessions, budget, experts and reports have their own
subpackages; ``lab.api`` mounts them all."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Router, Schema

from northline.lab.access import (
    access_assessment,
    access_checklist_item,
    access_course,
    access_engagement,
    access_phase,
    access_phase_item,
    access_required_training,
    access_training_record,
)
from northline.lab.engagements import selectors, services
from northline.lab.models import (
    Phase,
    QualificationAssessment,
    RequiredTraining,
)
from northline.lib.schemas import (
    Filters,
    Id,
    Input,
    VersionedInput,
    patch_of,
    references,
    username_of,
)
from northline.orgs.api_records import (
    Action,
    Names,
    child_routes,
    record_action,
    record_actions,
    record_routes,
    record_view,
    update_with_version,
    with_fields,
)

router = Router(tags=["lab"])


ItemKind = Literal["precondition", "success_criterion", "standard", "activity", "resource"]
ItemState = Literal["open", "met", "waived"]
EngagementStatusName = Literal[
    "candidate", "qualified", "aligning", "in_residence", "graduated", "pivoted_away"
]
RoleName = Literal[
    "product_owner",
    "devops_specialist",
    "executive_sponsor",
    "scrum_master",
    "member",
    "stakeholder",
]
TrainingStatusName = Literal["planned", "in_progress", "completed"]
CellState = Literal["completed", "in_progress", "planned", "missing"]


# The playbook -----------------------------------------------------------------------------


class PhaseOut(Schema):
    id: int
    name: str
    key: str
    position: int
    description: str
    version: int


class PhaseIn(Input):
    name: str = Field(..., min_length=1, max_length=100)
    key: str = Field(..., min_length=1, max_length=40, pattern=r"^[-a-z0-9_]+$")
    description: str = ""
    position: int | None = Field(None, ge=0, description="0 is first; leave out to append.")


class PhasePatch(VersionedInput):
    name: str | None = Field(None, min_length=1, max_length=100)
    key: str | None = Field(None, min_length=1, max_length=40, pattern=r"^[-a-z0-9_]+$")
    description: str | None = None
    position: int | None = Field(None, ge=0, description="Move the phase; 0 is first.")


class PhaseItemOut(Schema):
    id: int
    phase_id: Id
    kind: ItemKind
    text: str
    check_key: str = Field(..., description="Set on items Northline checks by itself.")
    position: int
    version: int


class PhaseItemIn(Input):
    kind: ItemKind
    text: str = Field(..., min_length=1)
    check_key: str = ""
    position: int | None = Field(None, ge=0)


PhaseItemPatch = patch_of(PhaseItemIn, "PhaseItemPatch")


def edit_phase(access: Any, phase: Phase, payload: PhasePatch) -> Phase:
    """Edit the phase's fields, then move it: a PATCH may do both."""
    changes = payload.changes()
    position = changes.pop("position", None)
    version = payload.version
    if changes:
        phase = services.update_phase(access, phase, version=version, **changes)
        version = phase.version
    if position is not None:
        phase = services.move_phase(access, phase, position=position, version=version)
    return phase


record_routes(
    router,
    "/lab/phases",
    "phase_id",
    module=__name__,
    names=Names("phase", "phases"),
    out=PhaseOut,
    find=access_phase,
    listing=(None, selectors.phases),
    create=(PhaseIn, with_fields(services.create_phase)),
    update=(PhasePatch, edit_phase),
    delete=services.delete_phase,
    summaries={
        "list": "The playbook's phases, in order",
        "create": "Add a phase to the playbook",
        "get": "One phase",
        "update": "Rename, edit or move a phase",
        "delete": "Delete a phase no engagement uses",
    },
)


record_routes(
    router,
    "/lab/phase-items",
    "phase_item_id",
    module=__name__,
    names=Names("phase_item", "phase_items"),
    out=PhaseItemOut,
    find=access_phase_item,
    parent=("/lab/phases/{phase_id}/items", access_phase),
    listing=(None, selectors.phase_items),
    create=(PhaseItemIn, with_fields(services.create_phase_item)),
    update=(PhaseItemPatch, update_with_version(services.update_phase_item)),
    delete=services.delete_phase_item,
    get=False,
    summaries={
        "list": "A phase's items",
        "create": "Add an item to a phase",
        "update": "Edit a phase item",
        "delete": "Delete a phase item",
    },
)


# Engagements ------------------------------------------------------------------------------


class EngagementOut(Schema):
    id: int
    title: str
    partner_organization: str
    business_area: str
    product: str
    team_id: Id | None
    product_owner_id: Id | None
    executive_sponsor_id: Id | None
    start_date: dt.date | None
    graduation_window_start: dt.date | None
    graduation_window_end: dt.date | None
    status: EngagementStatusName
    current_phase_id: Id | None
    closing_reason: str
    budget_low: Decimal | None
    budget_high: Decimal | None
    monthly_lab_cost: Decimal | None
    currency: str
    version: int


class EngagementIn(Input):
    title: str = Field(..., min_length=1, max_length=200)
    partner_organization: str = Field(..., min_length=1, max_length=200)
    business_area: str = Field("", max_length=200)
    product: str = Field("", max_length=200)
    team_id: Id | None = Field(None, description="The partner's team (a team of this org).")
    product_owner_id: Id | None = Field(None, description="A person.")
    executive_sponsor_id: Id | None = Field(None, description="A person.")
    start_date: dt.date | None = None
    graduation_window_start: dt.date | None = None
    graduation_window_end: dt.date | None = None
    budget_low: Decimal | None = Field(None, ge=0)
    budget_high: Decimal | None = Field(None, ge=0)
    monthly_lab_cost: Decimal | None = Field(None, ge=0)
    currency: str = Field("EUR", min_length=3, max_length=3)


EngagementPatch = patch_of(EngagementIn, "EngagementPatch", descriptions=False)


class EngagementFilters(Filters):
    status: EngagementStatusName | None = None
    phase: Id | None = Field(None, description="A phase id.")


class AdvanceIn(Input):
    version: int = Field(..., ge=1, description="The engagement's version you read.")


class ReasonIn(Input):
    reason: str = Field(..., min_length=1, description="Why; it goes into the decision log.")
    version: int = Field(..., ge=1, description="The engagement's version you read.")


record_routes(
    router,
    "/lab/engagements",
    "engagement_id",
    module=__name__,
    names=Names("engagement", "engagements"),
    out=EngagementOut,
    find=access_engagement,
    listing=(EngagementFilters, selectors.engagements),
    create=(EngagementIn, with_fields(services.create_engagement, references)),
    update=(EngagementPatch, update_with_version(services.update_engagement, references)),
    delete=services.delete_engagement,
    summaries={
        "list": "Engagements",
        "create": "Create an engagement (first phase, checklists copied from the playbook)",
        "get": "One engagement",
        "update": "Edit an engagement",
        "delete": "Delete an engagement",
    },
)


STALE_CHANGES_NOTHING = (
    "A stale `version` answers 409 `stale_version`; nothing is logged or changed."
)
record_actions(
    router,
    "/lab/engagements/{engagement_id}",
    module=__name__,
    find=access_engagement,
    out=EngagementOut,
    actions=[
        Action(
            "advance",
            "advance",
            services.advance_phase,
            "Enter the next phase (409 gate_closed names each unmet pre-condition)",
            AdvanceIn,
        ),
        Action(
            "graduate",
            "graduate",
            services.graduate,
            "Graduate an engagement in residence, with a reason",
            ReasonIn,
            STALE_CHANGES_NOTHING,
        ),
        Action(
            "pivot-away",
            "pivot_away",
            services.pivot_away,
            "Pivot away from an engagement, with a reason",
            ReasonIn,
            STALE_CHANGES_NOTHING,
        ),
    ],
)


# Checklists -------------------------------------------------------------------------------


class ChecklistItemOut(Schema):
    id: int
    phase_id: Id
    kind: ItemKind
    text: str
    check_key: str
    automatic: bool = Field(..., description="Checked live by Northline.")
    state: ItemState = Field(..., description="As the gate reads it (automatic items live).")
    stored_state: ItemState
    detail: str = Field(..., description="Why an automatic item is met or open.")
    evidence: str
    decided_by: str | None
    decided_at: dt.datetime | None
    waiver_reason: str
    waiver_decision_id: Id | None
    version: int


def checklist_out(checked: selectors.CheckedItem) -> dict[str, Any]:
    item = checked.item
    return {
        "id": item.pk,
        "phase_id": item.phase_id,
        "kind": item.kind,
        "text": item.text,
        "check_key": item.check_key,
        "automatic": checked.automatic,
        "state": checked.state,
        "stored_state": item.state,
        "detail": checked.detail,
        "evidence": item.evidence,
        "decided_by": username_of(item.decided_by),
        "decided_at": item.decided_at,
        "waiver_reason": item.waiver_reason,
        "waiver_decision_id": item.waiver_decision_id,
        "version": item.version,
    }


class ChecklistPatch(VersionedInput):
    state: Literal["open", "met"] | None = Field(None, description="Waive with …/waive.")
    evidence: str | None = None


class WaiveIn(Input):
    reason: str = Field(..., min_length=1, description="Why; it goes into the decision log.")
    version: int = Field(..., ge=1, description="The item's version you read (stale → 409).")


child_routes(
    router,
    "/lab/engagements/{engagement_id}/checklist",
    module=__name__,
    names=Names("checked_item", "checklist"),
    out=ChecklistItemOut,
    parent=access_engagement,
    listing=selectors.checked_items,
    present=lambda access, checked: checklist_out(checked),
    summaries={"list": "An engagement's checklist, every phase"},
)


def one_checked(access: Any, item: Any) -> dict[str, Any]:
    engagement = access_engagement(access, item.engagement_id)
    checked = next(c for c in selectors.checked_items(access, engagement) if c.item.pk == item.pk)
    return checklist_out(checked)


record_action(
    router,
    "patch",
    "/lab/checklist-items/{checklist_item_id}",
    module=__name__,
    name="update_checklist_item",
    find=access_checklist_item,
    act=update_with_version(services.set_item_state),
    payload=ChecklistPatch,
    out=ChecklistItemOut,
    present=one_checked,
    summary="Mark a checklist item open or met, with evidence",
)


record_actions(
    router,
    "/lab/checklist-items/{checklist_item_id}",
    module=__name__,
    find=access_checklist_item,
    out=ChecklistItemOut,
    present=one_checked,
    actions=[
        Action(
            "waive",
            "waive_checklist_item",
            services.waive_item,
            "Waive a checklist item (needs the waive_gates authority and a reason)",
            WaiveIn,
            "A stale `version` (someone marked or waived the item since you read it) "
            "answers 409 `stale_version`; no decision is logged and nothing changes.",
        ),
    ],
)


class PhaseProgressOut(Schema):
    phase_id: Id
    phase: str
    total: int
    met: int
    waived: int
    open: int
    is_current: bool


def progress_out(access: Any, p: Any) -> dict[str, Any]:
    return {
        "phase_id": p.phase.pk,
        "phase": p.phase.name,
        "total": p.total,
        "met": p.met,
        "waived": p.waived,
        "open": p.open,
        "is_current": p.is_current,
    }


child_routes(
    router,
    "/lab/engagements/{engagement_id}/progress",
    module=__name__,
    names=Names("phase_progress", "progress", renamed={"list": "progress"}),
    out=PhaseProgressOut,
    parent=access_engagement,
    listing=selectors.phase_progress,
    present=progress_out,
    summaries={"list": "Checklist progress per phase"},
)


# Qualification, composition, readiness ------------------------------------------------------


class AssessmentOut(Schema):
    id: int
    criterion: str
    label: str
    met: bool | None = Field(..., description="None until assessed.")
    evidence: str
    version: int

    @staticmethod
    def resolve_label(obj: QualificationAssessment) -> str:
        return obj.get_criterion_display()


class AssessmentPatch(VersionedInput):
    met: bool | None = Field(..., description="true, false, or null for not assessed.")
    evidence: str = ""


child_routes(
    router,
    "/lab/engagements/{engagement_id}/qualification",
    module=__name__,
    names=Names("assessment", "qualification"),
    out=AssessmentOut,
    parent=access_engagement,
    listing=selectors.qualification,
    summaries={"list": "The five qualification criteria of an engagement"},
)


record_action(
    router,
    "patch",
    "/lab/qualification/{assessment_id}",
    module=__name__,
    name="assess",
    find=access_assessment,
    act=with_fields(services.assess_criterion),
    payload=AssessmentPatch,
    out=AssessmentOut,
    summary="Assess one criterion, with evidence",
)


class CompositionRuleOut(Schema):
    key: str
    label: str
    ok: bool
    detail: str


child_routes(
    router,
    "/lab/engagements/{engagement_id}/composition",
    module=__name__,
    names=Names("composition_rule", "composition", renamed={"list": "composition"}),
    out=CompositionRuleOut,
    parent=access_engagement,
    listing=selectors.composition,
    summaries={"list": "The team composition rules, checked live"},
)


class ReadinessCell(Schema):
    person_id: Id
    course_id: Id
    state: CellState


class NamedOut(Schema):
    id: int
    name: str


class TrainingReadinessOut(Schema):
    people: list[NamedOut]
    courses: list[NamedOut]
    cells: list[ReadinessCell] = Field(..., description="Only pairs the person's roles require.")
    missing: list[ReadinessCell] = Field(..., description="Required and not completed.")


def readiness_out(access: Any, engagement: Any) -> dict[str, Any]:
    result = selectors.readiness(access, engagement)
    return {
        "people": [{"id": p.pk, "name": p.name} for p in result.people],
        "courses": [{"id": c.pk, "name": c.name} for c in result.courses],
        "cells": [
            {"person_id": person, "course_id": course, "state": state}
            for (person, course), state in result.cells.items()
        ],
        "missing": [
            {"person_id": p.pk, "course_id": c.pk, "state": result.cells[(p.pk, c.pk)]}
            for p, c in result.missing
        ],
    }


record_view(
    router,
    "/lab/engagements/{engagement_id}/readiness",
    module=__name__,
    name="readiness",
    find=access_engagement,
    show=readiness_out,
    out=TrainingReadinessOut,
    summary="Training readiness: people × the courses their roles require",
)


# Training ---------------------------------------------------------------------------------


class CourseOut(Schema):
    id: int
    name: str
    provider: str
    hours: Decimal | None
    audience_roles: list[str]
    version: int


class CourseIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    provider: str = Field("", max_length=200)
    hours: Decimal | None = Field(None, ge=0)
    audience_roles: list[RoleName] = []


CoursePatch = patch_of(CourseIn, "CoursePatch")

record_routes(
    router,
    "/lab/courses",
    "course_id",
    module=__name__,
    names=Names("course", "courses"),
    out=CourseOut,
    find=access_course,
    listing=(None, selectors.courses),
    create=(CourseIn, with_fields(services.create_course)),
    update=(CoursePatch, update_with_version(services.update_course)),
    delete=services.delete_course,
    summaries={
        "list": "Courses",
        "create": "Add a course",
        "get": "One course",
        "update": "Edit a course",
        "delete": "Delete a course without records",
    },
)


class RequirementOut(Schema):
    id: int
    role: str
    course_id: Id
    course: str

    @staticmethod
    def resolve_course(obj: RequiredTraining) -> str:
        return obj.course.name


class RequirementIn(Input):
    role: RoleName
    course_id: Id


record_routes(
    router,
    "/lab/required-training",
    "requirement_id",
    module=__name__,
    names=Names("requirement", "requirements"),
    out=RequirementOut,
    find=access_required_training,
    listing=(None, selectors.required_training),
    create=(RequirementIn, with_fields(services.require_training, references)),
    delete=services.unrequire_training,
    get=False,
    summaries={
        "list": "Training required per role",
        "create": "Require a course for a role",
        "delete": "Stop requiring a course for a role",
    },
)


class RecordOut(Schema):
    id: int
    person_id: Id
    course_id: Id
    status: TrainingStatusName
    completed_on: dt.date | None
    version: int


class RecordIn(Input):
    person_id: Id
    course_id: Id
    status: TrainingStatusName = "planned"
    completed_on: dt.date | None = Field(None, description="Completed only; today if left out.")


RecordPatch = patch_of(
    RecordIn, "RecordPatch", leave_out=("person_id", "course_id"), descriptions=False
)


class RecordFilters(Filters):
    person: Id | None = Field(None, description="A person id.")
    course: Id | None = Field(None, description="A course id.")


record_routes(
    router,
    "/lab/training-records",
    "training_record_id",
    module=__name__,
    names=Names("record", "records"),
    out=RecordOut,
    find=access_training_record,
    listing=(RecordFilters, selectors.training_records),
    create=(RecordIn, with_fields(services.record_training, references)),
    update=(RecordPatch, update_with_version(services.update_training_record)),
    delete=services.delete_training_record,
    get=False,
    summaries={
        "list": "Training records",
        "create": "Record a person's training",
        "update": "Update a training record",
        "delete": "Delete a training record",
    },
)
