"""Background tasks that run at a time of day and queue their own next run.

There is no separate scheduler (no cron, no beat process): a scheduled task does its work and
then enqueues itself for its next time, and ``northline worker`` schedules each one at start so
that a fresh installation begins without anyone running a task by hand. The next run is always
strictly in the future, so a run never schedules itself for a moment already gone by.

A guard keeps one pending run per task and day: before enqueueing, the database backend's queue
is asked whether a run of that task is already waiting for that day (a second worker, a retried
task, or the worker starting up again would otherwise queue it twice). The immediate backend of
the tests cannot defer, so nothing is scheduled there.

Times are UTC. Who relies on this: insights' daily snapshots, orgs' e-mail digests and goals'
weekly check-in reminders.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.tasks import Task
from django.utils import timezone

MONDAY = 0


def next_run_after(now: dt.datetime, at: dt.time, *, weekday: int | None = None) -> dt.datetime:
    """The first ``at`` (UTC) strictly after ``now``, on ``weekday`` (0 is Monday) when given."""
    utc = now.astimezone(dt.UTC)
    candidate = dt.datetime.combine(utc.date(), at.replace(tzinfo=dt.UTC))
    if candidate <= utc:
        candidate += dt.timedelta(days=1)
    if weekday is not None:
        candidate += dt.timedelta(days=(weekday - candidate.weekday()) % 7)
    return candidate


def already_scheduled(task: Task[Any, Any], run_after: dt.datetime) -> bool:
    """A run of ``task`` is waiting in the database queue for ``run_after``'s day.

    Only the database backend keeps a queue that can be asked; with any other deferring
    backend this answers False and the caller enqueues.
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    day_starts = dt.datetime.combine(run_after.date(), dt.time.min, tzinfo=dt.UTC)
    return DBTaskResult.objects.filter(
        task_path=task.module_path,
        status="READY",
        run_after__gte=day_starts,
        run_after__lt=day_starts + dt.timedelta(days=1),
    ).exists()


def schedule(
    task: Task[Any, Any],
    at: dt.time,
    *,
    weekday: int | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Enqueue ``task`` (taking no arguments) for its next time, unless the backend cannot
    defer or a run is already waiting for that day. Returns whether a run was enqueued."""
    if not task.get_backend().supports_defer:
        return False
    run_after = next_run_after(now or timezone.now(), at, weekday=weekday)
    if already_scheduled(task, run_after):
        return False
    task.using(run_after=run_after).enqueue()
    return True
