"""The demo loader: two organizations, people, teams and a real history, loaded once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from northline.orgs.demo import DEMO_PASSWORD, load_demo
from northline.orgs.models import (
    Event,
    Membership,
    Organization,
    Person,
    Team,
    TeamKind,
    TeamMember,
    TeamRole,
)

pytestmark = pytest.mark.django_db


def test_it_loads_a_lab_and_its_partner_ministry():
    steps = []

    info = load_demo(progress=lambda index, total, label: steps.append((index, total, label)))

    assert info.created
    assert (info.username, info.password) == ("demo", "northline-demo")
    assert sorted(Organization.objects.values_list("slug", flat=True)) == [
        "harbour-lab",
        "ministry-of-coast",
    ]
    roles = dict(
        Membership.objects.filter(user__username="demo").values_list("organization__slug", "role")
    )
    assert roles == {"harbour-lab": "owner", "ministry-of-coast": "admin"}
    assert steps[0] == (1, len(steps), "users")
    assert steps[-1][0] == steps[-1][1]


def test_it_gives_the_logins_it_prints():
    info = load_demo()

    for login in info.logins:
        user = get_user_model().objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD)
    lab_roles = dict(
        Membership.objects.filter(organization__slug="harbour-lab").values_list(
            "user__username", "role"
        )
    )
    # Amara, the ministry's sponsor, joins the lab to initial its residency agreements.
    assert lab_roles == {"demo": "owner", "nadia": "editor", "tomas": "viewer", "amara": "editor"}


def test_it_fills_teams_with_people_in_every_role():
    load_demo()

    assert Person.objects.count() >= 12
    assert Person.objects.exclude(title="").count() >= 12
    assert set(Team.objects.values_list("kind", flat=True)) == set(TeamKind.values)
    for slug in ("harbour-lab", "ministry-of-coast"):
        assert Team.objects.filter(organization__slug=slug).count() >= 3
    roles_present = {
        role for roles in TeamMember.objects.values_list("roles", flat=True) for role in roles
    }
    assert roles_present == set(TeamRole.values)
    flags = set(TeamMember.objects.values_list("is_employee", "co_located"))
    assert flags == {(True, True), (True, False), (False, True), (False, False)}


def test_it_writes_a_history_with_updates_by_the_demo_user():
    load_demo()

    assert Event.objects.filter(actor__username="demo", verb="created").count() >= 30
    rename = Event.objects.get(verb="updated", object_type="orgs.team")
    assert rename.actor_name == "demo"
    assert rename.changes == {"name": ["Permit Modernization", "Permits Online"]}
    role_change = Event.objects.get(verb="updated", object_type="orgs.teammember")
    assert role_change.changes == {"roles": [["member"], ["scrum_master", "member"]]}


def test_it_reuses_the_demo_on_a_second_run():
    load_demo()
    counts = {model: model.objects.count() for model in (Organization, Person, Team, Event)}

    again = load_demo()

    assert not again.created
    assert {model: model.objects.count() for model in counts} == counts
