"""Background work of goals, run by `northline worker` (inline in tests): the weekly check-in
reminder (docs/concepts.md "Reminders").

Every Monday at 07:00 UTC, each key-result owner gets one e-mail listing the key results they
own that are due a check-in (goals' rule, :func:`northline.goals.selectors.due_for_check_in`),
each with a link to its page, across all their organizations. Only owners who can receive it:
a Person with a login (an active user) and an address, who has not turned the reminder off on
their preference page, and who is still a member of the key result's organization. The task
then queues next Monday's run (:mod:`northline.orgs.schedule`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.utils import timezone

from northline.goals.models import KeyResult
from northline.goals.selectors import CheckInDue, due_for_check_in
from northline.orgs import mail, schedule
from northline.orgs.models import Membership
from northline.orgs.pages import RecordUrls

REMIND_AT = dt.time(7, 0, tzinfo=dt.UTC)


def owners_can_be_reminded() -> Exists:
    """The owner's user is a member of the key result's organization."""
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("owner__user_id"), organization_id=OuterRef("organization_id")
        )
    )


def send_checkin_reminders_at(now: dt.datetime) -> int:
    """E-mail each owner their key results due a check-in at ``now``; returns how many
    e-mails went out. One query for every key result, then one e-mail per owner."""
    reminded = (
        KeyResult.objects.filter(owner__user__is_active=True)
        .exclude(owner__user__email="")
        # No saved preference means reminders on (the default).
        .exclude(owner__user__notification_preference__checkin_reminders=False)
        .filter(owners_can_be_reminded())
        .select_related("owner__user", "organization")
    )
    by_owner: dict[int, list[CheckInDue]] = defaultdict(list)
    owners: dict[int, User] = {}
    for due in due_for_check_in(reminded, now):
        owner = due.key_result.owner
        assert owner is not None and owner.user is not None  # the query asked for both
        by_owner[owner.user.pk].append(due)
        owners[owner.user.pk] = owner.user
    return sum(remind(owners[user_id], by_owner[user_id], now) for user_id in sorted(by_owner))


def remind(user: User, due: list[CheckInDue], now: dt.datetime) -> int:
    count = len(due)
    lines = [
        f"{mail.plural(count, 'key result')} you own {'is' if count == 1 else 'are'} "
        "due a check-in:"
    ]
    today = timezone.localdate(now)
    # By organization name; within one, the longest waiting first (the selector's order).
    in_order = sorted(
        due, key=lambda item: (item.key_result.organization.name, item.key_result.organization_id)
    )
    for _org_id, group in itertools.groupby(
        in_order, key=lambda item: item.key_result.organization_id
    ):
        in_org = list(group)
        organization = in_org[0].key_result.organization
        urls = RecordUrls(organization.slug)
        entries = [organization.name]
        for item in in_org:
            kr, last = item.key_result, item.last_reading_at
            waited = (
                "no check-in yet"
                if last is None
                else f"last check-in {mail.plural((today - timezone.localdate(last)).days, 'day')}"
                " ago"
            )
            entries.append(f"- {kr.title} ({kr.objective.title}): {waited}")
            entries.append(f"  {mail.absolute_url(urls('goals.keyresult', kr.pk))}")
        lines.append("\n".join(entries))
    lines.append(
        "Open each one to record where it stands. "
        f"Turn this weekly reminder off, or choose how Northline e-mails you: "
        f"{mail.preferences_url()}"
    )
    return mail.send(
        user,
        subject=f"Northline: {mail.plural(count, 'key result')} due a check-in",
        message_lines=lines,
    )


def schedule_checkin_reminders(now: dt.datetime | None = None) -> bool:
    """Queue the next reminder run (Monday 07:00 UTC); `northline worker` calls this at start."""
    return schedule.schedule(send_checkin_reminders, REMIND_AT, weekday=schedule.MONDAY, now=now)


@task()
def send_checkin_reminders() -> int:
    """Send this week's check-in reminders, then queue next Monday's run."""
    sent = send_checkin_reminders_at(timezone.now())
    schedule_checkin_reminders()
    return sent
