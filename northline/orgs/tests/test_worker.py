"""The task queue as people see it (``northline.orgs.worker``), ``/healthz/tasks``, and the
worker that ``northline demo`` and ``northline serve`` start beside the web server."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from northline.orgs.models import WorkerBeat
from northline.orgs.tests import processes
from northline.orgs.worker import FORGET_AFTER, beat, queue_state

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)


def queued(minutes_ago: float, *, run_after: dt.datetime | None = None, status: str = "READY"):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="northline.delivery.notices.deliver_notices",
        backend_name="default",
        run_after=run_after or get_date_max(),
        status=status,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=NOW - dt.timedelta(minutes=minutes_ago)
    )
    return task


def seen(minutes_ago: float, worker_id: str = "w1") -> None:
    moment = NOW - dt.timedelta(minutes=minutes_ago)
    WorkerBeat.objects.create(
        worker_id=worker_id, host="here", pid=1, started_at=moment, seen_at=moment
    )


@pytest.mark.django_db
class TestQueueState:
    def test_an_empty_queue_without_a_worker_is_not_stuck(self):
        state = queue_state(NOW)
        assert (state.waiting, state.running, state.oldest_due, state.worker_seen) == (
            0,
            0,
            None,
            None,
        )
        assert not state.stuck
        assert state.in_words() == (
            "Nothing is waiting to be done. No task worker has been seen yet."
        )

    def test_work_waiting_with_a_worker_silent_for_six_minutes_is_stuck(self):
        queued(10)
        queued(3)
        seen(6)
        state = queue_state(NOW)
        assert state.waiting == 2
        assert state.oldest_wait == dt.timedelta(minutes=10)
        assert state.stuck
        assert state.as_json() == {
            "status": "stuck",
            "waiting": 2,
            "running": 0,
            "oldest_waiting_seconds": 600,
            "worker_last_seen": (NOW - dt.timedelta(minutes=6)).isoformat(),
            "worker_seen_seconds_ago": 360,
        }
        assert state.in_words() == (
            "2 tasks are waiting, the oldest for 10 minutes. "
            "No task worker has been seen for 6 minutes."
        )

    def test_a_worker_seen_within_five_minutes_is_alive(self):
        queued(1)
        seen(5)
        state = queue_state(NOW)
        assert state.worker_alive and not state.stuck
        assert state.in_words() == (
            "1 task is waiting, the oldest for 1 minute. A task worker was last seen 5 minutes ago."
        )

    def test_the_latest_beat_of_several_workers_counts(self):
        seen(30, "old")
        seen(0.5, "new")
        assert queue_state(NOW).worker_seen == NOW - dt.timedelta(minutes=0.5)
        assert "last seen just now" in queue_state(NOW).in_words()

    def test_work_waits_without_any_worker_ever_seen(self):
        queued(2)
        state = queue_state(NOW)
        assert state.stuck
        assert state.in_words().endswith("No task worker has been seen yet.")

    def test_a_task_scheduled_for_later_is_not_waiting_yet(self):
        # The daily snapshot is queued for tomorrow 00:05: not late, not waiting.
        queued(60, run_after=timezone.now() + dt.timedelta(hours=5))
        assert queue_state().waiting == 0

    def test_a_scheduled_task_waits_from_its_time_not_from_when_it_was_queued(self):
        due = timezone.now() - dt.timedelta(minutes=3)
        queued(24 * 60, run_after=due)
        state = queue_state()
        assert state.waiting == 1
        assert state.oldest_due == due

    def test_running_and_finished_tasks_are_not_waiting(self):
        queued(5, status="RUNNING")
        queued(5, status="SUCCESSFUL")
        state = queue_state(NOW)
        assert (state.waiting, state.running) == (0, 1)


@pytest.mark.django_db
def test_a_beat_records_the_worker_and_forgets_old_ones():
    started = timezone.now()
    long_ago = started - FORGET_AFTER - dt.timedelta(minutes=1)
    WorkerBeat.objects.create(
        worker_id="gone", host="h", pid=1, started_at=long_ago, seen_at=long_ago
    )
    beat("w2", started)
    beat("w2", started)
    (row,) = WorkerBeat.objects.all()
    assert row.worker_id == "w2"
    assert abs(row.started_at - started) < dt.timedelta(milliseconds=1)
    assert row.seen_at >= started


@pytest.mark.django_db
def test_healthz_tasks_answers_503_only_when_work_is_stuck(client):
    answer = client.get("/healthz/tasks")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"
    queued(0)
    stuck = client.get("/healthz/tasks")
    assert stuck.status_code == 503
    assert stuck.json()["waiting"] == 1
    WorkerBeat.objects.create(
        worker_id="w", host="h", pid=1, started_at=timezone.now(), seen_at=timezone.now()
    )
    assert client.get("/healthz/tasks").status_code == 200


# The embedded worker, as a user meets it -----------------------------------------------------


def api(base: str, token: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def impacted_users_and_inbox(database: Path, release_id: int) -> tuple[set[int], set[int]]:
    """Read straight from the demo's SQLite file: the users on the release's impactee teams,
    and who has a delivery notice in their inbox."""
    with sqlite3.connect(database) as db:
        impacted = {
            row[0]
            for row in db.execute(
                "SELECT DISTINCT person.user_id FROM delivery_impact impact "
                "JOIN delivery_feature feature ON feature.id = impact.feature_id "
                "JOIN orgs_teammember member ON member.team_id = impact.team_id "
                "JOIN orgs_person person ON person.id = member.person_id "
                "JOIN auth_user account ON account.id = person.user_id "
                "WHERE feature.release_id = ? AND impact.role = 'impactee' "
                "AND account.is_active",
                (release_id,),
            )
        }
        told = {
            row[0]
            for row in db.execute(
                "SELECT recipient_id FROM orgs_notification WHERE kind = 'delivery.notice'"
            )
        }
    return impacted, told


@processes.subprocess_test
def test_the_demo_runs_queued_work_by_itself(tmp_path):
    """A fresh demo, and nothing else started: deciding a release puts its notice in every
    impacted member's inbox, because the demo started the task worker beside the server."""
    data_dir = tmp_path / "demo"
    port = processes.free_port()
    demo = processes.start_northline(
        "demo", "--port", str(port), data_dir=data_dir, log=tmp_path / "demo.log", cwd=tmp_path
    )
    base = f"http://127.0.0.1:{port}"
    try:
        processes.wait_until_healthy(demo, base, tmp_path / "demo.log", 240)
        made = processes.northline(
            "token",
            "create",
            *("--user", "demo", "--name", "e2e", "--org", "ministry-of-coast", "--scope", "write"),
            data_dir=data_dir,
        )
        assert made.returncode == 0, made.stderr
        token = made.stdout.strip()
        org = "/api/v1/orgs/ministry-of-coast"
        releases = api(base, token, f"{org}/delivery/releases?status=planned")["items"]
        summer = next(item for item in releases if item["name"] == "Summer permits release")
        impacted, told = impacted_users_and_inbox(data_dir / "northline.sqlite3", summer["id"])
        assert impacted and not impacted <= told

        decided_at = time.monotonic()
        api(
            base,
            token,
            f"{org}/delivery/releases/{summer['id']}/decide",
            {"version": summer["version"], "override_reason": "Go ahead: tested end to end."},
        )
        while time.monotonic() - decided_at < 60:
            impacted, told = impacted_users_and_inbox(data_dir / "northline.sqlite3", summer["id"])
            if impacted <= told:
                break
            time.sleep(0.25)
        waited = time.monotonic() - decided_at
        assert impacted <= told, (tmp_path / "demo.log").read_text()
        # The issue asks for 10 s on an idle machine; a loaded CI machine gets more room.
        assert waited < 60
        health = json.loads(processes.fetch(f"{base}/healthz/tasks")[1])
        assert health["worker_seen_seconds_ago"] is not None
        assert health["status"] == "ok"
    finally:
        demo.terminate()
        demo.wait(timeout=60)
    # The worker stopped with the server: nothing is left holding the demo's database.
    text = (tmp_path / "demo.log").read_text()
    assert "Task worker started" in text
    assert "The task worker stopped" not in text


@pytest.mark.django_db
def test_owners_and_admins_are_warned_when_work_waits_without_a_worker(client, cast):
    from django.urls import reverse

    pages = [
        reverse("org_home", args=[cast.org.slug]),
        reverse("org_settings", args=[cast.org.slug]),
    ]
    client.force_login(cast.owner)
    for url in pages:
        assert "Background work is not running" not in client.get(url).content.decode()
    settings_page = client.get(pages[1]).content.decode()
    assert "Nothing is waiting to be done. No task worker has been seen yet." in settings_page

    queued(0)
    for user in (cast.owner, cast.admin):
        client.force_login(user)
        for url in pages:
            page = client.get(url).content.decode()
            assert "Background work is not running" in page, (user, url)
            assert "1 task is waiting" in page
    # Editors and viewers cannot act on it: no warning, and no queue section in settings.
    for user in (cast.editor, cast.viewer):
        client.force_login(user)
        for url in pages:
            page = client.get(url).content.decode()
            assert "Background work is not running" not in page
            assert "task is waiting" not in page

    seen(0)
    WorkerBeat.objects.update(seen_at=timezone.now())
    client.force_login(cast.owner)
    for url in pages:
        assert "Background work is not running" not in client.get(url).content.decode()
    assert "A task worker was last seen just now." in client.get(pages[1]).content.decode()
