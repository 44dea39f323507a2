"""The default playbook, editing it, and training readiness (DESIGN §2.7)."""

from __future__ import annotations

import pytest

from northline.lab.engagements import selectors, services
from northline.lab.models import Phase, PhaseItem
from northline.lab.tests.conftest import Lab, train
from northline.lib.errors import Conflict
from northline.orgs import services as org_services
from northline.testing import Cast, make_user


def test_a_new_organization_gets_the_default_playbook(db: None) -> None:
    founder = make_user("founder")
    org = org_services.create_organization(founder, slug="new-lab", name="New Lab")
    phases = list(Phase.objects.filter(organization=org).order_by("position"))
    assert [phase.key for phase in phases] == ["qualify", "align", "build", "graduate"]
    align = phases[1]
    keys = set(
        PhaseItem.objects.filter(phase=align, kind="precondition").values_list(
            "check_key", flat=True
        )
    )
    assert "product_owner_trained" in keys
    # Every phase says what it is for and how to tell it succeeded.
    for phase in phases:
        kinds = set(PhaseItem.objects.filter(phase=phase).values_list("kind", flat=True))
        assert "success_criterion" in kinds, phase.key


def test_a_phase_in_use_cannot_be_deleted(cast: Cast, lab: Lab) -> None:
    phase = lab.engagement.current_phase
    assert phase is not None
    with pytest.raises(Conflict):
        services.delete_phase(cast.owner_access, phase)
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_readiness_names_who_lacks_which_required_course(cast: Cast, lab: Lab) -> None:
    access = cast.owner_access
    before = selectors.readiness(access, lab.engagement)
    # Only Pat holds a role with required training (product owner → Agile fundamentals).
    assert before.cells == {(lab.pat.pk, lab.course.pk): "missing"}
    assert before.missing == [(lab.pat, lab.course)]
    services.record_training(access, person=lab.pat, course=lab.course, status="in_progress")
    during = selectors.readiness(access, lab.engagement)
    assert during.cells == {(lab.pat.pk, lab.course.pk): "in_progress"}
    assert during.missing == [(lab.pat, lab.course)]


def test_completing_the_course_makes_the_team_ready(cast: Cast, lab: Lab) -> None:
    train(cast, lab.pat, lab.course)
    after = selectors.readiness(cast.owner_access, lab.engagement)
    assert after.cells == {(lab.pat.pk, lab.course.pk): "completed"}
    assert after.missing == []
