"""The e-mail Northline sends: who may receive it, the links back, and the unsubscribe token.

Mail is sent by the task worker, away from any request, so its links are absolute, built on
``NORTHLINE_BASE_URL``. Nobody without a login that can sign in (an active user) or without an
address ever gets mail: a Person without a user is only a name in the organization.

The digests' unsubscribe link carries a token signed with the secret key and a salt used for
nothing else (a signature made for another purpose does not open it): it names the user and is
the only authority the unsubscribe page asks for, because a mail client's one-click unsubscribe
(RFC 8058) posts to the link with no session.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.crypto import salted_hmac

from northline.lib.markdown import render_markdown

UNSUBSCRIBE_SALT = "northline.orgs.mail.digest-unsubscribe"
INVITATION_SALT = "northline.orgs.mail.invitation"


def absolute_url(path: str) -> str:
    """``/o/acme/`` → ``https://northline.example.org/o/acme/`` (NORTHLINE_BASE_URL)."""
    return f"{settings.NORTHLINE_BASE_URL}{path}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def can_receive_mail(user: User) -> bool:
    return user.is_active and bool(user.email)


def unsubscribe_token(user: User) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def user_id_of_unsubscribe_token(token: str) -> int | None:
    """The user an unsubscribe token was made for, or None when it was not made by us."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def invitation_token(invitation_id: int, sent_at: dt.datetime) -> str:
    """The secret of an invitation's link: an HMAC (secret key, a salt of its own) of the
    invitation and the moment it was last sent, so re-sending makes a new link and retires the
    old one. Only its SHA-256 is stored; the queued e-mail task derives it again from the id,
    so the secret is never written anywhere, the task queue's rows included."""
    return salted_hmac(
        INVITATION_SALT,
        f"{invitation_id}:{sent_at.astimezone(dt.UTC).isoformat()}",
        algorithm="sha256",
    ).hexdigest()


class PlainText(HTMLParser):
    """Sanitized Markdown HTML to the text a person reads in a plain-text e-mail: no markup
    characters (``**``, ``_``, backticks), a link's address after its words, one item a line."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag == "br" or tag == "tr":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href and self.parts[-1:] != [href]:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if "\n" in data and not data.strip():
            return  # the line breaks between the HTML's own tags, not the author's
        self.parts.append(data)

    def text(self) -> str:
        paragraphs = "".join(self.parts).split("\n\n")
        return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def plain_text(markdown: str) -> str:
    """A Markdown body as plain text for an e-mail: "**Read** [the plan](https://x.org)" →
    "Read the plan (https://x.org)"."""
    parser = PlainText()
    parser.feed(render_markdown(markdown))
    parser.close()
    return parser.text()


def preferences_url() -> str:
    # The page lives in mywork, above orgs: reversed by name, never imported.
    return absolute_url(reverse("preferences"))


def unsubscribe_url(user: User) -> str:
    return absolute_url(reverse("unsubscribe", kwargs={"token": unsubscribe_token(user)}))


def preference_footer() -> str:
    return f"Choose how Northline e-mails you: {preferences_url()}"


def send_to_address(
    address: str, *, subject: str, message_lines: list[str], headers: dict[str, str] | None = None
) -> int:
    """Send one message to an address that need not belong to a user (an invitation)."""
    message = EmailMessage(
        subject=subject,
        body="\n\n".join(message_lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers=headers or {},
    )
    return message.send()


def send(
    user: User,
    *,
    subject: str,
    message_lines: list[str],
    headers: dict[str, str] | None = None,
) -> int:
    """Send one message to ``user`` through the configured mailer, its paragraphs a blank line
    apart; 0 when they may not get mail (inactive, or no address), else 1."""
    if not can_receive_mail(user):
        return 0
    return send_to_address(
        user.email, subject=subject, message_lines=message_lines, headers=headers
    )
