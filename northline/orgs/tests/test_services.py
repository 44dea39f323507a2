"""Service-layer rules: one transaction per call, append-only history, versions."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from northline.lib.context import acting_from
from northline.lib.errors import Forbidden, Invalid, StaleVersion
from northline.orgs import services
from northline.orgs.models import Event, Membership, Organization, Person, Team
from northline.testing import Cast, make_user


def test_it_refuses_to_edit_or_delete_an_event(cast: Cast) -> None:
    event = Event.objects.filter(organization=cast.org).first()
    assert event is not None
    event.verb = "tampered"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        Event.objects.filter(pk=event.pk).update(verb="tampered")
    with pytest.raises(TypeError, match="append-only"):
        Event.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.verb == "created"


def test_it_writes_nothing_when_a_call_fails_half_way(db: None) -> None:
    """create_organization saves the org and the owner's membership before the owner's person;
    a 301-character display name fails that last step, which must take the others back."""
    founder = make_user("longname", first_name="A" * 150, last_name="B" * 150)
    with pytest.raises(Invalid) as refused:
        services.create_organization(founder, slug="long", name="Long Names Inc")
    assert set(refused.value.fields) == {"name"}
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()
    assert not Event.objects.exists()


def test_it_refuses_a_taken_slug_and_names_the_field(cast: Cast) -> None:
    organizations, events = Organization.objects.count(), Event.objects.count()
    with pytest.raises(Invalid) as refused:
        services.create_organization(cast.owner, slug="acme", name="Second Acme")
    assert refused.value.fields == {"slug": "Organization with this Slug already exists."}
    assert (Organization.objects.count(), Event.objects.count()) == (organizations, events)


def test_it_rolls_back_the_event_with_a_refused_update(cast: Cast) -> None:
    team = services.create_team(cast.owner_access, name="Benefits", kind="product")
    before = Event.objects.count()
    with pytest.raises(Invalid) as refused:
        services.update_team(cast.owner_access, team, version=1, name="", kind="product")
    assert refused.value.fields == {"name": "This field cannot be blank."}
    team.refresh_from_db()
    assert (team.name, team.version, Event.objects.count()) == ("Benefits", 1, before)


def test_it_lets_only_one_of_two_writers_with_the_same_version_win(cast: Cast) -> None:
    first = Team.objects.get(pk=services.create_team(cast.owner_access, name="A", kind="lab").pk)
    second = Team.objects.get(pk=first.pk)
    services.update_team(cast.owner_access, first, version=1, name="First wins")
    with pytest.raises(StaleVersion):
        services.update_team(cast.owner_access, second, version=1, name="Second loses")
    first.refresh_from_db()
    assert (first.name, first.version) == ("First wins", 2)


def test_it_makes_no_event_and_no_new_version_for_a_no_op_update(cast: Cast) -> None:
    team = services.create_team(cast.owner_access, name="Benefits", kind="product")
    before = Event.objects.count()
    services.update_team(cast.owner_access, team, version=1, name="Benefits")
    team.refresh_from_db()
    assert (team.version, Event.objects.count()) == (1, before)


def test_it_records_the_client_address_it_was_given(cast: Cast) -> None:
    with acting_from("203.0.113.7"):
        team = services.create_team(cast.owner_access, name="Benefits", kind="product")
    event = Event.objects.get(object_type="orgs.team", object_id=str(team.pk))
    assert event.client_address == "203.0.113.7"


def test_it_checks_the_role_inside_the_service_too(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        services.create_team(cast.access(cast.editor), name="Sneaky", kind="product")
    with pytest.raises(Forbidden):
        services.delete_organization(cast.access(cast.admin), confirm_slug="acme")
    assert not Team.objects.exists()


def test_it_keeps_one_person_per_login_in_an_organization(cast: Cast) -> None:
    with pytest.raises(Invalid) as refused:
        services.create_person(cast.owner_access, name="Olivia again", user=cast.owner)
    assert refused.value.fields == {"user": "Another person in this organization has this login."}
    assert Person.objects.filter(organization=cast.org, user=cast.owner).count() == 1


def test_the_database_also_refuses_a_duplicate_membership(cast: Cast) -> None:
    """Constraints guard invariants even for code that skips the services."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(organization=cast.org, user=cast.viewer, role="editor")


def test_it_refuses_weak_passwords_and_taken_usernames(db: None) -> None:
    make_user("taken")
    with pytest.raises(Invalid) as weak:
        services.create_user(username="newbie", password="123")
    assert "password" in weak.value.fields
    with pytest.raises(Exception, match="exists"):
        services.create_user(username="taken", password="a-long-and-unusual-phrase")
    user = services.create_user(username="newbie", password="a-long-and-unusual-phrase")
    assert user.check_password("a-long-and-unusual-phrase")
