"""Background work of insights, run by `northline worker` (inline in tests): the daily
snapshot of every organization's alignment index.

The task snapshots every organization for the current day (the day the pages call today, in
``TIME_ZONE``, UTC by default) and then, when the task backend can defer (the default database
backend can; the immediate backend of the tests cannot), enqueues its own next run for five
minutes past the next midnight UTC, keeping one pending run per day: the rules of
:mod:`northline.orgs.schedule`, which the digests and check-in reminders follow too.
"""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from northline.orgs import schedule
from northline.orgs.models import Organization

# Just after midnight UTC: the day's records are settled and the new day has begun.
RUN_AT = dt.time(0, 5, tzinfo=dt.UTC)


def next_run_after(now: dt.datetime) -> dt.datetime:
    """The first five-past-midnight UTC strictly after ``now``."""
    return schedule.next_run_after(now, RUN_AT)


def schedule_daily_snapshots(now: dt.datetime | None = None) -> bool:
    """Enqueue the daily task for just after the next midnight UTC, unless the backend cannot
    defer or a run is already waiting for that day. Returns whether a run was enqueued.

    `northline worker` calls this at start-up so that a fresh installation begins its daily
    snapshots without anyone running the task by hand."""
    return schedule.schedule(take_daily_snapshots, RUN_AT, now=now)


@task()
def take_daily_snapshots() -> int:
    """Snapshot every organization for today; returns the rows written."""
    from northline.insights.index.services import take_snapshots

    day = timezone.localdate()
    written = 0
    for organization in Organization.objects.order_by("id"):
        written += take_snapshots(organization, day)
    schedule_daily_snapshots()
    return written
