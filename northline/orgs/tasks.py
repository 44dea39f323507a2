"""Background work of the orgs app, run by `northline worker` (inline in tests)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task

from northline.orgs.models import Notification


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail each notification to its recipient; returns how many were sent."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related(
        "recipient", "organization"
    ):
        address = notification.recipient.email
        if not address:
            continue
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{notification.url}".strip()
        sent += send_mail(
            subject=f"[{notification.organization.name}] {notification.title}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
    return sent
