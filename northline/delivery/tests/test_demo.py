"""The demo's matrix shows impactor, impactee, acknowledged, unacknowledged and late cells."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from northline.delivery import selectors
from northline.delivery.models import CalendarFeed, Release
from northline.delivery.tests.conftest import cell_states
from northline.orgs.access import access_organization
from northline.orgs.demo import load_demo

pytestmark = pytest.mark.django_db


def test_it_loads_a_matrix_with_every_kind_of_cell() -> None:
    load_demo()
    access = access_organization(User.objects.get(username="amara"), "ministry-of-coast")
    matrix = selectors.matrix(access)

    assert [release.name for release, _ in matrix.releases if release] == [
        "Spring service update",
        "Summer permits release",
    ]
    assert Release.objects.filter(organization=access.organization).count() == 2
    cells = cell_states(matrix)
    experiment = "A/B test: plain-language permit status"
    assert cells[(experiment, "Permits Online")] == ("impactor", False, "ok")
    assert cells[(experiment, "Contact Centre")] == ("impactee", True, "ok")
    assert cells[(experiment, "Training")] == ("impactee", False, "late")
    assert cells[("Renewal reminders by text message", "Licensing Branch")] == (
        "impactee",
        False,
        "unacknowledged",
    )
    kinds = {(role, acknowledged, risk) for role, acknowledged, risk in cells.values()}
    assert {"impactor", "impactee"} == {role for role, _, _ in kinds}
    assert {True, False} <= {ack for role, ack, _ in kinds if role == "impactee"}
    assert {"ok", "late", "unacknowledged"} <= {risk for _, _, risk in kinds}
    assert CalendarFeed.objects.filter(organization=access.organization).count() == 1
