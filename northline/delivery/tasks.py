"""Background work of the delivery app, run by `northline worker` (inline in tests)."""

from __future__ import annotations

from django.tasks import task

from northline.delivery.models import WebhookDelivery


@task()
def deliver_notices(notice_ids: list[int]) -> int:
    """Tell each notice's team: inbox and e-mail for its members, and the webhooks."""
    from northline.delivery.notices import deliver

    return deliver(notice_ids)


@task()
def send_webhook(delivery_id: int) -> str:
    """One attempt of one webhook delivery; a failure schedules the next attempt."""
    from northline.delivery.webhooks import send

    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    return send(delivery).status


@task()
def retry_due_webhooks() -> int:
    """For task backends that cannot defer: send the deliveries whose retry is due."""
    from northline.delivery.webhooks import retry_due

    return retry_due()
