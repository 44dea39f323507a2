"""Several app servers for real (issue 18 item 4): two `northline serve` processes, each with
its own data dir and its own task worker (serve starts one beside gunicorn), on one fresh
PostgreSQL database and one NORTHLINE_SECRET_KEY, driven at the same time through both.

- No lost update: of two edits of one epic sent with the same version, one through each
  server, exactly one is accepted and the other answers 409 `stale_version`, and the stored
  epic is the accepted one; the same for two moves of one card; and cards placed at the same
  moment into the same gap of a column, one through each server, end with distinct ranks;
  so do stories added to one epic at the same moment through both servers.
- Every task runs exactly once with two workers competing: webhook test events sent through
  both servers reach a receiver in this test once each, and each queued task's row says it
  ran once, by one worker; card moves between columns through both servers leave every
  feedback recompute they queued run once too.
- Sessions are valid on both servers: signed in through A, the session cookie reads a page
  on B and a CSRF-protected form posted to B is accepted.

PostgreSQL only (SQLite is one file for one machine). Under CI the SQLite pass does not define
these tests (a skipped test fails CI); its PostgreSQL pass runs them.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

import northline
from northline.conftest import in_ci
from northline.orgs.tests.processes import free_port, wait_until_healthy
from northline.testing import PASSWORD

# Every process of the cluster shares it, as servers behind one load balancer must.
SECRET_KEY = "two-servers-" + "0123456789abcdef" * 3
CHECKOUT = Path(northline.__file__).resolve().parent.parent
CARDS = 28  # epics in To do; each race takes its own cards (the gap race: 5 pairs)
RACES = 8  # pairs of concurrent requests per kind of race
PINGS = 30  # webhook test events per server
SERVE = [sys.executable, "-m", "northline", "serve"]

SEED = """
import json, sys
import django
django.setup()
from django.utils import timezone
import datetime as dt
from northline.delivery.models import Webhook
from northline.measures.models import Indicator
from northline.orgs import services
from northline.orgs.access import access_organization
from northline.portfolio.models import Epic, Story
from northline.lib.ranking import key_for_score
from northline.testing import make_user

owner = make_user("olivia", first_name="Olivia")
org = services.create_organization(owner, slug="acme", name="Acme Ministry")
access = access_organization(owner, org.slug)
team = services.create_team(access, name="Permits Online", kind="product")
today = timezone.localdate()
epics = []
for number in range(int(sys.argv[1])):
    epic = Epic.objects.create(
        organization=org, title=f"Epic {number}", state="todo", team=team, what="Apply online.",
        why="No queue.", business_value=8, time_criticality=5, risk_reduction=3, job_size=5,
        rank=key_for_score(3.2, number + 1),
    )
    Story.objects.create(organization=org, epic=epic, title="First slice", team=team, rank="5")
    indicator = Indicator.objects.create(
        organization=org, name=f"Outcome {number}", kind="lagging", baseline=0, target=100,
        start_date=today - dt.timedelta(days=30), target_date=today + dt.timedelta(days=90),
    )
    epic.lagging_indicators.add(indicator)
    epics.append(epic.pk)
_, token = services.create_token(owner, name="two servers", organization=org, scope="write")
hook = Webhook.objects.create(
    organization=org, url=sys.argv[2], events=["release.planned"], secret="s" * 32
)
print(json.dumps({"token": token, "epics": epics, "webhook": hook.pk}))
"""


def postgres_url() -> str:
    url = os.environ.get("NORTHLINE_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


# A receiver for the webhooks: counts each delivery by its payload's id --------------------


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.received: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.received[json.loads(body)["id"]] += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


# Talking to the servers --------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: Any


def call(base: str, method: str, path: str, token: str, body: Any = None) -> Answer:
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, json.loads(response.read() or b"null"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, json.loads(error.read() or b"null"))


def csrf_token(page: str) -> str:
    """The CSRF token of the form on ``page``."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    return token[1]


def form_post(url: str, form: dict[str, str]) -> urllib.request.Request:
    """``form`` posted back to its page at ``url``, as a browser sends it."""
    return urllib.request.Request(
        url, data=urllib.parse.urlencode(form).encode(), headers={"Referer": url}
    )


def together(*actions: Callable[[], Answer]) -> list[Answer]:
    """Run ``actions`` at the same moment, each in its own thread; their answers in order."""
    start = threading.Barrier(len(actions))

    def run(action: Callable[[], Answer]) -> Answer:
        start.wait()
        return action()

    with ThreadPoolExecutor(len(actions)) as pool:
        return list(pool.map(run, actions))


@dataclass
class Cluster:
    bases: list[str]
    token: str
    epics: list[int]
    webhook: int
    database_url: str
    receiver: Receiver
    logs: list[Path] = field(default_factory=list)

    def api(self, server: int, method: str, path: str, body: Any = None) -> Answer:
        return call(self.bases[server], method, f"/orgs/acme{path}", self.token, body)

    def log_text(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()}" for log in self.logs)

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database_url.split("?")[0]) as connection:
            return connection.execute(sql, params).fetchall()


def process_env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("NORTHLINE_") and key != "DJANGO_SETTINGS_MODULE"
    }
    return env | {
        "NORTHLINE_DATA_DIR": str(data_dir),
        "NORTHLINE_DATABASE_URL": database_url,
        "NORTHLINE_SECRET_KEY": SECRET_KEY,
        "NORTHLINE_HTTPS": "false",
        # The webhook receiver listens on 127.0.0.1.
        "NORTHLINE_WEBHOOKS_ALLOW_PRIVATE": "true",
        "DJANGO_SETTINGS_MODULE": "northline.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(CHECKOUT), os.environ.get("PYTHONPATH")])),
    }


def run(argv: list[str], data_dir: Path, database_url: str) -> str:
    done = subprocess.run(
        [sys.executable, *argv],
        env=process_env(data_dir, database_url),
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# Under CI the SQLite pass has no PostgreSQL, and a skipped test fails CI: not defined there.
if postgres_url() or not in_ci():
    pytestmark = [
        pytest.mark.postgres,
        pytest.mark.xdist_group("northline-subprocess"),
        # For the migrated test database the cluster's is copied from (pytest-django sets up
        # only the databases that collected tests ask for); the tests read it not.
        pytest.mark.django_db,
        pytest.mark.skipif(not postgres_url(), reason="NORTHLINE_DATABASE_URL names no PostgreSQL"),
    ]

    @pytest.fixture(scope="module")
    def cluster(tmp_path_factory, django_db_setup, django_db_blocker) -> Iterator[Cluster]:
        import psycopg
        from django.db import connection, connections

        # A fresh database, copied from this run's migrated test database (migrating one
        # takes far longer than copying it); nothing may be connected to it meanwhile.
        admin = with_database(postgres_url().split("?")[0], "postgres")
        name = f"northline_servers_{uuid.uuid4().hex[:12]}"
        with django_db_blocker.unblock():
            template = connection.settings_dict["NAME"]
            connections.close_all()
        copied = False
        with psycopg.connect(admin, autocommit=True) as maintenance:
            for _ in range(5):
                try:
                    maintenance.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                except psycopg.errors.ObjectInUse:
                    time.sleep(1)  # a thread of this process (the live server) still on it
                else:
                    copied = True
                    break
            if not copied:
                maintenance.execute(f'CREATE DATABASE "{name}"')
        database_url = with_database(postgres_url(), name)
        receiver = Receiver()
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        servers: list[subprocess.Popen[bytes]] = []
        try:
            root = tmp_path_factory.mktemp("servers")
            dirs = [root / "a", root / "b"]
            for data_dir in dirs:
                data_dir.mkdir()
            if not copied:
                run(["-m", "northline", "migrate"], dirs[0], database_url)
            seeded = json.loads(
                run(["-c", SEED, str(CARDS), receiver.url], dirs[0], database_url).splitlines()[-1]
            )
            ports = [free_port(), free_port()]
            logs = [data_dir / "serve.log" for data_dir in dirs]
            for data_dir, port, log in zip(dirs, ports, logs, strict=True):
                servers.append(
                    subprocess.Popen(
                        [*SERVE, "--port", str(port), "--workers", "2"],
                        env=process_env(data_dir, database_url),
                        cwd=data_dir,
                        stdout=log.open("w"),
                        stderr=subprocess.STDOUT,
                        # Its own process group: the cleanup reaches gunicorn's workers and
                        # the task worker even if serve itself dies first.
                        start_new_session=True,
                    )
                )
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            for server, base, log in zip(servers, bases, logs, strict=True):
                wait_until_healthy(server, base, log, 90)
            yield Cluster(
                bases=bases,
                token=seeded["token"],
                epics=seeded["epics"],
                webhook=seeded["webhook"],
                database_url=database_url,
                receiver=receiver,
                logs=logs,
            )
        finally:
            for server in servers:
                if server.poll() is None:
                    server.terminate()
            patience = time.monotonic() + 10
            for server in servers:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.wait(timeout=max(patience - time.monotonic(), 0.1))
                # Whatever of its group is left (gunicorn's workers, the task worker).
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
            receiver.shutdown()
            with psycopg.connect(admin, autocommit=True) as maintenance:
                maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def epic(cluster: Cluster, pk: int, server: int = 0) -> dict[str, Any]:
        answer = cluster.api(server, "GET", f"/epics/{pk}")
        assert answer.status == 200, answer.body
        return answer.body

    def test_two_edits_with_one_version_one_wins_and_is_what_is_stored(cluster: Cluster):
        for pk in cluster.epics[:RACES]:
            version = epic(cluster, pk)["version"]
            titles = [f"Edited through A {pk}", f"Edited through B {pk}"]
            answers = together(
                *(
                    partial(
                        cluster.api,
                        server,
                        "PATCH",
                        f"/epics/{pk}",
                        {"title": titles[server], "version": version},
                    )
                    for server in (0, 1)
                )
            )
            assert sorted(answer.status for answer in answers) == [200, 409], answers
            (winner,) = [server for server in (0, 1) if answers[server].status == 200]
            loser = answers[1 - winner]
            assert loser.body["error"]["code"] == "stale_version", loser.body
            assert answers[winner].body["title"] == titles[winner]
            assert answers[winner].body["version"] == version + 1
            # Read back through the other server: the accepted edit, nothing of the refused one.
            stored = epic(cluster, pk, server=1 - winner)
            assert (stored["title"], stored["version"]) == (titles[winner], version + 1)

    def test_two_moves_of_one_card_one_wins_and_is_where_the_card_is(cluster: Cluster):
        cards = cluster.epics[RACES : 2 * RACES]
        for pk in cards:
            version = epic(cluster, pk)["version"]
            # A takes the card to Doing, B puts it at the top of To do, both from one version.
            moves = [
                {"state": "doing", "version": version},
                {"state": "todo", "after_id": cluster.epics[-1], "version": version},
            ]
            answers = together(
                *(
                    partial(cluster.api, server, "POST", f"/epics/{pk}/move", moves[server])
                    for server in (0, 1)
                )
            )
            assert sorted(answer.status for answer in answers) == [200, 409], answers
            (winner,) = [server for server in (0, 1) if answers[server].status == 200]
            assert answers[1 - winner].body["error"]["code"] == "stale_version"
            stored = epic(cluster, pk, server=1 - winner)
            assert stored["state"] == moves[winner]["state"]
            assert stored["version"] == version + 1
        # One "moved" event for each card: the refused move recorded nothing.
        events = cluster.rows(
            "SELECT object_id, count(*) FROM orgs_event"
            " WHERE verb = 'moved' AND object_type = %s GROUP BY object_id",
            "portfolio.epic",
        )
        moved = {int(pk): count for pk, count in events if int(pk) in cards}
        assert moved == dict.fromkeys(cards, 1)

    def test_cards_placed_in_one_gap_at_once_keep_distinct_ranks(cluster: Cluster):
        # Pairs of cards dropped at the same moment between the same two neighbours, one card
        # through each server: both moves are right (different cards), and the column still
        # has one order, every card its own rank.
        todo = [pk for pk in cluster.epics[2 * RACES :] if epic(cluster, pk)["state"] == "todo"]
        neighbours = todo[:2]
        movers = todo[2:]
        assert len(movers) >= 4
        for first, second in zip(movers[::2], movers[1::2], strict=False):
            versions = [epic(cluster, pk)["version"] for pk in (first, second)]
            before_id, after_id = neighbours
            answers = together(
                *(
                    partial(
                        cluster.api,
                        server,
                        "POST",
                        f"/epics/{pk}/move",
                        {
                            "state": "todo",
                            "before_id": before_id,
                            "after_id": after_id,
                            "version": version,
                        },
                    )
                    for server, (pk, version) in enumerate(
                        zip((first, second), versions, strict=True)
                    )
                )
            )
            assert [answer.status for answer in answers] == [200, 200], answers
        shared = cluster.rows(
            "SELECT state, rank, count(*) FROM portfolio_epic"
            " GROUP BY organization_id, state, rank HAVING count(*) > 1"
        )
        assert shared == []
        # Every placed card sits between the two neighbours.
        ranks = dict(cluster.rows("SELECT id, rank FROM portfolio_epic"))
        low, high = ranks[neighbours[0]], ranks[neighbours[1]]
        assert all(low < ranks[pk] < high for pk in movers[: len(movers) // 2 * 2])

    def test_stories_added_to_one_epic_at_once_get_distinct_ranks(cluster: Cluster):
        # Stories created at the same moment under one epic, one through each server: each
        # lands at the bottom of the epic's list with its own rank, none sharing a place.
        target = cluster.epics[-1]
        for round_ in range(RACES):
            answers = together(
                *(
                    partial(
                        cluster.api,
                        server,
                        "POST",
                        "/stories",
                        {"epic_id": target, "title": f"Slice {round_} via {'AB'[server]}"},
                    )
                    for server in (0, 1)
                )
            )
            assert [answer.status for answer in answers] == [201, 201], answers
        ranks = cluster.rows("SELECT rank FROM portfolio_story WHERE epic_id = %s", target)
        assert len(ranks) == 1 + 2 * RACES
        assert len({rank for (rank,) in ranks}) == len(ranks)

    def test_every_queued_task_runs_once_with_two_workers_competing(cluster: Cluster):
        started = cluster.rows("SELECT now()")[0][0]
        # Webhook test events through both servers at once: each queues one send_webhook.
        with ThreadPoolExecutor(4) as pool:
            answers = list(
                pool.map(
                    lambda n: cluster.api(
                        n % 2, "POST", f"/delivery/webhooks/{cluster.webhook}/test"
                    ),
                    range(2 * PINGS),
                )
            )
        assert [answer.status for answer in answers] == [202] * (2 * PINGS)
        sent = {answer.body["payload"]["id"] for answer in answers}
        assert len(sent) == 2 * PINGS
        # Card moves between columns through both servers: each queues the feedback recompute
        # unless one already waits.
        for number, pk in enumerate(cluster.epics[:RACES]):
            card = epic(cluster, pk)
            target = "doing" if card["state"] == "todo" else "todo"
            moved = cluster.api(
                number % 2,
                "POST",
                f"/epics/{pk}/move",
                {"state": target, "version": card["version"]},
            )
            assert moved.status == 200, moved.body

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            (unfinished,) = cluster.rows(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult"
                " WHERE status IN ('READY', 'RUNNING') AND enqueued_at >= %s",
                started,
            )[0]
            if unfinished == 0 and sum(cluster.receiver.received.values()) >= 2 * PINGS:
                break
            time.sleep(0.25)

        # The receiver got each event once.
        assert cluster.receiver.received == Counter(dict.fromkeys(sent, 1)), cluster.log_text()
        # Each delivery was attempted once.
        attempts = cluster.rows(
            "SELECT attempts, status, count(*) FROM delivery_webhookdelivery"
            " WHERE event = 'ping' GROUP BY attempts, status"
        )
        assert attempts == [(1, "succeeded", 2 * PINGS)]
        # Each queued task ran once, by one worker, and both workers took their share.
        tasks = cluster.rows(
            "SELECT task_path, status, worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE enqueued_at >= %s",
            started,
        )
        by_path = Counter(path.rsplit(".", 1)[-1] for path, _, _ in tasks)
        assert by_path["send_webhook"] == 2 * PINGS
        assert by_path["recompute_feedback_task"] >= 1
        assert {status for _, status, _ in tasks} == {"SUCCESSFUL"}, tasks
        assert all(len(workers) == 1 for _, _, workers in tasks), tasks
        workers = Counter(workers[0] for _, _, workers in tasks)
        assert len(workers) == 2, workers

    def test_a_session_from_one_server_works_on_the_other_with_its_csrf_form(cluster: Cluster):
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        a, b = cluster.bases

        # Sign in through A, as the login form does.
        with browser.open(f"{a}/login/", timeout=30) as response:
            page = response.read().decode()
        form = {
            "csrfmiddlewaretoken": csrf_token(page),
            "username": "olivia",
            "password": PASSWORD,
        }
        with browser.open(form_post(f"{a}/login/", form), timeout=30) as response:
            assert response.status == 200
            assert urlsplit(response.url).path != "/login/", response.read().decode()[:2000]
        cookies = {cookie.name for cookie in jar}
        assert {"sessionid", "csrftoken"} <= cookies

        # The same cookies on B (one host, another port: the browser would send them too).
        with browser.open(f"{b}/o/acme/teams/", timeout=30) as response:
            assert urlsplit(response.url).path == "/o/acme/teams/"
            page = response.read().decode()
        assert "Permits Online" in page  # the organization's team: a member's view
        form = {
            "csrfmiddlewaretoken": csrf_token(page),
            "name": "Made through B",
            "kind": "product",
            "description": "",
        }
        with browser.open(form_post(f"{b}/o/acme/teams/", form), timeout=30) as response:
            assert urlsplit(response.url).path == "/o/acme/teams/"
        assert cluster.rows("SELECT name FROM orgs_team WHERE name = 'Made through B'") == [
            ("Made through B",)
        ]

        # Without the token B refuses the form, with the same session.
        form["csrfmiddlewaretoken"] = "x" * 64
        form["name"] = "Forged"
        with pytest.raises(urllib.error.HTTPError) as refused:
            browser.open(form_post(f"{b}/o/acme/teams/", form), timeout=30)
        assert refused.value.code == 403
        assert cluster.rows("SELECT name FROM orgs_team WHERE name = 'Forged'") == []
