"""Sign-in with OpenID Connect end to end: Chromium, Northline's live server, and a real
provider on 127.0.0.1 (oidc-provider-mock; see ``oidc_provider.py``).

Each refusal must reach the person as a sentence on the sign-in page, write a
``sign_in_refused`` event, and create no account.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from northline.conftest import screenshot
from northline.orgs import services
from northline.orgs.models import Event, Membership, Organization, Role, SsoIdentity
from northline.orgs.tests.oidc_provider import running_provider
from northline.orgs.tests.test_mfa import enrol
from northline.testing import Cast, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT_ID = "northline-tests"
MAPPING = "northline-acme-admins=acme:admin,northline-acme=acme:viewer"


@pytest.fixture
def browser_cast(transactional_db) -> Cast:
    return make_cast()


@pytest.fixture
def provider(settings):
    with running_provider() as provider:
        settings.NORTHLINE_OIDC_ISSUER = provider.url
        settings.NORTHLINE_OIDC_NAME = "Test IdP"
        settings.NORTHLINE_OIDC_ALLOWED_DOMAINS = ["northline.test"]
        settings.NORTHLINE_OIDC_GROUP_ROLES = MAPPING
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = "test-secret"
        settings.AUTHENTICATION_BACKENDS = [
            "axes.backends.AxesStandaloneBackend",  # as settings.py puts it: first
            "django.contrib.auth.backends.ModelBackend",
            "northline.orgs.sso.OidcBackend",
        ]
        yield provider


def sign_in_with_provider(page, subject: str) -> None:
    """From Northline's sign-in page through the provider's page, as a person does."""
    page.goto("/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.locator("#subject-input").fill(subject)
    with page.expect_navigation(url="**/"):
        page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_load_state()


def refusals() -> list[Event]:
    return list(Event.objects.filter(verb="sign_in_refused").order_by("id"))


def test_just_in_time_account_and_role_sync(page, browser_cast: Cast, provider) -> None:
    User = get_user_model()
    provider.set_user(
        "ada-1",
        email="ada@northline.test",
        email_verified=True,
        given_name="Ada",
        family_name="Lovelace",
        groups=["northline-acme", "unmapped-group"],
    )
    sign_in_with_provider(page, "ada-1")
    ada = User.objects.get(email="ada@northline.test")
    assert ada.username == "ada@northline.test"
    assert not ada.has_usable_password()
    assert SsoIdentity.objects.get(user=ada).issuer == provider.url
    page.goto("/o/acme/")
    expect(page.locator(".badge.role-viewer")).to_have_text("viewer")
    screenshot(page, "sso-signed-in-viewer")

    # The next sign-in carries the admins' group: the role follows; signing out is recorded.
    page.locator("summary", has_text="ada@northline.test").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in with Test IdP")).to_be_visible()
    (signed_out,) = Event.objects.filter(verb="signed_out", actor=ada)
    assert signed_out.organization == browser_cast.org
    assert signed_out.client_address == "127.0.0.1"
    provider.set_user(
        "ada-1",
        email="ada@northline.test",
        email_verified=True,
        groups=["northline-acme-admins"],
    )
    sign_in_with_provider(page, "ada-1")
    page.goto("/o/acme/")
    expect(page.locator(".badge.role-admin")).to_have_text("admin")
    assert Membership.objects.get(organization=browser_cast.org, user=ada).role == Role.ADMIN
    page.goto("/o/acme/history/")
    expect(page.get_by_text("Ada Lovelace signed in as “ada@northline.test”").first).to_be_visible()
    screenshot(page, "sso-history")

    # Losing every mapped group takes the membership of the managed organization away.
    provider.set_user("ada-1", email="ada@northline.test", email_verified=True, groups=[])
    page.context.clear_cookies()
    sign_in_with_provider(page, "ada-1")
    assert not Membership.objects.filter(organization=browser_cast.org, user=ada).exists()
    signed_in = Event.objects.filter(verb="signed_in", actor=ada)
    assert signed_in.count() == 3
    assert {e.changes["method"] for e in signed_in} == {"single sign-on"}
    assert all(e.client_address == "127.0.0.1" for e in signed_in)
    assert refusals() == []


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("audience", "was meant for another application (wrong audience)"),
        ("nonce", "does not belong to this sign-in (wrong nonce)"),
        ("expired", "The answer from Test IdP has expired"),
    ],
)
def test_a_spoiled_id_token_is_refused(page, browser_cast, provider, spoil, message) -> None:
    provider.set_user("eve-1", email="eve@northline.test", email_verified=True, groups=[])
    provider.spoil = spoil
    sign_in_with_provider(page, "eve-1")
    expect(page).to_have_title("Sign in · Northline")
    expect(page.get_by_text(message)).to_be_visible()
    screenshot(page, f"sso-refused-{spoil}")
    assert not get_user_model().objects.filter(email="eve@northline.test").exists()
    (refusal,) = refusals()
    assert message in refusal.changes["reason"]
    assert refusal.client_address == "127.0.0.1"


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        (
            {"email": "mallory@elsewhere.test", "email_verified": True},
            "mallory@elsewhere.test may not sign in here: only addresses at northline.test may.",
        ),
        (
            {"email": "unverified@northline.test", "email_verified": False},
            "Test IdP has not verified your e-mail address unverified@northline.test.",
        ),
    ],
)
def test_claims_that_do_not_hold_are_refused(page, browser_cast, provider, claims, message):
    provider.set_user("someone-1", groups=["northline-acme-admins"], **claims)
    sign_in_with_provider(page, "someone-1")
    expect(page.get_by_text(message)).to_be_visible()
    screenshot(page, f"sso-refused-{claims['email'].partition('@')[0]}")
    assert not get_user_model().objects.filter(email=claims["email"]).exists()
    assert not SsoIdentity.objects.exists()
    (refusal,) = refusals()
    assert refusal.changes["reason"] == message
    assert refusal.actor_name == claims["email"]


def test_a_second_factor_the_provider_asserts_counts_where_one_is_required(
    page, browser_cast: Cast, provider
) -> None:
    """acme requires two-factor authentication. Whom the provider signed in with more than a
    password (``amr`` has ``mfa``) enters; whom it signed in with a password alone is sent to
    set up Northline's own second factor."""
    enrol(browser_cast.owner)
    org = Organization.objects.get(pk=browser_cast.org.pk)
    services.update_organization(
        browser_cast.owner_access, version=org.version, require_second_factor=True
    )
    for subject, methods in (("kim-1", ["pwd", "mfa"]), ("lee-1", ["pwd"])):
        provider.set_user(
            subject,
            email=f"{subject[:3]}@northline.test",
            email_verified=True,
            groups=["northline-acme"],
            amr=methods,
        )
    sign_in_with_provider(page, "kim-1")
    page.goto("/o/acme/")
    assert page.url.endswith("/o/acme/")
    expect(page.locator(".badge.role-viewer")).to_have_text("viewer")

    page.context.clear_cookies()
    sign_in_with_provider(page, "lee-1")
    page.goto("/o/acme/")
    assert page.url.endswith("/account/security/")
    screenshot(page, "sso-second-factor-required")


def test_signing_out_ends_the_provider_session_when_asked(
    page, browser_cast: Cast, provider, settings
) -> None:
    """NORTHLINE_OIDC_LOGOUT on: signing out sends the browser to the provider's end-session
    page with the ID token as its hint, and back to Northline's sign-in page after."""
    settings.NORTHLINE_OIDC_LOGOUT = True
    provider.set_user("ada-1", email="ada@northline.test", email_verified=True, groups=[])
    sign_in_with_provider(page, "ada-1")
    page.locator("summary", has_text="ada@northline.test").click()
    with page.expect_navigation(url=f"{provider.url}/oauth2/end_session?**"):
        page.get_by_role("button", name="Sign out").click()
    asked = page.url
    assert "id_token_hint=ey" in asked and "post_logout_redirect_uri=" in asked
    screenshot(page, "sso-provider-sign-out")
    with page.expect_navigation(url="**/login/**"):
        page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("link", name="Sign in with Test IdP")).to_be_visible()
    page.goto("/o/acme/")
    assert "/login/" in page.url  # signed out of Northline too
    assert Event.objects.filter(verb="signed_out", actor__email="ada@northline.test").count() == 1


def test_signing_out_stays_in_northline_by_default(page, browser_cast: Cast, provider) -> None:
    provider.set_user("bo-1", email="bo@northline.test", email_verified=True, groups=[])
    sign_in_with_provider(page, "bo-1")
    page.locator("summary", has_text="bo@northline.test").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert provider.url not in page.url
    expect(page.get_by_role("link", name="Sign in with Test IdP")).to_be_visible()
