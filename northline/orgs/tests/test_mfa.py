"""Two-factor authentication: enrolment, the second sign-in step, recovery codes, turning it off,
and an organization that requires it (pages, the API, who may set it).

Codes are computed here from the device's secret with django-otp's own TOTP function, at a
moment fixed with time-machine: each step happens in its own 30-second window, since a code
once used is refused again in its window.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.core.management import call_command
from django.test import Client, RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from northline.orgs import mfa, services
from northline.orgs.models import Event, Organization, Person
from northline.testing import PASSWORD, ApiClient, Cast, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_session_limits(settings) -> None:
    """The clock jumps between fixed moments of 2026-12-01 and now; the idle and lifetime limits
    of sessions (test_tokens_sessions.py) would end the sessions signed in at those moments."""
    settings.NORTHLINE_SESSION_IDLE_MINUTES = 0
    settings.NORTHLINE_SESSION_MAX_HOURS = 100 * 365 * 24
    settings.SESSION_COOKIE_AGE = settings.NORTHLINE_SESSION_MAX_HOURS * 3600


START = dt.datetime(2026, 12, 1, 9, 0, 0, tzinfo=dt.UTC)


@contextmanager
def at(minute: int) -> Iterator[None]:
    """The clock at START + ``minute`` minutes (each minute is two fresh 30-second windows)."""
    with time_machine.travel(START + dt.timedelta(minutes=minute), tick=False):
        yield


def code_of(device: TOTPDevice) -> str:
    """The six digits an authenticator app shows now for ``device``."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = code_of(device)
    return f"{(int(right) + 1) % 1_000_000:06d}"


def enrol(user: User, minute: int = 0) -> TOTPDevice:
    """An authenticator set up and confirmed through the services, at ``minute``."""
    with at(minute):
        device = services.start_authenticator(user)
        services.confirm_authenticator(user, code=code_of(device))
    device.refresh_from_db()
    return device


def password_step(client: Client, user: User, next_url: str = "") -> Any:
    data = {"username": user.username, "password": PASSWORD}
    return client.post("/login/" + (f"?next={next_url}" if next_url else ""), data)


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def sign_in_with_code(user: User, device: TOTPDevice, minute: int) -> Client:
    """A client signed in the way a person does it: password, then the code of the moment."""
    client = Client()
    with at(minute):
        assert password_step(client, user)["Location"] == "/login/verify/"
        response = client.post("/login/verify/", {"code": code_of(device)})
    assert response.status_code == 302
    return client


# Enrolment ---------------------------------------------------------------------------------


def test_it_sets_up_an_authenticator_confirmed_by_a_first_code(cast: Cast) -> None:
    client = signed_in(cast.editor)
    page = client.get("/account/security/")
    assert page.status_code == 200
    assert b"Set up an authenticator" in page.content
    with at(0):
        assert client.post("/account/security/setup/")["Location"] == "/account/security/"
    device = TOTPDevice.objects.get(user=cast.editor)
    assert device.confirmed is False
    page = client.get("/account/security/")
    assert b"<svg" in page.content and b'class="qr-code"' in page.content
    assert mfa.secret_of(device).encode() in page.content

    with at(1):
        refused = client.post("/account/security/confirm/", {"code": wrong_code(device)})
    assert refused.status_code == 422
    assert b"That code does not match" in refused.content
    device.refresh_from_db()
    assert device.confirmed is False

    with at(2):
        response = client.post("/account/security/confirm/", {"code": code_of(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    # The code just given proves the phone: this session counts as verified.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    verbs = list(
        Event.objects.filter(object_type="otp_totp.totpdevice", organization=None)
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["created", "confirmed"]


def test_the_secret_is_base32_of_the_key_in_groups_of_four(cast: Cast) -> None:
    device = TOTPDevice(user=cast.editor, key="00" * 20)  # twenty zero bytes
    assert mfa.secret_of(device) == "AAAA " * 7 + "AAAA"


def test_a_new_authenticator_replaces_the_old_one_once_confirmed(cast: Cast) -> None:
    old = enrol(cast.editor, minute=0)
    with at(1):
        new = services.start_authenticator(cast.editor)
    # Until the new one is confirmed, the old one still signs in.
    assert mfa.authenticator(cast.editor) == old
    with at(2):
        services.confirm_authenticator(cast.editor, code=code_of(new))
    assert list(TOTPDevice.objects.filter(user=cast.editor)) == [new]


def test_confirming_without_setting_up_is_refused(cast: Cast) -> None:
    response = signed_in(cast.editor).post("/account/security/confirm/", {"code": "123456"})
    assert response.status_code == 409
    assert not TOTPDevice.objects.exists()


# Signing in --------------------------------------------------------------------------------


def test_a_user_without_an_authenticator_signs_in_with_the_password_alone(cast: Cast) -> None:
    client = Client()
    response = password_step(client, cast.editor)
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert signed_in_user_id(client) == str(cast.editor.pk)


def test_sign_in_asks_for_a_code_and_refuses_a_wrong_one(cast: Cast) -> None:
    device = enrol(cast.editor)
    failures: list[dict] = []

    def failed(sender: object, credentials: dict, request: object, **kwargs: object) -> None:
        failures.append(credentials)

    user_login_failed.connect(failed)
    try:
        client = Client()
        with at(5):
            response = password_step(client, cast.editor, next_url="/o/acme/people/")
            assert response["Location"] == "/login/verify/"
            assert signed_in_user_id(client) is None
            page = client.get("/login/verify/")
            assert page.status_code == 200 and b"Enter your code" in page.content
            refused = client.post("/login/verify/", {"code": wrong_code(device)})
        assert refused.status_code == 422
        assert b"That code is not right" in refused.content
        assert signed_in_user_id(client) is None
        assert failures == [{"username": "edith"}]
        with at(6):
            response = client.post("/login/verify/", {"code": code_of(device)})
    finally:
        user_login_failed.disconnect(failed)
    assert response.status_code == 302 and response["Location"] == "/o/acme/people/"
    assert signed_in_user_id(client) == str(cast.editor.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert mfa.PENDING_SESSION_KEY not in client.session


def test_the_second_step_cannot_be_skipped_by_going_elsewhere(cast: Cast) -> None:
    enrol(cast.editor)
    client = Client()
    with at(5):
        password_step(client, cast.editor)
        for url in ("/me/", "/o/acme/", "/account/security/", "/account/tokens/"):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/login/?next="), url
        assert client.get("/api/v1/me").status_code == 401
    assert signed_in_user_id(client) is None


def test_the_second_step_without_a_password_first_goes_back_to_sign_in(cast: Cast) -> None:
    response = Client().post("/login/verify/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_the_second_step_expires(cast: Cast, settings) -> None:
    device = enrol(cast.editor)
    settings.NORTHLINE_SECOND_FACTOR_TIMEOUT = 300
    client = Client()
    with at(5):
        password_step(client, cast.editor)
    with at(11):  # six minutes later
        response = client.post("/login/verify/", {"code": code_of(device)})
    assert response["Location"] == "/login/"
    assert signed_in_user_id(client) is None


def five_wrong_codes(user: User, device: TOTPDevice) -> tuple[Client, list[int]]:
    """The password, then five wrong codes a minute apart: the client and the codes' answers."""
    client = Client()
    statuses = []
    for attempt in range(5):
        with at(5 + attempt):
            if attempt == 0:
                password_step(client, user)
            statuses.append(client.post("/login/verify/", {"code": wrong_code(device)}).status_code)
    return client, statuses


def assert_the_right_code_starts_over(client: Client, device: TOTPDevice) -> None:
    """After five wrong codes even the right one sends ``client`` back to the password step."""
    with at(20):
        response = client.post("/login/verify/", {"code": code_of(device)})
    assert response["Location"] == "/login/"
    assert signed_in_user_id(client) is None


def test_five_wrong_codes_start_the_sign_in_over(cast: Cast) -> None:
    device = enrol(cast.editor)
    client, statuses = five_wrong_codes(cast.editor, device)
    # Each wrong code is a failed sign-in to the lockout guard as well: the fifth both ends this
    # sign-in and locks the username out from this address (test_lockout.py).
    assert statuses == [422, 422, 422, 422, 429]
    assert_the_right_code_starts_over(client, device)
    with at(21):
        assert password_step(Client(), cast.editor).status_code == 429
    # The audit trail says which step was refused.
    refused = Event.objects.filter(verb="sign_in_refused").order_by("id")
    assert [event.changes["reason"] for event in refused] == ["Wrong two-factor code."] * 4 + [
        "Wrong two-factor code; locked out after too many failed sign-ins.",
        "Locked out after too many failed sign-ins.",
    ]


def test_five_wrong_codes_start_the_sign_in_over_where_lockout_allows_more(
    cast: Cast, settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 50
    device = enrol(cast.editor)
    client, statuses = five_wrong_codes(cast.editor, device)
    assert statuses == [422, 422, 422, 422, 302]
    assert_the_right_code_starts_over(client, device)


def test_a_recovery_code_signs_in_once(cast: Cast) -> None:
    enrol(cast.editor)
    codes = services.create_recovery_codes(cast.editor)
    assert len(codes) == 10 and len(set(codes)) == 10
    first = Client()
    with at(5):
        password_step(first, cast.editor)
        response = first.post("/login/verify/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert signed_in_user_id(first) == str(cast.editor.pk)
    assert mfa.recovery_codes_left(cast.editor) == 9
    used = Event.objects.get(verb="used")
    assert used.organization is None and used.changes == {"recovery_codes_left": 9}

    again = Client()
    with at(6):
        password_step(again, cast.editor)
        refused = again.post("/login/verify/", {"code": codes[0]})
    assert refused.status_code == 422
    assert signed_in_user_id(again) is None
    with at(7):
        assert again.post("/login/verify/", {"code": codes[1]}).status_code == 302
    assert mfa.recovery_codes_left(cast.editor) == 8


def test_new_recovery_codes_replace_the_old_ones(cast: Cast) -> None:
    enrol(cast.editor)
    old = services.create_recovery_codes(cast.editor)
    client = signed_in(cast.editor)
    page = client.post("/account/security/recovery-codes/")
    assert page.status_code == 200
    new = list(StaticToken.objects.filter(device__user=cast.editor).values_list("token", flat=True))
    assert len(new) == 10 and not set(new) & set(old)
    for code in new:
        assert code.encode() in page.content
    # Shown once: the page afterwards counts them without showing them.
    later = client.get("/account/security/")
    assert new[0].encode() not in later.content and b"10 unused codes left" in later.content
    assert services.verify_second_factor(cast.editor, old[0]) is None


def test_recovery_codes_need_an_authenticator(cast: Cast) -> None:
    response = signed_in(cast.editor).post("/account/security/recovery-codes/")
    assert response.status_code == 409
    assert not StaticToken.objects.exists()


# Turning it off ---------------------------------------------------------------------------


def test_turning_it_off_needs_the_password_or_a_code(cast: Cast) -> None:
    device = enrol(cast.editor)
    services.create_recovery_codes(cast.editor)
    client = signed_in(cast.editor)
    refused = client.post("/account/security/turn-off/", {"password": "not-my-password"})
    assert refused.status_code == 422
    assert TOTPDevice.objects.filter(user=cast.editor).exists()
    with at(3):
        refused = client.post("/account/security/turn-off/", {"code": wrong_code(device)})
    assert refused.status_code == 422
    assert TOTPDevice.objects.filter(user=cast.editor).exists()

    response = client.post("/account/security/turn-off/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.editor).exists()
    assert not StaticToken.objects.filter(device__user=cast.editor).exists()
    assert Event.objects.filter(verb="deleted", object_type="otp_totp.totpdevice").count() == 1
    # Signing in takes the password alone again.
    assert password_step(Client(), cast.editor)["Location"] == "/me/"


def test_turning_it_off_with_a_current_code(cast: Cast) -> None:
    device = enrol(cast.editor)
    with at(4):
        response = signed_in(cast.editor).post(
            "/account/security/turn-off/", {"code": code_of(device)}
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.editor).exists()


def test_it_stays_on_while_an_organization_requires_it(cast: Cast) -> None:
    enrol(cast.owner)
    enrol(cast.editor, minute=1)
    require(cast)
    client = sign_in_with_code(cast.editor, mfa.authenticator(cast.editor), minute=5)
    response = client.post("/account/security/turn-off/", {"password": PASSWORD})
    assert response.status_code == 409
    assert b"Acme Ministry requires two-factor authentication" in response.content
    assert TOTPDevice.objects.filter(user=cast.editor).exists()


# The organization's requirement -------------------------------------------------------------


def require(cast: Cast) -> None:
    """The owner (who has an authenticator) turns the requirement on for acme."""
    org = Organization.objects.get(pk=cast.org.pk)
    services.update_organization(cast.owner_access, version=org.version, require_second_factor=True)


def test_only_an_owner_sets_the_requirement_on_the_settings_page(cast: Cast) -> None:
    enrol(cast.owner)
    url = "/o/acme/settings/second-factor/"
    data = {"version": 1, "require_second_factor": "on"}
    for user in (cast.admin, cast.editor, cast.viewer):
        assert signed_in(user).post(url, data).status_code == 403, user.username
    assert signed_in(cast.outsider).post(url, data).status_code == 404
    anonymous = Client().post(url, data)
    assert anonymous.status_code == 302 and anonymous["Location"] == f"/login/?next={url}"
    assert Organization.objects.get(pk=cast.org.pk).require_second_factor is False

    owner = sign_in_with_code(cast.owner, mfa.authenticator(cast.owner), minute=5)
    settings_page = owner.get("/o/acme/settings/")
    assert b"Require two-factor authentication" in settings_page.content
    response = owner.post(url, data)
    assert response.status_code == 302 and response["Location"] == "/o/acme/settings/"
    org = Organization.objects.get(pk=cast.org.pk)
    assert org.require_second_factor is True and org.version == 2
    event = Event.objects.filter(organization=org, object_type="orgs.organization").first()
    assert event.changes == {"require_second_factor": [False, True]}
    # An admin sees the setting but no switch.
    admin_page = signed_in(cast.admin).get("/o/acme/settings/")
    assert admin_page.status_code == 302  # the admin has no second factor: sent to set one up
    enrol(cast.admin, minute=6)
    admin = sign_in_with_code(cast.admin, mfa.authenticator(cast.admin), minute=7)
    admin_page = admin.get("/o/acme/settings/")
    assert b"Only owners change this." in admin_page.content
    assert b"Require two-factor authentication" not in admin_page.content


def test_an_owner_without_a_second_factor_cannot_require_it(cast: Cast) -> None:
    response = signed_in(cast.owner).post(
        "/o/acme/settings/second-factor/", {"version": 1, "require_second_factor": "on"}
    )
    assert response.status_code == 409
    assert b"Set up two-factor authentication for your own account" in response.content
    assert Organization.objects.get(pk=cast.org.pk).require_second_factor is False


def patch_by_session(user: User, body: dict[str, Any]) -> Any:
    """The API called from a signed-in browser, as owner-only changes must be."""
    return signed_in(user).patch(
        "/api/v1/orgs/acme/", json.dumps(body), content_type="application/json"
    )


def test_the_api_lets_only_owners_change_the_requirement(cast: Cast) -> None:
    body = {"version": 1, "require_second_factor": True}
    for user in (cast.admin, cast.editor, cast.viewer):
        response = patch_by_session(user, body)
        assert response.status_code == 403, user.username
        assert response.json()["error"]["code"] == "forbidden"
    assert patch_by_session(cast.outsider, body).status_code == 404
    assert ApiClient().patch("/orgs/acme/", body).status_code == 401
    # An owner-only change needs the browser session, not a token (test_tokens_sessions.py).
    by_token = ApiClient(cast.owner).patch("/orgs/acme/", body)
    assert by_token.json()["error"]["code"] == "token_scope"
    refused = patch_by_session(cast.owner, body)
    assert refused.status_code == 409
    assert refused.json()["error"]["fields"] == {
        "require_second_factor": "Set up your own authenticator first."
    }
    assert Organization.objects.get(pk=cast.org.pk).require_second_factor is False

    enrol(cast.owner)
    response = patch_by_session(cast.owner, body)
    assert response.status_code == 200
    assert response.json()["require_second_factor"] is True
    assert response.json()["version"] == 2


def test_a_member_without_a_second_factor_is_sent_to_set_one_up(cast: Cast) -> None:
    enrol(cast.owner)
    require(cast)
    services.add_member(cast.access(cast.outsider, cast.other_org), user=cast.viewer, role="viewer")
    viewer = signed_in(cast.viewer)
    for url in ("/o/acme/", "/o/acme/people/", "/o/acme/strategy/", "/o/acme/settings/"):
        response = viewer.get(url)
        assert response.status_code == 302 and response["Location"] == "/account/security/", url
    page = viewer.get("/account/security/")
    assert b"Acme Ministry requires two-factor authentication: set up an authenticator" in (
        page.content
    )
    assert b"Required by <strong>Acme Ministry</strong>" in page.content
    # Another organization of the same member does not require it.
    assert viewer.get("/o/elsewhere/").status_code == 200
    # Outsiders still get 404, not a hint that the organization exists.
    assert signed_in(cast.outsider).get("/o/acme/").status_code == 404


def test_setting_one_up_lets_the_member_in_at_once(cast: Cast) -> None:
    enrol(cast.owner)
    require(cast)
    client = signed_in(cast.editor)
    with at(3):
        client.post("/account/security/setup/")
    device = TOTPDevice.objects.get(user=cast.editor)
    with at(4):
        client.post("/account/security/confirm/", {"code": code_of(device)})
    assert client.get("/o/acme/").status_code == 200


def test_a_member_who_signed_in_with_a_code_passes(cast: Cast) -> None:
    enrol(cast.owner)
    device = enrol(cast.editor, minute=1)
    require(cast)
    client = sign_in_with_code(cast.editor, device, minute=5)
    assert client.get("/o/acme/").status_code == 200
    assert client.get("/o/acme/people/").status_code == 200
    assert client.get("/api/v1/orgs/acme/").status_code == 200


def test_a_session_signed_in_without_a_code_is_not_enough(cast: Cast) -> None:
    """A device set up in another session does not verify this one (it signed in earlier)."""
    enrol(cast.owner)
    enrol(cast.editor, minute=1)
    require(cast)
    client = signed_in(cast.editor)
    response = client.get("/o/acme/", follow=True)
    assert b"this session was signed in without a code" in response.content


def test_the_api_refuses_unverified_sessions_with_a_clear_code(cast: Cast) -> None:
    enrol(cast.owner)
    require(cast)
    response = signed_in(cast.editor).get("/api/v1/orgs/acme/")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "second_factor_required"
    assert error["message"].startswith("Acme Ministry requires two-factor authentication")
    assert error["fields"] == {}
    # What belongs to no organization stays open.
    assert signed_in(cast.editor).get("/api/v1/me").status_code == 200


def test_bearer_tokens_work_for_members_who_have_an_authenticator(cast: Cast) -> None:
    enrol(cast.owner)
    require(cast)
    refused = ApiClient(cast.editor).get("/orgs/acme/people")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "second_factor_required"
    enrol(cast.editor, minute=2)
    assert ApiClient(cast.editor).get("/orgs/acme/people").status_code == 200
    # Refused writes change nothing.
    viewer = ApiClient(cast.viewer)
    before = Event.objects.count()
    write = viewer.post("/orgs/acme/people", {"name": "Nobody"})
    assert write.json()["error"]["code"] == "second_factor_required"
    assert Event.objects.count() == before


def test_a_session_the_identity_provider_verified_passes(cast: Cast) -> None:
    enrol(cast.owner)
    require(cast)
    client = signed_in(cast.editor)
    assert client.get("/o/acme/").status_code == 302
    session = client.session
    session[mfa.PROVIDER_SESSION_KEY] = cast.editor.pk
    session.save()
    assert client.get("/o/acme/").status_code == 200
    # Tied to the user it was given for.
    session[mfa.PROVIDER_SESSION_KEY] = cast.viewer.pk
    session.save()
    assert client.get("/o/acme/").status_code == 302


def test_mark_verified_by_provider_marks_the_session(cast: Cast) -> None:
    request = RequestFactory().get("/")
    request.session = {}  # type: ignore[assignment]
    request.user = cast.editor
    mfa.mark_verified_by_provider(request)
    assert request.session == {mfa.PROVIDER_SESSION_KEY: cast.editor.pk}
    assert mfa.session_verified(request.user) is True


def test_roles_are_unchanged_by_the_requirement(cast: Cast) -> None:
    """A verified viewer still cannot write: the second factor is not a role."""
    enrol(cast.owner)
    device = enrol(cast.viewer, minute=1)
    require(cast)
    client = sign_in_with_code(cast.viewer, device, minute=5)
    response = client.post("/o/acme/people/", {"name": "Nobody"})
    assert response.status_code == 403
    assert not Person.objects.filter(name="Nobody").exists()


def test_an_operator_code_signs_in_a_user_who_lost_everything(cast: Cast) -> None:
    """`northline manage addstatictoken` adds a code next to the recovery codes."""
    enrol(cast.editor)
    services.create_recovery_codes(cast.editor)
    call_command("addstatictoken", "edith", "--token", "operator1")
    client = Client()
    with at(5):
        password_step(client, cast.editor)
        response = client.post("/login/verify/", {"code": "operator1"})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(cast.editor.pk)
