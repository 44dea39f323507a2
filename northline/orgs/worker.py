"""The task queue as people see it: what waits, since when, and whether a worker is alive.

Northline queues its background work (release notices, the portfolio feedback loop, webhook
attempts, daily snapshots) in the database (django-tasks-db). ``northline worker`` runs it;
``northline serve`` and ``northline demo`` start one beside the web server unless told not to.
A worker writes a :class:`~northline.orgs.models.WorkerBeat` when it starts and every
:data:`BEAT_EVERY` after, so that ``/healthz/tasks``, the organization's settings page and the
warning shown to owners and admins can say whether waiting work will run.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import close_old_connections, connection
from django.db.models import Max, Min, Q
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from northline.orgs.models import WorkerBeat

BEAT_EVERY = dt.timedelta(seconds=30)
# A worker unseen this long while work waits is a problem worth telling owners and admins.
SILENT_AFTER = dt.timedelta(minutes=5)
# Beats older than this are forgotten (a worker that stopped long ago).
FORGET_AFTER = dt.timedelta(days=7)


@dataclass(frozen=True)
class QueueState:
    """The queue at one moment."""

    waiting: int  # tasks due now and not started
    running: int
    oldest_due: dt.datetime | None  # when the longest-waiting task became due
    worker_seen: dt.datetime | None  # the latest beat of any worker
    now: dt.datetime

    @property
    def oldest_wait(self) -> dt.timedelta | None:
        return None if self.oldest_due is None else max(self.now - self.oldest_due, dt.timedelta())

    @property
    def worker_silence(self) -> dt.timedelta | None:
        return None if self.worker_seen is None else self.now - self.worker_seen

    @property
    def worker_alive(self) -> bool:
        silence = self.worker_silence
        return silence is not None and silence <= SILENT_AFTER

    @property
    def stuck(self) -> bool:
        """Work waits and no worker has been seen for :data:`SILENT_AFTER`."""
        return self.waiting > 0 and not self.worker_alive

    def as_json(self) -> dict[str, object]:
        wait, silence = self.oldest_wait, self.worker_silence
        return {
            "status": "stuck" if self.stuck else "ok",
            "waiting": self.waiting,
            "running": self.running,
            "oldest_waiting_seconds": None if wait is None else round(wait.total_seconds()),
            "worker_last_seen": None if self.worker_seen is None else self.worker_seen.isoformat(),
            "worker_seen_seconds_ago": None if silence is None else round(silence.total_seconds()),
        }

    def in_words(self) -> str:
        """One or two sentences for the settings page and the warning."""
        if self.worker_seen is None:
            worker = "No task worker has been seen yet."
        elif self.worker_alive:
            worker = f"A task worker was last seen {ago(self.worker_silence)}."
        else:
            worker = f"No task worker has been seen for {duration(self.worker_silence)}."
        if self.waiting == 0:
            work = "Nothing is waiting to be done."
        else:
            tasks = "1 task is" if self.waiting == 1 else f"{self.waiting} tasks are"
            work = f"{tasks} waiting, the oldest for {duration(self.oldest_wait)}."
        return f"{work} {worker}"


def duration(span: dt.timedelta | None) -> str:
    seconds = round(span.total_seconds()) if span is not None else 0
    if seconds < 60:
        return "less than a minute"
    minutes = seconds // 60
    if minutes < 120:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days"


def ago(span: dt.timedelta | None) -> str:
    if span is None or span.total_seconds() < 60:
        return "just now"
    return f"{duration(span)} ago"


def queue_state(now: dt.datetime | None = None) -> QueueState:
    """The queue now, in four queries."""
    now = now or timezone.now()
    never = get_date_max()
    ready = DBTaskResult.objects.ready()
    # A task without a time to run after is due since it was queued; one scheduled for later
    # (the daily snapshot) is due from that time.
    found = ready.aggregate(
        queued=Min("enqueued_at", filter=Q(run_after=never)),
        scheduled=Min("run_after", filter=~Q(run_after=never)),
    )
    dues = [moment for moment in (found["queued"], found["scheduled"]) if moment is not None]
    return QueueState(
        waiting=ready.count(),
        running=DBTaskResult.objects.running().count(),
        oldest_due=min(dues) if dues else None,
        worker_seen=WorkerBeat.objects.aggregate(seen=Max("seen_at"))["seen"],
        now=now,
    )


UNFINISHED = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def queued_arguments(
    task_path: str, statuses: Iterable[TaskResultStatus] = UNFINISHED
) -> list[list[Any]]:
    """The positional arguments of each task of ``task_path`` (``module.function``) in one of
    ``statuses``, by default still waiting or running: how a page tells that the work its
    action queued is not done."""
    calls = DBTaskResult.objects.filter(task_path=task_path, status__in=list(statuses))
    return [
        list((arguments or {}).get("args", []))
        for arguments in calls.values_list("args_kwargs", flat=True)
    ]


def enqueue_once(task: Task[..., Any], *args: Any) -> None:
    """Queue ``task(*args)`` unless the same call already waits in the database queue.

    How a loop that many writes ask for (the feedback recompute after each card move) stays
    one run per burst: while a recompute waits, every further move rides on it, because the
    waiting run reads the database when it starts, after all of them committed. A run that
    has started does not count (it may have read the data before this write), so a write
    made while it runs queues one more. Other backends (the tests' immediate one) always
    enqueue.
    """
    waits = isinstance(task.get_backend(), DatabaseBackend) and list(args) in queued_arguments(
        task.module_path, [TaskResultStatus.READY]
    )
    if not waits:
        task.enqueue(*args)


def beat(worker_id: str, started_at: dt.datetime) -> None:
    """Record that this worker is alive (one upsert)."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now,
        },
    )
    WorkerBeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def start_beating(*, parent: int | None = None) -> str:
    """Beat now and every :data:`BEAT_EVERY` from a daemon thread; return the worker's id.

    With ``parent``, the worker was started by ``northline serve`` or ``demo``: when that
    process is gone (killed without the chance to stop its child), the worker stops itself
    with SIGTERM, finishing the task at hand as on any graceful stop.
    """
    worker_id = uuid.uuid4().hex
    started_at = timezone.now()
    beat(worker_id, started_at)
    connection.close()
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(timeout=min(BEAT_EVERY.total_seconds(), 2 if parent else 30)):
            if parent is not None and os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return
            if timezone.now() - last[0] >= BEAT_EVERY:
                close_old_connections()
                try:
                    beat(worker_id, started_at)
                    last[0] = timezone.now()
                finally:
                    connection.close()

    last = [timezone.now()]
    threading.Thread(target=run, name="northline-worker-beat", daemon=True).start()
    return worker_id
