"""Gates: entering a phase needs its pre-conditions met or waived; waivers need waive_gates."""

from __future__ import annotations

import pytest

from northline.lab.engagements import services
from northline.lab.models import ChecklistItem, EngagementStatus
from northline.lab.tests.conftest import Lab, fresh, person_of, qualify, train
from northline.lib.errors import Conflict, Forbidden, Invalid, StaleVersion
from northline.orgs.models import Event
from northline.strategy.models import Decision, DecisionLink
from northline.testing import Cast


def align_item(lab: Lab, check_key: str = "", text_start: str = "") -> ChecklistItem:
    items = ChecklistItem.objects.filter(
        engagement=lab.engagement, phase__key="align", kind="precondition"
    )
    if check_key:
        return items.get(check_key=check_key)
    return items.get(text__startswith=text_start)


def sponsor_item(lab: Lab) -> ChecklistItem:
    return align_item(lab, text_start="An executive sponsor")


def meet(cast: Cast, item: ChecklistItem) -> None:
    services.set_item_state(
        cast.owner_access, item, version=item.version, state="met", evidence="Minutes of 3 May."
    )


def test_it_starts_a_new_engagement_in_qualify_as_a_candidate(cast: Cast, lab: Lab) -> None:
    engagement = fresh(lab.engagement)
    assert engagement.current_phase.key == "qualify"
    assert engagement.status == "candidate"
    # The default playbook's Align has three pre-conditions; every phase is copied.
    assert align_item(lab, "qualified").state == "open"
    assert ChecklistItem.objects.filter(engagement=engagement, phase__key="align").count() == 11


def test_it_refuses_align_naming_each_unmet_precondition_and_changes_nothing(
    cast: Cast, lab: Lab
) -> None:
    engagement = fresh(lab.engagement)
    events_before = Event.objects.count()
    with pytest.raises(Conflict) as refused:
        services.advance_phase(cast.owner_access, engagement, version=engagement.version)
    assert refused.value.code == "gate_closed"
    assert set(refused.value.fields.values()) == {
        "All five qualification criteria are met.",
        "A product owner is named and has finished the training their role requires.",
        "An executive sponsor has committed to backing the team's way of working.",
    }
    after = fresh(lab.engagement)
    assert (after.current_phase.key, after.status, after.version) == ("qualify", "candidate", 1)
    assert Event.objects.count() == events_before


def test_it_refuses_align_while_the_product_owner_lacks_the_required_course(
    cast: Cast, lab: Lab
) -> None:
    qualify(cast, lab.engagement)
    meet(cast, sponsor_item(lab))
    engagement = fresh(lab.engagement)
    assert engagement.status == "qualified"
    with pytest.raises(Conflict) as refused:
        services.advance_phase(cast.owner_access, engagement, version=engagement.version)
    item = align_item(lab, "product_owner_trained")
    assert refused.value.fields == {f"item_{item.pk}": item.text}
    assert fresh(lab.engagement).current_phase.key == "qualify"


def test_it_enters_align_once_the_product_owner_is_trained(cast: Cast, lab: Lab) -> None:
    qualify(cast, lab.engagement)
    meet(cast, sponsor_item(lab))
    train(cast, lab.pat, lab.course)
    engagement = fresh(lab.engagement)
    services.advance_phase(cast.owner_access, engagement, version=engagement.version)
    after = fresh(lab.engagement)
    assert (after.current_phase.key, after.status) == ("align", "aligning")


def test_it_enters_align_when_a_waive_gates_holder_waives_the_training(
    cast: Cast, lab: Lab
) -> None:
    qualify(cast, lab.engagement)
    meet(cast, sponsor_item(lab))
    item = align_item(lab, "product_owner_trained")
    services.waive_item(
        cast.owner_access, item, reason="Pat starts the course next week; the sponsor vouches."
    )
    engagement = fresh(lab.engagement)
    services.advance_phase(cast.owner_access, engagement, version=engagement.version)
    assert fresh(lab.engagement).status == "aligning"

    item.refresh_from_db()
    assert item.state == "waived"
    assert item.waiver_reason == "Pat starts the course next week; the sponsor vouches."
    assert item.decided_by == cast.owner
    assert item.waiver_decision is not None
    decision = item.waiver_decision
    assert decision.topic == "lab"
    assert decision.made_by_body == lab.body
    assert decision.made_by_person == person_of(cast, cast.owner)
    assert decision.decision == "Pat starts the course next week; the sponsor vouches."
    assert DecisionLink.objects.filter(
        decision=decision, object_type="lab.engagement", object_id=str(lab.engagement.pk)
    ).exists()


def test_it_refuses_a_waiver_from_an_editor_outside_the_waiving_body(cast: Cast, lab: Lab) -> None:
    item = align_item(lab, "product_owner_trained")
    with pytest.raises(Forbidden) as refused:
        services.waive_item(cast.access(cast.editor), item, reason="Because.")
    assert "waive_gates" in refused.value.message
    item.refresh_from_db()
    assert (item.state, item.version) == ("open", 1)
    assert not Decision.objects.filter(topic="lab").exists()


def test_it_refuses_a_waiver_from_a_body_without_the_authority(cast: Cast, lab: Lab) -> None:
    from northline.strategy import services as strategy

    strategy.create_body(
        cast.owner_access,
        name="Release train",
        kind="other",
        authorities=["approve_releases"],
        members=[person_of(cast, cast.editor)],
    )
    with pytest.raises(Forbidden):
        services.waive_item(
            cast.access(cast.editor), align_item(lab, "product_owner_trained"), reason="Why not."
        )


def test_it_refuses_a_waiver_without_a_reason(cast: Cast, lab: Lab) -> None:
    with pytest.raises(Invalid) as refused:
        services.waive_item(cast.owner_access, align_item(lab, "qualified"), reason="  ")
    assert refused.value.fields == {"reason": "A reason is required."}


def test_it_will_not_mark_an_automatic_item_met_by_hand(cast: Cast, lab: Lab) -> None:
    item = align_item(lab, "product_owner_trained")
    with pytest.raises(Conflict) as refused:
        services.set_item_state(cast.owner_access, item, version=item.version, state="met")
    assert refused.value.code == "automatic_item"


def test_it_refuses_a_stale_item_version_and_changes_nothing(cast: Cast, lab: Lab) -> None:
    item = sponsor_item(lab)
    meet(cast, item)
    with pytest.raises(StaleVersion):
        services.set_item_state(
            cast.owner_access, item.__class__.objects.get(pk=item.pk), version=1, state="open"
        )
    item.refresh_from_db()
    assert (item.state, item.version, item.evidence) == ("met", 2, "Minutes of 3 May.")


def test_it_refuses_a_stale_engagement_version_on_advance(cast: Cast, lab: Lab) -> None:
    qualify(cast, lab.engagement)  # bumps the engagement's version (candidate → qualified)
    with pytest.raises(StaleVersion):
        services.advance_phase(cast.owner_access, fresh(lab.engagement), version=1)
    assert fresh(lab.engagement).current_phase.key == "qualify"


def test_it_enters_build_only_when_composition_holds(cast: Cast, lab: Lab) -> None:
    qualify(cast, lab.engagement)
    meet(cast, sponsor_item(lab))
    train(cast, lab.pat, lab.course)
    access = cast.owner_access
    services.advance_phase(access, fresh(lab.engagement), version=fresh(lab.engagement).version)
    for item in ChecklistItem.objects.filter(
        engagement=lab.engagement, phase__key="build", kind="precondition", check_key=""
    ):
        meet(cast, item)
    # 3 of 4 co-located, 3 employees, Dev is an employee, Pat trained: composition holds, so
    # only the DevOps plan item (a manual one) remains.
    with pytest.raises(Conflict) as refused:
        services.advance_phase(access, fresh(lab.engagement), version=fresh(lab.engagement).version)
    plan = ChecklistItem.objects.get(engagement=lab.engagement, check_key="devops_plan")
    assert refused.value.fields == {f"item_{plan.pk}": plan.text}
    meet(cast, plan)
    services.advance_phase(access, fresh(lab.engagement), version=fresh(lab.engagement).version)
    assert fresh(lab.engagement).status == EngagementStatus.IN_RESIDENCE


def test_it_graduates_and_pivots_with_reasons_logged_as_decisions(cast: Cast, lab: Lab) -> None:
    access = cast.owner_access
    with pytest.raises(Conflict) as refused:
        services.graduate(access, fresh(lab.engagement), reason="Done.")
    assert refused.value.code == "not_in_residence"
    with pytest.raises(Invalid):
        services.pivot_away(access, fresh(lab.engagement), reason="")
    services.pivot_away(access, fresh(lab.engagement), reason="The ministry paused the service.")
    after = fresh(lab.engagement)
    assert (after.status, after.closing_reason) == (
        "pivoted_away",
        "The ministry paused the service.",
    )
    decision = Decision.objects.get(topic="lab")
    assert decision.title == "Pivoted away: Online permits"
    assert decision.decision == "The ministry paused the service."
    with pytest.raises(Conflict) as closed:
        services.advance_phase(access, after, version=after.version)
    assert closed.value.code == "engagement_closed"


def test_it_graduates_an_engagement_in_residence(cast: Cast, lab: Lab) -> None:
    access = cast.owner_access
    engagement = fresh(lab.engagement)
    # Straight into residence for this test: the gates are tested above.
    engagement.status = "in_residence"
    engagement.save(update_fields=["status"])
    services.graduate(access, fresh(lab.engagement), reason="The team runs the service itself.")
    assert fresh(lab.engagement).status == "graduated"
    assert Decision.objects.get(topic="lab").title == "Graduated: Online permits"
