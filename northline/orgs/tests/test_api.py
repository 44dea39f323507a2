"""The organizations API: writes, versions, errors, pagination, tokens and sessions."""

from __future__ import annotations

import itertools
import json

from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from northline.orgs import services
from northline.orgs.models import ApiToken, Event, Membership, Person, Role, Team, TeamMember
from northline.testing import ApiClient, Cast, assert_queries_constant


def events_of(obj: Model) -> list[Event]:
    return list(
        Event.objects.filter(
            object_id=str(obj.pk), object_type=f"orgs.{obj._meta.model_name}"
        ).order_by("id")
    )


def test_it_creates_a_team_and_records_who_did_it(cast: Cast) -> None:
    api = ApiClient(cast.admin)
    response = api.post("/orgs/acme/teams", {"name": "Benefits", "kind": "business"})
    assert response.status_code == 201
    team = Team.objects.get(pk=response.json()["id"])
    assert (team.name, team.kind, team.version, team.organization_id) == (
        "Benefits",
        "business",
        1,
        cast.org.pk,
    )
    [event] = events_of(team)
    assert (event.verb, event.actor, event.organization_id) == ("created", cast.admin, cast.org.pk)
    assert event.changes == {"name": "Benefits", "kind": "business", "description": ""}
    assert event.client_address == "127.0.0.1"


def test_it_updates_with_the_current_version_and_records_before_and_after(cast: Cast) -> None:
    team = services.create_team(cast.owner_access, name="Benefits", kind="business")
    api = ApiClient(cast.admin)
    response = api.patch(f"/orgs/acme/teams/{team.pk}", {"version": 1, "name": "Benefit Claims"})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["name"] == "Benefit Claims"
    updated = events_of(team)[-1]
    assert updated.verb == "updated"
    assert updated.actor == cast.admin
    assert updated.changes == {"name": ["Benefits", "Benefit Claims"]}


def test_it_refuses_a_stale_version_and_changes_nothing(cast: Cast) -> None:
    team = services.create_team(cast.owner_access, name="Benefits", kind="business")
    services.update_team(cast.owner_access, team, version=1, description="Claims and appeals")
    api = ApiClient(cast.admin)
    response = api.patch(f"/orgs/acme/teams/{team.pk}", {"version": 1, "name": "Overwritten"})
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "stale_version",
            "message": "This team was changed by someone else (you had version 1, it is now 2). "
            "Reload and try again.",
            "fields": {"version": "Expected 2."},
        }
    }
    team.refresh_from_db()
    assert (team.name, team.description, team.version) == ("Benefits", "Claims and appeals", 2)
    assert [e.verb for e in events_of(team)] == ["created", "updated"]


def test_it_refuses_a_bare_string_body_and_unknown_fields(cast: Cast) -> None:
    api = ApiClient(cast.admin)
    bare = api.post("/orgs/acme/teams", "Benefits")
    assert bare.status_code == 422
    assert bare.json()["error"]["code"] == "invalid"
    unknown = api.post("/orgs/acme/teams", {"name": "Benefits", "owner": "me"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"] == {"owner": "Extra inputs are not permitted"}
    wrong_kind = api.post("/orgs/acme/teams", {"name": "Benefits", "kind": "sales"})
    assert wrong_kind.status_code == 422
    assert "kind" in wrong_kind.json()["error"]["fields"]
    assert not Team.objects.filter(organization=cast.org).exists()


def test_it_names_the_field_of_a_domain_rule(cast: Cast) -> None:
    services.create_team(cast.owner_access, name="Benefits", kind="business")
    response = ApiClient(cast.admin).post("/orgs/acme/teams", {"name": "Benefits"})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "A team with this name already exists.",
        "fields": {"name": "A team with this name already exists."},
    }
    assert Team.objects.filter(organization=cast.org).count() == 1


def test_it_lets_editors_read_but_not_manage_teams(cast: Cast) -> None:
    response = ApiClient(cast.editor).post("/orgs/acme/teams", {"name": "Benefits"})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "Your role in Acme Ministry is editor; this needs admin or above."
    )
    assert not Team.objects.exists()


def test_it_hides_another_organizations_record_behind_a_404(cast: Cast) -> None:
    elsewhere = services.create_team(
        cast.access(cast.outsider, cast.other_org), name="Secret", kind="lab"
    )
    api = ApiClient(cast.owner)
    assert api.get(f"/orgs/acme/teams/{elsewhere.pk}").status_code == 404
    response = api.patch(f"/orgs/acme/teams/{elsewhere.pk}", {"version": 1, "name": "Mine"})
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.name == "Secret"


def test_it_pages_every_list(cast: Cast) -> None:
    for number in range(7):
        services.create_person(cast.owner_access, name=f"Person {number:02}")
    api = ApiClient(cast.viewer)
    # 5 members already have a person each (owner, admin, editor, viewer) → 4 + 7 = 11.
    first = api.get("/orgs/acme/people", limit=5, total="true").json()
    assert (first["count"], first["limit"]) == (11, 5)
    assert len(first["items"]) == 5
    second = api.get("/orgs/acme/people", limit=5, cursor=first["next"]).json()
    last = api.get("/orgs/acme/people", limit=5, cursor=second["next"]).json()
    assert (len(second["items"]), len(last["items"]), second["count"]) == (5, 1, None)
    assert last["next"] is None
    # The old offset still positions a first page (docs/api.md, Pagination).
    legacy = api.get("/orgs/acme/people", limit=5, offset=10).json()
    assert [p["id"] for p in legacy["items"]] == [p["id"] for p in last["items"]]
    too_many = api.get("/orgs/acme/people", limit=1001)
    assert too_many.status_code == 422
    assert "limit" in too_many.json()["error"]["fields"]


def test_it_keeps_the_people_list_at_a_constant_number_of_queries(cast: Cast) -> None:
    api = ApiClient(cast.viewer)

    def grow() -> None:
        for number in range(20):
            services.create_person(cast.owner_access, name=f"Extra {number}")

    queries = assert_queries_constant(lambda: api.get("/orgs/acme/people"), grow)
    assert queries <= 6


def test_it_keeps_the_team_list_and_history_constant_in_queries(cast: Cast) -> None:
    api = ApiClient(cast.viewer)
    access = cast.owner_access
    numbers = itertools.count()

    def grow() -> None:
        for number in itertools.islice(numbers, 10):
            team = services.create_team(access, name=f"Team {number}", kind="product")
            person = services.create_person(access, name=f"Member {number}")
            services.add_team_member(access, team, person=person, roles=["member"])

    assert_queries_constant(lambda: api.get("/orgs/acme/teams"), grow)
    assert_queries_constant(lambda: api.get("/orgs/acme/events"), grow)


def test_it_manages_team_members_with_roles_and_flags(cast: Cast) -> None:
    access = cast.owner_access
    team = services.create_team(access, name="Benefits", kind="product")
    person = services.create_person(access, name="Rosa Lind")
    api = ApiClient(cast.admin)
    created = api.post(
        f"/orgs/acme/teams/{team.pk}/members",
        {"person_id": person.pk, "roles": ["scrum_master", "product_owner"], "is_employee": False},
    )
    assert created.status_code == 201
    body = created.json()
    # Roles come back in the canonical order, whatever order they were sent in.
    assert body["roles"] == ["product_owner", "scrum_master"]
    assert (body["is_employee"], body["co_located"]) == (False, True)
    member_id = body["id"]
    again = api.post(f"/orgs/acme/teams/{team.pk}/members", {"person_id": person.pk})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_on_team"
    bad_role = api.patch(
        f"/orgs/acme/teams/{team.pk}/members/{member_id}", {"version": 1, "roles": ["chief"]}
    )
    assert bad_role.status_code == 422
    changed = api.patch(
        f"/orgs/acme/teams/{team.pk}/members/{member_id}", {"version": 1, "co_located": False}
    )
    assert changed.json()["co_located"] is False
    assert api.get(f"/orgs/acme/teams/{team.pk}").json()["member_count"] == 1
    assert api.delete(f"/orgs/acme/teams/{team.pk}/members/{member_id}").status_code == 204
    assert not TeamMember.objects.filter(pk=member_id).exists()
    verbs = list(
        Event.objects.filter(object_type="orgs.teammember", object_id=str(member_id))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["created", "updated", "deleted"]


def test_it_refuses_a_person_of_another_organization_on_a_team(cast: Cast) -> None:
    team = services.create_team(cast.owner_access, name="Benefits", kind="product")
    stranger = services.create_person(cast.access(cast.outsider, cast.other_org), name="Stranger")
    response = ApiClient(cast.admin).post(
        f"/orgs/acme/teams/{team.pk}/members", {"person_id": stranger.pk}
    )
    assert response.status_code == 404
    assert not TeamMember.objects.exists()


def test_it_protects_ownership(cast: Cast) -> None:
    from northline.orgs import services
    from northline.testing import make_user

    newcomer = make_user("nina")
    admin_api = ApiClient(cast.admin)
    # Nobody names a user to add any more (people join by invitation): the route is gone.
    named = admin_api.post("/orgs/acme/members", {"user": "nina@example.org", "role": "editor"})
    assert named.status_code == 405
    assert not Membership.objects.filter(user=newcomer).exists()
    added = services.add_member(cast.access(cast.admin), user=newcomer, role="editor")
    assert Person.objects.filter(organization=cast.org, user=newcomer).exists()
    membership_id = added.pk
    grant_owner = admin_api.patch(
        f"/orgs/acme/members/{membership_id}", {"version": 1, "role": "owner"}
    )
    assert grant_owner.status_code == 403
    owner_membership = Membership.objects.get(organization=cast.org, user=cast.owner)
    # Ownership changes need a browser session (no token may grant or take it away).
    demote_last_owner = session_api(cast.owner).patch(
        f"/orgs/acme/members/{owner_membership.pk}", {"version": 1, "role": "admin"}
    )
    assert demote_last_owner.status_code == 409
    assert demote_last_owner.json()["error"]["code"] == "last_owner"
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER
    assert Membership.objects.get(pk=membership_id).role == Role.EDITOR


def test_it_lets_a_member_leave_but_not_remove_others(cast: Cast) -> None:
    editor_membership = Membership.objects.get(organization=cast.org, user=cast.editor)
    admin_membership = Membership.objects.get(organization=cast.org, user=cast.admin)
    editor_api = ApiClient(cast.editor)
    assert editor_api.delete(f"/orgs/acme/members/{admin_membership.pk}").status_code == 403
    assert editor_api.delete(f"/orgs/acme/members/{editor_membership.pk}").status_code == 204
    assert not Membership.objects.filter(pk=editor_membership.pk).exists()
    assert editor_api.get("/orgs/acme/teams").status_code == 404


def test_it_deletes_an_organization_only_for_an_owner_who_types_its_slug(cast: Cast) -> None:
    assert ApiClient(cast.admin).delete("/orgs/acme/", confirm="acme").status_code == 403
    # No token may delete an organization, the owner's included: only a browser session.
    refused = ApiClient(cast.owner).delete("/orgs/acme/", confirm="acme")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "token_scope")
    owner_api = session_api(cast.owner)
    wrong = owner_api.delete("/orgs/acme/", confirm="acm")
    assert wrong.status_code == 422
    assert wrong.json()["error"]["fields"] == {"confirm_slug": "Must be 'acme'."}
    assert owner_api.delete("/orgs/acme/", confirm="acme").status_code == 204
    assert owner_api.get("/orgs/acme/").status_code == 404
    assert Event.objects.filter(verb="deleted", object_type="orgs.organization").exists()


def session_api(user: User) -> ApiClient:
    """API calls with a browser session (the test client skips the CSRF check)."""
    api = ApiClient()
    api.client.force_login(user)
    return api


def test_it_creates_organizations_for_any_signed_in_user(cast: Cast) -> None:
    api = session_api(cast.viewer)
    response = api.post("/orgs", {"slug": "victor-lab", "name": "Victor's Lab"})
    assert response.status_code == 201
    assert Membership.objects.get(organization__slug="victor-lab").role == Role.OWNER
    taken = api.post("/orgs", {"slug": "acme", "name": "Copy"})
    assert taken.status_code == 422
    assert "slug" in taken.json()["error"]["fields"]
    listed = [org["slug"] for org in api.get("/orgs").json()["items"]]
    assert listed == ["acme", "victor-lab"]


def test_it_shows_a_token_once_stores_its_digest_and_revokes_it(cast: Cast) -> None:
    api = session_api(cast.viewer)
    created = api.post(
        "/tokens", {"name": "ci script", "organization": "acme", "expires_in_days": 7}
    )
    assert created.status_code == 201
    secret = created.json()["token"]
    token = ApiToken.objects.get(pk=created.json()["id"])
    assert secret.startswith(f"nl_{token.prefix}_")
    assert secret not in token.digest
    assert "token" not in api.get("/tokens").json()["items"][0]
    fresh = Client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert fresh.get("/api/v1/me", headers=headers).json()["username"] == "victor"
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert api.delete(f"/tokens/{token.pk}").status_code == 200
    refused = fresh.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_expired"


def test_it_refuses_a_forged_token_with_a_real_prefix(cast: Cast) -> None:
    _token, secret = services.create_token(cast.owner, name="real", organization=cast.org)
    forged = secret[:-4] + "AAAA"
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_it_hides_other_users_tokens(cast: Cast) -> None:
    token, _ = services.create_token(cast.owner, name="owner's", organization=cast.org)
    response = ApiClient(cast.viewer).delete(f"/tokens/{token.pk}")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_needs_the_csrf_token_for_session_writes(cast: Cast) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.admin)
    body = json.dumps({"name": "Benefits"})
    refused = browser.post("/api/v1/orgs/acme/teams", body, content_type="application/json")
    assert refused.status_code == 403
    assert not Team.objects.exists()
    browser.get("/account/tokens/")  # any page with a form sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/orgs/acme/teams",
        body,
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert accepted.status_code == 201
    assert browser.get("/api/v1/orgs/acme/teams?total=true").json()["count"] == 1


def test_it_filters_history_by_object(cast: Cast) -> None:
    team = services.create_team(cast.owner_access, name="Benefits", kind="product")
    services.update_team(cast.owner_access, team, version=1, kind="business")
    events = (
        ApiClient(cast.viewer)
        .get("/orgs/acme/events", object_type="orgs.team", object_id=str(team.pk))
        .json()
    )
    assert [(e["verb"], e["actor"], e["changes"]) for e in events["items"]] == [
        ("updated", "olivia", {"kind": ["product", "business"]}),
        ("created", "olivia", {"name": "Benefits", "kind": "product", "description": ""}),
    ]


def test_it_serves_the_openapi_document_and_docs(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/orgs/{org}/teams" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_it_stamps_token_use_at_most_once_a_minute(cast: Cast) -> None:
    token, secret = services.create_token(cast.owner, name="busy", organization=cast.org)
    recent = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    token.refresh_from_db()
    assert token.last_used_at == recent
