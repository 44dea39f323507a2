"""Every write to the playbook, engagements, checklists, qualification and training (STYLE §2).

Each function is one transaction: it checks the role and the rules, writes, and records the
audit event. Records another function points at (a team, a person, a course) may be passed as
instances or ids; one of another organization is "not found" (404).

Phases and statuses (DESIGN §2.7). A new engagement starts in the playbook's first phase as a
*candidate*; it becomes *qualified* while there once all five criteria are assessed as met
(and a candidate again if one is later judged unmet). Advancing enters the next phase only when
every pre-condition of that phase is met or waived; entering ``align`` makes it *aligning*,
entering ``build`` or ``graduate`` makes it *in residence*. *Graduated* and *pivoted away* are
reached only through :func:`graduate` and :func:`pivot_away`, each with a reason logged as a
decision. A phase with another key leaves the status as it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from northline.lab.engagements import rules, selectors
from northline.lab.models import (
    ChecklistItem,
    ChecklistState,
    Course,
    Criterion,
    Engagement,
    EngagementStatus,
    Phase,
    PhaseItem,
    PhaseItemKind,
    QualificationAssessment,
    RequiredTraining,
    TrainingRecord,
    TrainingStatus,
)
from northline.lib.errors import Conflict, Forbidden, Invalid
from northline.lib.text import sentences
from northline.orgs.access import Access, in_org
from northline.orgs.audit import check_version
from northline.orgs.models import Person, Team, TeamRole
from northline.orgs.services import (
    RecordWrites,
    add_record,
    change_record,
    create_record,
    delete_record,
    known_choices,
    refuse_unknown,
    remove_record,
    update_record,
)
from northline.strategy import selectors as strategy_selectors
from northline.strategy import services as strategy
from northline.strategy.models import Authority, CoalitionBody, DecisionStatus, DecisionTopic

PHASE_FIELDS = {"name", "key", "description"}
ITEM_FIELDS = {"kind", "text", "check_key", "position"}
ENGAGEMENT_FIELDS = {
    "title",
    "partner_organization",
    "business_area",
    "product",
    "team",
    "product_owner",
    "executive_sponsor",
    "start_date",
    "graduation_window_start",
    "graduation_window_end",
    "budget_low",
    "budget_high",
    "monthly_lab_cost",
    "currency",
}
COURSE_FIELDS = {"name", "provider", "hours", "audience_roles"}
RECORD_FIELDS = {"status", "completed_on"}
CLOSED = {EngagementStatus.GRADUATED, EngagementStatus.PIVOTED_AWAY}
STATUS_ON_ENTERING = {
    "align": EngagementStatus.ALIGNING,
    "build": EngagementStatus.IN_RESIDENCE,
    "graduate": EngagementStatus.IN_RESIDENCE,
}


# The playbook -----------------------------------------------------------------------------


def check_key_allowed(check_key: str) -> None:
    if check_key and check_key not in rules.CHECK_KEYS:
        raise Invalid(
            f"Unknown check key {check_key!r}.",
            fields={"check_key": "Use one of: " + ", ".join(sorted(rules.CHECK_KEYS)) + "."},
        )


@transaction.atomic
def create_phase(
    access: Access, *, name: str, key: str, description: str = "", position: int | None = None
) -> Phase:
    """A new phase, last in the playbook unless ``position`` says where."""
    access.require("write")
    ordered = list(Phase.objects.filter(organization=access.organization))
    phase = add_record(
        access,
        Phase(
            organization=access.organization,
            name=name,
            key=key,
            description=description,
            position=len(ordered),
        ),
    )
    if position is not None and position < len(ordered):
        move_phase(access, phase, position=position, version=phase.version)
    return phase


def update_phase(access: Access, phase: Phase, /, *, version: int, **changes: Any) -> Phase:
    return update_record(access, phase, version=version, changes=changes, editable=PHASE_FIELDS)


@transaction.atomic
def move_phase(access: Access, phase: Phase, *, position: int, version: int) -> Phase:
    """Put ``phase`` at ``position`` (0 first) and renumber the others in their order."""
    access.require("write")
    if phase.version != version:
        return change_record(access, phase, version=version, changes={})
    ordered = [
        p for p in Phase.objects.filter(organization=access.organization) if p.pk != phase.pk
    ]
    position = max(0, min(position, len(ordered)))
    ordered.insert(position, phase)
    for index, record in enumerate(ordered):
        if record.position != index:
            target = phase if record.pk == phase.pk else record
            change_record(access, target, version=target.version, changes={"position": index})
    return phase


@transaction.atomic
def delete_phase(access: Access, phase: Phase) -> None:
    """Only an unused phase goes: engagements' checklists keep their history."""
    access.require("write")
    in_use = (
        Engagement.objects.filter(current_phase=phase).count()
        + ChecklistItem.objects.filter(phase=phase).values("engagement").distinct().count()
    )
    if in_use:
        raise Conflict(
            f"{phase.name} is used by engagements; it can be renamed or reordered, not deleted.",
            code="phase_in_use",
        )
    for item in PhaseItem.objects.filter(phase=phase):
        remove_record(access, item)
    remove_record(access, phase)
    for index, record in enumerate(Phase.objects.filter(organization=access.organization)):
        if record.position != index:
            change_record(access, record, version=record.version, changes={"position": index})


@transaction.atomic
def create_phase_item(
    access: Access,
    phase: Phase,
    *,
    kind: str,
    text: str,
    check_key: str = "",
    position: int | None = None,
) -> PhaseItem:
    access.require("write")
    in_org(access, Phase, phase, "phase")
    check_key_allowed(check_key)
    if position is None:
        last = PhaseItem.objects.filter(phase=phase, kind=kind).aggregate(m=Max("position"))["m"]
        position = 0 if last is None else last + 1
    return add_record(
        access,
        PhaseItem(
            organization=access.organization,
            phase=phase,
            kind=kind,
            text=text,
            check_key=check_key,
            position=position,
        ),
    )


def clean_check_key(check_key: str | None) -> str:
    """An item's check, or none (empty) for an item ticked by hand."""
    check_key_allowed(check_key or "")
    return check_key or ""


PHASE_ITEMS = RecordWrites[PhaseItem](editable=ITEM_FIELDS, clean={"check_key": clean_check_key})
update_phase_item = PHASE_ITEMS.update


# Engagements keep their copies of a deleted item (their ``source`` becomes empty).
delete_phase_item = PHASE_ITEMS.delete


# Engagements --------------------------------------------------------------------------------


def resolve_engagement_fields(access: Access, fields: dict[str, Any]) -> dict[str, Any]:
    resolved = dict(fields)
    for name, model in (
        ("team", Team),
        ("product_owner", Person),
        ("executive_sponsor", Person),
    ):
        if name in resolved:
            resolved[name] = in_org(access, model, resolved[name], name)
    return resolved


def copy_checklist(access: Access, engagement: Engagement, phase: Phase) -> int:
    """Copy ``phase``'s playbook items into the engagement unless it already has them."""
    if ChecklistItem.objects.filter(engagement=engagement, phase=phase).exists():
        return 0
    count = 0
    for source in PhaseItem.objects.filter(phase=phase).order_by("kind", "position", "id"):
        add_record(
            access,
            ChecklistItem(
                organization=access.organization,
                engagement=engagement,
                phase=phase,
                source=source,
                kind=source.kind,
                text=source.text,
                check_key=source.check_key,
                position=source.position,
            ),
        )
        count += 1
    return count


@transaction.atomic
def create_engagement(access: Access, **fields: Any) -> Engagement:
    """A new engagement in the playbook's first phase, with a checklist for every phase and
    the five qualification criteria waiting to be assessed."""
    access.require("write")
    refuse_unknown(fields, ENGAGEMENT_FIELDS)
    phases = list(Phase.objects.filter(organization=access.organization))
    engagement = add_record(
        access,
        Engagement(
            organization=access.organization,
            current_phase=phases[0] if phases else None,
            status=EngagementStatus.CANDIDATE,
            **resolve_engagement_fields(access, fields),
        ),
    )
    for phase in phases:
        copy_checklist(access, engagement, phase)
    for criterion in Criterion.values:
        add_record(
            access,
            QualificationAssessment(
                organization=access.organization, engagement=engagement, criterion=criterion
            ),
        )
    return engagement


@transaction.atomic
def update_engagement(
    access: Access, engagement: Engagement, /, *, version: int, **changes: Any
) -> Engagement:
    """Details only: the phase and status move through advance, graduate and pivot away."""
    access.require("write")
    refuse_unknown(changes, ENGAGEMENT_FIELDS)
    resolved = resolve_engagement_fields(access, changes)
    for name in ("team", "product_owner", "executive_sponsor"):
        if name in resolved:
            resolved[name] = resolved[name].pk if resolved[name] is not None else None
    return change_record(access, engagement, version=version, changes=resolved)


def delete_engagement(access: Access, engagement: Engagement) -> None:
    delete_record(access, engagement)


def refuse_closed(engagement: Engagement) -> None:
    if engagement.status in CLOSED:
        raise Conflict(
            f"{engagement.title} is {engagement.get_status_display().lower()}; it no longer "
            "changes phase.",
            code="engagement_closed",
        )


def unmet_preconditions(
    access: Access, engagement: Engagement, phase: Phase
) -> list[ChecklistItem]:
    """The pre-conditions of ``phase`` that are neither met nor waived, automatic ones live."""
    cache: dict[str, tuple[bool, str]] = {}
    unmet = []
    for item in ChecklistItem.objects.filter(
        engagement=engagement, phase=phase, kind=PhaseItemKind.PRECONDITION
    ).order_by("position", "id"):
        item.engagement = engagement
        if rules.effective_state(item, cache) == ChecklistState.OPEN:
            unmet.append(item)
    return unmet


@transaction.atomic
def advance_phase(access: Access, engagement: Engagement, *, version: int) -> Engagement:
    """Enter the next phase if every one of its pre-conditions is met or waived.

    Refused with ``gate_closed`` naming each unmet pre-condition (field ``item_<id>``); nothing
    is changed then.
    """
    access.require("write")
    if engagement.version != version:
        return change_record(access, engagement, version=version, changes={})
    refuse_closed(engagement)
    target = selectors.next_phase(access, engagement)
    if target is None:
        raise Conflict(
            f"{engagement.title} is in the playbook's last phase; graduate it or pivot away.",
            code="no_next_phase",
        )
    # A phase added to the playbook after the engagement began gets its checklist now.
    copy_checklist(access, engagement, target)
    unmet = unmet_preconditions(access, engagement, target)
    if unmet:
        raise Conflict(
            f"{engagement.title} cannot enter {target.name}: "
            f"{len(unmet)} pre-condition{'s are' if len(unmet) != 1 else ' is'} neither met nor "
            "waived: " + sentences(item.text for item in unmet),
            code="gate_closed",
            fields={f"item_{item.pk}": item.text for item in unmet},
        )
    changes: dict[str, Any] = {"current_phase": target.pk}
    status = STATUS_ON_ENTERING.get(target.key)
    if status is not None:
        changes["status"] = status
    return change_record(access, engagement, version=version, changes=changes, verb="advanced")


def close(
    access: Access,
    engagement: Engagement,
    *,
    reason: str,
    status: str,
    verb: str,
    title: str,
    version: int | None,
) -> Engagement:
    access.require("write")
    # Before the decision is logged: a stale copy writes nothing at all.
    check_version(engagement, version)
    refuse_closed(engagement)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Say why.", fields={"reason": "A reason is required."})
    strategy.log_decision(
        access,
        title=f"{title}: {engagement.title}"[:200],
        topic=DecisionTopic.LAB,
        context=f"{engagement.partner_organization}, {engagement.get_status_display().lower()} "
        f"in {engagement.current_phase or 'no phase'}.",
        decision=reason,
        status=DecisionStatus.ACCEPTED,
        made_by_person=person_of(access),
        links=[engagement],
    )
    return change_record(
        access,
        engagement,
        version=engagement.version,
        changes={"status": status, "closing_reason": reason},
        verb=verb,
    )


@transaction.atomic
def graduate(
    access: Access, engagement: Engagement, *, reason: str, version: int | None = None
) -> Engagement:
    """Only an engagement in residence graduates; the reason goes into the decision log.
    ``version`` is the one the caller read (the API and the page always send it; None: a
    caller holding the row it just read)."""
    access.require("write")
    check_version(engagement, version)
    refuse_closed(engagement)
    if engagement.status != EngagementStatus.IN_RESIDENCE:
        raise Conflict(
            f"Only an engagement in residence graduates; {engagement.title} is "
            f"{engagement.get_status_display().lower()}.",
            code="not_in_residence",
        )
    return close(
        access,
        engagement,
        reason=reason,
        status=EngagementStatus.GRADUATED,
        verb="graduated",
        title="Graduated",
        version=version,
    )


@transaction.atomic
def pivot_away(
    access: Access, engagement: Engagement, *, reason: str, version: int | None = None
) -> Engagement:
    """Leave an engagement before graduation; the reason goes into the decision log."""
    return close(
        access,
        engagement,
        reason=reason,
        status=EngagementStatus.PIVOTED_AWAY,
        verb="pivoted away",
        title="Pivoted away",
        version=version,
    )


# Checklist items -----------------------------------------------------------------------------


def person_of(access: Access) -> Person | None:
    return Person.objects.filter(organization=access.organization, user_id=access.user.pk).first()


@transaction.atomic
def set_item_state(
    access: Access,
    item: ChecklistItem,
    *,
    version: int,
    state: str | None = None,
    evidence: str | None = None,
) -> ChecklistItem:
    """Mark an item open or met, with evidence. Waiving goes through :func:`waive_item`."""
    access.require("write")
    changes: dict[str, Any] = {}
    if evidence is not None:
        changes["evidence"] = evidence
    if state is not None:
        if state not in (ChecklistState.OPEN, ChecklistState.MET):
            raise Invalid(
                "An item is set open or met here; a waiver needs the waive action and a reason.",
                fields={"state": "Choose open or met."},
            )
        if state == ChecklistState.MET and item.check_key in rules.AUTO_CHECKS:
            raise Conflict(
                "Northline checks this item by itself; it is met when the check passes "
                f"({rules.AUTO_CHECKS[item.check_key][0].lower()}) or when it is waived.",
                code="automatic_item",
                fields={"state": "Checked automatically."},
            )
        changes["state"] = state
        if state != item.state:
            changes["waiver_reason"] = ""
    if item.version != version:
        return change_record(access, item, version=version, changes={})
    before = item.state
    updated = change_record(access, item, version=version, changes=changes)
    if state is not None and state != before:
        ChecklistItem.objects.filter(pk=item.pk).update(
            decided_by=access.user, decided_at=timezone.now(), waiver_decision=None
        )
        updated.decided_by, updated.decided_at = access.user, timezone.now()
        updated.waiver_decision = None
    return updated


def waiving_body(person: Person | None) -> CoalitionBody | None:
    """The coalition body a waiver is made in the name of (None: the person may not waive)."""
    return (
        None if person is None else strategy_selectors.body_holding(person, Authority.WAIVE_GATES)
    )


@transaction.atomic
def waive_item(
    access: Access, item: ChecklistItem, *, reason: str, version: int | None = None
) -> ChecklistItem:
    """Waive an item: only for a person in a coalition body holding ``waive_gates``, with a
    reason, logged as a decision that links the engagement and stored on the item.
    ``version`` is the item's as the caller read it: the API and the page always send it, so
    a stale one is refused before the decision is logged (None: a caller holding the row)."""
    access.require("write")
    person = person_of(access)
    body = waiving_body(person)
    if body is None:
        who = person.name if person is not None else access.user.get_username()
        raise Forbidden(
            f"Waiving needs the waive_gates authority: {who} does not belong to a coalition "
            "body that holds it."
        )
    check_version(item, version)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Say why the item is waived.", fields={"reason": "A reason is required."})
    if item.state == ChecklistState.WAIVED:
        raise Conflict("This item is already waived.", code="already_waived")
    engagement = item.engagement
    if engagement.status in CLOSED:
        refuse_closed(engagement)
    decision = strategy.log_decision(
        access,
        title=f"Waived for {engagement.title}: {item.text}"[:200],
        topic=DecisionTopic.LAB,
        context=f"{item.get_kind_display()} of {item.phase.name}: {item.text}",
        decision=reason,
        status=DecisionStatus.ACCEPTED,
        made_by_body=body,
        made_by_person=person,
        links=[engagement],
    )
    updated = change_record(
        access,
        item,
        version=item.version,
        changes={"state": ChecklistState.WAIVED, "waiver_reason": reason},
        verb="waived",
    )
    now = timezone.now()
    ChecklistItem.objects.filter(pk=item.pk).update(
        decided_by=access.user, decided_at=now, waiver_decision=decision
    )
    updated.decided_by, updated.decided_at, updated.waiver_decision = access.user, now, decision
    return updated


# Qualification ------------------------------------------------------------------------------


@transaction.atomic
def assess_criterion(
    access: Access,
    assessment: QualificationAssessment,
    *,
    version: int,
    met: bool | None,
    evidence: str = "",
) -> QualificationAssessment:
    """Judge one criterion; a judgement (yes or no) needs its evidence. While the engagement is
    in its first phase, all five met makes it qualified, and one unmet a candidate again."""
    access.require("write")
    evidence = (evidence or "").strip()
    if met is not None and not evidence:
        raise Invalid(
            "A judgement needs its evidence.",
            fields={"evidence": "Say what the judgement rests on."},
        )
    updated = change_record(
        access, assessment, version=version, changes={"met": met, "evidence": evidence}
    )
    engagement = Engagement.objects.get(pk=assessment.engagement_id)
    if engagement.status in (EngagementStatus.CANDIDATE, EngagementStatus.QUALIFIED):
        ok, _ = rules.qualified(engagement)
        status = EngagementStatus.QUALIFIED if ok else EngagementStatus.CANDIDATE
        if status != engagement.status:
            change_record(
                access, engagement, version=engagement.version, changes={"status": status}
            )
    return updated


# Training -----------------------------------------------------------------------------------


def clean_roles(roles: Any) -> list[str]:
    return known_choices(
        roles or [],
        TeamRole.values,
        unknown="Unknown roles",
        field="audience_roles",
        hint="Use team roles: ",
    )


@transaction.atomic
def create_course(
    access: Access,
    *,
    name: str,
    provider: str = "",
    hours: Any = None,
    audience_roles: Any = (),
) -> Course:
    access.require("write")
    return add_record(
        access,
        Course(
            organization=access.organization,
            name=name,
            provider=provider,
            hours=hours,
            audience_roles=clean_roles(audience_roles),
        ),
    )


def update_course(access: Access, course: Course, /, *, version: int, **changes: Any) -> Course:
    return update_record(
        access,
        course,
        version=version,
        changes=changes,
        editable=COURSE_FIELDS,
        clean={"audience_roles": clean_roles},
    )


@transaction.atomic
def delete_course(access: Access, course: Course) -> None:
    access.require("write")
    count = TrainingRecord.objects.filter(course=course).count()
    if count:
        raise Conflict(
            f"{course.name} has {count} training record{'s' if count != 1 else ''}; "
            "delete them first.",
            code="course_in_use",
        )
    for requirement in RequiredTraining.objects.filter(course=course):
        remove_record(access, requirement)
    remove_record(access, course)


@transaction.atomic
def require_training(access: Access, *, role: str, course: Course | int) -> RequiredTraining:
    access.require("write")
    if role not in TeamRole.values:
        raise Invalid(f"Unknown role {role!r}.", fields={"role": "Choose a team role."})
    return add_record(
        access,
        RequiredTraining(
            organization=access.organization,
            role=role,
            course=in_org(access, Course, course, "course"),
        ),
    )


def unrequire_training(access: Access, requirement: RequiredTraining) -> None:
    delete_record(access, requirement)


def check_completion(status: str, completed_on: dt.date | None) -> dt.date | None:
    if status == TrainingStatus.COMPLETED:
        return completed_on or timezone.localdate()
    if completed_on is not None:
        raise Invalid(
            "Only completed training has a completion date.",
            fields={"completed_on": "Leave empty unless the status is completed."},
        )
    return None


def record_training(
    access: Access,
    *,
    person: Person | int,
    course: Course | int,
    status: str = TrainingStatus.PLANNED,
    completed_on: dt.date | None = None,
) -> TrainingRecord:
    return create_record(
        access,
        TrainingRecord(
            organization=access.organization,
            person=in_org(access, Person, person, "person"),
            course=in_org(access, Course, course, "course"),
            status=status,
            completed_on=check_completion(status, completed_on),
        ),
    )


@transaction.atomic
def update_training_record(
    access: Access, record: TrainingRecord, /, *, version: int, **changes: Any
) -> TrainingRecord:
    access.require("write")
    refuse_unknown(changes, RECORD_FIELDS)
    status = changes.get("status", record.status)
    completed_on = changes.get(
        "completed_on", record.completed_on if status == record.status else None
    )
    changes["completed_on"] = check_completion(status, completed_on)
    return change_record(access, record, version=version, changes=changes)


def delete_training_record(access: Access, record: TrainingRecord) -> None:
    delete_record(access, record)
