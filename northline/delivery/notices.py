"""Delivering notices to impactee teams (DESIGN §2.6): the message, the webhook payload and
the task.

A service that plans, moves or decides a release, or adds an impact, writes one Notice per
impactee impact through ``northline.delivery.services.send_notices`` in its own transaction
and, once that commits, enqueues :func:`deliver_notices`, which puts the notice in the inbox of
every team member who has a login, e-mails them (through ``northline.orgs.services.notify``)
and emits the ``notice.sent`` webhook event. The task is declared here, next to the work it
runs, so that enqueueing it needs no import of northline.delivery.tasks (no import cycle,
DESIGN §5). Nothing here writes a domain record or an audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.tasks import task
from django.urls import NoReverseMatch, reverse

from northline.delivery import webhooks
from northline.delivery.models import Notice
from northline.orgs.services import notify

REASONS = {
    "planned": "planned",
    "moved": "moved",
    "decided": "decided",
    "impact_added": "impact added",
}


def team_url(notice: Notice) -> str:
    try:
        return reverse(
            "delivery_team",
            kwargs={"slug": notice.organization.slug, "team_id": notice.impact.team_id},
        )
    except NoReverseMatch:  # the pages are not mounted (an API-only build)
        return ""


def message(notice: Notice) -> tuple[str, str]:
    impact = notice.impact
    feature = impact.feature
    what = REASONS.get(notice.reason, notice.reason)
    release_name = notice.release.name if notice.release is not None else "no release yet"
    title = f"{'Late notice' if notice.late else 'Notice'}: {feature.title} ({what})"
    lines = [
        f"{feature.title} will change things for {impact.team.name}.",
        f"Release: {release_name}"
        + (f", planned for {notice.release_date:%d %B %Y}." if notice.release_date else "."),
    ]
    if notice.days_left is not None:
        lines.append(
            f"Days left: {notice.days_left}; your team asks for {notice.lead_time_days}"
            + (" — this notice is late." if notice.late else ".")
        )
    if impact.what_changes:
        lines.append(f"What changes: {impact.what_changes}")
    if impact.what_is_needed:
        lines.append(f"What it needs: {impact.what_is_needed}")
    lines.append("Please acknowledge it on your team's delivery page.")
    return title, "\n".join(lines)


def payload(notice: Notice) -> dict[str, Any]:
    impact = notice.impact
    return {
        "notice_id": notice.pk,
        "reason": notice.reason,
        "late": notice.late,
        "days_left": notice.days_left,
        "lead_time_days": notice.lead_time_days,
        "release": (
            {
                "id": notice.release.pk,
                "name": notice.release.name,
                "planned_date": notice.release_date.isoformat() if notice.release_date else None,
            }
            if notice.release is not None
            else None
        ),
        "feature": {"id": impact.feature_id, "title": impact.feature.title},
        "team": {"id": impact.team_id, "name": impact.team.name},
        "impact_id": impact.pk,
    }


def members_with_logins(team_id: int) -> list[User]:
    return list(
        User.objects.filter(people__team_memberships__team_id=team_id, is_active=True).distinct()
    )


def deliver(notice_ids: list[int]) -> int:
    """Inbox, e-mail and webhooks for each notice; returns how many inbox rows were made."""
    delivered = 0
    notices = Notice.objects.filter(pk__in=notice_ids).select_related(
        "organization", "release", "impact__feature", "impact__team"
    )
    for notice in notices:
        title, body = message(notice)
        delivered += len(
            notify(
                notice.organization,
                members_with_logins(notice.impact.team_id),
                kind="delivery.notice",
                title=title,
                body=body,
                url=team_url(notice),
            )
        )
        webhooks.emit(notice.organization, "notice.sent", payload(notice))
    return delivered


@task()
def deliver_notices(notice_ids: list[int]) -> int:
    """Tell each notice's team: inbox and e-mail for its members, and the webhooks."""
    return deliver(notice_ids)
