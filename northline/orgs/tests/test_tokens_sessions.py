"""Scoped, expiring API tokens and browser sessions that end (issue 16, part 5)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from northline.cli import main
from northline.orgs import services
from northline.orgs.models import ApiToken, Event, Membership, Team, UserSession
from northline.testing import PASSWORD, ApiClient, Cast, legacy_token, signed_in

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


# Creating ------------------------------------------------------------------------------------


def test_it_creates_a_read_token_for_one_organization_expiring_in_90_days(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        token, _ = services.create_token(cast.editor, name="sync", organization=cast.org)
    assert (token.organization, token.scope) == (cast.org, "read")
    assert token.expires_at == dt.datetime(2026, 5, 31, 9, 0, tzinfo=dt.UTC)
    event = Event.objects.get(verb="created", object_type="orgs.apitoken")
    assert event.changes == {
        "name": "sync",
        "organization": "acme",
        "scope": "read",
        "expires_at": "2026-05-31T09:00:00+00:00",
    }


def test_it_refuses_a_token_naming_each_field_it_cannot_accept(cast: Cast, settings) -> None:
    settings.NORTHLINE_TOKEN_MAX_DAYS = 30
    with pytest.raises(services.Invalid) as refused:
        services.create_token(
            cast.editor, name="x", organization="elsewhere", scope="admin", expires_in_days=31
        )
    assert refused.value.fields == {
        "organization": "You are not a member of an organization with this slug.",
        "scope": "Must be read or write.",
        "expires_in_days": "Must be between 1 and 30 days.",
    }
    with pytest.raises(services.Invalid) as no_org:
        services.create_token(cast.editor, name="x", organization=None)
    assert no_org.value.fields == {"organization": "Pick the organization the token may reach."}
    assert not ApiToken.objects.exists()
    # With a maximum below 90, the default is the maximum.
    with time_machine.travel(START, tick=False):
        token, _ = services.create_token(cast.editor, name="x", organization=cast.org)
    assert token.expires_at == dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


def test_the_api_creates_a_token_with_a_session_only_and_names_bad_fields(cast: Cast) -> None:
    browser = signed_in(cast.editor)
    body = {"name": "ci", "organization": "acme", "scope": "write", "expires_in_days": 0}
    refused = browser.post("/api/v1/tokens", json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {
        "expires_in_days": "Must be between 1 and 365 days."
    }
    body["expires_in_days"] = 10
    created = browser.post("/api/v1/tokens", json.dumps(body), content_type="application/json")
    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("organization", "scope")} == {
        "organization": "acme",
        "scope": "write",
    }
    # A token may not make another token (it could outlive or outreach itself).
    minted = Client().post(
        "/api/v1/tokens",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(created.json()["token"]),
    )
    assert error_of(minted) == (403, "token_scope")
    assert ApiToken.objects.count() == 1


def test_the_tokens_page_creates_a_scoped_token_and_lists_it(cast: Cast) -> None:
    owner = signed_in(cast.owner)
    page = owner.get(reverse("tokens"))
    assert b"No tokens yet." in page.content
    assert b'<label for="id_organization"' in page.content
    response = owner.post(
        reverse("tokens"),
        {
            "name": "Board export",
            "organization": cast.org.pk,
            "scope": "write",
            "expires_in_days": 5,
        },
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=cast.owner)
    assert (token.organization, token.scope) == (cast.org, "write")
    listed = owner.get(reverse("tokens")).content.decode()
    assert "Acme" in listed and "Read and write" in listed
    # Another user's organization is not in the choices, and is refused if posted.
    foreign = owner.post(
        reverse("tokens"),
        {"name": "x", "organization": cast.other_org.pk, "scope": "read", "expires_in_days": 5},
    )
    assert foreign.status_code == 422
    assert ApiToken.objects.count() == 1


def test_the_tokens_page_shows_expired_and_legacy_tokens(cast: Cast) -> None:
    legacy_token(cast.owner, name="old script")
    services.create_token(cast.owner, name="short", organization=cast.org, expires_in_days=1)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        page = signed_in(cast.owner).get(reverse("tokens")).content.decode()
    assert "All organizations (legacy)" in page
    assert "Never (legacy)" in page
    assert re.search(r"short</td>.*?expired</span>", page, re.S)


# Using ---------------------------------------------------------------------------------------


def test_an_expired_token_is_refused_with_401_saying_so(cast: Cast) -> None:
    _, secret = services.create_token(
        cast.editor, name="x", organization=cast.org, expires_in_days=1
    )
    assert Client().get("/api/v1/orgs/acme/teams", headers=bearer(secret)).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, seconds=1)):
        response = Client().get("/api/v1/orgs/acme/teams", headers=bearer(secret))
    assert error_of(response) == (401, "token_expired")
    assert "token expired" in response.json()["error"]["message"]


def test_a_token_reaches_only_its_organization(cast: Cast) -> None:
    Membership.objects.create(organization=cast.other_org, user=cast.editor, role="editor")
    api = ApiClient(cast.editor, organization=cast.org)
    assert api.get("/orgs/acme/teams").status_code == 200
    hidden = api.get("/orgs/elsewhere/teams")
    unknown = api.get("/orgs/no-such-org/teams")
    assert error_of(hidden) == error_of(unknown) == (404, "not_found")
    assert hidden.json()["error"]["message"] == "No organization named 'elsewhere'."
    assert [org["slug"] for org in api.get("/orgs").json()["items"]] == ["acme"]
    # A legacy token still reaches both, with the user's roles.
    legacy = ApiClient(cast.editor)
    assert legacy.get("/orgs/elsewhere/teams").status_code == 200
    assert sorted(o["slug"] for o in legacy.get("/orgs").json()["items"]) == ["acme", "elsewhere"]


def test_a_token_reads_and_marks_only_its_organizations_inbox(cast: Cast) -> None:
    Membership.objects.create(organization=cast.other_org, user=cast.editor, role="editor")
    for org, title in ((cast.org, "From acme"), (cast.other_org, "From elsewhere")):
        services.notify(org, [cast.editor], kind="decision", title=title)
    api = ApiClient(cast.editor, organization=cast.org)
    assert [n["title"] for n in api.get("/inbox").json()["items"]] == ["From acme"]
    assert api.post("/inbox/read", {}).json() == {"marked": 1}
    # The other organization's notification is still unread, for a token that reaches both.
    legacy = ApiClient(cast.editor)
    unread = legacy.get("/inbox", unread=True).json()["items"]
    assert [n["title"] for n in unread] == ["From elsewhere"]


def test_a_read_token_writes_nothing(cast: Cast) -> None:
    api = ApiClient(cast.admin, organization=cast.org, scope="read")
    assert api.get("/orgs/acme/teams").status_code == 200
    refused = api.post("/orgs/acme/teams", {"name": "Benefits"})
    assert error_of(refused) == (403, "token_scope")
    assert "read-only" in refused.json()["error"]["message"]
    assert error_of(api.patch("/me/preferences", {"delivery": "daily"}))[0] == 403
    assert not Team.objects.exists()
    # The same admin with a write token writes; an editor's write token still has the
    # editor's role (teams are for admins).
    writer = ApiClient(cast.admin, organization=cast.org)
    assert writer.post("/orgs/acme/teams", {"name": "Benefits"}).status_code == 201
    editor = ApiClient(cast.editor, organization=cast.org)
    assert error_of(editor.post("/orgs/acme/teams", {"name": "Other"})) == (403, "forbidden")


def test_a_token_acts_with_its_owners_role_as_it_is_now(cast: Cast) -> None:
    """The role comes with the token's own query: a change of role counts on the next request,
    and a token whose owner holds no membership any more opens nothing (404, as an outsider)."""
    api = ApiClient(cast.admin, organization=cast.org)
    assert api.post("/orgs/acme/teams", {"name": "Benefits"}).status_code == 201
    Membership.objects.filter(organization=cast.org, user=cast.admin).update(role="viewer")
    assert error_of(api.post("/orgs/acme/teams", {"name": "Other"})) == (403, "forbidden")
    assert api.get("/orgs/acme/teams").status_code == 200
    Membership.objects.filter(organization=cast.org, user=cast.admin).delete()
    assert error_of(api.get("/orgs/acme/teams")) == (404, "not_found")
    assert list(Team.objects.values_list("name", flat=True)) == ["Benefits"]


def test_a_write_token_cannot_do_what_only_an_owner_does(cast: Cast) -> None:
    api = ApiClient(cast.owner, organization=cast.org)
    assert api.post("/orgs/acme/teams", {"name": "Benefits"}).status_code == 201
    refused = api.delete("/orgs/acme/", confirm="acme")
    assert error_of(refused) == (403, "token_scope")
    admin = Membership.objects.get(organization=cast.org, user=cast.admin)
    grant = api.patch(f"/orgs/acme/members/{admin.pk}", {"version": admin.version, "role": "owner"})
    assert error_of(grant) == (403, "token_scope")
    assert error_of(api.post("/orgs", {"slug": "new", "name": "New"})) == (403, "token_scope")
    cast.org.refresh_from_db()
    admin.refresh_from_db()
    assert admin.role == "admin"


def test_last_use_is_stamped_at_most_once_a_minute(cast: Cast) -> None:
    token, secret = services.create_token(cast.editor, name="x", organization=cast.org)
    with time_machine.travel(START, tick=False):
        Client().get("/api/v1/me", headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == START
    with time_machine.travel(START + dt.timedelta(seconds=59), tick=False):
        Client().get("/api/v1/me", headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == START
    with time_machine.travel(START + dt.timedelta(seconds=61), tick=False):
        Client().get("/api/v1/me", headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == START + dt.timedelta(seconds=61)


# Revoking ------------------------------------------------------------------------------------


def tokens_of(user: User) -> list[str]:
    return [
        secret
        for _, secret in (
            services.create_token(user, name="scoped", organization="acme"),
            legacy_token(user, name="legacy"),
        )
    ]


def assert_revoked(secrets: list[str]) -> None:
    for secret in secrets:
        assert error_of(Client().get("/api/v1/me", headers=bearer(secret))) == (
            401,
            "token_expired",
        )


def test_the_password_change_page_revokes_every_token(cast: Cast) -> None:
    secrets = tokens_of(cast.editor)
    response = signed_in(cast.editor).post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "harbour lights 42",
            "new_password2": "harbour lights 42",
        },
    )
    assert response.status_code == 302
    assert_revoked(secrets)
    assert Event.objects.filter(verb="revoked", changes__reason="password changed").count() == 2


def test_a_reset_by_email_revokes_every_token(cast: Cast) -> None:
    secrets = tokens_of(cast.editor)
    form = SetPasswordForm(
        cast.editor, {"new_password1": "harbour lights 42", "new_password2": "harbour lights 42"}
    )
    assert form.is_valid()
    form.save()
    assert_revoked(secrets)


def test_the_changepassword_command_and_set_password_revoke_every_token(
    cast: Cast, monkeypatch
) -> None:
    secrets = tokens_of(cast.editor)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "harbour lights 42")
    call_command("changepassword", "edith")
    assert_revoked(secrets)
    others = tokens_of(cast.viewer)
    cast.viewer.set_password("another long one 7")
    cast.viewer.save()
    assert_revoked(others)


def test_saving_a_user_or_upgrading_a_hash_revokes_nothing(cast: Cast, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    _, secret = services.create_token(cast.editor, name="x", organization=cast.org)
    cast.editor.first_name = "Edie"
    cast.editor.save()
    # Signing in rehashes a password stored with fewer iterations than today's: the same
    # password, so not a reason to revoke.
    weak = PBKDF2PasswordHasher().encode(PASSWORD, "somesalt1234", iterations=1000)
    User.objects.filter(pk=cast.editor.pk).update(password=weak)
    assert Client().login(request=HttpRequest(), username="edith", password=PASSWORD)
    assert User.objects.get(pk=cast.editor.pk).password != weak
    assert Client().get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_leaving_or_being_removed_revokes_that_organizations_tokens(cast: Cast) -> None:
    Membership.objects.create(organization=cast.other_org, user=cast.editor, role="editor")
    acme, acme_secret = services.create_token(cast.editor, name="acme", organization=cast.org)
    other, other_secret = services.create_token(
        cast.editor, name="other", organization=cast.other_org
    )
    membership = Membership.objects.get(organization=cast.org, user=cast.editor)
    services.remove_member(cast.owner_access, membership)
    acme.refresh_from_db()
    other.refresh_from_db()
    assert acme.revoked_at is not None and other.revoked_at is None
    assert error_of(Client().get("/api/v1/me", headers=bearer(acme_secret)))[0] == 401
    assert Client().get("/api/v1/me", headers=bearer(other_secret)).status_code == 200
    event = Event.objects.get(verb="revoked", object_id=str(acme.pk))
    assert (event.actor, event.changes["reason"]) == (cast.owner, "left acme")


def test_a_member_who_leaves_through_the_api_loses_that_token(cast: Cast) -> None:
    api = ApiClient(cast.editor, organization=cast.org)
    membership = Membership.objects.get(organization=cast.org, user=cast.editor)
    assert api.delete(f"/orgs/acme/members/{membership.pk}").status_code == 204
    assert error_of(api.get("/me")) == (401, "token_expired")


# CLI -----------------------------------------------------------------------------------------


def test_the_cli_creates_a_scoped_token_and_refuses_a_bad_one(cast: Cast, capsys) -> None:
    create = ["token", "create", "--user", "edith", "--name", "n"]
    with time_machine.travel(START, tick=False):
        code = main([*create, "--org", "acme", "--scope", "write", "--days", "7"])
    assert code == 0
    assert "write in acme, expires 2026-03-09 09:00" in capsys.readouterr().err
    token = ApiToken.objects.get(user=cast.editor)
    assert (token.organization, token.scope) == (cast.org, "write")
    assert token.expires_at == dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)
    assert main([*create, "--org", "elsewhere"]) == 1
    assert "organization: You are not a member" in capsys.readouterr().err
    assert main([*create, "--org", "acme", "--days", "400"]) == 1
    assert "expires_in_days: Must be between 1 and 365 days." in capsys.readouterr().err
    assert ApiToken.objects.count() == 1
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        main(["token", "list", "--user", "edith"])
    listing = capsys.readouterr().out
    assert re.search(rf"^\s+{token.pk}\s+{token.prefix}\s+active\s+acme\s+write\s", listing, re.M)


# Sessions ------------------------------------------------------------------------------------


def test_an_idle_session_ends_with_a_message_on_the_sign_in_page(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        browser = signed_in(cast.editor)
    with time_machine.travel(START + dt.timedelta(hours=7, minutes=59), tick=False):
        assert browser.get(reverse("tokens")).status_code == 200
    # Activity at 7:59 keeps it going: idle counts from the last request.
    with time_machine.travel(START + dt.timedelta(hours=15, minutes=58), tick=False):
        assert browser.get(reverse("tokens")).status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=24), tick=False):
        response = browser.get(reverse("tokens"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "You were signed out after 8 hours without activity." in response.content.decode()


def test_a_session_ends_after_its_absolute_lifetime_however_active(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        browser = signed_in(cast.editor)
    for hours in range(0, 7 * 24, 6):
        with time_machine.travel(START + dt.timedelta(hours=hours), tick=False):
            assert browser.get(reverse("tokens")).status_code == 200, hours
    with time_machine.travel(START + dt.timedelta(days=7, minutes=1), tick=False):
        response = browser.get(reverse("tokens"))
    assert response.status_code == 302


def test_sign_out_everywhere_ends_every_session_and_optionally_tokens(cast: Cast) -> None:
    laptop = signed_in(cast.editor)
    phone = signed_in(cast.editor)
    other = signed_in(cast.viewer)
    _, secret = services.create_token(cast.editor, name="x", organization=cast.org)
    assert UserSession.objects.filter(user_id=cast.editor.pk).count() == 2
    response = laptop.post(reverse("sign_out_everywhere"))
    assert response.status_code == 302
    assert phone.get(reverse("tokens")).status_code == 302
    assert laptop.get(reverse("tokens")).status_code == 302
    assert other.get(reverse("tokens")).status_code == 200
    assert Client().get("/api/v1/me", headers=bearer(secret)).status_code == 200
    again = signed_in(cast.editor)
    again.post(reverse("sign_out_everywhere"), {"revoke_tokens": "on"})
    assert error_of(Client().get("/api/v1/me", headers=bearer(secret))) == (401, "token_expired")
    assert Event.objects.filter(verb="signed out everywhere").count() == 2


def test_a_password_change_ends_the_other_sessions_but_not_this_one(cast: Cast) -> None:
    here = signed_in(cast.editor)
    elsewhere = signed_in(cast.editor)
    here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "harbour lights 42",
            "new_password2": "harbour lights 42",
        },
    )
    assert here.get(reverse("tokens")).status_code == 200
    assert elsewhere.get(reverse("tokens")).status_code == 302


def test_sign_out_everywhere_is_a_button_for_the_signed_in(cast: Cast) -> None:
    assert Client().post(reverse("sign_out_everywhere")).status_code == 302
    assert signed_in(cast.editor).get(reverse("sign_out_everywhere"))["Location"] == reverse(
        "tokens"
    )
