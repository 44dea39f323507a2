"""Webhooks call only globally routable addresses (issue 16 item 6): the verdict for each kind
of address, worked out by hand from the IANA special-purpose registries; names whose answers
mix public and private addresses; the rule applied again when sending, to the address sent to.

The resolver is patched (``socket.getaddrinfo``): no test here needs the network."""

from __future__ import annotations

import ipaddress

import pytest

from northline.delivery import services, webhooks
from northline.delivery.models import Webhook, WebhookDelivery
from northline.delivery.tests.conftest import Resolver
from northline.lib.errors import Invalid

# address → the refusal's wording, or None for an address a webhook may call.
VERDICTS = [
    # Shared address space (RFC 6598): carrier-grade NAT, Alibaba's metadata service.
    ("100.64.0.1", "shared address space"),
    ("100.100.100.200", "shared address space"),
    ("100.127.255.255", "shared address space"),  # the last address of 100.64.0.0/10
    ("100.128.0.1", None),  # the first /10 after it: ordinary unicast
    # 6to4: refused whole, whatever it wraps (relays deprecated, RFC 7526).
    ("2002:7f00:1::", "6to4"),  # 127.0.0.1 inside
    ("2002:a9fe:a9fe::", "6to4"),  # 169.254.169.254 inside
    ("2002:808:808::", "6to4"),  # 8.8.8.8 inside: refused all the same
    ("192.88.99.1", "6to4 relay"),
    ("2001:0:4136:e378::1", "Teredo"),
    # IPv4-mapped and NAT64: judged by the IPv4 address they reach.
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "link-local"),
    ("::ffff:8.8.8.8", None),
    ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("64:ff9b::808:808", None),  # NAT64 of 8.8.8.8
    ("64:ff9b:1::a00:1", "local-use NAT64"),
    ("::102:304", "not globally routable"),  # deprecated IPv4-compatible form, ::/8 reserved
    # IPv6 special purpose.
    ("fc00::1", "private"),  # unique local
    ("fe80::1", "link-local"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("ff0e::1", "multicast"),  # global-scope multicast: is_global says yes, no receiver does
    ("2001:db8::1", "private"),  # documentation
    ("3fff::1", "documentation"),  # documentation since 2024 (RFC 9637)
    ("fec0::1", "site-local"),  # deprecated site-local, which is_global calls global
    ("::ffff:100.64.0.1", "shared address space"),
    # IPv4 special purpose.
    ("0.0.0.0", "unspecified"),
    ("127.0.0.1", "loopback"),
    ("169.254.169.254", "link-local"),  # the usual cloud metadata address
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("172.32.0.1", None),  # just past 172.16.0.0/12
    ("192.168.1.20", "private"),
    ("192.0.2.1", "private"),  # TEST-NET-1, documentation
    ("198.18.0.1", "private"),  # benchmarking
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "private"),  # reserved for future use, listed with the special purpose ones
    ("255.255.255.255", "private"),  # limited broadcast
    # Public.
    ("8.8.8.8", None),
    ("93.184.215.14", None),
    ("2001:4860:4860::8888", None),
]


@pytest.mark.parametrize(("address", "verdict"), VERDICTS)
def test_each_kind_of_address_gets_its_verdict(address: str, verdict: str | None) -> None:
    why = webhooks.refusal(ipaddress.ip_address(address))
    if verdict is None:
        assert why is None
    else:
        assert why is not None and verdict in why


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("10.0.0.1", True),
        ("100.100.100.200", True),
        ("2002:7f00:1::", True),
        ("169.254.169.254", True),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("8.8.8.8", True),
    ],
)
def test_allowing_private_targets_allows_all_but_unspecified_and_multicast(
    settings, address: str, allowed: bool
) -> None:
    settings.NORTHLINE_WEBHOOKS_ALLOW_PRIVATE = True
    assert webhooks.is_public(ipaddress.ip_address(address)) is allowed


@pytest.mark.parametrize(
    "answers",
    [
        ["93.184.215.14", "10.0.0.5"],
        ["93.184.215.14", "100.100.100.200"],
        ["2001:4860:4860::8888", "::1"],
        ["93.184.215.14", "2001:4860:4860::8888", "fe80::1"],
    ],
)
def test_one_private_answer_among_public_ones_refuses_the_name(
    plan, monkeypatch, answers: list[str]
) -> None:
    Resolver(monkeypatch, {"hooks.example.org": answers})
    with pytest.raises(Invalid) as refused:
        services.create_webhook(
            plan.access, url="https://hooks.example.org/in", events=["notice.sent"]
        )
    assert answers[-1] in refused.value.fields["url"]
    assert not Webhook.objects.exists()


def test_a_name_with_public_answers_only_is_saved(plan, monkeypatch) -> None:
    Resolver(monkeypatch, {"hooks.example.org": ["93.184.215.14", "2001:4860:4860::8888"]})
    hook = services.create_webhook(
        plan.access, url="https://hooks.example.org/in", events=["notice.sent"]
    )
    assert hook.url == "https://hooks.example.org/in"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://hooks.example.org/in", "http:// or https://"),
        ("gopher://hooks.example.org:70/", "http:// or https://"),
        ("https://user:pw@hooks.example.org/in", "user name or password"),
        ("https://token@hooks.example.org/in", "user name or password"),
        ("http://hooks.example.org:25/in", "Port 25"),
        ("http://hooks.example.org:22/in", "Port 22"),
        ("https://hooks.example.org:0/in", "Port 0"),
        ("https://hooks.example.org:99999/in", "not a number from 1 to 65535"),
    ],
)
def test_schemes_credentials_and_service_ports_are_refused(
    plan, monkeypatch, settings, url: str, words: str
) -> None:
    settings.NORTHLINE_WEBHOOKS_ALLOW_PRIVATE = True  # refused whatever the setting
    Resolver(monkeypatch, {"hooks.example.org": ["93.184.215.14"]})
    with pytest.raises(Invalid) as refused:
        services.create_webhook(plan.access, url=url, events=["notice.sent"])
    assert words in refused.value.fields["url"]


@pytest.mark.parametrize("port", [80, 443, 1024, 8443, 65535])
def test_web_ports_and_unprivileged_ones_are_allowed(plan, monkeypatch, port: int) -> None:
    Resolver(monkeypatch, {"hooks.example.org": ["93.184.215.14"]})
    target = webhooks.check_url(f"https://hooks.example.org:{port}/in")
    assert (target.port, target.address) == (port, "93.184.215.14")


def test_editing_a_webhook_to_a_private_target_is_refused_and_changes_nothing(
    plan, monkeypatch
) -> None:
    Resolver(monkeypatch, {"hooks.example.org": ["93.184.215.14"], "inside.test": ["10.1.2.3"]})
    hook = services.create_webhook(
        plan.access, url="https://hooks.example.org/in", events=["notice.sent"]
    )
    with pytest.raises(Invalid) as refused:
        services.update_webhook(
            plan.access, hook, version=hook.version, url="https://inside.test/in"
        )
    assert "10.1.2.3" in refused.value.fields["url"]
    hook.refresh_from_db()
    assert (hook.url, hook.version) == ("https://hooks.example.org/in", 1)


def test_a_name_that_turns_private_after_saving_is_refused_when_sending(
    plan, monkeypatch, receiver
) -> None:
    """DNS rebinding: public when saved, 127.0.0.1 (where a receiver listens) when sent."""
    resolver = Resolver(monkeypatch, {"rebind.example.org": ["93.184.215.14"]})
    hook = services.create_webhook(
        plan.access,
        url=f"http://rebind.example.org:{receiver.port}/hook",
        events=["release.planned"],
    )
    resolver.table["rebind.example.org"] = ["127.0.0.1"]

    plan.release(30)

    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("refused", 1, None)
    assert "127.0.0.1, a loopback address" in delivery.last_error
    assert receiver.requests == []
    assert resolver.asked == ["rebind.example.org", "rebind.example.org"]


def test_a_send_goes_to_the_address_checked_with_the_name_in_the_host_header(
    plan, monkeypatch, receiver, allow_private
) -> None:
    """The connection is made to the address the check resolved, once; the request names the
    host the URL names."""
    resolver = Resolver(monkeypatch, {"hooks.internal.test": ["127.0.0.1"]})
    hook = services.create_webhook(
        plan.access, url=f"http://hooks.internal.test:{receiver.port}/hook", events=["notice.sent"]
    )
    resolver.asked.clear()
    services.ping_webhook(plan.access, hook)

    delivery = WebhookDelivery.objects.get(webhook=hook)

    assert delivery.status == "succeeded"
    assert resolver.asked == ["hooks.internal.test"]  # resolved once, for the check
    (request,) = receiver.requests
    assert request.headers["Host"] == f"hooks.internal.test:{receiver.port}"
