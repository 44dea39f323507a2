"""Team composition rules at their boundaries (DESIGN §2.7)."""

from __future__ import annotations

from northline.lab.engagements import selectors, services
from northline.lab.models import ChecklistItem
from northline.lab.tests.conftest import Lab, train
from northline.orgs import services as org_services
from northline.testing import Cast


def rules(cast: Cast, lab: Lab) -> dict[str, bool]:
    return {r.key: r.ok for r in selectors.composition(cast.owner_access, lab.engagement)}


def set_member(cast: Cast, lab: Lab, person, **changes) -> None:
    member = lab.member(person)
    org_services.update_team_member(cast.owner_access, member, version=member.version, **changes)


def test_it_accepts_exactly_two_employees_and_refuses_one(cast: Cast, lab: Lab) -> None:
    # Pat, Dev and Emma are employees: 3.
    set_member(cast, lab, lab.emma, is_employee=False)
    assert rules(cast, lab)["employees"] is True  # exactly 2
    set_member(cast, lab, lab.dev, is_employee=False)
    assert rules(cast, lab)["employees"] is False  # 1


def test_it_does_not_count_half_the_team_co_located_as_most(cast: Cast, lab: Lab) -> None:
    # 3 of 4 co-located (Carl is not): most.
    assert rules(cast, lab)["co_located"] is True
    set_member(cast, lab, lab.emma, co_located=False)  # 2 of 4 = 50 %
    assert rules(cast, lab)["co_located"] is False


def test_it_counts_51_percent_co_located_as_most(cast: Cast, lab: Lab) -> None:
    access = cast.owner_access
    # The team of four (three co-located) grows to 100 with 96 more, 48 of them co-located.
    for index in range(96):
        person = org_services.create_person(access, name=f"Extra {index:02d}")
        org_services.add_team_member(
            access, lab.team, person=person, roles=["member"], co_located=index < 48
        )
    # 3 + 48 = 51 co-located of 100.
    assert rules(cast, lab)["co_located"] is True
    set_member(cast, lab, lab.pat, co_located=False)  # 50 of 100
    assert rules(cast, lab)["co_located"] is False


def test_it_wants_a_trained_product_owner(cast: Cast, lab: Lab) -> None:
    assert rules(cast, lab)["product_owner_trained"] is False
    train(cast, lab.pat, lab.course)
    assert rules(cast, lab)["product_owner_trained"] is True


def test_it_wants_a_plan_for_a_contracted_devops_specialist(cast: Cast, lab: Lab) -> None:
    assert rules(cast, lab)["devops"] is True  # Dev is an employee
    set_member(cast, lab, lab.dev, is_employee=False)
    assert rules(cast, lab)["devops"] is False
    plan = ChecklistItem.objects.get(engagement=lab.engagement, check_key="devops_plan")
    services.set_item_state(
        cast.owner_access,
        plan,
        version=plan.version,
        state="met",
        evidence="Mei shadows Dev for six months, then takes over the pipeline.",
    )
    assert rules(cast, lab)["devops"] is True


def test_it_wants_a_devops_specialist_at_all(cast: Cast, lab: Lab) -> None:
    set_member(cast, lab, lab.dev, roles=["member"])
    state = {r.key: r for r in selectors.composition(cast.owner_access, lab.engagement)}
    assert state["devops"].ok is False
    assert state["devops"].detail == "Nobody on the team is a DevOps specialist."
