"""Password reset by e-mail: end to end, the same answer for every address, links on
NORTHLINE_BASE_URL that work once, a throttle per e-mail and client address."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from northline.testing import PASSWORD

NEW_PASSWORD = "a-new-and-long-passphrase-41"
BASE_URL = "https://northline.example.org"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.NORTHLINE_BASE_URL = BASE_URL


def ask(client: Client, email: str, **extra: Any):
    return client.post("/account/password/reset/", {"email": email}, **extra)


def link_in(message) -> str:
    (link,) = re.findall(r"https://\S+", message.body)
    return link


def set_password(client: Client, link: str, password: str = NEW_PASSWORD):
    """Open the link as a person does, then choose the new password."""
    opened = client.get(link.removeprefix(BASE_URL))
    assert opened.status_code == 302  # Django moves the token out of the address, into the session
    form_url = opened["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def can_sign_in(username: str, password: str) -> bool:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_the_sign_in_page_offers_a_reset(client):
    page = client.get("/login/").content.decode()

    assert '<a href="/account/password/reset/">Forgot your password?</a>' in page


def test_it_resets_a_password_end_to_end(cast, client):
    form = client.get("/account/password/reset/")
    sent = ask(client, "edith@example.org")

    (message,) = mail.outbox
    done = set_password(Client(), link_in(message))

    assert form.status_code == 200
    assert "Reset your password" in form.content.decode()
    assert sent.status_code == 302
    assert sent["Location"] == "/account/password/reset/sent/"
    assert message.to == ["edith@example.org"]
    assert message.subject == "Reset your Northline password"
    assert "'edith'" in message.body
    assert link_in(message).startswith(f"{BASE_URL}/account/password/reset/")
    assert done.status_code == 302
    assert done["Location"] == "/account/password/reset/done/"
    assert can_sign_in("edith", NEW_PASSWORD)
    assert not can_sign_in("edith", PASSWORD)


def test_the_pages_after_the_request_and_after_the_reset_say_what_happened(cast, client):
    sent = client.get("/account/password/reset/sent/").content.decode()
    complete = client.get("/account/password/reset/done/").content.decode()

    assert "If an account of this Northline uses that address" in sent
    assert "works once, for 3 days" in sent
    assert "Your new password works from now on" in complete


def test_the_link_is_built_on_the_base_url_not_on_the_host_the_client_sent(cast, settings):
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]

    ask(Client(), "edith@example.org", HTTP_HOST="evil.example")

    (message,) = mail.outbox
    assert "evil.example" not in message.body
    assert link_in(message).startswith(f"{BASE_URL}/account/password/reset/")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(cast, client):
    known = ask(client, "edith@example.org")
    unknown = ask(Client(), "nobody@example.org")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m.to for m in mail.outbox] == [["edith@example.org"]]


def test_the_address_matches_whatever_its_case(cast, client):
    ask(client, "Edith@Example.ORG")

    assert [m.to for m in mail.outbox] == [["edith@example.org"]]


def test_no_mail_for_an_inactive_user_or_one_without_a_password(cast, client):
    cast.editor.is_active = False
    cast.editor.save()
    cast.viewer.set_unusable_password()
    cast.viewer.save()

    ask(client, "edith@example.org")
    ask(client, "victor@example.org")

    assert mail.outbox == []


def test_a_link_works_only_once(cast, client):
    ask(client, "edith@example.org")
    link = link_in(mail.outbox[0])
    set_password(Client(), link)

    again = Client().get(link.removeprefix(BASE_URL), follow=True)

    assert again.status_code == 200
    assert "This link no longer works" in again.content.decode()
    assert "Choose a new password" not in again.content.decode()


def test_a_tampered_link_is_refused_and_changes_nothing(cast, client):
    ask(client, "edith@example.org")
    link = link_in(mail.outbox[0]).removeprefix(BASE_URL)
    uid, token = link.strip("/").split("/")[-2:]
    tampered = f"/account/password/reset/{uid}/{token[:-3]}abc/"

    page = Client().get(tampered, follow=True)

    assert "This link no longer works" in page.content.decode()
    assert can_sign_in("edith", PASSWORD)


def test_a_new_password_must_pass_the_validators(cast, client):
    ask(client, "edith@example.org")

    refused = set_password(Client(), link_in(mail.outbox[0]), password="12345")

    assert refused.status_code == 200
    assert "This password is too short" in refused.content.decode()
    assert can_sign_in("edith", PASSWORD)


def test_a_reset_lifts_a_sign_in_lockout(cast, client):
    locked = Client()
    for _ in range(5):
        locked.post("/login/", {"username": "edith", "password": "wrong"})
    assert not can_sign_in("edith", PASSWORD)

    ask(client, "edith@example.org")
    set_password(Client(), link_in(mail.outbox[0]))

    assert can_sign_in("edith", NEW_PASSWORD)


def test_it_throttles_requests_for_one_address_known_or_not(cast, caplog):
    answers = [ask(Client(), "edith@example.org").status_code for _ in range(5)]
    with caplog.at_level(logging.WARNING, logger="northline.security"):
        refused = ask(Client(), "EDITH@example.org")
    security = [r for r in caplog.records if r.name == "northline.security"]
    elsewhere = Client(REMOTE_ADDR="198.51.100.9")  # this client address has used up its own
    unknown = [ask(elsewhere, "nobody@example.org").status_code for _ in range(6)]

    assert answers == [302] * 5
    assert refused.status_code == 429
    assert "Too many reset requests" in refused.content.decode()
    assert int(refused["Retry-After"]) <= 3600
    assert len(mail.outbox) == 5
    assert [r.getMessage().split(" retry_after")[0] for r in security] == [
        "throttled password reset: POST /account/password/reset/ address=127.0.0.1"
    ]
    # The same answer for an address without an account: the throttle tells nothing either.
    assert unknown == [302] * 5 + [429]


def test_it_throttles_requests_from_one_client_address(cast):
    client = Client(REMOTE_ADDR="198.51.100.7")
    answers = [ask(client, f"person{n}@example.org").status_code for n in range(5)]

    assert answers == [302] * 5
    assert ask(client, "edith@example.org").status_code == 429
    assert mail.outbox == []
    assert ask(Client(REMOTE_ADDR="198.51.100.8"), "edith@example.org").status_code == 302


def test_the_reset_pages_escape_what_they_are_sent(db, client):
    page = client.post("/account/password/reset/", {"email": "<b>not an address"})

    assert page.status_code == 200
    assert "<b>not an address" not in page.content.decode()
