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

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse

UNSUBSCRIBE_SALT = "northline.orgs.mail.digest-unsubscribe"


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


def preferences_url() -> str:
    # The page lives in mywork, above orgs: reversed by name, never imported.
    return absolute_url(reverse("preferences"))


def unsubscribe_url(user: User) -> str:
    return absolute_url(reverse("unsubscribe", kwargs={"token": unsubscribe_token(user)}))


def preference_footer() -> str:
    return f"Choose how Northline e-mails you: {preferences_url()}"


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
    message = EmailMessage(
        subject=subject,
        body="\n\n".join(message_lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=headers or {},
    )
    return message.send()
