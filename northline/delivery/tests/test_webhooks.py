"""Webhooks: the signature verifies with the recipe in docs/delivery.md, private targets are
refused when saved and when sent, redirects are not followed, failures are retried later."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from northline.delivery import services, webhooks
from northline.delivery.models import WebhookDelivery
from northline.lib.errors import Invalid
from northline.orgs.models import Event
from northline.testing import Cast

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "delivery.md"


def documented_verify() -> Any:
    """The ``verify`` function exactly as the user guide prints it."""
    text = GUIDE.read_text()
    block = re.search(r"<!-- verify-recipe.*?-->\n```python\n(.*?)```", text, re.S)
    assert block is not None, "the verification recipe is missing from docs/delivery.md"
    namespace: dict[str, Any] = {}
    exec(block.group(1), namespace)
    return namespace["verify"]


def test_it_signs_a_delivery_that_the_documented_recipe_verifies(
    plan, receiver, allow_private
) -> None:
    hook = services.create_webhook(
        plan.access, url=receiver.url(), events=["impact.added", "impact.acknowledged"]
    )
    feature = plan.feature(plan.release(30))
    services.add_impact(plan.access, feature, team=plan.contact, role="impactee")

    [received] = receiver.requests
    verify = documented_verify()
    assert verify(hook.secret, received.headers, received.body) is True
    assert verify("another secret", received.headers, received.body) is False
    assert verify(hook.secret, received.headers, received.body + b" ") is False
    assert received.headers["X-Northline-Event"] == "impact.added"
    assert received.headers["Content-Type"] == "application/json"
    assert re.fullmatch(r"sha256=[0-9a-f]{64}", received.headers["X-Northline-Signature"])
    payload = json.loads(received.body)
    assert payload["organization"] == "acme"
    assert payload["data"]["feature"] == {"id": feature.pk, "title": "Plain status page"}


def test_it_refuses_an_old_timestamp_with_the_recipe() -> None:
    verify = documented_verify()
    body = b'{"event":"ping"}'
    headers = webhooks.signed_headers("s3cret", body.decode(), now=1_000_000)
    assert verify("s3cret", headers, body) is False


def test_it_signs_timestamp_dot_body_with_hmac_sha256() -> None:
    # Worked out by hand with hmac.new(b"key", b"1700000000.{}", sha256).
    import hashlib
    import hmac

    expected = hmac.new(b"key", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert webhooks.signature("key", 1700000000, "{}") == f"sha256={expected}"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        "http://192.168.1.20:8080/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://localhost/hook",
    ],
)
def test_it_refuses_private_and_loopback_targets_by_default(plan, url: str) -> None:
    with pytest.raises(Invalid) as refused:
        services.create_webhook(plan.access, url=url, events=["notice.sent"])
    assert "url" in refused.value.fields


def test_it_refuses_other_schemes(plan, allow_private) -> None:
    with pytest.raises(Invalid, match="http:// or https://"):
        services.create_webhook(plan.access, url="file:///etc/passwd", events=["notice.sent"])


def test_it_checks_the_address_again_when_sending(plan, receiver, settings) -> None:
    settings.NORTHLINE_WEBHOOKS_ALLOW_PRIVATE = True
    hook = services.create_webhook(plan.access, url=receiver.url(), events=["release.planned"])
    settings.NORTHLINE_WEBHOOKS_ALLOW_PRIVATE = False

    plan.release(30)

    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert (delivery.status, delivery.attempts) == ("refused", 1)
    assert "127.0.0.1" in delivery.last_error
    assert receiver.requests == []


def test_it_does_not_follow_a_redirect(plan, receiver, allow_private) -> None:
    receiver.answers["/hook"] = (302, {"Location": receiver.url("/landed")})
    receiver.answers["/to-private"] = (307, {"Location": "http://10.0.0.1/internal"})
    for path in ("/hook", "/to-private"):
        services.create_webhook(plan.access, url=receiver.url(path), events=["release.planned"])

    plan.release(30)

    assert sorted(request.path for request in receiver.requests) == ["/hook", "/to-private"]
    for delivery in WebhookDelivery.objects.all():
        assert delivery.status == "pending"  # a failed attempt, to be retried
        assert delivery.last_status_code in (302, 307)
        assert "redirects are not followed" in delivery.last_error


def test_it_retries_with_growing_waits_then_gives_up(plan, receiver, allow_private) -> None:
    receiver.answers["/hook"] = (500, {})
    services.create_webhook(plan.access, url=receiver.url(), events=["release.planned"])
    start = timezone.now()
    plan.release(30)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    # The immediate test backend cannot defer, so the next attempt is recorded, not queued.
    assert delivery.next_attempt_at is not None
    waited = delivery.next_attempt_at - start
    assert dt.timedelta(seconds=59) < waited < dt.timedelta(seconds=65)

    waits = []
    for _ in range(4):
        before = timezone.now()
        assert webhooks.retry_due(now=delivery.next_attempt_at) == 1
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(round((delivery.next_attempt_at - before).total_seconds() / 60))
    assert waits == [5, 25, 125]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 5, None)
    assert len(receiver.requests) == 5


def test_it_sends_only_the_events_a_webhook_subscribes_to(plan, receiver, allow_private) -> None:
    services.create_webhook(plan.access, url=receiver.url(), events=["release.moved"])
    release = plan.release(30)
    assert receiver.requests == []
    services.update_release(
        plan.access,
        release,
        version=release.version,
        planned_date=release.planned_date + dt.timedelta(days=1),
    )
    assert [json.loads(r.body)["event"] for r in receiver.requests] == ["release.moved"]


def test_it_pings_a_webhook_through_the_api(
    cast: Cast, plan, receiver, allow_private, api_as
) -> None:
    admin = api_as(cast.admin)
    created = admin.post(
        "/orgs/acme/delivery/webhooks", {"url": receiver.url(), "events": ["notice.sent"]}
    )
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    hook_id = created.json()["id"]
    assert "secret" not in admin.get(f"/orgs/acme/delivery/webhooks/{hook_id}").json()

    pinged = admin.post(f"/orgs/acme/delivery/webhooks/{hook_id}/test")
    assert pinged.status_code == 202
    assert (pinged.json()["event"], pinged.json()["status"]) == ("ping", "succeeded")
    assert documented_verify()(secret, receiver.requests[0].headers, receiver.requests[0].body)
    log = admin.get(f"/orgs/acme/delivery/webhooks/{hook_id}/deliveries", total="true").json()
    assert log["count"] == 1


def test_it_answers_422_for_a_private_target_through_the_api(cast: Cast, api_as) -> None:
    response = api_as(cast.admin).post(
        "/orgs/acme/delivery/webhooks", {"url": "http://10.0.0.1/hook", "events": ["notice.sent"]}
    )
    assert response.status_code == 422
    assert "10.0.0.1" in response.json()["error"]["fields"]["url"]


def test_it_lets_only_admins_manage_webhooks(cast: Cast, api_as) -> None:
    response = api_as(cast.editor).post(
        "/orgs/acme/delivery/webhooks", {"url": "http://10.0.0.1/", "events": ["notice.sent"]}
    )
    assert response.status_code == 403


def test_it_keeps_attempts_in_the_delivery_log_and_out_of_the_audit_trail(
    plan, receiver, allow_private
) -> None:
    receiver.answers["/hook"] = (500, {})
    services.create_webhook(plan.access, url=receiver.url(), events=["release.planned"])
    first = Event.objects.order_by("-id").values_list("id", flat=True).first()

    release = plan.release(30)
    delivery = WebhookDelivery.objects.get()
    for _ in range(4):
        assert delivery.next_attempt_at is not None
        webhooks.retry_due(now=delivery.next_attempt_at)
        delivery.refresh_from_db()

    # The release that caused the delivery is audited by its service; the five attempts are
    # the log's own, with no event of their own.
    assert list(Event.objects.filter(id__gt=first).values_list("verb", "object_type")) == [
        ("created", "delivery.release")
    ]
    assert Event.objects.get(id__gt=first).object_id == str(release.pk)
    assert (delivery.event, delivery.status, delivery.attempts) == ("release.planned", "failed", 5)
