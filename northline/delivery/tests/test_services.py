"""Acknowledgement, readiness, deciding with and without an override, stale versions and the
matrix's query budget."""

from __future__ import annotations

import pytest
from django.utils import timezone

from northline.delivery import selectors, services
from northline.delivery.models import Release
from northline.delivery.tests.conftest import cell_states
from northline.lib.errors import Conflict, Forbidden, StaleVersion
from northline.orgs import services as org_services
from northline.orgs.models import Event
from northline.strategy.models import Decision, DecisionLink
from northline.testing import Cast, assert_queries_constant


@pytest.fixture
def two_impactees(plan):
    release = plan.release(30)
    feature = plan.feature(release)
    contact = services.add_impact(plan.access, feature, team=plan.contact, role="impactee")
    training = services.add_impact(plan.access, feature, team=plan.training, role="impactee")
    services.add_impact(plan.access, feature, team=plan.builders, role="impactor")
    return release, contact, training


def test_it_records_who_acknowledged_and_when(cast: Cast, plan, two_impactees) -> None:
    _, contact, _ = two_impactees
    edith = cast.access(cast.editor)  # an editor on the Contact Centre
    before = timezone.now()
    impact = services.acknowledge(edith, contact)
    assert impact.acknowledged_by == cast.editor
    assert impact.acknowledged_at is not None and impact.acknowledged_at >= before
    event = Event.objects.filter(verb="acknowledged").get()
    assert event.actor == cast.editor
    assert event.object_id == str(contact.pk)


def test_it_lets_only_team_members_and_admins_acknowledge(cast: Cast, plan, two_impactees) -> None:
    training = two_impactees[2]
    # Edith is an editor but not on Training.
    with pytest.raises(Forbidden, match="Only a member of Training"):
        services.acknowledge(cast.access(cast.editor), training)
    # Victor is on Training, but a viewer.
    with pytest.raises(Forbidden):
        services.acknowledge(cast.access(cast.viewer), training)
    assert services.acknowledge(cast.access(cast.admin), training).acknowledged_by == cast.admin


def test_it_is_ready_once_every_impactee_acknowledged(plan, two_impactees) -> None:
    release, contact, training = two_impactees
    readiness = selectors.release_readiness(plan.access, release)
    assert readiness.ready is False
    assert [team.name for team in readiness.waiting] == ["Contact Centre", "Training"]
    services.acknowledge(plan.access, contact)
    assert [t.name for t in selectors.release_readiness(plan.access, release).waiting] == [
        "Training"
    ]
    services.acknowledge(plan.access, training)
    assert selectors.release_readiness(plan.access, release).ready is True


def test_it_refuses_to_decide_an_unready_release_naming_the_teams(plan, two_impactees) -> None:
    release, contact, _ = two_impactees
    services.acknowledge(plan.access, contact)
    with pytest.raises(Conflict) as refused:
        services.decide_release(plan.access, release, version=release.version)
    assert refused.value.code == "not_ready"
    assert refused.value.message == (
        "Not ready: Training has not acknowledged. "
        "Wait for them, or decide anyway with an override reason."
    )
    release.refresh_from_db()
    assert release.status == "planned"
    assert not Decision.objects.exists()


def test_it_decides_a_ready_release_without_a_log_entry(cast: Cast, plan, two_impactees) -> None:
    release, contact, training = two_impactees
    services.acknowledge(plan.access, contact)
    services.acknowledge(plan.access, training)
    decided = services.decide_release(plan.access, release, version=release.version)
    assert (decided.status, decided.decided_by, decided.override_reason) == (
        "decided",
        cast.owner,
        "",
    )
    assert decided.decided_at is not None
    assert not Decision.objects.exists()


def test_it_records_an_override_in_the_decision_log(plan, two_impactees) -> None:
    release, _, _ = two_impactees
    reason = "The fee change is law on the 1st; training follows in the first week."
    decided = services.decide_release(
        plan.access, release, version=release.version, override_reason=reason
    )
    assert (decided.status, decided.override_reason) == ("decided", reason)
    entry = Decision.objects.get()
    assert entry.topic == "delivery"
    assert entry.decision == reason
    assert entry.title == "Release “Spring update” decided before every impactee acknowledged"
    assert entry.context == "Still waiting for: Contact Centre, Training."
    # Made by the person who decided the release (the owner's Person), as the release says.
    assert decided.decided_by == plan.access.user
    assert entry.made_by_person is not None
    assert (entry.made_by_person.name, entry.made_by_person.user) == (
        "Olivia Owner",
        plan.access.user,
    )
    link = DecisionLink.objects.get(decision=entry)
    assert (link.object_type, link.object_id) == ("delivery.release", str(release.pk))


def test_it_refuses_a_stale_version_and_changes_nothing(plan) -> None:
    release = plan.release(30)
    services.update_release(plan.access, release, version=1, name="First edit")
    stale_copy = Release.objects.get(pk=release.pk)
    stale_copy.version = 1
    with pytest.raises(StaleVersion):
        services.update_release(plan.access, stale_copy, version=1, name="Second edit")
    assert Release.objects.get(pk=release.pk).name == "First edit"


def test_it_walks_a_release_through_its_statuses(plan) -> None:
    release = plan.release(30)
    release = services.decide_release(plan.access, release, version=release.version)
    with pytest.raises(Conflict):
        services.decide_release(plan.access, release, version=release.version)
    release = services.mark_released(plan.access, release, version=release.version)
    assert release.status == "released"
    with pytest.raises(Conflict):
        services.cancel_release(plan.access, release, version=release.version)


def test_it_shows_every_state_in_the_matrix(cast: Cast, plan) -> None:
    soon = plan.release(5, "Soon")
    later = plan.release(40, "Later")
    pilot = plan.feature(later, title="Pilot", kind="experiment")
    rush = plan.feature(soon, title="Rush")
    services.add_impact(plan.access, pilot, team=plan.builders, role="impactor")
    acknowledged = services.add_impact(plan.access, pilot, team=plan.contact, role="impactee")
    services.acknowledge(plan.access, acknowledged)
    services.add_impact(plan.access, pilot, team=plan.training, role="impactee")
    services.add_impact(plan.access, rush, team=plan.contact, role="impactee")

    matrix = selectors.matrix(plan.access)

    assert [(r.name if r else None, [f.title for f in fs]) for r, fs in matrix.releases] == [
        ("Soon", ["Rush"]),
        ("Later", ["Pilot"]),
    ]
    assert [team.name for team in matrix.teams] == ["Contact Centre", "Permits Online", "Training"]
    states = cell_states(matrix)
    assert states == {
        ("Pilot", "Permits Online"): ("impactor", False, "ok"),
        ("Pilot", "Contact Centre"): ("impactee", True, "ok"),
        ("Pilot", "Training"): ("impactee", False, "unacknowledged"),
        ("Rush", "Contact Centre"): ("impactee", False, "late"),
    }


def test_it_reads_the_matrix_in_a_constant_number_of_queries(plan) -> None:
    release = plan.release(30)
    counter = {"n": 0}

    def grow() -> None:
        for _ in range(3):
            counter["n"] += 1
            team = org_services.create_team(
                plan.access, name=f"Team {counter['n']}", kind="support"
            )
            feature = plan.feature(release, title=f"Feature {counter['n']}")
            services.add_impact(plan.access, feature, team=team, role="impactee")
            services.add_impact(plan.access, feature, team=plan.contact, role="impactee")

    grow()
    queries = assert_queries_constant(lambda: selectors.matrix(plan.access), grow)
    assert queries == 6
