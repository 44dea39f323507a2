"""Reads of the lab that pages and the API share: the playbook, engagements and their
checklists, phase progress, composition and training readiness."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from northline.lab.engagements import rules
from northline.lab.engagements.rules import RuleState
from northline.lab.models import (
    ChecklistItem,
    ChecklistState,
    Course,
    Engagement,
    Phase,
    PhaseItem,
    QualificationAssessment,
    RequiredTraining,
    TrainingRecord,
)
from northline.orgs.access import Access
from northline.orgs.models import Person, TeamMember, TeamRole

__all__ = [
    "PhaseProgress",
    "Readiness",
    "RuleState",
    "composition",
    "phase_progress",
    "readiness",
]


# Plain reads -----------------------------------------------------------------------------


def phases(access: Access) -> QuerySet[Phase]:
    return Phase.objects.filter(organization=access.organization)


def phase_items(access: Access, phase: Phase | None = None) -> QuerySet[PhaseItem]:
    queryset = PhaseItem.objects.filter(organization=access.organization).select_related("phase")
    if phase is not None:
        queryset = queryset.filter(phase=phase)
    return queryset.order_by("phase__position", "phase_id", "kind", "position", "id")


def engagements(
    access: Access, *, status: str | None = None, phase: int | None = None
) -> QuerySet[Engagement]:
    queryset = Engagement.objects.filter(organization=access.organization).select_related(
        "team", "product_owner", "executive_sponsor", "current_phase"
    )
    if status:
        queryset = queryset.filter(status=status)
    if phase is not None:
        queryset = queryset.filter(current_phase_id=phase)
    return queryset


def checklist(access: Access, engagement: Engagement) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(
        organization=access.organization, engagement=engagement
    ).select_related("phase", "decided_by", "waiver_decision", "engagement")


def qualification(access: Access, engagement: Engagement) -> QuerySet[QualificationAssessment]:
    return QualificationAssessment.objects.filter(
        organization=access.organization, engagement=engagement
    )


def courses(access: Access) -> QuerySet[Course]:
    return Course.objects.filter(organization=access.organization)


def required_training(access: Access) -> QuerySet[RequiredTraining]:
    return RequiredTraining.objects.filter(organization=access.organization).select_related(
        "course"
    )


def training_records(
    access: Access, *, person: int | None = None, course: int | None = None
) -> QuerySet[TrainingRecord]:
    queryset = TrainingRecord.objects.filter(organization=access.organization).select_related(
        "person", "course"
    )
    if person is not None:
        queryset = queryset.filter(person_id=person)
    if course is not None:
        queryset = queryset.filter(course_id=course)
    return queryset.order_by("person__name", "course__name", "id")


# Checklists and progress -------------------------------------------------------------------


@dataclass
class CheckedItem:
    """A checklist item with the state a gate reads (automatic items evaluated live)."""

    item: ChecklistItem
    state: str
    detail: str = ""

    @property
    def automatic(self) -> bool:
        return self.item.check_key in rules.AUTO_CHECKS


def checked_items(access: Access, engagement: Engagement) -> list[CheckedItem]:
    cache: dict[str, tuple[bool, str]] = {}
    result = []
    for item in checklist(access, engagement):
        item.engagement = engagement
        state = rules.effective_state(item, cache)
        detail = cache[item.check_key][1] if item.check_key in cache else ""
        result.append(CheckedItem(item, state, detail))
    return result


@dataclass
class PhaseProgress:
    """How far an engagement is through one phase's checklist."""

    phase: Phase
    total: int = 0
    met: int = 0
    waived: int = 0
    open: int = 0
    is_current: bool = False
    items: list[CheckedItem] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.met + self.waived


def phase_progress(access: Access, engagement: Engagement) -> list[PhaseProgress]:
    by_phase: dict[int, list[CheckedItem]] = defaultdict(list)
    for checked in checked_items(access, engagement):
        by_phase[checked.item.phase_id].append(checked)
    result = []
    for phase in phases(access):
        items = by_phase.get(phase.pk, [])
        result.append(
            PhaseProgress(
                phase=phase,
                total=len(items),
                met=sum(1 for c in items if c.state == ChecklistState.MET),
                waived=sum(1 for c in items if c.state == ChecklistState.WAIVED),
                open=sum(1 for c in items if c.state == ChecklistState.OPEN),
                is_current=phase.pk == engagement.current_phase_id,
                items=items,
            )
        )
    return result


def next_phase(access: Access, engagement: Engagement) -> Phase | None:
    return phase_after(list(phases(access)), engagement.current_phase_id)


def phase_after(ordered: list[Phase], current_phase_id: int | None) -> Phase | None:
    """The phase an engagement enters next, from the playbook's phases in order: the first one
    before any; None after the last, or when its phase is no longer in the playbook."""
    if current_phase_id is None:
        return ordered[0] if ordered else None
    ids = [phase.pk for phase in ordered]
    if current_phase_id not in ids:
        return None
    index = ids.index(current_phase_id)
    return ordered[index + 1] if index + 1 < len(ordered) else None


def composition(access: Access, engagement: Engagement) -> list[RuleState]:
    return rules.composition(engagement)


# Readiness ---------------------------------------------------------------------------------


@dataclass
class Readiness:
    """People of an engagement × the courses required for their roles.

    ``cells`` holds only the pairs where the course is required for one of the person's roles;
    ``missing`` lists those pairs not completed yet (planned, in progress or no record).
    """

    people: list[Person]
    courses: list[Course]
    cells: dict[tuple[int, int], str]
    missing: list[tuple[Person, Course]]
    roles: dict[int, list[str]] = field(default_factory=dict)

    @property
    def required(self) -> int:
        return len(self.cells)

    @property
    def completed(self) -> int:
        return sum(1 for state in self.cells.values() if state == "completed")


def roles_of(engagement: Engagement) -> tuple[list[Person], dict[int, list[str]]]:
    """The engagement's people and their roles: the team's members, the product owner and the
    executive sponsor (who need not be on the team)."""
    people: dict[int, Person] = {}
    roles: dict[int, list[str]] = defaultdict(list)
    if engagement.team_id is not None:
        for member in TeamMember.objects.filter(team_id=engagement.team_id).select_related(
            "person"
        ):
            people[member.person_id] = member.person
            roles[member.person_id].extend(
                r for r in member.roles if r not in roles[member.person_id]
            )
    for person, role in (
        (engagement.product_owner, TeamRole.PRODUCT_OWNER),
        (engagement.executive_sponsor, TeamRole.EXECUTIVE_SPONSOR),
    ):
        if person is not None:
            people[person.pk] = person
            if role not in roles[person.pk]:
                roles[person.pk].append(role)
    ordered = sorted(people.values(), key=lambda p: (p.name, p.pk))
    return ordered, dict(roles)


def readiness(access: Access, engagement: Engagement) -> Readiness:
    people, roles = roles_of(engagement)
    by_role: dict[str, list[Course]] = defaultdict(list)
    for requirement in required_training(access):
        by_role[requirement.role].append(requirement.course)
    records = {
        (record.person_id, record.course_id): record.status
        for record in TrainingRecord.objects.filter(
            organization=access.organization, person__in=[p.pk for p in people]
        )
    }
    cells: dict[tuple[int, int], str] = {}
    used: dict[int, Course] = {}
    missing: list[tuple[Person, Course]] = []
    for person in people:
        for role in roles.get(person.pk, []):
            for course in by_role.get(role, []):
                key = (person.pk, course.pk)
                if key in cells:
                    continue
                used[course.pk] = course
                cells[key] = records.get(key, "missing")
                if cells[key] != "completed":
                    missing.append((person, course))
    return Readiness(
        people=people,
        courses=sorted(used.values(), key=lambda c: (c.name, c.pk)),
        cells=cells,
        missing=missing,
        roles=roles,
    )
