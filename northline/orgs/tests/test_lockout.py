"""Sign-in lockout (django-axes): per username and address, our page, the cool-off, unlock."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

from northline.cli import main
from northline.orgs.models import Event
from northline.testing import PASSWORD

# 09:00 UTC on a Monday; the default limit is 5 failures and the cool-off 15 minutes.
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LIMIT = 5


def sign_in(client: Client, password: str, username: str = "olivia", **extra: Any):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def signed_in(response, client: Client) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def fail(client: Client, times: int, username: str = "olivia", **extra: Any) -> list[int]:
    return [sign_in(client, "wrong", username, **extra).status_code for _ in range(times)]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_it_still_lets_the_right_password_in_after_one_failure_fewer_than_the_limit(
    cast, client, clock
):
    assert fail(client, LIMIT - 1) == [200, 200, 200, 200]

    response = sign_in(client, PASSWORD)

    assert signed_in(response, client)
    assert response["Location"] == "/me/"


def test_it_locks_out_at_the_limit_and_refuses_the_right_password(cast, client, clock):
    statuses = fail(client, LIMIT)

    refused = sign_in(client, PASSWORD)

    # The fifth failure already answers with the locked-out page.
    assert statuses == [200, 200, 200, 200, 429]
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Sign-in paused" in refused.content.decode()


def test_it_shows_when_sign_in_opens_again_and_who_can_unlock(cast, client, clock):
    fail(client, LIMIT - 1)
    clock.shift(dt.timedelta(minutes=2))  # the last failure, at 09:02, starts the cool-off

    page = sign_in(client, "wrong")

    text = page.content.decode()
    assert page.status_code == 429
    assert page["Retry-After"] == "900"
    assert "There were 5 unsuccessful sign-ins as <strong>olivia</strong>" in text
    assert 'try again at <strong><time datetime="2026-03-02T09:17:00+00:00">09:17 UTC' in text
    assert "(in 15\xa0minutes)" in text
    assert "even the right password is refused" in text
    assert "An administrator of this Northline can lift the pause sooner" in text
    assert 'href="/account/password/reset/"' in text


def test_it_escapes_the_username_on_the_locked_out_page(db, client, clock):
    fail(client, LIMIT - 1, username="<b>x</b>")

    page = sign_in(client, "wrong", username="<b>x</b>")

    assert page.status_code == 429
    assert "<b>x</b>" not in page.content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in page.content.decode()


def test_tries_during_the_lockout_do_not_push_its_end(cast, client, clock):
    fail(client, LIMIT)
    clock.shift(dt.timedelta(minutes=10))
    assert sign_in(client, "wrong").status_code == 429
    clock.shift(dt.timedelta(minutes=4, seconds=59))
    assert sign_in(client, PASSWORD).status_code == 429  # 14:59 after the fifth failure

    clock.shift(dt.timedelta(seconds=2))
    response = sign_in(client, PASSWORD)

    assert signed_in(response, client)


def test_it_locks_out_only_that_username_from_that_address(cast, client, clock):
    fail(client, LIMIT)

    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    other_user = Client()

    assert signed_in(sign_in(elsewhere, PASSWORD), elsewhere)
    assert signed_in(sign_in(other_user, PASSWORD, username="edith"), other_user)


def test_a_spoofed_forwarded_for_does_not_escape_the_lockout_without_a_proxy(cast, client, clock):
    statuses = [
        sign_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(LIMIT)
    ]

    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_a_proxy_it_counts_the_address_the_proxy_saw(cast, client, clock, settings):
    settings.NORTHLINE_TRUST_X_FORWARDED_FOR = True
    proxy_saw = {"HTTP_X_FORWARDED_FOR": "spoofed, 203.0.113.5"}
    fail(client, LIMIT, **proxy_saw)

    locked = sign_in(client, PASSWORD, **proxy_saw)
    other = Client()
    other_client = sign_in(other, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert locked.status_code == 429
    assert signed_in(other_client, other)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]


def test_it_opens_again_after_the_cool_off(cast, client, clock):
    fail(client, LIMIT)
    clock.shift(dt.timedelta(minutes=15, seconds=1))

    response = sign_in(client, PASSWORD)

    assert signed_in(response, client)


def test_it_follows_the_configured_limit(cast, client, clock, settings):
    settings.AXES_FAILURE_LIMIT = 2

    assert fail(client, 2) == [200, 429]


def test_it_keeps_a_record_and_logs_each_refusal_with_the_address(cast, client, clock, caplog):
    with caplog.at_level(logging.WARNING, logger="northline.security"):
        fail(client, LIMIT)

    lines = [r.getMessage() for r in caplog.records if r.name == "northline.security"]
    refused = "sign-in refused: username='olivia' address=127.0.0.1"
    # axes' receiver runs first and signals the lockout, then ours logs the refusal.
    locked = "sign-in locked out: username='olivia' address=127.0.0.1"
    assert lines == [refused] * (LIMIT - 1) + [locked, refused]
    assert AccessFailureLog.objects.filter(username="olivia", ip_address="127.0.0.1").count() == 5
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_a_success_clears_the_failures_before_it(cast, client, clock):
    fail(client, LIMIT - 1)
    assert signed_in(sign_in(client, PASSWORD), client)
    client.logout()

    assert fail(client, LIMIT - 1) == [200, 200, 200, 200]


# northline unlock ------------------------------------------------------------------------------


def test_unlock_lets_the_user_in_at_once_and_is_audited(cast, client, clock, capsys):
    fail(client, LIMIT)
    fail(Client(REMOTE_ADDR="198.51.100.7"), LIMIT)

    code = main(["unlock", "olivia"])

    assert code == 0
    assert capsys.readouterr().out == "Unlocked olivia: cleared 2 record(s) of failed sign-ins.\n"
    assert signed_in(sign_in(client, PASSWORD), client)
    event = Event.objects.get(verb="sign_in_unlocked")
    assert (event.actor_name, event.object_repr, event.changes) == (
        "northline unlock",
        "olivia",
        {"failure_counters_cleared": 2},
    )


def test_unlock_says_when_there_was_nothing_to_unlock(cast, capsys):
    assert main(["unlock", "edith"]) == 0
    assert capsys.readouterr().out == "edith had no failed sign-ins on record; nothing to unlock.\n"


def test_unlock_refuses_an_unknown_user(db, capsys):
    assert main(["unlock", "nobody"]) == 1
    assert capsys.readouterr().err == "northline: error: no user named 'nobody'\n"


def test_unlock_leaves_other_users_locked(cast, client, clock, capsys):
    fail(client, LIMIT)
    fail(client, LIMIT, username="edith")

    main(["unlock", "edith"])

    assert sign_in(client, PASSWORD).status_code == 429
    assert signed_in(sign_in(client, PASSWORD, username="edith"), client)
