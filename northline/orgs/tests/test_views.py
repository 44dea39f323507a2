"""The web UI shell, page by page, for each user who may and who may not."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from northline.orgs import services
from northline.orgs.models import (
    ApiToken,
    Event,
    Membership,
    Organization,
    Person,
    Role,
    Team,
    TeamMember,
)
from northline.testing import PASSWORD, Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast: Cast):
    """One person, one team with that person on it, in ``cast.org``; and a person elsewhere."""
    access = cast.owner_access
    person = services.create_person(access, name="Priya Patel", email="priya@example.org")
    team = services.create_team(access, name="Payments", kind="product")
    member = services.add_team_member(access, team, person=person, roles=["member"])
    elsewhere = services.create_person(cast.access(cast.outsider, cast.other_org), name="Eve")
    return {"person": person, "team": team, "member": member, "elsewhere": elsewhere}


def membership_of(cast: Cast, user) -> Membership:
    return Membership.objects.get(organization=cast.org, user=user)


def set_role(user: User, membership: Membership, role: str) -> Any:
    """``user`` gives ``membership`` the ``role`` through the members page, at version 1."""
    return signed_in(user).post(
        reverse("member_role", args=["acme", membership.pk]), {"role": role, "version": 1}
    )


def last_event() -> Event:
    return Event.objects.order_by("-id")[0]


# Who may see what ------------------------------------------------------------------------
# Every page for the anonymous visitor, an outsider, a viewer's writes and each member's reads:
# the generated walk, northline/tests/test_views_walk.py.


def test_it_answers_404_for_an_organization_that_does_not_exist(cast):
    response = signed_in(cast.owner).get("/o/no-such-org/")
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_it_does_not_show_a_person_of_another_organization_by_id(cast, records):
    owner = signed_in(cast.owner)
    elsewhere = records["elsewhere"]
    assert owner.get(reverse("person", args=["acme", elsewhere.pk])).status_code == 404
    assert (
        owner.get(reverse("object_history", args=["acme", "orgs.person", elsewhere.pk])).status_code
        == 404
    )
    response = owner.post(
        reverse("person", args=["acme", elsewhere.pk]),
        {"name": "Stolen", "email": "", "title": "", "version": 1},
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.name == "Eve"


def test_it_answers_403_to_an_editor_managing_people(cast):
    response = signed_in(cast.editor).post(reverse("people", args=["acme"]), {"name": "Zed"})
    assert response.status_code == 403
    assert b"this needs admin or above" in response.content
    assert not Person.objects.filter(name="Zed").exists()


def test_it_hides_write_forms_from_viewers(cast, records):
    response = signed_in(cast.viewer).get(reverse("people", args=["acme"]))
    assert b"Add a person" not in response.content
    response = signed_in(cast.admin).get(reverse("people", args=["acme"]))
    assert b"Add a person" in response.content


# Shell -----------------------------------------------------------------------------------


def test_it_signs_in_through_the_login_form(client, cast):
    response = client.post(reverse("login"), {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 302
    # Signing in lands on My work; home still takes a member of one organization to it.
    assert response["Location"] == "/me/"
    assert client.get(reverse("home"))["Location"] == "/o/acme/"


def test_it_refuses_a_wrong_password(client, cast):
    response = client.post(reverse("login"), {"username": "olivia", "password": "nope"})
    assert response.status_code == 200
    assert b"did not match" in response.content


def test_it_signs_out_only_by_post(cast):
    owner = signed_in(cast.owner)
    assert owner.get(reverse("logout")).status_code == 405
    assert owner.post(reverse("logout")).status_code == 302
    assert owner.get(reverse("people", args=["acme"])).status_code == 302


def test_it_lists_organizations_and_switches_between_them(cast):
    services.add_member(cast.access(cast.outsider, cast.other_org), user=cast.owner, role="viewer")
    owner = signed_in(cast.owner)
    response = owner.get(reverse("home"))
    assert response.status_code == 200
    assert b"Acme Ministry" in response.content
    assert b"Elsewhere Agency" in response.content
    switched = owner.get(reverse("home"), {"org": "elsewhere"})
    assert switched["Location"] == "/o/elsewhere/"
    page = owner.get("/o/elsewhere/")
    assert b'<option value="elsewhere" selected>' in page.content


def test_it_marks_the_current_navigation_item(cast):
    response = signed_in(cast.viewer).get(reverse("teams", args=["acme"]))
    assert re.search(rb'href="/o/acme/teams/" aria-current="page"', response.content)
    assert response.content.count(b'aria-current="page"') == 1


def test_it_shows_the_overview_with_counts_and_latest_events(cast, records):
    response = signed_in(cast.viewer).get(reverse("org_home", args=["acme"]))
    content = response.content.decode()
    assert response.context["counts"] == {"members": 4, "people": 5, "teams": 1}
    assert len(response.context["events"]) == 10
    assert "Latest changes" in content
    for label in ["Strategy", "Goals", "Portfolio", "Delivery", "Lab", "Insights"]:
        assert label in content


def test_each_section_link_leads_to_its_own_pages(cast):
    # The navigation links each section to the app page named after its key.
    response = signed_in(cast.viewer).get(reverse("insights", args=["acme"]))
    assert response.status_code == 200
    assert response.templates[0].name == "insights/index/index.html"
    page = response.content.decode()
    for key in ["strategy", "goals", "portfolio", "delivery", "lab", "insights"]:
        assert f'href="/o/acme/{key}/"' in page
    assert signed_in(cast.viewer).get("/o/acme/nonsense/").status_code == 404


def test_it_creates_an_organization_from_home(cast):
    owner = signed_in(cast.owner)
    response = owner.post(reverse("home"), {"name": "Beta Lab", "slug": "beta-lab"})
    assert response["Location"] == "/o/beta-lab/"
    org = Organization.objects.get(slug="beta-lab")
    assert Membership.objects.get(organization=org, user=cast.owner).role == Role.OWNER
    event = Event.objects.filter(organization=org, object_type="orgs.organization").get()
    assert event.actor == cast.owner
    assert event.changes["name"] == "Beta Lab"


def test_it_shows_the_services_field_error_for_a_bad_slug(cast):
    response = signed_in(cast.owner).post(reverse("home"), {"name": "Bad", "slug": "Bad Slug!"})
    assert response.status_code == 422
    content = response.content.decode()
    assert 'class="form-error"' in content
    assert 'id="id_slug_error"><li>Enter a valid' in content
    assert "Use 1 to 50 lowercase letters, digits and hyphens" in content
    assert not Organization.objects.filter(name="Bad").exists()


def test_it_escapes_user_text(cast):
    services.create_person(cast.owner_access, name="<script>alert(1)</script>")
    response = signed_in(cast.viewer).get(reverse("people", args=["acme"]))
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_it_serves_no_inline_scripts(cast):
    response = signed_in(cast.owner).get(reverse("org_home", args=["acme"]))
    scripts = re.findall(rb"<script[^>]*>", response.content)
    assert scripts and all(b"src=" in tag for tag in scripts)
    assert b" onclick=" not in response.content
    assert "script-src 'self'" in response["Content-Security-Policy"]


# Settings and members --------------------------------------------------------------------


def test_it_lets_an_admin_edit_the_organization(cast):
    response = signed_in(cast.admin).post(
        reverse("org_settings", args=["acme"]),
        {"name": "Acme Ministry of Things", "description": "", "version": 1},
    )
    assert response.status_code == 302
    org = Organization.objects.get(slug="acme")
    assert org.name == "Acme Ministry of Things"
    assert org.version == 2
    event = last_event()
    assert (event.actor, event.verb, event.object_type) == (
        cast.admin,
        "updated",
        "orgs.organization",
    )
    assert event.changes == {"name": ["Acme Ministry", "Acme Ministry of Things"]}


def test_it_refuses_a_stale_organization_edit(cast):
    services.update_organization(cast.owner_access, version=1, name="First")
    response = signed_in(cast.admin).post(
        reverse("org_settings", args=["acme"]), {"name": "Second", "description": "", "version": 1}
    )
    assert response.status_code == 409
    assert b"was changed by someone else" in response.content
    assert Organization.objects.get(slug="acme").name == "First"


@pytest.mark.parametrize(
    "who, role",
    [("admin", Role.ADMIN), ("owner", Role.OWNER)],
    ids=["an admin makes an admin", "an owner grants ownership"],
)
def test_it_changes_a_role(cast, who, role):
    editor = membership_of(cast, cast.editor)
    response = set_role(getattr(cast, who), editor, role)
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.role == role
    assert last_event().changes == {"role": ["editor", role]}


def test_it_refuses_a_stale_role_change(cast):
    editor = membership_of(cast, cast.editor)
    services.change_role(cast.owner_access, editor, version=1, role="viewer")
    response = set_role(cast.admin, editor, "admin")
    assert response.status_code == 409
    assert b"was changed by someone else" in response.content
    editor.refresh_from_db()
    assert editor.role == Role.VIEWER


@pytest.mark.parametrize(
    "who, whom, role, status, message, kept",
    [
        ("owner", "owner", "admin", 409, b"An organization needs at least one owner", Role.OWNER),
        (
            "admin",
            "editor",
            "owner",
            403,
            b"Only an owner can grant or take away ownership.",
            Role.EDITOR,
        ),
    ],
    ids=["the last owner cannot be demoted", "only owners grant ownership"],
)
def test_it_refuses_a_role_change_and_keeps_the_role(cast, who, whom, role, status, message, kept):
    membership = membership_of(cast, getattr(cast, whom))
    response = set_role(getattr(cast, who), membership, role)
    assert response.status_code == status
    assert message in response.content
    membership.refresh_from_db()
    assert membership.role == kept


def test_it_cannot_remove_the_last_owner(cast):
    owner = membership_of(cast, cast.owner)
    response = signed_in(cast.owner).post(reverse("member_remove", args=["acme", owner.pk]))
    assert response.status_code == 409
    assert b"An organization needs at least one owner" in response.content
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_it_removes_a_member(cast):
    viewer = membership_of(cast, cast.viewer)
    response = signed_in(cast.admin).post(reverse("member_remove", args=["acme", viewer.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    event = last_event()
    assert (event.actor, event.verb, event.object_id) == (cast.admin, "deleted", str(viewer.pk))


def test_it_lets_a_viewer_leave(cast):
    viewer = membership_of(cast, cast.viewer)
    response = signed_in(cast.viewer).post(reverse("member_remove", args=["acme", viewer.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=viewer.pk).exists()


def test_it_deletes_the_organization_when_the_owner_types_its_slug(cast):
    owner = signed_in(cast.owner)
    response = owner.post(reverse("org_delete", args=["acme"]), {"confirm_slug": "acme-typo"})
    assert response.status_code == 422
    assert b"Must be &#x27;acme&#x27;." in response.content
    assert Organization.objects.filter(slug="acme").exists()
    response = owner.post(reverse("org_delete", args=["acme"]), {"confirm_slug": "acme"})
    assert response.status_code == 302
    assert not Organization.objects.filter(slug="acme").exists()
    event = last_event()
    assert (event.actor, event.verb, event.changes["slug"]) == (cast.owner, "deleted", "acme")


def test_it_refuses_to_let_an_admin_delete_the_organization(cast):
    response = signed_in(cast.admin).post(
        reverse("org_delete", args=["acme"]), {"confirm_slug": "acme"}
    )
    assert response.status_code == 403
    assert Organization.objects.filter(slug="acme").exists()


# People ----------------------------------------------------------------------------------


def test_it_creates_a_person(cast):
    response = signed_in(cast.admin).post(
        reverse("people", args=["acme"]),
        {"name": "Grace Hopper", "email": "grace@example.org", "title": "Rear Admiral"},
    )
    assert response.status_code == 302
    grace = Person.objects.get(organization=cast.org, name="Grace Hopper")
    assert grace.title == "Rear Admiral"
    event = last_event()
    assert (event.actor, event.verb, event.object_id) == (cast.admin, "created", str(grace.pk))
    assert event.changes["email"] == "grace@example.org"


def test_it_shows_a_field_error_for_a_bad_email(cast):
    response = signed_in(cast.admin).post(
        reverse("people", args=["acme"]), {"name": "Grace", "email": "not-an-email"}
    )
    assert response.status_code == 422
    assert b"Enter a valid email address." in response.content
    assert not Person.objects.filter(name="Grace").exists()


def test_it_searches_and_paginates_people(cast):
    access = cast.owner_access
    for number in range(60):
        services.create_person(access, name=f"Zed {number:02}", title="Analyst")
    viewer = signed_in(cast.viewer)
    first = viewer.get(reverse("people", args=["acme"]), {"q": "zed"})
    assert first.context["page"].paginator.count == 60
    assert len(first.context["page"].object_list) == 50
    assert b"Page 1 of 2" in first.content
    second = viewer.get(reverse("people", args=["acme"]), {"q": "zed", "page": "2"})
    assert second.context["page"].object_list[0].name == "Zed 50"
    none = viewer.get(reverse("people", args=["acme"]), {"q": "nobody-like-this"})
    assert b"No one matches" in none.content


def test_it_shows_a_person_with_their_teams(cast, records):
    response = signed_in(cast.viewer).get(reverse("person", args=["acme", records["person"].pk]))
    assert b"Priya Patel" in response.content
    assert b"Payments" in response.content
    assert b"/o/acme/history/orgs.person/" in response.content


@pytest.mark.parametrize(
    ("record", "form", "saved", "changes"),
    [
        (
            "person",
            {"name": "Priya Shah", "email": "priya@example.org", "title": "Lead", "version": 1},
            {"name": "Priya Shah", "title": "Lead", "version": 2},
            {"name": ["Priya Patel", "Priya Shah"], "title": ["", "Lead"]},
        ),
        (
            "team",
            {"name": "Payments", "kind": "business", "description": "Money in", "version": 1},
            {"kind": "business", "description": "Money in"},
            {"kind": ["product", "business"], "description": ["", "Money in"]},
        ),
    ],
)
def test_it_edits_a_record(cast, records, record, form, saved, changes):
    """The person and the team pages, whose URL names are the record's name."""
    edited = records[record]
    response = signed_in(cast.admin).post(reverse(record, args=["acme", edited.pk]), form)
    assert response.status_code == 302
    edited.refresh_from_db()
    assert {field: getattr(edited, field) for field in saved} == saved
    event = last_event()
    assert event.actor == cast.admin
    assert event.changes == changes


@pytest.mark.parametrize(
    ("record", "update", "renamed", "form", "message"),
    [
        (
            "person",
            services.update_person,
            "Priya A",
            {"name": "Priya B", "email": "", "title": "", "version": 1},
            b"was changed by someone else (you had version 1, it is now 2)",
        ),
        (
            "team",
            services.update_team,
            "Pay",
            {"name": "Payments 2", "kind": "product", "description": "", "version": 1},
            b"was changed by someone else",
        ),
    ],
)
def test_it_refuses_a_stale_edit(cast, records, record, update, renamed, form, message):
    """The person and the team pages, whose URL names are the record's name."""
    edited = records[record]
    update(cast.owner_access, edited, version=1, name=renamed)
    response = signed_in(cast.admin).post(reverse(record, args=["acme", edited.pk]), form)
    assert response.status_code == 409
    assert message in response.content
    edited.refresh_from_db()
    assert edited.name == renamed


def test_it_deletes_a_person(cast, records):
    person = records["person"]
    response = signed_in(cast.admin).post(reverse("person_delete", args=["acme", person.pk]))
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert last_event().verb == "deleted"


def test_it_keeps_the_people_list_queries_constant(cast):
    viewer = signed_in(cast.viewer)
    access = cast.owner_access
    url = reverse("people", args=["acme"])

    def grow() -> None:
        for number in range(20):
            services.create_person(access, name=f"Person {number}", email=f"p{number}@example.org")

    assert Person.objects.filter(organization=cast.org).count() == 4
    count = assert_queries_constant(lambda: viewer.get(url), grow)
    assert count <= 8


# Teams -----------------------------------------------------------------------------------


def test_it_creates_a_team(cast):
    response = signed_in(cast.admin).post(
        reverse("teams", args=["acme"]), {"name": "Data", "kind": "support", "description": ""}
    )
    assert response.status_code == 302
    team = Team.objects.get(organization=cast.org, name="Data")
    assert team.kind == "support"
    event = last_event()
    assert (event.actor, event.verb, event.changes["kind"]) == (cast.admin, "created", "support")


def test_it_refuses_a_duplicate_team_name(cast, records):
    response = signed_in(cast.admin).post(
        reverse("teams", args=["acme"]), {"name": "Payments", "kind": "product"}
    )
    assert response.status_code == 422
    assert b"A team with this name already exists." in response.content
    assert Team.objects.filter(organization=cast.org).count() == 1


def test_it_refuses_control_characters_in_a_form_naming_the_field(cast):
    response = signed_in(cast.admin).post(
        reverse("teams", args=["acme"]), {"name": "Da\x0bta", "kind": "support"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == [
        "Control characters are not allowed (found U+000B)."
    ]
    assert not Team.objects.filter(organization=cast.org).exists()


def test_it_lists_teams_with_kind_and_member_count(cast, records):
    response = signed_in(cast.viewer).get(reverse("teams", args=["acme"]))
    assert [(t.name, t.kind, t.member_count) for t in response.context["teams"]] == [
        ("Payments", "product", 1)
    ]
    assert b"Product" in response.content


def test_it_adds_a_team_member_with_roles_and_flags(cast, records):
    team = records["team"]
    grace = services.create_person(cast.owner_access, name="Grace")
    response = signed_in(cast.admin).post(
        reverse("team_member_add", args=["acme", team.pk]),
        {"person": grace.pk, "roles": ["scrum_master", "product_owner"], "is_employee": "on"},
    )
    assert response.status_code == 302
    member = TeamMember.objects.get(team=team, person=grace)
    assert member.roles == ["product_owner", "scrum_master"]
    assert (member.is_employee, member.co_located) == (True, False)
    assert last_event().changes == {
        "roles": ["product_owner", "scrum_master"],
        "is_employee": True,
        "co_located": False,
    }


def test_it_refuses_a_person_already_on_the_team(cast, records):
    team = records["team"]
    response = signed_in(cast.admin).post(
        reverse("team_member_add", args=["acme", team.pk]),
        {"person": records["person"].pk, "roles": ["member"]},
    )
    assert response.status_code == 409
    assert b"Priya Patel is already on Payments." in response.content


def test_it_cannot_add_a_person_of_another_organization_to_a_team(cast, records):
    response = signed_in(cast.admin).post(
        reverse("team_member_add", args=["acme", records["team"].pk]),
        {"person": records["elsewhere"].pk, "roles": ["member"]},
    )
    assert response.status_code == 422
    assert b"Select a valid choice." in response.content
    assert TeamMember.objects.filter(person=records["elsewhere"]).count() == 0


def test_it_edits_a_team_member(cast, records):
    team, member = records["team"], records["member"]
    response = signed_in(cast.admin).post(
        reverse("team_member", args=["acme", team.pk, member.pk]),
        {
            f"m{member.pk}-version": 1,
            f"m{member.pk}-roles": ["product_owner"],
            f"m{member.pk}-is_employee": "on",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.roles, member.is_employee, member.co_located) == (["product_owner"], True, False)
    assert last_event().changes == {
        "roles": [["member"], ["product_owner"]],
        "co_located": [True, False],
    }


def test_it_refuses_a_stale_team_member_edit(cast, records):
    team, member = records["team"], records["member"]
    services.update_team_member(cast.owner_access, member, version=1, co_located=False)
    response = signed_in(cast.admin).post(
        reverse("team_member", args=["acme", team.pk, member.pk]),
        {f"m{member.pk}-version": 1, f"m{member.pk}-roles": ["stakeholder"]},
    )
    assert response.status_code == 409
    assert b"was changed by someone else" in response.content
    member.refresh_from_db()
    assert member.roles == ["member"]


def test_it_removes_a_team_member_and_deletes_a_team(cast, records):
    team, member = records["team"], records["member"]
    admin = signed_in(cast.admin)
    assert (
        admin.post(reverse("team_member_remove", args=["acme", team.pk, member.pk])).status_code
        == 302
    )
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    assert admin.post(reverse("team_delete", args=["acme", team.pk])).status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    assert last_event().verb == "deleted"


def test_it_keeps_the_teams_list_queries_constant(cast, records):
    viewer = signed_in(cast.viewer)
    access = cast.owner_access
    url = reverse("teams", args=["acme"])

    def grow() -> None:
        for number in range(20):
            team = services.create_team(access, name=f"Team {number}", kind="support")
            services.add_team_member(access, team, person=records["person"], roles=["member"])

    assert_queries_constant(lambda: viewer.get(url), grow)


def test_it_keeps_the_team_page_queries_constant(cast, records):
    viewer = signed_in(cast.viewer)
    access, team = cast.owner_access, records["team"]
    url = reverse("team", args=["acme", team.pk])

    def grow() -> None:
        for number in range(10):
            person = services.create_person(access, name=f"P{number}")
            services.add_team_member(access, team, person=person, roles=["member"])

    assert_queries_constant(lambda: signed_in(cast.admin).get(url), grow)
    assert viewer.get(url).status_code == 200


# History ---------------------------------------------------------------------------------


def test_it_shows_changed_fields_in_the_history(cast, records):
    person = records["person"]
    services.update_person(cast.owner_access, person, version=1, name="Priya Shah")
    response = signed_in(cast.viewer).get(reverse("history", args=["acme"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "changed the name of person" in content
    assert "” from Priya Patel to Priya Shah" in content
    assert f'href="/o/acme/people/{person.pk}/"' in content
    assert "Olivia Owner" in content  # the owner has no person in the organization


def test_it_filters_the_history_by_object_type(cast, records):
    response = signed_in(cast.viewer).get(reverse("history", args=["acme"]), {"type": "orgs.team"})
    types = {row.event.object_type for row in response.context["rows"]}
    assert types == {"orgs.team"}


def test_it_shows_one_records_history(cast, records):
    person = records["person"]
    services.update_person(cast.owner_access, person, version=1, title="Lead")
    response = signed_in(cast.viewer).get(
        reverse("object_history", args=["acme", "orgs.person", person.pk])
    )
    verbs = [row.event.verb for row in response.context["rows"]]
    assert verbs == ["updated", "created"]
    assert "set the title of person" in response.content.decode()
    assert "” to Lead" in response.content.decode()


def test_it_does_not_link_deleted_records_in_the_history(cast, records):
    person = records["person"]
    services.delete_person(cast.owner_access, person)
    response = signed_in(cast.viewer).get(reverse("history", args=["acme"]))
    assert f'href="/o/acme/people/{person.pk}/"' not in response.content.decode()
    assert b"Priya Patel" in response.content


def test_it_offers_no_way_to_change_events(cast, records):
    response = signed_in(cast.owner).get(reverse("history", args=["acme"]))
    assert b'<form method="post"' not in response.content.split(b'id="content"')[1]
    assert signed_in(cast.owner).post(reverse("history", args=["acme"])).status_code == 200
    assert Event.objects.filter(organization=cast.org).count() > 0


def test_it_keeps_the_history_page_queries_constant(cast, records):
    viewer = signed_in(cast.viewer)
    access = cast.owner_access
    url = reverse("history", args=["acme"])

    def grow() -> None:
        start = Person.objects.filter(organization=cast.org).count()  # names stay unique
        for number in range(start, start + 20):
            person = services.create_person(access, name=f"Person {number}")
            services.update_person(access, person, version=1, title="Changed")
            services.create_team(access, name=f"Team {number}", kind="lab")

    # The same kinds of event before and after: a page's queries depend on the kinds of
    # record it names (one per kind), never on how many rows it has.
    grow()
    assert_queries_constant(lambda: viewer.get(url), grow)


# API tokens ------------------------------------------------------------------------------


def test_it_shows_a_new_token_secret_once_and_stores_only_its_digest(cast):
    owner = signed_in(cast.owner)
    response = owner.post(
        reverse("tokens"),
        {"name": "CI export", "organization": cast.org.pk, "scope": "read", "expires_in_days": 30},
    )
    assert response.status_code == 200
    shown = re.search(rb'value="(nl_[^"]+)"', response.content)
    assert shown is not None
    secret = shown.group(1).decode()
    token = ApiToken.objects.get(user=cast.owner, name="CI export")
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.digest}
    again = owner.get(reverse("tokens"))
    assert secret.encode() not in again.content
    assert f"nl_{token.prefix}".encode() in again.content


def test_it_revokes_a_token(cast):
    token, _ = services.create_token(cast.owner, name="old", organization=cast.org)
    response = signed_in(cast.owner).post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert last_event().verb == "revoked"


def test_it_does_not_let_one_user_revoke_anothers_token(cast):
    token, _ = services.create_token(cast.owner, name="mine", organization=cast.org)
    response = signed_in(cast.outsider).post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_shows_a_field_error_for_a_token_without_a_name(cast):
    response = signed_in(cast.owner).post(reverse("tokens"), {"name": ""})
    assert response.status_code == 422
    assert b"This field is required." in response.content
    assert not ApiToken.objects.filter(user=cast.owner).exists()


# Error pages -----------------------------------------------------------------------------


def test_it_renders_the_500_page_without_context(settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html


def test_it_finds_the_stylesheet_and_script_through_the_static_finders():
    # collectstatic and the manifest storage see only what the finders find; a page naming a
    # missing file would fail with DEBUG off.
    from django.contrib.staticfiles import finders

    assert finders.find("northline/northline.css")
    assert finders.find("northline/northline.js")


def test_it_changes_a_password_and_keeps_the_session(cast):
    client = signed_in(cast.viewer)
    refused = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
    )
    assert refused.status_code == 200
    assert "Your old password was entered incorrectly" in refused.content.decode()
    cast.viewer.refresh_from_db()
    assert cast.viewer.check_password(PASSWORD)
    changed = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "harbour-lights-at-dusk",
            "new_password2": "harbour-lights-at-dusk",
        },
    )
    assert changed["Location"] == "/account/password/done/"
    cast.viewer.refresh_from_db()
    assert cast.viewer.check_password("harbour-lights-at-dusk")
    assert client.get("/account/password/done/").status_code == 200


def test_changing_a_password_needs_a_sign_in(db):
    assert Client().get("/account/password/").status_code == 302
