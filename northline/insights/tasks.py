"""Background work of insights, run by `northline worker` (inline in tests): the daily
snapshot of every organization's alignment index.

The task snapshots every organization for the current day (the day the pages call today, in
``TIME_ZONE``, UTC by default) and then, when the task backend can defer (the default database
backend can; the immediate backend of the tests cannot), enqueues its own next run for five
minutes past the next midnight UTC. The next run is always strictly in the future, so a run
never schedules itself for a moment already gone by. A guard keeps
one pending run per day: before enqueueing, the database backend's queue is asked whether a
run of this task is already waiting for that day (a second worker, a retried task, or
:func:`schedule_daily_snapshots` called at start-up would otherwise queue it twice).
"""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from northline.orgs.models import Organization

# Just after midnight UTC: the day's records are settled and the new day has begun.
RUN_AT = dt.time(0, 5, tzinfo=dt.UTC)


def next_run_after(now: dt.datetime) -> dt.datetime:
    """The first five-past-midnight UTC strictly after ``now``."""
    utc = now.astimezone(dt.UTC)
    candidate = dt.datetime.combine(utc.date(), RUN_AT)
    if candidate <= utc:
        candidate += dt.timedelta(days=1)
    return candidate


def already_scheduled(run_after: dt.datetime) -> bool:
    """A run of the daily task is waiting in the database queue for ``run_after``'s day.

    Only the database backend keeps a queue that can be asked; with any other deferring
    backend this answers False and the caller enqueues.
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(take_daily_snapshots.get_backend(), DatabaseBackend):
        return False
    day_starts = dt.datetime.combine(run_after.date(), dt.time.min, tzinfo=dt.UTC)
    return DBTaskResult.objects.filter(
        task_path=take_daily_snapshots.module_path,
        status="READY",
        run_after__gte=day_starts,
        run_after__lt=day_starts + dt.timedelta(days=1),
    ).exists()


def schedule_daily_snapshots(now: dt.datetime | None = None) -> bool:
    """Enqueue the daily task for just after the next midnight UTC, unless the backend cannot
    defer or a run is already waiting for that day. Returns whether a run was enqueued.

    `northline worker` may call this at start-up so that a fresh installation begins its
    daily snapshots without anyone running the task by hand."""
    if not take_daily_snapshots.get_backend().supports_defer:
        return False
    run_after = next_run_after(now or timezone.now())
    if already_scheduled(run_after):
        return False
    take_daily_snapshots.using(run_after=run_after).enqueue()
    return True


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
