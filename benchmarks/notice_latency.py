"""How long a release notice takes to reach the impacted people's inboxes on a plain demo.

Starts `northline demo` (which serves with the task worker beside it) on a fresh temporary
data dir, then, through the API as the demo owner, for each run: plans a release, adds a feature
and an impact on the team with the most members who sign in, waits for that notice, decides the
release with an override and times how long the decision's notices take to be in every
impacted member's inbox (read straight from the SQLite file). Prints a Markdown table.

    python benchmarks/notice_latency.py [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import machine

ORG = "/api/v1/orgs/ministry-of-coast"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("NORTHLINE_") and key != "DJANGO_SETTINGS_MODULE"
    }
    return env | {"NORTHLINE_DATA_DIR": str(data_dir)}


def call(base: str, token: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def inbox_count(database: Path, title: str) -> int:
    with sqlite3.connect(database) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM orgs_notification WHERE kind = 'delivery.notice' "
            "AND title LIKE ?",
            (f"%{title}%",),
        ).fetchone()
    return count


def team_with_logins(database: Path) -> tuple[int, int]:
    """A ministry team whose members sign in (only they get inbox items), and how many."""
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT member.team_id, count(DISTINCT person.user_id) AS users "
            "FROM orgs_teammember member JOIN orgs_person person ON person.id = member.person_id "
            "JOIN orgs_organization org ON org.id = person.organization_id "
            "WHERE org.slug = 'ministry-of-coast' AND person.user_id IS NOT NULL "
            "GROUP BY member.team_id ORDER BY users DESC, member.team_id LIMIT 1"
        ).fetchone()


def wait_for(database: Path, title: str, count: int, limit: float = 120) -> float:
    started = time.perf_counter()
    while inbox_count(database, title) < count:
        if time.perf_counter() - started > limit:
            raise SystemExit(f"no notice {title!r} after {limit} s")
        time.sleep(0.05)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        data_dir = Path(temp) / "demo"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = Path(temp) / "demo.log"
        log = log_path.open("w")
        demo = subprocess.Popen(
            [sys.executable, "-m", "northline", "demo", "--port", str(port)],
            env=environment(data_dir),
            cwd=temp,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            while True:
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=2)
                    break
                except (urllib.error.URLError, OSError):
                    if demo.poll() is not None:
                        raise SystemExit("northline demo stopped") from None
                    time.sleep(0.5)
            token = subprocess.run(
                [sys.executable, "-m", "northline", "token", "create", "--user=demo", "--name=x"],
                env=environment(data_dir),
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            database = data_dir / "northline.sqlite3"
            team_id, users = team_with_logins(database)
            timings = []
            for run in range(args.runs):
                day = dt.date.today() + dt.timedelta(days=90 + run)
                title = f"Latency feature {run}"
                release = call(
                    base,
                    token,
                    f"{ORG}/delivery/releases",
                    {"name": f"Latency {run}", "planned_date": day.isoformat()},
                )
                feature = call(
                    base,
                    token,
                    f"{ORG}/delivery/features",
                    {"title": title, "release_id": release["id"]},
                )
                call(
                    base,
                    token,
                    f"{ORG}/delivery/impacts",
                    {"feature_id": feature["id"], "team_id": team_id, "role": "impactee"},
                )
                wait_for(database, f"{title} (impact added)", users)
                release = call(base, token, f"{ORG}/delivery/releases/{release['id']}")
                call(
                    base,
                    token,
                    f"{ORG}/delivery/releases/{release['id']}/decide",
                    {"version": release["version"], "override_reason": "Benchmark."},
                )
                timings.append(wait_for(database, f"{title} (decided)", users))
        except SystemExit:
            print(log_path.read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            demo.terminate()
            demo.wait(timeout=60)
    print(machine())
    print()
    print("| what | median s | min s | max s | runs |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(
        f"| decide → notice in the inbox (demo, embedded worker) | "
        f"{statistics.median(timings):.2f} | {min(timings):.2f} | {max(timings):.2f} | "
        f"{len(timings)} |"
    )


if __name__ == "__main__":
    main()
