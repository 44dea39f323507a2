"""The lab's rules that Northline checks by itself (DESIGN §2.7).

* **Product owner trained**: the engagement's product owner (its ``product_owner``, else the
  team member holding the product_owner role) has completed every course the organization
  requires for the product_owner role. No product owner → not trained.
* **Qualified**: all five qualification criteria are assessed as met.
* **Team composition**, read from the engagement's team (``TeamMember`` flags):
  at least two employees (``is_employee``) on the team; a trained product owner; a DevOps
  specialist, and if none of them is an employee (contracted) a written plan, recorded as the
  evidence of the engagement's checklist item with check key ``devops_plan`` once it is met;
  most of the team co-located: strictly more than half (50 % is not "most").

Checklist items whose ``check_key`` is in :data:`AUTO_CHECKS` are evaluated live: they count as
met while the check passes, whatever is stored, and only a waiver replaces the check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from northline.lab.models import (
    ChecklistItem,
    ChecklistState,
    Criterion,
    Engagement,
    QualificationAssessment,
    RequiredTraining,
    TrainingRecord,
    TrainingStatus,
)
from northline.orgs.models import Person, TeamMember, TeamRole

DEVOPS_PLAN = "devops_plan"
MIN_EMPLOYEES = 2


@dataclass(frozen=True)
class RuleState:
    """One composition rule of an engagement's team: whether it holds, and why."""

    key: str
    label: str
    ok: bool
    detail: str


def team_members(engagement: Engagement) -> list[TeamMember]:
    if engagement.team_id is None:
        return []
    return list(
        TeamMember.objects.filter(team_id=engagement.team_id)
        .select_related("person")
        .order_by("person__name", "id")
    )


def product_owner_of(
    engagement: Engagement, members: list[TeamMember] | None = None
) -> Person | None:
    if engagement.product_owner_id is not None:
        return engagement.product_owner
    for member in members if members is not None else team_members(engagement):
        if TeamRole.PRODUCT_OWNER in member.roles:
            return member.person
    return None


def untrained_courses(person: Person, role: str) -> list[str]:
    """Names of the courses required for ``role`` that ``person`` has not completed."""
    required = RequiredTraining.objects.filter(
        organization_id=person.organization_id, role=role
    ).select_related("course")
    done = set(
        TrainingRecord.objects.filter(person=person, status=TrainingStatus.COMPLETED).values_list(
            "course_id", flat=True
        )
    )
    return [r.course.name for r in required if r.course_id not in done]


def product_owner_trained(engagement: Engagement) -> tuple[bool, str]:
    owner = product_owner_of(engagement)
    if owner is None:
        return False, "No product owner is named."
    missing = untrained_courses(owner, TeamRole.PRODUCT_OWNER)
    if missing:
        return False, f"{owner.name} has not completed: {', '.join(missing)}."
    return True, f"{owner.name} has completed the product owner's required training."


def qualified(engagement: Engagement) -> tuple[bool, str]:
    met = QualificationAssessment.objects.filter(engagement=engagement, met=True).count()
    total = len(Criterion.values)
    if met == total:
        return True, f"All {total} criteria are met."
    return False, f"{met} of {total} criteria are met."


def composition(engagement: Engagement) -> list[RuleState]:
    members = team_members(engagement)
    size = len(members)
    employees = sum(1 for m in members if m.is_employee)
    co_located = sum(1 for m in members if m.co_located)
    devops = [m for m in members if TeamRole.DEVOPS_SPECIALIST in m.roles]
    trained, trained_detail = product_owner_trained(engagement)

    if not devops:
        devops_ok, devops_detail = False, "Nobody on the team is a DevOps specialist."
    elif any(m.is_employee for m in devops):
        devops_ok, devops_detail = True, f"{devops[0].person.name} is an employee."
    else:
        plan = (
            ChecklistItem.objects.filter(
                engagement=engagement, check_key=DEVOPS_PLAN, state=ChecklistState.MET
            )
            .exclude(evidence="")
            .first()
        )
        names = ", ".join(m.person.name for m in devops)
        if plan is None:
            devops_ok = False
            devops_detail = (
                f"{names} is contracted and there is no plan: meet the checklist item "
                "“DevOps plan” with the plan as evidence."
            )
        else:
            devops_ok, devops_detail = True, f"{names} is contracted; the plan is recorded."

    return [
        RuleState(
            "employees",
            "At least two employees of the business area",
            employees >= MIN_EMPLOYEES,
            f"{employees} employee{'s' if employees != 1 else ''} on the team.",
        ),
        RuleState("product_owner_trained", "A trained product owner", trained, trained_detail),
        RuleState(
            "devops", "A DevOps specialist (with a plan if contracted)", devops_ok, devops_detail
        ),
        RuleState(
            "co_located",
            "Most of the team co-located",
            # Strictly more than half: 2 of 4 is not "most".
            size > 0 and co_located * 2 > size,
            f"{co_located} of {size} co-located." if size else "The engagement has no team.",
        ),
    ]


def composition_ok(engagement: Engagement) -> tuple[bool, str]:
    failing = [rule.label for rule in composition(engagement) if not rule.ok]
    if failing:
        return False, "Failing: " + "; ".join(failing) + "."
    return True, "Every composition rule holds."


AUTO_CHECKS: dict[str, tuple[str, Callable[[Engagement], tuple[bool, str]]]] = {
    "product_owner_trained": ("Product owner trained", product_owner_trained),
    "qualified": ("All five criteria met", qualified),
    "composition_ok": ("Team composition rules hold", composition_ok),
}
# Keys an editor may give a playbook item: the automatic ones, and the manual DevOps plan.
CHECK_KEYS = {*AUTO_CHECKS, DEVOPS_PLAN}


def effective_state(item: ChecklistItem, cache: dict[str, tuple[bool, str]] | None = None) -> str:
    """The state a gate reads: a waiver stands; an automatic item is met while its check passes."""
    if item.state == ChecklistState.WAIVED or item.check_key not in AUTO_CHECKS:
        return item.state
    cache = cache if cache is not None else {}
    if item.check_key not in cache:
        cache[item.check_key] = AUTO_CHECKS[item.check_key][1](item.engagement)
    return ChecklistState.MET if cache[item.check_key][0] else ChecklistState.OPEN
