"""Outgoing webhooks: signing, the private-address rule, sending with retries (DESIGN §3).

Each event becomes one WebhookDelivery row per subscribed webhook (the delivery log) and a
task that POSTs it. The body is JSON; two headers let the receiver check it came from us:

* ``X-Northline-Timestamp``: unix seconds when the attempt was signed;
* ``X-Northline-Signature``: ``sha256=`` + hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed
  with the webhook's secret (docs/delivery.md has the receiver's ten lines).

Server-side request forgery: a URL's host is resolved and every address it resolves to must be
globally routable (:func:`refusal` has the rule: IPv4-mapped and NAT64 addresses are judged by
the IPv4 address they wrap, 6to4 and Teredo are refused whole, 100.64.0.0/10 is refused) unless
``settings.NORTHLINE_WEBHOOKS_ALLOW_PRIVATE`` is true. Credentials in the URL and ports below
1024 other than 80 and 443 are refused too. The check runs when the webhook is saved
and again before every attempt (DNS answers change), the connection goes to the address that
was checked, and redirects are never followed: a 3xx is a failed attempt.

Retries: a failed attempt is tried again after 1, 5, 25 and 125 minutes (five attempts in
all). The next attempt is a task deferred with ``run_after`` when the task backend can defer
(the default database backend can); otherwise ``next_attempt_at`` is recorded and
:func:`retry_due` (the ``retry_due_webhooks`` task) sends what is due.

The delivery log is its own record, the way the audit trail's Event is, so its writes do not go
through the audit helpers (northline.orgs.audit) and this module is not a ``services`` module
(the import-linter ``audit`` contract keeps it out on purpose). A WebhookDelivery row is
written by :func:`queue` inside the transaction of the change that caused it, and that change
is audited by its service (``sent`` for a notice, ``moved`` for a release, ``pinged`` for the
test button); after that the row is only appended to by the sending task, which has no actor:
one more attempt, its status code and error, the next time. No user edits or deletes a
delivery (it goes only with its webhook, whose deletion is audited). An Event per attempt
would say again, without an actor, what the row already says, and flood the trail with up to
five entries per event per webhook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from northline.delivery.models import DeliveryStatus, Webhook, WebhookDelivery
from northline.lib.errors import Invalid
from northline.orgs.models import Organization

EVENTS = (
    "notice.sent",
    "release.planned",
    "release.moved",
    "release.decided",
    "impact.added",
    "impact.acknowledged",
)
# A pseudo event: the "send a test" button. Every webhook receives it, subscribed or not.
PING = "ping"
MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 60
BACKOFF_FACTOR = 5
TIMEOUT_SECONDS = 10
USER_AGENT = "Northline-Webhooks/1"


class AddressRefused(Exception):
    """The URL cannot be used: a bad scheme or port, credentials in it, a host that does not
    resolve or that resolves to an address that is not globally routable."""


def private_allowed() -> bool:
    return bool(getattr(settings, "NORTHLINE_WEBHOOKS_ALLOW_PRIVATE", False))


# The address rule (issue 16 item 6) -------------------------------------------------------
# Only globally routable addresses, judged by ipaddress's ``is_global`` (the IANA special-
# purpose registries) plus the explicit refusals below, which do not depend on the Python
# version's tables:
SHARED_ADDRESS_SPACE = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT, metadata
# Addresses that carry an IPv4 address inside: the IPv4 address is what gets reached.
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the last 32 bits
# Refused whole, whatever they wrap: 6to4 (RFC 3056, its relays deprecated by RFC 7526) and
# its relay anycast prefix, Teredo (RFC 4380), and local-use NAT64 (RFC 8215), which reaches
# whatever the local translator is configured to reach.
TUNNELS: dict[ipaddress.IPv4Network | ipaddress.IPv6Network, str] = {
    ipaddress.IPv6Network("2002::/16"): "a 6to4 address (2002::/16)",
    ipaddress.IPv6Network("2001::/32"): "a Teredo address (2001::/32)",
    ipaddress.IPv6Network("64:ff9b:1::/48"): "a local-use NAT64 address (64:ff9b:1::/48)",
    ipaddress.IPv4Network("192.88.99.0/24"): "a 6to4 relay address (192.88.99.0/24)",
}
# RFC 9637 (2024): newer than the tables of the Python this runs on.
IPV6_DOCUMENTATION_2024 = ipaddress.IPv6Network("3fff::/20")
# Ports below 1024 are other services' (SMTP, SSH, DNS, LDAP, SMB, …): a webhook posts to 80,
# 443 or an unprivileged port.
ALLOWED_LOW_PORTS = (80, 443)

type IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) address
    reaches, or None."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` may not be called by a webhook, or None if it may.

    With NORTHLINE_WEBHOOKS_ALLOW_PRIVATE on, every address may be called except the
    unspecified and multicast ones, which no receiver listens on.
    """
    inner = embedded_ipv4(address)
    if inner is not None:
        why = refusal(inner)
        return f"{why}, wrapped in {address}" if why else None
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if private_allowed():
        return None
    for network, name in TUNNELS.items():
        if address.version == network.version and address in network:
            return name
    if address.version == 4 and address in SHARED_ADDRESS_SPACE:
        return "shared address space (100.64.0.0/10: carrier-grade NAT, cloud metadata)"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address (fec0::/10, deprecated)"
    if address in IPV6_DOCUMENTATION_2024:
        return "a documentation address (3fff::/20)"
    if address.is_private:
        return "a private or special-purpose address"
    if address.is_reserved or not address.is_global:
        return "an address that is not globally routable"
    return None


def is_public(address: IPAddress) -> bool:
    """Whether a webhook may call ``address`` (under the current setting)."""
    return refusal(address) is None


@dataclass(frozen=True)
class Target:
    """A URL checked for sending: where to connect, and what to call the host."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, IPv4 and IPv6 (a literal resolves to itself)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"The host {host} does not resolve.") from error
    # An IPv6 link-local answer may carry a zone ("fe80::1%eth0"): the address is before it.
    return [ipaddress.ip_address(str(answer[4][0]).split("%", 1)[0]) for answer in answers]


def check_url(url: str) -> Target:
    """Resolve ``url``'s host and return the address to connect to, or raise AddressRefused.

    Runs when a webhook is saved and again before every attempt; the attempt connects to the
    address returned here (see Pinned*Connection), so a name that resolves differently a
    moment later (DNS rebinding) is not called at its new address.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise AddressRefused("Use an http:// or https:// URL.")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(
            "Put no user name or password in the URL (user:password@host); "
            "the receiver checks the signature instead."
        )
    host = parts.hostname
    if not host:
        raise AddressRefused("The URL has no host.")
    try:
        port = parts.port
    except ValueError as error:
        raise AddressRefused("The URL's port is not a number from 1 to 65535.") from error
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    if port < 1024 and port not in ALLOWED_LOW_PORTS:
        raise AddressRefused(f"Port {port} is refused: use 80, 443 or a port from 1024 up.")
    addresses = resolve(host, port)
    if not addresses:
        raise AddressRefused(f"The host {host} does not resolve.")
    # Every answer must be allowed: a name with one public and one private address could
    # otherwise be steered to the private one.
    for address in addresses:
        why = refusal(address)
        if why:
            allowed = "addresses" if private_allowed() else "globally routable addresses"
            raise AddressRefused(
                f"{host} resolves to {address}, {why}; webhooks may only call {allowed}."
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port, path, str(addresses[0]))


def check_url_for_form(url: str) -> None:
    """``check_url`` as the services' Invalid, for a webhook being created or edited."""
    try:
        check_url(url)
    except AddressRefused as error:
        raise Invalid(str(error), fields={"url": str(error)}) from error


# Signing ---------------------------------------------------------------------------------


def signature(secret: str, timestamp: int | str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def signed_headers(secret: str, body: str, *, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "X-Northline-Timestamp": str(timestamp),
        "X-Northline-Signature": signature(secret, timestamp, body),
    }


# Emitting --------------------------------------------------------------------------------


def emit(organization: Organization, event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue ``event`` for every active webhook of the organization subscribed to it.

    Runs inside the caller's transaction: the delivery rows commit, or roll back, with the
    change that caused them, and each attempt is queued once that transaction commits.
    """
    hooks = [
        hook
        for hook in Webhook.objects.select_related("organization").filter(
            organization=organization, active=True
        )
        if event == PING or event in hook.events
    ]
    return [queue(hook, event, data) for hook in hooks]


def queue(hook: Webhook, event: str, data: dict[str, Any]) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(
        organization_id=hook.organization_id,
        webhook=hook,
        event=event,
        payload={
            "id": str(uuid.uuid4()),
            "event": event,
            "created_at": timezone.now().isoformat(),
            "organization": hook.organization.slug,
            "data": data,
        },
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: send_webhook.enqueue(delivery.pk))
    return delivery


# Sending ---------------------------------------------------------------------------------


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with the certificate checked against the host's name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str
    refused: bool = False


def post(url: str, secret: str, body: str, *, event: str, delivery_id: str) -> Outcome:
    """One signed POST of ``body``; never follows a redirect."""
    try:
        target = check_url(url)
    except AddressRefused as error:
        return Outcome(False, None, str(error), refused=True)
    connection_class = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(target, TIMEOUT_SECONDS)
    host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
    headers = {
        "Host": host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Northline-Event": event,
        "X-Northline-Delivery": delivery_id,
        **signed_headers(secret, body),
    }
    try:
        connection.request("POST", target.path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        code = response.status
    except (OSError, http.client.HTTPException) as error:
        return Outcome(False, None, f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()
    if 200 <= code < 300:
        return Outcome(True, code, "")
    if 300 <= code < 400:
        return Outcome(False, code, f"Answered {code}; redirects are not followed.")
    return Outcome(False, code, f"Answered {code}.")


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 5, 25, 125 minutes."""
    return dt.timedelta(seconds=BACKOFF_BASE_SECONDS * BACKOFF_FACTOR ** (attempts - 1))


def body_of(delivery: WebhookDelivery) -> str:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True)


def send(delivery: WebhookDelivery) -> WebhookDelivery:
    """Make the next attempt of ``delivery`` and record it; schedules a retry on failure."""
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    hook = delivery.webhook
    outcome = post(
        hook.url,
        hook.secret,
        body_of(delivery),
        event=delivery.event,
        delivery_id=str(delivery.payload.get("id", delivery.pk)),
    )
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    if outcome.ok:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.next_attempt_at = None
    elif outcome.refused:
        # A private address now: retrying will not make it public.
        delivery.status = DeliveryStatus.REFUSED
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "status",
            "next_attempt_at",
            "updated_at",
        ]
    )
    if delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None:
        schedule_retry(delivery)
    return delivery


def schedule_retry(delivery: WebhookDelivery) -> None:
    if send_webhook.get_backend().supports_defer:
        retry = send_webhook.using(run_after=delivery.next_attempt_at)
        transaction.on_commit(lambda: retry.enqueue(delivery.pk))
    # Otherwise next_attempt_at stays recorded for retry_due().


def retry_due(now: dt.datetime | None = None) -> int:
    """Send every pending delivery whose next attempt is due; returns how many were tried."""
    moment = now or timezone.now()
    due = WebhookDelivery.objects.select_related("webhook").filter(
        status=DeliveryStatus.PENDING, attempts__gt=0, next_attempt_at__lte=moment
    )
    count = 0
    for delivery in due:
        send(delivery)
        count += 1
    return count


# Tasks, declared next to the work they run so that queueing one needs no import of
# northline.delivery.tasks (no import cycle, DESIGN §5) -----------------------------------


@task()
def send_webhook(delivery_id: int) -> str:
    """One attempt of one webhook delivery; a failure schedules the next attempt."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    return send(delivery).status


@task()
def retry_due_webhooks() -> int:
    """For task backends that cannot defer: send the deliveries whose retry is due."""
    return retry_due()
