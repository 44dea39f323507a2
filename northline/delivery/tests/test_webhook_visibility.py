"""Who sees a webhook's URL and its delivery errors (issue 16 item 6): admins and owners in
full; editors and viewers the scheme and host only, on the settings page, in the API and in the
audit trail every member reads. The signing secret is never shown after creation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from northline.delivery import services
from northline.delivery.models import Webhook, WebhookDelivery, masked_url
from northline.delivery.tests.conftest import Resolver
from northline.orgs.models import Event
from northline.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

# A Slack-style URL: the path is the key.
URL = "https://hooks.example.org/services/T0ACME/B0HOOK/xoxsecretpath123"
MOVED = "https://hooks.example.org/services/T0ACME/B0HOOK/xoxmovedpath456"
MASKED = "https://hooks.example.org/…"
ERROR = "ConnectionResetError: hooks.example.org/services/T0ACME/B0HOOK/xoxsecretpath123 reset"
HIDDEN = "(shown to admins and owners)"


@pytest.fixture
def hook(cast: Cast, monkeypatch) -> Webhook:
    Resolver(monkeypatch, {"hooks.example.org": ["93.184.215.14"]})
    webhook = services.create_webhook(
        cast.owner_access, url=URL, events=["notice.sent"], secret="s" * 16 + "signing-secret"
    )
    # The log as the sending task leaves it (no send here: the host is not reachable).
    WebhookDelivery.objects.create(
        organization=cast.org,
        webhook=webhook,
        event="notice.sent",
        payload={"event": "notice.sent"},
        status="pending",
        attempts=1,
        last_error=ERROR,
    )
    return webhook


def who(cast: Cast, role: str):
    return getattr(cast, role)


ROLES = [("owner", True), ("admin", True), ("editor", False), ("viewer", False)]


@pytest.mark.parametrize(("role", "in_full"), ROLES)
def test_the_settings_page_shows_the_url_and_errors_in_full_to_admins_and_owners_only(
    cast: Cast, hook: Webhook, role: str, in_full: bool
) -> None:
    page = signed_in(who(cast, role)).get(reverse("delivery_settings", args=["acme"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "signing-secret" not in html
    if in_full:
        assert URL in html
        assert ERROR in html
    else:
        assert "xoxsecretpath123" not in html
        assert MASKED in html
        assert "(error shown to admins and owners)" in html
        assert "full address and its delivery errors are shown to admins and owners" in html


@pytest.mark.parametrize(("role", "in_full"), ROLES)
def test_the_api_masks_the_url_and_errors_below_admin(
    cast: Cast, hook: Webhook, api_as, role: str, in_full: bool
) -> None:
    client = api_as(who(cast, role))
    one = client.get(f"/orgs/acme/delivery/webhooks/{hook.pk}")
    listed = client.get("/orgs/acme/delivery/webhooks")
    log = client.get(f"/orgs/acme/delivery/webhooks/{hook.pk}/deliveries")
    assert (one.status_code, listed.status_code, log.status_code) == (200, 200, 200)
    assert "secret" not in one.json()
    assert "signing-secret" not in one.content.decode() + listed.content.decode()
    (item,) = listed.json()["items"]
    (delivery,) = log.json()["items"]
    expected_url, expected_error = (URL, ERROR) if in_full else (MASKED, HIDDEN)
    assert one.json()["url"] == item["url"] == expected_url
    assert delivery["last_error"] == expected_error
    if not in_full:
        assert "xoxsecretpath123" not in one.content.decode() + log.content.decode()


def test_an_empty_error_stays_empty_for_a_viewer(cast: Cast, hook: Webhook, api_as) -> None:
    WebhookDelivery.objects.update(last_error="", status="succeeded", last_status_code=204)
    (delivery,) = (
        api_as(cast.viewer)
        .get(f"/orgs/acme/delivery/webhooks/{hook.pk}/deliveries")
        .json()["items"]
    )
    assert (delivery["last_error"], delivery["last_status_code"]) == ("", 204)


def test_the_delivery_log_is_refused_to_the_anonymous_and_hidden_from_outsiders(
    cast: Cast, hook: Webhook, api_as
) -> None:
    path = f"/orgs/acme/delivery/webhooks/{hook.pk}/deliveries"
    assert api_as(None).get(path).status_code == 401
    assert api_as(cast.outsider).get(path).status_code == 404


def test_the_audit_trail_keeps_the_url_masked_on_create_edit_and_delete(
    cast: Cast, hook: Webhook, api_as, monkeypatch
) -> None:
    Resolver(monkeypatch, {"hooks.example.org": ["93.184.215.14"]})
    edited = api_as(cast.admin).patch(
        f"/orgs/acme/delivery/webhooks/{hook.pk}",
        {"version": 1, "url": MOVED, "events": ["notice.sent", "release.decided"]},
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["url"] == MOVED
    # The URL step, then the other fields: one event each, the version up by one each.
    assert edited.json()["version"] == 3
    services.delete_webhook(cast.owner_access, Webhook.objects.get(pk=hook.pk))

    events = list(
        Event.objects.filter(object_type="delivery.webhook")
        .order_by("id")
        .values_list("verb", "object_repr", "changes")
    )
    assert events == [
        ("created", "webhook to " + MASKED, {"events": ["notice.sent"], "active": True}),
        ("updated", "webhook to " + MASKED, {"url": [MASKED, MASKED]}),
        (
            "updated",
            "webhook to " + MASKED,
            {"events": [["notice.sent"], ["notice.sent", "release.decided"]]},
        ),
        (
            "deleted",
            "webhook to " + MASKED,
            {"events": ["notice.sent", "release.decided"], "active": True},
        ),
    ]
    # And so the history every member reads, page and API, has neither path.
    history = signed_in(cast.viewer).get(reverse("history", args=["acme"])).content.decode()
    trail = api_as(cast.viewer).get("/orgs/acme/events").content.decode()
    for text in (history, trail):
        assert "xoxsecretpath123" not in text and "xoxmovedpath456" not in text


def test_a_stale_url_edit_is_refused_and_changes_nothing(
    cast: Cast, hook: Webhook, api_as, monkeypatch
) -> None:
    Resolver(monkeypatch, {"hooks.example.org": ["93.184.215.14"]})
    admin = api_as(cast.admin)  # its token's creation is an event of its own
    before = Event.objects.count()
    stale = admin.patch(f"/orgs/acme/delivery/webhooks/{hook.pk}", {"version": 7, "url": MOVED})
    assert stale.status_code == 409
    hook.refresh_from_db()
    assert (hook.url, hook.version, Event.objects.count()) == (URL, 1, before)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.example.org/services/T0/B0/x?token=abc", "https://hooks.example.org/…"),
        ("http://HOOKS.Example.org:8443/in", "http://hooks.example.org/…"),
        ("https://[2001:db8::1]:8443/in", "https://[2001:db8::1]/…"),
        ("https://user:pw@hooks.example.org/", "https://hooks.example.org/…"),
        ("not a url", "configured"),
        ("https://[::1/", "configured"),
    ],
)
def test_the_masked_form_keeps_the_scheme_and_host_only(url: str, shown: str) -> None:
    assert masked_url(url) == shown
