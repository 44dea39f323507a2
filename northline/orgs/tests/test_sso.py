"""Sign-in with OpenID Connect, below the browser: the mapping parser, the ID token and claim
checks, accounts and memberships, the sign-in routes, and the sign-in events of passwords too.
The browser's end-to-end tests against a real provider are in test_browser_sso.py."""

from __future__ import annotations

import re
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client

from northline.lib.errors import Forbidden, Invalid
from northline.orgs import services, sso
from northline.orgs.history import history_rows
from northline.orgs.models import Event, Membership, Role, SsoIdentity
from northline.orgs.tests.oidc_provider import running_provider
from northline.testing import PASSWORD, Cast, signed_in

ISSUER = "https://idp.example.test"
CLIENT_ID = "northline"


def config(**changes: Any) -> sso.Config:
    values: dict[str, Any] = {
        "issuer": ISSUER,
        "client_id": CLIENT_ID,
        "name": "Example IdP",
        "allowed_domains": ("northline.test",),
        "groups_claim": "groups",
        "group_roles": {},
        "require_verified_email": True,
    }
    values.update(changes)
    return sso.Config(**values)


# The group mapping ------------------------------------------------------------------------------


def test_group_roles_parse_into_groups_organizations_and_roles() -> None:
    text = "acme-admins=acme:admin, acme=acme:viewer\nboth=acme:editor,both=beta:Owner,,"
    assert sso.parse_group_roles(text) == {
        "acme-admins": {"acme": "admin"},
        "acme": {"acme": "viewer"},
        "both": {"acme": "editor", "beta": "owner"},
    }
    assert sso.parse_group_roles("") == {}
    # A group name may hold "=" (an LDAP-style name): the last "=" separates it.
    assert sso.parse_group_roles("cn=staff=acme:viewer") == {"cn=staff": {"acme": "viewer"}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("acme-admins", "'acme-admins' must look like group=organization:role."),
        ("acme-admins=acme", "'acme-admins=acme' must look like group=organization:role."),
        ("=acme:admin", "'=acme:admin' must look like group=organization:role."),
        ("g=acme:boss", "'g=acme:boss' names role 'boss'; use owner, admin, editor or viewer."),
        ("g=acme:admin,g=acme:viewer", "group 'g' gives 'acme' both admin and viewer."),
    ],
)
def test_a_malformed_group_mapping_is_refused_with_the_entry(text: str, message: str) -> None:
    with pytest.raises(Invalid) as refused:
        sso.parse_group_roles(text)
    assert refused.value.message == f"NORTHLINE_OIDC_GROUP_ROLES: {message}"


def test_the_highest_role_wins_where_groups_name_one_organization() -> None:
    mapping = sso.parse_group_roles("a=acme:viewer,b=acme:admin,c=acme:editor,d=beta:viewer")
    assert sso.roles_for(["a", "b", "c", "x"], mapping) == {"acme": "admin"}
    assert sso.roles_for(["d", "a"], mapping) == {"acme": "viewer", "beta": "viewer"}
    assert sso.roles_for([], mapping) == {}
    assert config(group_roles=mapping).managed == {"acme", "beta"}


def test_groups_claim_missing_is_none_not_empty() -> None:
    assert sso.groups_of({}, "groups") is None
    assert sso.groups_of({"groups": []}, "groups") == []
    assert sso.groups_of({"groups": "one"}, "groups") == ["one"]
    assert sso.groups_of({"roles": ["a", 2]}, "roles") == ["a", "2"]


# The claims ----------------------------------------------------------------------------------


def test_claims_need_a_verified_address_in_an_allowed_domain() -> None:
    cfg = config()
    assert sso.check_claims({"email": "Ada@Northline.TEST", "email_verified": True}, cfg) == (
        "Ada@Northline.TEST"
    )
    assert sso.check_claims({"email": "a@northline.test", "email_verified": "true"}, cfg)
    refusals: dict[str, dict[str, Any]] = {
        "Your account at Example IdP has no e-mail address; Northline needs one.": {},
        "Example IdP has not verified your e-mail address a@northline.test.": {
            "email": "a@northline.test"
        },
        "Example IdP has not verified your e-mail address b@northline.test.": {
            "email": "b@northline.test",
            "email_verified": False,
        },
        "m@elsewhere.test may not sign in here: only addresses at northline.test may.": {
            "email": "m@elsewhere.test",
            "email_verified": True,
        },
        # A look-alike domain is another domain.
        "m@evil-northline.test may not sign in here: only addresses at northline.test may.": {
            "email": "m@evil-northline.test",
            "email_verified": True,
        },
    }
    for message, claims in refusals.items():
        with pytest.raises(sso.Refused) as refused:
            sso.check_claims(claims, cfg)
        assert str(refused.value) == message


def test_unverified_addresses_pass_only_when_the_setting_says_so() -> None:
    cfg = config(require_verified_email=False)
    assert sso.check_claims({"email": "a@northline.test"}, cfg) == "a@northline.test"


# The ID token -------------------------------------------------------------------------------

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def token(key: Any = KEY, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "s-1",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
    }
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="RS256")


def refusal_of(raw: str, nonce: str | None = "n-1") -> str:
    with pytest.raises(sso.Refused) as refused:
        sso.check_id_token(raw, KEY.public_key(), cfg=config(), nonce=nonce)
    return str(refused.value)


def test_a_good_id_token_passes() -> None:
    payload = sso.check_id_token(token(), KEY.public_key(), cfg=config(), nonce="n-1")
    assert payload["sub"] == "s-1"
    several = token(aud=[CLIENT_ID, "other"], azp=CLIENT_ID)
    assert sso.check_id_token(several, KEY.public_key(), cfg=config(), nonce="n-1")


def test_id_tokens_that_do_not_hold_are_refused() -> None:
    now = int(time.time())
    wrong_audience = (
        "The answer from Example IdP was meant for another application (wrong audience)."
    )
    assert refusal_of(token(aud="other")) == wrong_audience
    assert refusal_of(token(aud=[CLIENT_ID, "other"])) == wrong_audience  # no azp
    assert refusal_of(token(aud=[CLIENT_ID, "other"], azp="other")) == wrong_audience
    assert refusal_of(token(iss="https://elsewhere.test")) == (
        "The answer did not come from Example IdP (wrong issuer)."
    )
    assert refusal_of(token(exp=now - 31, iat=now - 600)) == (
        "The answer from Example IdP has expired. Sign in again."
    )
    wrong_nonce = (
        "The answer from Example IdP does not belong to this sign-in (wrong nonce). Sign in again."
    )
    assert refusal_of(token(nonce="n-2")) == wrong_nonce
    assert refusal_of(token(nonce=None)) == wrong_nonce
    assert refusal_of(token(), nonce=None) == wrong_nonce
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert refusal_of(token(other_key)).startswith(
        "The answer from Example IdP could not be verified"
    )
    assert "could not be verified" in refusal_of(token(exp=None))
    # Within the leeway, a clock a little behind the provider's is no refusal.
    assert sso.check_id_token(token(exp=now - 10), KEY.public_key(), cfg=config(), nonce="n-1")


# Accounts and memberships ------------------------------------------------------------------


def sign_in(**changes: Any) -> Any:
    values: dict[str, Any] = {
        "issuer": ISSUER,
        "subject": "s-1",
        "email": "ada@northline.test",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "may_create": True,
        "roles": {},
        "managed": {"acme"},
    }
    values.update(changes)
    return services.sign_in_with_sso(**values)


def test_a_new_person_gets_an_account_and_the_mapped_role(cast: Cast) -> None:
    ada = sign_in(roles={"acme": Role.EDITOR})
    assert (ada.username, ada.email, ada.first_name) == (
        "ada@northline.test",
        "ada@northline.test",
        "Ada",
    )
    assert not ada.has_usable_password()
    assert Membership.objects.get(organization=cast.org, user=ada).role == Role.EDITOR
    created = Event.objects.filter(organization=cast.org, object_type="orgs.membership").first()
    assert created is not None and created.actor_name == "single sign-on"
    assert created.actor_id is None
    # The next sign-in, under a new address at the provider, is the same account.
    again = sign_in(email="ada.lovelace@northline.test", roles={"acme": Role.ADMIN})
    assert again.pk == ada.pk
    again.refresh_from_db()
    assert again.email == "ada.lovelace@northline.test"
    assert Membership.objects.get(organization=cast.org, user=ada).role == Role.ADMIN
    assert SsoIdentity.objects.get().user_id == ada.pk


def test_an_existing_account_is_found_by_address_and_linked(cast: Cast) -> None:
    # make_user gives each cast member <username>@example.org.
    found = sign_in(email="EDITH@example.org", roles=None, may_create=False)
    assert found.pk == cast.editor.pk
    assert SsoIdentity.objects.get(subject="s-1").user_id == cast.editor.pk
    # roles None (no groups claim): the membership stays as it was.
    assert Membership.objects.get(organization=cast.org, user=cast.editor).role == Role.EDITOR


def test_no_account_is_made_when_it_may_not_be(cast: Cast) -> None:
    User = get_user_model()
    users, events = User.objects.count(), Event.objects.count()
    with pytest.raises(
        Forbidden, match=re.escape("There is no Northline account for ada@northline.test.")
    ):
        sign_in(may_create=False)
    cast.viewer.is_active = False
    cast.viewer.save()
    with pytest.raises(Forbidden, match=re.escape("This Northline account is deactivated.")):
        sign_in(email="victor@example.org")
    User.objects.create(username="twin", email="Adam@example.org")
    with pytest.raises(Forbidden, match="More than one Northline account has the address"):
        sign_in(email="adam@example.org")
    assert User.objects.count() == users + 1  # the twin made above, no other
    assert Event.objects.count() == events
    assert not SsoIdentity.objects.exists()


def test_losing_the_group_removes_the_membership_but_never_the_last_owner(cast: Cast) -> None:
    # Olivia is acme's only owner: the mapping cannot demote or remove her.
    owner = sign_in(email="olivia@example.org", roles={"acme": Role.VIEWER}, subject="o")
    assert owner.pk == cast.owner.pk
    assert Membership.objects.get(organization=cast.org, user=cast.owner).role == Role.OWNER
    services.sign_in_with_sso(
        issuer=ISSUER,
        subject="o",
        email="olivia@example.org",
        may_create=False,
        roles={},
        managed={"acme"},
    )
    assert Membership.objects.filter(organization=cast.org, user=cast.owner).exists()
    # Victor loses acme's group; his membership of the unmanaged other organization stays.
    services.add_member(cast.access(cast.outsider, cast.other_org), user=cast.viewer, role="viewer")
    acme_token, _ = services.create_token(cast.viewer, name="acme", organization=cast.org)
    other_token, _ = services.create_token(cast.viewer, name="other", organization=cast.other_org)
    done = services.sync_sso_memberships(cast.viewer, roles={}, managed={"acme", "gone"})
    assert done == ["acme: left"]
    assert not Membership.objects.filter(organization=cast.org, user=cast.viewer).exists()
    assert Membership.objects.filter(organization=cast.other_org, user=cast.viewer).exists()
    # As when a member leaves: the token for acme is revoked, the other one still works.
    acme_token.refresh_from_db()
    other_token.refresh_from_db()
    assert acme_token.revoked_at is not None and other_token.revoked_at is None


# Sign-in events, passwords too ----------------------------------------------------------------


def test_password_sign_in_and_out_are_recorded_with_the_address(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    response = client.post("/login/", {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 302
    (event,) = Event.objects.filter(verb="signed_in")
    assert (event.organization, event.actor, event.client_address) == (
        cast.org,
        cast.owner,
        "203.0.113.7",
    )
    assert event.changes == {"method": "password"}
    (row,) = history_rows(cast.owner_access, [event])
    assert row.sentence == "Olivia Owner signed in as “olivia” with a password from 203.0.113.7"
    client.post("/logout/")
    (out,) = Event.objects.filter(verb="signed_out")
    assert (out.organization, out.actor_id) == (cast.org, cast.owner.pk)


def test_a_user_of_no_organization_signs_in_in_the_installations_trail(cast: Cast) -> None:
    get_user_model().objects.create_user("loner", password=PASSWORD)
    Client().post("/login/", {"username": "loner", "password": PASSWORD})
    (event,) = Event.objects.filter(verb="signed_in")
    assert event.organization is None and event.actor_name == "loner"


def test_a_wrong_password_is_a_refused_sign_in(cast: Cast) -> None:
    response = Client(REMOTE_ADDR="198.51.100.9").post(
        "/login/", {"username": "olivia", "password": "wrong"}
    )
    assert response.status_code == 200
    (event,) = Event.objects.filter(verb="sign_in_refused")
    assert (event.organization, event.actor, event.actor_name) == (None, None, "olivia")
    assert event.changes == {"method": "password", "reason": "Wrong username or password."}
    assert event.client_address == "198.51.100.9"
    assert not Event.objects.filter(verb="signed_in").exists()


def test_with_local_passwords_off_the_form_is_gone_and_passwords_sign_no_one_in(
    cast: Cast, settings
) -> None:
    settings.NORTHLINE_OIDC_ISSUER = ISSUER
    settings.NORTHLINE_OIDC_NAME = "Example IdP"
    settings.NORTHLINE_LOCAL_PASSWORDS = False
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "northline.orgs.sso.OidcBackend",
    ]
    client = Client()
    page = client.get("/login/").content.decode()
    assert "Sign in with Example IdP" in page
    assert 'name="password"' not in page
    assert "Forgot your password?" not in page
    response = client.post("/login/", {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 200
    assert "Password sign-in is turned off here." in response.content.decode()
    assert client.get("/o/acme/").status_code == 302
    (event,) = Event.objects.filter(verb="sign_in_refused")
    assert event.changes["reason"] == "Password sign-in is turned off."
    # Nor is a password reset offered (nor a password sign-up: test_invitations.py).
    assert client.get("/account/password/reset/").status_code == 404


def test_password_reset_is_offered_while_passwords_are_on(cast: Cast) -> None:
    assert "Forgot your password?" in Client().get("/login/").content.decode()
    assert Client().get("/account/password/reset/").status_code == 200


def test_without_single_sign_on_the_page_is_as_before(cast: Cast) -> None:
    page = Client().get("/login/").content.decode()
    assert "Sign in with" not in page
    assert 'name="password"' in page


# The sign-in routes ---------------------------------------------------------------------------


def test_the_sign_in_routes_are_404_while_single_sign_on_is_off(cast: Cast) -> None:
    for client in (Client(), signed_in(cast.viewer)):
        assert client.get("/login/sso/").status_code == 404
        assert client.get("/login/sso/callback/?code=x&state=y").status_code == 404


@pytest.fixture
def provider(settings):
    with running_provider() as provider:
        settings.NORTHLINE_OIDC_ISSUER = provider.url
        settings.NORTHLINE_OIDC_NAME = "Test IdP"
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.AUTHENTICATION_BACKENDS = [
            "axes.backends.AxesStandaloneBackend",  # as settings.py puts it: first
            "django.contrib.auth.backends.ModelBackend",
            "northline.orgs.sso.OidcBackend",
        ]
        yield provider


def test_the_start_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(
    cast: Cast, provider
) -> None:
    response = Client().get("/login/sso/?next=/o/acme/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{provider.url}/oauth2/authorize?")
    for part in ("response_type=code", f"client_id={CLIENT_ID}", "nonce=", "state=", "S256"):
        assert part in location


def test_a_callback_this_browser_did_not_start_is_refused(cast: Cast, provider) -> None:
    client = Client()
    client.get("/login/sso/")  # a state of its own, not the one below
    response = client.get("/login/sso/callback/?code=abc&state=forged", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "This sign-in link was already used. Sign in again." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_provider_that_says_no_is_a_refused_sign_in(cast: Cast, provider) -> None:
    response = Client().get("/login/sso/callback/?error=access_denied&state=x", follow=True)
    assert "Test IdP did not sign you in (access_denied)." in response.content.decode()
    (event,) = Event.objects.filter(verb="sign_in_refused")
    assert event.changes["method"] == "single sign-on"


def test_an_unreachable_provider_is_said_on_the_sign_in_page(cast: Cast, settings) -> None:
    settings.NORTHLINE_OIDC_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.NORTHLINE_OIDC_NAME = "Test IdP"
    response = Client().get("/login/sso/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "Test IdP could not be reached. Try again later." in response.content.decode()


def test_the_configuration_check_names_what_is_wrong(settings) -> None:
    assert sso.check_configuration() == []  # off: nothing to say
    settings.NORTHLINE_OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = ""
    settings.NORTHLINE_OIDC_GROUP_ROLES = "admins=acme"
    settings.NORTHLINE_OIDC_ALLOWED_DOMAINS = []
    assert [(m.id, m.msg) for m in sso.check_configuration()] == [
        (
            "northline.E101",
            "NORTHLINE_OIDC_ISSUER is set without NORTHLINE_OIDC_CLIENT_ID and "
            "NORTHLINE_OIDC_CLIENT_SECRET.",
        ),
        (
            "northline.E102",
            "NORTHLINE_OIDC_GROUP_ROLES: 'admins=acme' must look like group=organization:role.",
        ),
        (
            "northline.W101",
            "NORTHLINE_OIDC_ALLOWED_DOMAINS is empty: single sign-on signs in existing accounts "
            "only and creates none.",
        ),
    ]


def test_a_session_made_without_a_request_is_no_sign_in(cast: Cast) -> None:
    # The test client's force_login and logout use a bare request: no person signed in or out.
    client = signed_in(cast.owner)
    client.logout()
    assert not Event.objects.filter(verb__in=["signed_in", "signed_out"]).exists()


def test_signing_out_where_the_provider_has_no_end_session_endpoint(
    cast: Cast, settings, monkeypatch
) -> None:
    settings.NORTHLINE_OIDC_ISSUER = ISSUER
    settings.NORTHLINE_OIDC_NAME = "Example IdP"
    settings.NORTHLINE_OIDC_LOGOUT = True
    monkeypatch.setattr(sso, "discover", lambda issuer: {"issuer": issuer})
    client = signed_in(cast.viewer)
    session = client.session
    session[sso.ID_TOKEN_SESSION_KEY] = "an.id.token"
    session.save()
    response = client.post("/logout/", follow=True)
    assert response.redirect_chain and ISSUER not in response.redirect_chain[-1][0]
    assert "Example IdP may still be open" in response.content.decode()
    assert client.get("/o/acme/").status_code == 302  # signed out of Northline


def test_a_password_sign_in_signs_out_of_northline_only(cast: Cast, settings, monkeypatch) -> None:
    settings.NORTHLINE_OIDC_ISSUER = ISSUER
    settings.NORTHLINE_OIDC_LOGOUT = True
    asked: list[str] = []

    def discover(issuer: str) -> dict[str, Any]:
        asked.append(issuer)
        return {}

    monkeypatch.setattr(sso, "discover", discover)
    response = signed_in(cast.viewer).post("/logout/")
    assert response.status_code == 302 and asked == []
