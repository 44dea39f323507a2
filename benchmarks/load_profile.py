"""A load profile the size of a real programme: 200 people using Northline at once, against the
production server, for a bounded time.

One command does everything, and stops by itself after ``--duration`` seconds:

1. a fresh data dir (and, with ``--database-url``, a fresh PostgreSQL database made beside the
   one named, dropped at the end unless ``--keep``);
2. the Jira-Align-size organization of ``northline.insights.tests.generated`` (at ``--scale 1``:
   50 teams, 1,425 objectives, 2,850 key results with three check-ins each, 500 epics, 12,250
   stories), each open epic given a lagging indicator (so moves meet the column rules), plus a
   release train for the dependency matrix (four releases, four features a team, each
   impacting six teams, a third acknowledged, notices sent);
3. 200 users made with the services (``create_user``, ``add_member``, ``add_team_member``): 2
   owners, 6 admins, 152 editors and 40 viewers; every admin and editor on one team;
4. ``northline serve`` (gunicorn, its web workers as serve chooses them, with its embedded task
   worker) on 127.0.0.1, SQLite by default or PostgreSQL with ``--database-url``;
5. every user signed in: through the sign-in form (``--sign-in form``, the default: one
   password check each, as a person signing in) or with sessions made by the seeding process
   (``--sign-in direct``: quick, for short runs);
6. an open-loop stream of actions at ``--rate`` actions an hour (54,500 by default, about 15 a
   second), Poisson arrivals, each by a user drawn at random among those allowed to do it:

   =====================  ======  ====================================================
   action                 share   request
   =====================  ======  ====================================================
   my work (home page)     20 %   GET /me/
   board                   14 %   GET /o/<org>/portfolio/
   goals                   12 %   GET /o/<org>/goals/
   key result              8 %    GET /o/<org>/goals/key-results/<id>/
   matrix                  6 %    GET /o/<org>/delivery/ (the release dependency matrix)
   map                     5 %    GET /o/<org>/insights/map/
   check-in                16 %   POST …/key-results/<id>/check-in/ (inline, with a note)
   card move               12 %   POST …/portfolio/epics/<id>/move/ (inline, with version)
   acknowledge             7 %    POST …/delivery/impacts/<id>/acknowledge/ (with version)
   =====================  ======  ====================================================

   Northline has no comments: what people write beside their numbers is a check-in's note,
   and every check-in here carries one.

It reports requests per second achieved, p50/p95/p99 per action, errors per action (with the
first bodies), version conflicts (a stale card or impact: the product refusing correctly),
``database is locked`` and OperationalError lines in the server's log, and the task worker's
queue lag (the age of the oldest READY task that is due, read from django_tasks_db's table
every ``--sample-every`` seconds) with its max and p95; then the goals of issue 18 as PASS/FAIL.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/load_profile.py [--duration 600] \\
        [--database-url postgres://user:pass@127.0.0.1:5432/db] [--sign-in direct]

45 minutes: ``--duration 2700``. Only 127.0.0.1 is ever targeted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_HOST = "127.0.0.1"
DEFAULT_RATE = 54_500  # actions an hour (issue 18)
PASSWORD = "load-profile-Passw0rd!"
SLUG = "programme"

# (action, share of the mix, kind). Reads are pages; writes change something.
MIX: tuple[tuple[str, float, str], ...] = (
    ("my work", 0.20, "read"),
    ("board", 0.14, "read"),
    ("goals", 0.12, "read"),
    ("key result", 0.08, "read"),
    ("matrix", 0.06, "read"),
    ("map", 0.05, "read"),
    ("check-in", 0.16, "write"),
    ("card move", 0.12, "write"),
    ("acknowledge", 0.07, "write"),
)
KIND = {name: kind for name, _, kind in MIX}
# Issue 18's goals.
GOAL_SUCCESS = 0.999
GOAL_P95_READ_MS = 300.0
GOAL_P95_WRITE_MS = 150.0
GOAL_QUEUE_LAG_S = 30.0
ROLES = (("owner", 2), ("admin", 6), ("editor", 152), ("viewer", 40))
LOCKED_PATTERNS = ("database is locked", "OperationalError")


class RefusedTarget(ValueError):
    """The generator drives only this machine's loopback address."""


def check_target(url: str) -> str:
    """``url`` if it names http://127.0.0.1[:port]; anything else is refused."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname != TARGET_HOST or parts.username:
        raise RefusedTarget(f"refusing to load {url!r}: only http://{TARGET_HOST} is targeted")
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        epilog="45 minutes: --duration 2700. Only http://127.0.0.1 is ever targeted.",
    )
    parser.add_argument("--duration", type=float, default=600.0, help="seconds (default 600)")
    parser.add_argument(
        "--rate", type=float, default=DEFAULT_RATE, help="actions an hour (default 54,500)"
    )
    parser.add_argument("--users", type=int, default=200, help="default 200")
    parser.add_argument("--scale", type=float, default=1.0, help="organization size (default 1)")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL database on 127.0.0.1: a fresh one is made beside it (default SQLite)",
    )
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--workers", type=int, default=None, help="default: as serve chooses")
    parser.add_argument("--sign-in", choices=("form", "direct"), default="form")
    parser.add_argument("--sample-every", type=float, default=3.0, help="queue lag sampling (s)")
    parser.add_argument(
        "--max-in-flight",
        type=int,
        default=100,
        help="requests waiting at once; an action due beyond that is counted failed, not sent",
    )
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the data dir and database")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.rate <= 0:
        parser.error("--duration and --rate must be positive")
    if args.users < sum(count for _, count in ROLES[:2]) + 2:
        parser.error("--users must be at least 10")
    if args.database_url:
        parts = urlsplit(args.database_url)
        if parts.scheme not in {"postgres", "postgresql"}:
            parser.error("--database-url must be postgres://…")
        if parts.hostname != TARGET_HOST:
            parser.error(f"--database-url must be on {TARGET_HOST}")
    return args


def role_counts(users: int) -> list[tuple[str, int]]:
    """ROLES scaled to ``users``: owners and admins as given, the rest 79 % editors."""
    fixed = ROLES[0][1] + ROLES[1][1]
    viewers = round((users - fixed) * ROLES[3][1] / (ROLES[2][1] + ROLES[3][1]))
    return [("owner", ROLES[0][1]), ("admin", ROLES[1][1]), ("editor", users - fixed - viewers),
            ("viewer", viewers)]  # fmt: skip


# Figures ------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class ActionStats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    conflicts: int = 0
    not_sent: int = 0  # due while --max-in-flight were waiting: failed, and timed as nothing
    error_bodies: list[str] = field(default_factory=list)
    conflict_bodies: list[str] = field(default_factory=list)

    def record(self, ms: float, outcome: str, body: str = "") -> None:
        if outcome == "not sent":
            self.not_sent += 1
            return
        self.latencies_ms.append(ms)
        if outcome == "conflict":
            self.conflicts += 1
            if len(self.conflict_bodies) < 3:
                self.conflict_bodies.append(body[:300])
        elif outcome == "error":
            self.errors += 1
            if len(self.error_bodies) < 3:
                self.error_bodies.append(body[:300])


def count_locked(log: str) -> dict[str, int]:
    return {pattern: log.count(pattern) for pattern in LOCKED_PATTERNS}


def summarize(
    stats: dict[str, ActionStats], elapsed: float, lags: Sequence[float], locked: dict[str, int]
) -> dict[str, Any]:
    actions = {}
    total = errors = sent = 0
    for name, stat in stats.items():
        count = len(stat.latencies_ms) + stat.not_sent
        failed = stat.errors + stat.not_sent
        total += count
        sent += len(stat.latencies_ms)
        errors += failed
        actions[name] = {
            "kind": KIND.get(name, "read"),
            "count": count,
            "not_sent": stat.not_sent,
            "p50_ms": percentile(stat.latencies_ms, 50),
            "p95_ms": percentile(stat.latencies_ms, 95),
            "p99_ms": percentile(stat.latencies_ms, 99),
            "errors": failed,
            "error_rate": failed / count if count else 0.0,
            "conflicts": stat.conflicts,
            "error_bodies": stat.error_bodies,
            "conflict_bodies": stat.conflict_bodies,
        }
    return {
        "elapsed_s": elapsed,
        "requests": total,
        "rps": sent / elapsed if elapsed else 0.0,  # requests sent and answered
        "success": 1 - errors / total if total else 0.0,
        "actions": actions,
        "queue_lag_max_s": max(lags) if lags else math.nan,
        "queue_lag_p95_s": percentile(lags, 95),
        "queue_lag_samples": len(lags),
        "locked": locked,
    }


def goals(summary: dict[str, Any]) -> list[tuple[str, bool]]:
    """Issue 18's goals, each with whether this run met it."""
    actions = summary["actions"].values()
    worst = {
        kind: max((a["p95_ms"] for a in actions if a["kind"] == kind and a["count"]), default=0)
        for kind in ("read", "write")
    }
    lag = summary["queue_lag_max_s"]
    return [
        (f"success >= 99.9 % ({summary['success'] * 100:.2f} %)",
         summary["success"] >= GOAL_SUCCESS),
        (f"p95 of every page read < 300 ms (worst {worst['read']:.0f} ms)",
         worst["read"] < GOAL_P95_READ_MS),
        (f"p95 of every write < 150 ms (worst {worst['write']:.0f} ms)",
         worst["write"] < GOAL_P95_WRITE_MS),
        (f"queue lag < 30 s (max {lag:.1f} s)", not math.isnan(lag) and lag < GOAL_QUEUE_LAG_S),
    ]  # fmt: skip


def report(summary: dict[str, Any], *, target_rps: float) -> str:
    lines = [
        f"{summary['requests']} actions in {summary['elapsed_s']:.0f} s: "
        f"{summary['rps']:.2f} requests answered a second (target {target_rps:.2f}); "
        f"success {summary['success'] * 100:.2f} %.",
        "",
        "| action | kind | count | p50 (ms) | p95 (ms) | p99 (ms) | errors | not sent "
        "| conflicts |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, a in summary["actions"].items():
        lines.append(
            f"| {name} | {a['kind']} | {a['count']} | {a['p50_ms']:.0f} | {a['p95_ms']:.0f} | "
            f"{a['p99_ms']:.0f} | {a['errors']} ({a['error_rate'] * 100:.2f} %) | "
            f"{a['not_sent']} | {a['conflicts']} |"
        )
    locked = ", ".join(f"{key}: {value}" for key, value in summary["locked"].items())
    lines += [
        "",
        f"Server log: {locked}.",
        f"Queue lag (oldest due READY task, {summary['queue_lag_samples']} samples): "
        f"max {summary['queue_lag_max_s']:.1f} s, p95 {summary['queue_lag_p95_s']:.1f} s.",
    ]
    for name, a in summary["actions"].items():
        for body in a["error_bodies"]:
            lines.append(f"First errors of {name}: {body!r}")
        for body in a.get("conflict_bodies", []):
            lines.append(f"First conflicts of {name}: {body!r}")
    lines.append("")
    lines += [f"{'PASS' if met else 'FAIL'}: {text}" for text, met in goals(summary)]
    return "\n".join(lines)


# Setting up: database, organization, users ---------------------------------------------------


def fresh_postgres(url: str) -> tuple[str, str]:
    """A new database beside the one ``url`` names: (its URL, its name)."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'northline'}_load_{os.getpid()}"
    with psycopg.connect(url.split("?")[0], autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name)), name


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url.split("?")[0], autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(data_dir: Path, database_url: str) -> None:
    os.environ["NORTHLINE_DATA_DIR"] = str(data_dir)
    os.environ["NORTHLINE_HTTPS"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "northline.settings"
    if database_url:
        os.environ["NORTHLINE_DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


@dataclass
class World:
    """What the clients need to know of the seeded organization."""

    users: list[tuple[str, str, int | None]]  # username, role, team id
    epics: dict[int, list[Any]]  # id -> [state, version]
    key_results: list[int]
    impacts_of_team: dict[int, list[list[int]]]  # team id -> [[impact id, version], ...]
    description: str


def seed(args: argparse.Namespace) -> World:
    """The organization, its release train and its users, through Django in this process."""
    import datetime as dt

    import django.contrib.auth.base_user as base_user
    from django.utils import timezone

    from northline.delivery.models import Impact
    from northline.delivery.tests.generated import release_train
    from northline.goals.models import KeyResult
    from northline.insights.tests.generated import generate
    from northline.measures.models import Indicator, Reading
    from northline.orgs import services as org_services
    from northline.orgs.access import access_organization
    from northline.orgs.models import Person
    from northline.portfolio.models import Epic

    # One password for everyone: hash it once (full strength) instead of 200 times.
    hashed: dict[str, str] = {}
    real_make_password = base_user.make_password

    def make_password_once(password: str | None, *rest: Any, **kw: Any) -> str:
        if password not in hashed:
            hashed[password or ""] = real_make_password(password, *rest, **kw)
        return hashed[password or ""]

    base_user.make_password = make_password_once  # type: ignore[assignment]
    started = time.perf_counter()
    owner = org_services.create_user(username="user000", password=PASSWORD)
    made = generate(owner, slug=SLUG, scale=args.scale)
    access = access_organization(owner, SLUG)
    org, teams = made.organization, made.teams
    today = timezone.localdate()
    releases, features, impacts = release_train(
        access, teams, len(teams) * 4, owner_teams=True, notice_every_impactee=True
    )

    # Every epic has its business case's lagging indicator (with readings), as a real board's
    # cards in To do and Doing do: a move between them then meets the column rules.
    open_epics = list(Epic.objects.filter(organization=org, state__in=("todo", "doing")))
    outcomes = Indicator.objects.bulk_create(
        Indicator(
            organization=org,
            name=f"Outcome of {epic.title}",
            kind="lagging",
            baseline=0,
            target=100,
            start_date=today - dt.timedelta(days=60),
            target_date=today + dt.timedelta(days=120),
        )
        for epic in open_epics
    )
    links = Epic.lagging_indicators.through
    links.objects.bulk_create(
        links(epic_id=epic.pk, indicator_id=indicator.pk)
        for epic, indicator in zip(open_epics, outcomes, strict=True)
    )
    Reading.objects.bulk_create(
        Reading(
            organization=org,
            indicator=indicator,
            value=10.0 * step,
            recorded_at=timezone.now() - dt.timedelta(days=3 - step),
        )
        for indicator in outcomes
        for step in range(3)
    )

    users: list[tuple[str, str, int | None]] = [("user000", "owner", teams[0].pk)]
    number = 1
    for role, count in role_counts(args.users):
        for _ in range(count - (1 if role == "owner" else 0)):
            user = org_services.create_user(
                username=f"user{number:03d}",
                password=PASSWORD,
                first_name=f"Person {number:03d}",
                email=f"user{number:03d}@example.org",
            )
            org_services.add_member(access, user=user, role=role)
            team_id = None
            if role != "viewer":
                team = teams[number % len(teams)]
                person = Person.objects.get(organization=org, user=user)
                org_services.add_team_member(access, team, person=person, roles=["member"])
                team_id = team.pk
            users.append((user.get_username(), role, team_id))
            number += 1
    person = Person.objects.get(organization=org, user=owner)
    org_services.add_team_member(access, teams[0], person=person, roles=["member"])
    base_user.make_password = real_make_password  # type: ignore[assignment]

    epics = {
        pk: [state, version]
        for pk, state, version in Epic.objects.filter(
            organization=org, state__in=("todo", "doing")
        ).values_list("pk", "state", "version")
    }
    impacts_of_team: dict[int, list[list[int]]] = {}
    for pk, team_id, version in Impact.objects.filter(
        organization=org, role="impactee", acknowledged_at=None
    ).values_list("pk", "team_id", "version"):
        impacts_of_team.setdefault(team_id, []).append([pk, version])
    description = (
        f"{len(teams)} teams, {made.objectives} objectives, {made.key_results} key results, "
        f"{made.epics} epics, {made.stories} stories, {features} features in "
        f"{releases} releases with {impacts} impacts; {len(users)} users "
        f"({', '.join(f'{n} {r}s' for r, n in role_counts(args.users))}); "
        f"seeded in {time.perf_counter() - started:.0f} s"
    )
    return World(
        users=users,
        epics=epics,
        key_results=list(KeyResult.objects.filter(organization=org).values_list("pk", flat=True)),
        impacts_of_team=impacts_of_team,
        description=description,
    )


def direct_sessions(usernames: Sequence[str]) -> dict[str, str]:
    """Signed-in sessions made as the sign-in view makes them (``login`` on a request)."""
    from django.conf import settings
    from django.contrib.auth import login
    from django.contrib.auth.models import User
    from django.test import RequestFactory
    from django.utils.module_loading import import_string

    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    keys = {}
    for user in User.objects.filter(username__in=usernames):
        request = RequestFactory().post("/login/")
        request.session = store()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.save()
        keys[user.username] = request.session.session_key
    return keys


# The server and the queue -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((TARGET_HOST, 0))
        return int(s.getsockname()[1])


def start_server(
    data_dir: Path, database_url: str, port: int, workers: int | None
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NORTHLINE_DATA_DIR": str(data_dir)}
    env["NORTHLINE_HTTPS"] = "0"
    if database_url:
        env["NORTHLINE_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "northline", "serve", "--host", TARGET_HOST]
    # (--data-dir last: wait_until_up finds the log beside it)
    command += ["--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    command += ["--data-dir", str(data_dir)]
    log = open(data_dir / "server.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()  # the master: it stops its web workers and its task worker
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def queue_lag() -> tuple[float, int]:
    """(seconds the oldest due READY task has waited, READY tasks due) from the database."""
    from django.db import close_old_connections
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    close_old_connections()
    now = timezone.now()
    never = get_date_max()
    due = list(DBTaskResult.objects.ready().values_list("enqueued_at", "run_after")[:1000])
    waited = [(now - max(e, r if r != never else e)).total_seconds() for e, r in due]
    return (max(waited) if waited else 0.0), len(due)


def task_counts() -> dict[str, int]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    return dict(
        DBTaskResult.objects.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


# The clients --------------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Load:
    def __init__(self, base: str, world: World, args: argparse.Namespace) -> None:
        import httpx

        self.base = check_target(base)
        self.world = world
        self.args = args
        self.random = random.Random(args.seed)
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.csrf: dict[str, str] = {}
        self.stats = {name: ActionStats() for name, _, _ in MIX}
        self.org = f"/o/{SLUG}"
        self.readers = [u for u, _, _ in world.users]
        self.writers = [u for u, role, _ in world.users if role != "viewer"]
        self.team_of = {u: team for u, _, team in world.users}
        self.epic_ids = sorted(world.epics)

    def client(self, username: str) -> Any:
        import httpx

        limits = httpx.Limits(max_connections=4, max_keepalive_connections=2)
        return httpx.AsyncClient(
            base_url=self.base, timeout=30.0, limits=limits, follow_redirects=False
        )

    async def sign_in_form(self, username: str) -> None:
        client = self.clients[username] = self.client(username)
        page = await client.get("/login/")
        token = CSRF_INPUT.search(page.text)
        assert token, f"no CSRF token on the sign-in page ({page.status_code})"
        answer = await client.post(
            "/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
            headers={"Referer": self.base + "/login/"},
        )
        assert answer.status_code == 302, (username, answer.status_code, answer.text[:300])
        self.csrf[username] = client.cookies["csrftoken"]

    def sign_in_direct(self, username: str, session_key: str) -> None:
        from django.conf import settings

        client = self.clients[username] = self.client(username)
        client.cookies.set(settings.SESSION_COOKIE_NAME, session_key, domain=TARGET_HOST)
        token = secrets.token_hex(16)  # 32 characters: a CSRF secret as Django sets it
        client.cookies.set(settings.CSRF_COOKIE_NAME, token, domain=TARGET_HOST)
        self.csrf[username] = token

    async def sign_in(self, usernames: Sequence[str]) -> float:
        started = time.perf_counter()
        if self.args.sign_in == "direct":
            made = await asyncio.to_thread(direct_sessions, usernames)  # Django is sync only
            for username, key in made.items():
                self.sign_in_direct(username, key)
        else:
            signing = asyncio.Semaphore(4)

            async def one(username: str) -> None:
                async with signing:
                    await self.sign_in_form(username)

            await asyncio.gather(*(one(u) for u in usernames))
        # Each person opens My work once: a signed-in page, or the run stops here.
        gate = asyncio.Semaphore(8)

        async def first_page(username: str) -> None:
            async with gate:
                answer = await self.clients[username].get("/me/")
            assert answer.status_code == 200, (username, answer.status_code, answer.text[:300])

        await asyncio.gather(*(first_page(u) for u in usernames))
        return time.perf_counter() - started

    def choose(self) -> str:
        point = self.random.random()
        for name, share, _ in MIX:
            point -= share
            if point < 0:
                return name
        return MIX[-1][0]

    def headers(self, username: str) -> dict[str, str]:
        return {
            "X-CSRFToken": self.csrf[username],
            "X-Requested-With": "fetch",
            "Referer": self.base + self.org + "/",
        }

    async def act(self, name: str) -> None:
        rnd = self.random
        if KIND[name] == "read":
            username = rnd.choice(self.readers)
            path = {
                "my work": "/me/",
                "board": f"{self.org}/portfolio/",
                "goals": f"{self.org}/goals/",
                "matrix": f"{self.org}/delivery/",
                "map": f"{self.org}/insights/map/",
                "key result": (
                    f"{self.org}/goals/key-results/{rnd.choice(self.world.key_results)}/"
                ),
            }[name]
            await self.timed(name, username, "GET", path, None)
            return
        username = rnd.choice(self.writers)
        if name == "check-in":
            key_result = rnd.choice(self.world.key_results)
            data = {
                "value": f"{rnd.uniform(10, 90):.1f}",
                "confidence": str(rnd.randint(40, 95)),
                "note": "Call volumes down after the new form; two councils still on paper.",
            }
            path = f"{self.org}/goals/key-results/{key_result}/check-in/"
            await self.timed(name, username, "POST", path, data)
        elif name == "card move":
            epic = rnd.choice(self.epic_ids)
            state, version = self.world.epics[epic]
            if rnd.random() < 0.5:
                data = {"state": "doing" if state == "todo" else "todo", "version": str(version)}
            else:
                data = {"direction": rnd.choice(("up", "down")), "version": str(version)}
            path = f"{self.org}/portfolio/epics/{epic}/move/"
            answer = await self.timed(name, username, "POST", path, data)
            if answer is not None and answer.status_code == 200:
                moved = answer.json()["epic"]
                self.world.epics[epic] = [moved["state"], moved["version"]]
            elif answer is not None and answer.status_code == 409:
                await self.refresh_epic(username, epic)
        elif name == "acknowledge":
            team = self.team_of[username]
            waiting = self.world.impacts_of_team.get(team or 0) or []
            if not waiting:
                # Nothing left to acknowledge for this team: read the matrix instead.
                await self.timed("matrix", username, "GET", f"{self.org}/delivery/", None)
                return
            impact, version = waiting.pop(rnd.randrange(len(waiting)))
            path = f"{self.org}/delivery/impacts/{impact}/acknowledge/"
            data = {"version": str(version), "next": f"{self.org}/delivery/teams/{team}/"}
            await self.timed(name, username, "POST", path, data)

    async def safely(self, name: str) -> None:
        try:
            await self.act(name)
        except Exception as error:
            self.stats[name].record(0.0, "error", f"generator: {type(error).__name__}: {error}")

    async def refresh_epic(self, username: str, epic: int) -> None:
        import httpx

        try:
            answer = await self.clients[username].get(f"/api/v1/orgs/{SLUG}/epics/{epic}")
        except httpx.HTTPError:
            return  # the next move of this card will find out again
        if answer.status_code == 200:
            body = answer.json()
            self.world.epics[epic] = [body["state"], body["version"]]

    async def timed(
        self, name: str, username: str, method: str, path: str, data: dict[str, str] | None
    ) -> Any:
        import httpx

        client = self.clients[username]
        headers = self.headers(username) if method == "POST" else None
        started = time.perf_counter()
        try:
            answer = await client.request(method, path, data=data, headers=headers)
        except httpx.HTTPError as error:
            self.stats[name].record(
                (time.perf_counter() - started) * 1000, "error", f"{type(error).__name__}: {error}"
            )
            return None
        ms = (time.perf_counter() - started) * 1000
        self.stats[name].record(ms, *outcome(name, answer.status_code, answer))
        return answer

    async def drive(self, duration: float, rate_per_second: float) -> float:
        """Poisson arrivals at ``rate_per_second`` for ``duration`` seconds; returns the time
        until the last answer came back."""
        running: set[asyncio.Task[None]] = set()
        started = time.perf_counter()
        next_at = started
        while True:
            next_at += self.random.expovariate(rate_per_second)
            if next_at - started >= duration:
                break
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            name = self.choose()
            if len(running) >= self.args.max_in_flight:
                # Open loop: people do not wait for a saturated server to finish the requests
                # of others before they click. Not sent, and counted as failed.
                self.stats[name].record(0.0, "not sent")
                continue
            task = asyncio.create_task(self.safely(name))
            running.add(task)
            task.add_done_callback(running.discard)
        if running:  # each ends within the client's timeout
            await asyncio.gather(*running)
        return time.perf_counter() - started

    async def close(self) -> None:
        await asyncio.gather(*(client.aclose() for client in self.clients.values()))


def outcome(name: str, status: int, answer: Any) -> tuple[str, str]:
    """("ok" | "conflict" | "error", body) of one answer to ``name``."""
    if name == "acknowledge":
        location = answer.headers.get("location", "")
        if status == 302 and "acknowledged=" in location:
            return "ok", ""
        if status == 302 and "changed=" in location:
            return "conflict", ""
    elif name == "card move" and status == 409:
        return "conflict", answer.text[:300]
    elif status == 200:
        return "ok", ""
    return "error", f"{status} {answer.text[:300]}"


# The run ------------------------------------------------------------------------------------


def sample_lags(stop: threading.Event, every: float, lags: list[float]) -> None:
    while not stop.wait(every):
        try:
            lags.append(queue_lag()[0])
        except Exception as error:
            print(f"queue lag sample failed: {error}", file=sys.stderr)


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = (Path(server.args[-1]) / "server.log").read_text(errors="replace")[-3000:]  # type: ignore[index]
            raise RuntimeError(f"northline serve stopped while starting:\n{log}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("northline serve did not answer /healthz in time")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import machine

    data_dir = Path(tempfile.mkdtemp(prefix="northline-load-"))
    database_url, database_name = "", ""
    if args.database_url:
        database_url, database_name = fresh_postgres(args.database_url)
    server = None
    try:
        setup_django(data_dir, database_url)
        world = seed(args)
        print(f"Seeded: {world.description}.", flush=True)
        from django.db import connections

        connections.close_all()
        port = args.port or free_port()
        base = check_target(f"http://{TARGET_HOST}:{port}")
        server = start_server(data_dir, database_url, port, args.workers)
        wait_until_up(base, server)
        first_line = (data_dir / "server.log").read_text().splitlines()[:1]
        print(f"Server: {first_line[0] if first_line else '?'}", flush=True)
        load = Load(base, world, args)

        lags: list[float] = []
        stop = threading.Event()
        sampler = threading.Thread(target=sample_lags, args=(stop, args.sample_every, lags))

        async def run() -> tuple[float, float]:
            signed = await load.sign_in([u for u, _, _ in world.users])
            print(f"Signed in {len(world.users)} users ({args.sign_in}) in {signed:.0f} s.",
                  flush=True)  # fmt: skip
            sampler.start()  # the queue is sampled while the load runs
            try:
                return signed, await load.drive(args.duration, args.rate / 3600)
            finally:
                await load.close()

        try:
            _, elapsed = asyncio.run(run())
        finally:
            stop.set()
            if sampler.ident:
                sampler.join()
        lags.append(queue_lag()[0])
        tasks = task_counts()
        stop_server(server)
        log = (data_dir / "server.log").read_text(errors="replace")
        summary = summarize(load.stats, elapsed, lags, count_locked(log))
        summary.update(
            organization=world.description,
            database="postgresql" if database_url else "sqlite",
            tasks=tasks,
            machine=machine(),
            command=" ".join(["benchmarks/load_profile.py", *(argv or sys.argv[1:])]),
        )
        print()
        print(report(summary, target_rps=args.rate / 3600))
        print(f"Tasks by status at the end: {tasks}.")
        print(f"Database: {summary['database']}. {summary['machine']}")
        if args.json:
            Path(args.json).write_text(json.dumps(summary, indent=2, default=str))
        return 0 if all(met for _, met in goals(summary)) else 1
    finally:
        if server is not None:
            stop_server(server)
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"Kept {data_dir}" + (f" and database {database_name}" if database_name else ""))
        else:
            import shutil

            shutil.rmtree(data_dir, ignore_errors=True)
            if database_name:
                drop_postgres(args.database_url, database_name)


if __name__ == "__main__":
    sys.exit(main())
