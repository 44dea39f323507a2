"""A notification's body is Markdown: the inbox shows it formatted and sanitized, the e-mail
sends it as plain text without the markup characters."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from northline.orgs import services
from northline.orgs.mail import plain_text
from northline.testing import Cast

BODY = (
    "Olivia logged a decision.\n\n"
    "**Read it before Friday**, see [the plan](https://example.org/plan).\n\n"
    '<script>alert("x")</script><img src=x onerror="alert(1)">\n\n'
    "- first step\n- second step"
)


def notify_owner(cast: Cast) -> None:
    services.notify(
        cast.org, [cast.owner], kind="decision", title="A decision", body=BODY, url="/o/acme/"
    )


def test_the_inbox_renders_markdown_and_escapes_scripts(cast: Cast) -> None:
    notify_owner(cast)
    client = Client()
    client.force_login(cast.owner)
    html = client.get("/inbox/").content.decode()
    assert "<strong>Read it before Friday</strong>" in html
    assert "**Read it" not in html
    link = '<a href="https://example.org/plan" rel="noopener noreferrer nofollow">the plan</a>'
    assert link in html
    assert "<li>second step</li>" in html
    assert "<script>alert" not in html
    assert "onerror" not in html


def test_the_email_sends_the_body_as_plain_text(cast: Cast, settings) -> None:
    settings.NORTHLINE_BASE_URL = "https://northline.example.org"
    notify_owner(cast)
    [message] = mail.outbox
    assert message.body.startswith(
        "Olivia logged a decision.\n\n"
        "Read it before Friday, see the plan (https://example.org/plan).\n\n"
        "- first step\n- second step\n\n"
        "https://northline.example.org/o/acme/\n\n"
    )
    assert "**" not in message.body
    assert "<script>" not in message.body


def test_plain_text_keeps_what_a_reader_needs() -> None:
    assert plain_text("A < B & C, `code` and _this_") == "A < B & C, code and this"
    assert plain_text("line one\nline two") == "line one\nline two"
    assert plain_text("<https://example.org>") == "https://example.org"
    assert plain_text("") == ""
