"""Background work of the orgs app, run by `northline worker` (inline in tests): the e-mail
that notifications cause, as each person's preference asks (DESIGN §3, docs/concepts.md
"Reminders").

* ``email_notifications``: queued by ``services.notify`` once the change commits; e-mails each
  notification at once to the recipients who chose that (the default).
* ``email_password_reset``: queued by the password reset form (``orgs.password_reset``) for
  each account the address belongs to; makes the one-time link and e-mails it.
* ``send_digests``: every day at 07:00 UTC, one e-mail per person on the daily digest, and on
  Mondays per person on the weekly one, listing their unread notifications that arrived since
  their last digest; nothing when nothing is new. It queues its own next run
  (:mod:`northline.orgs.schedule`).

Nobody inactive or without an address gets mail, and a notification is e-mailed only while its
recipient belongs to its organization (the inbox shows no other).
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Exists, OuterRef, Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from northline.orgs import mail, schedule
from northline.orgs.models import (
    Delivery,
    Invitation,
    Membership,
    Notification,
    NotificationPreference,
)
from northline.orgs.selectors import inbox

# Early in the European morning, before the working day in the Americas.
DIGEST_AT = dt.time(7, 0, tzinfo=dt.UTC)
# A digest lists this many notifications at most and counts the rest.
DIGEST_MOST = 50
# Without a digest sent yet (an unusual row: choosing a digest stamps the time), look this far.
DIGEST_SPAN = {Delivery.DAILY: dt.timedelta(days=1), Delivery.WEEKLY: dt.timedelta(days=7)}


def belongs_to_its_organization() -> Exists:
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("recipient_id"), organization_id=OuterRef("organization_id")
        )
    )


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail each notification to its recipient, when they want e-mail at once (the default:
    no saved preference) and may get mail; returns how many were sent. One query."""
    notifications = (
        Notification.objects.filter(pk__in=notification_ids, recipient__is_active=True)
        .exclude(recipient__email="")
        .filter(belongs_to_its_organization())
        .filter(
            Q(recipient__notification_preference__isnull=True)
            | Q(recipient__notification_preference__delivery=Delivery.IMMEDIATE)
        )
        .select_related("recipient", "organization")
        .order_by("id")
    )
    sent = 0
    for notification in notifications:
        lines = [mail.plain_text(notification.body)] if notification.body.strip() else []
        if notification.url:
            lines.append(mail.absolute_url(notification.url))
        lines.append(mail.preference_footer())
        sent += mail.send(
            notification.recipient,
            subject=f"[{notification.organization.name}] {notification.title}",
            message_lines=lines,
        )
    return sent


@task()
def email_invitation(invitation_id: int) -> int:
    """E-mail an open invitation's link to its address; 0 when it closed before the task ran
    (revoked, accepted, re-sent: a newer task sends the newer link)."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open(timezone.now()):
        return 0
    token = mail.invitation_token(invitation.pk, invitation.sent_at)
    organization = invitation.organization
    inviter = invitation.invited_by
    who = (inviter.get_full_name() or inviter.get_username()) if inviter else "An administrator"
    return mail.send_to_address(
        invitation.email,
        subject=f"Invitation to join {organization.name} on Northline",
        message_lines=[
            f"{who} invites you to join {organization.name} on Northline as "
            f"{invitation.get_role_display().lower()}.",
            "Accept or decline here (you can create your account on that page if you have "
            f"none):\n{mail.absolute_url(reverse('invitation', kwargs={'token': token}))}",
            f"The link works until {invitation.expires_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC "
            "and only once. If you did not expect it, ignore this e-mail: nothing happens "
            "unless you accept.",
        ],
    )


# Digests ----------------------------------------------------------------------------------


def digests_due(now: dt.datetime) -> list[str]:
    """The daily digest every day, the weekly one on Mondays (UTC)."""
    if now.astimezone(dt.UTC).weekday() == schedule.MONDAY:
        return [Delivery.DAILY, Delivery.WEEKLY]
    return [Delivery.DAILY]


def send_digests_at(now: dt.datetime) -> int:
    """Send the digests due at ``now``; returns how many e-mails went out. Two queries per
    person on a digest (their new notifications, and the stamp), whoever has nothing new."""
    preferences = (
        NotificationPreference.objects.filter(delivery__in=digests_due(now), user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    return sum(send_digest(preference, now) for preference in preferences)


def send_digest(preference: NotificationPreference, now: dt.datetime) -> int:
    user = preference.user
    since = preference.last_digest_at or now - DIGEST_SPAN[Delivery(preference.delivery)]
    # The inbox's own read: only organizations the person still belongs to.
    new = list(
        inbox(user, unread_only=True)
        .filter(created_at__gt=since, created_at__lte=now)
        .order_by("organization__name", "organization_id", "created_at", "id")[: DIGEST_MOST + 1]
    )
    # Stamped whether or not anything was new: the next digest starts where this one ended.
    # Bookkeeping like a token's last use, not a change anyone makes: no audit event.
    NotificationPreference.objects.filter(pk=preference.pk).update(last_digest_at=now)
    if not new:
        return 0
    total = (
        len(new)
        if len(new) <= DIGEST_MOST
        else inbox(user, unread_only=True).filter(created_at__gt=since, created_at__lte=now).count()
    )
    kind = "daily" if preference.delivery == Delivery.DAILY else "weekly"
    unsubscribe = mail.unsubscribe_url(user)
    return mail.send(
        user,
        subject=f"Northline {kind} digest: {mail.plural(total, 'new notification')}",
        message_lines=digest_lines(user, new[:DIGEST_MOST], total, since, unsubscribe),
        headers={
            # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that posts here.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def digest_lines(
    user: User, listed: list[Notification], total: int, since: dt.datetime, unsubscribe: str
) -> list[str]:
    lines = [
        f"{mail.plural(total, 'new notification')} in Northline since "
        f"{since.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC, by organization:"
    ]
    for _org_id, group in itertools.groupby(listed, key=lambda n: n.organization_id):
        notifications = list(group)
        entries = [notifications[0].organization.name]
        for notification in notifications:
            entries.append(f"- {notification.title}")
            if notification.url:
                entries.append(f"  {mail.absolute_url(notification.url)}")
        lines.append("\n".join(entries))
    if total > len(listed):
        lines.append(f"…and {total - len(listed)} more.")
    lines.append(f"Read them in your inbox: {mail.absolute_url(reverse('inbox'))}")
    lines.append(
        f"{mail.preference_footer()}\nStop these digests (inbox only from now on): {unsubscribe}"
    )
    return lines


def schedule_digests(now: dt.datetime | None = None) -> bool:
    """Queue the next digest run (07:00 UTC); `northline worker` calls this at start-up."""
    return schedule.schedule(send_digests, DIGEST_AT, now=now)


@task()
def send_digests() -> int:
    """Send today's digests, then queue tomorrow's run; returns how many e-mails went out."""
    sent = send_digests_at(timezone.now())
    schedule_digests()
    return sent


@task()
def email_password_reset(user_id: int) -> int:
    """E-mail ``user_id`` a link to set a new password; 0 when they may not use one (inactive,
    no address, or no usable password: their sign-in is elsewhere). The link works once: the
    token is made from the password hash, which setting a password changes."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return 0
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    return mail.send(
        user,
        subject="Reset your Northline password",
        message_lines=[
            f"Someone, probably you, asked to reset the password of the Northline account "
            f"{user.get_username()!r}. To choose a new password, open this link:",
            mail.absolute_url(path),
            f"The link works once, for {days} day{'s' if days != 1 else ''}. If you did not ask "
            "for it, ignore this e-mail: your password stays as it is.",
        ],
    )
