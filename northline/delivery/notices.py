"""Notices to impactee teams (DESIGN §2.6).

A service that plans, moves or decides a release, or adds an impact, calls :func:`send` in its
own transaction. ``send`` writes one Notice per impactee impact (dated, with the days left and
whether that was fewer than the team's lead time: late) and, once that transaction commits,
enqueues :func:`deliver_notices`, which puts the notice in the inbox of every team member who
has a login, e-mails them (through ``northline.orgs.services.notify``) and emits the
``notice.sent`` webhook event. The task is declared here, next to the work it runs, so that
enqueueing it needs no import of northline.delivery.tasks (no import cycle, DESIGN §5).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.tasks import task
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from northline.delivery import rules, webhooks
from northline.delivery.models import Impact, ImpactRole, Notice, TeamLeadTime
from northline.orgs.access import Access
from northline.orgs.audit import record_event, snapshot
from northline.orgs.services import notify

REASONS = {
    "planned": "planned",
    "moved": "moved",
    "decided": "decided",
    "impact_added": "impact added",
}


def team_defaults(team_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        TeamLeadTime.objects.filter(team_id__in=list(team_ids)).values_list("team_id", "days")
    )


def send(access: Access, impacts: Iterable[Impact], reason: str) -> list[Notice]:
    """A notice for each impactee among ``impacts``, delivered by a task after this one."""
    impactees = [impact for impact in impacts if impact.role == ImpactRole.IMPACTEE]
    if not impactees:
        return []
    defaults = team_defaults(impact.team_id for impact in impactees)
    now = timezone.now()
    today = timezone.localdate()
    made = []
    for impact in impactees:
        release = impact.feature.release
        lead = rules.lead_time(impact, defaults.get(impact.team_id))
        release_date = release.planned_date if release is not None else None
        notice = Notice.objects.create(
            organization=access.organization,
            impact=impact,
            release=release,
            reason=reason,
            sent_at=now,
            release_date=release_date,
            days_left=rules.days_left(today, release_date) if release_date else None,
            lead_time_days=lead,
            late=release_date is not None and rules.is_late(today, release_date, lead),
        )
        record_event(
            actor=access.user,
            organization=access.organization,
            verb="sent",
            obj=notice,
            changes=snapshot(notice),
        )
        made.append(notice)
    notice_ids = [notice.pk for notice in made]
    transaction.on_commit(lambda: deliver_notices.enqueue(notice_ids))
    return made


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
