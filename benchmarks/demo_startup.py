"""How long `northline demo --no-serve` takes, and how much memory it needs.

Each round makes a fresh temporary data dir and runs the command twice as a child process:

- **fresh**: migrate, collectstatic, load the demo (what a first-time user waits for);
- **warm**: the same command again, which finds the demo and reuses it.

Wall time is measured around each child; CPU time (user + system) and peak RSS are the
child's own ``ru_utime + ru_stime`` and ``ru_maxrss`` as ``os.wait4`` reports them (per child,
unlike ``getrusage(RUSAGE_CHILDREN)``, which keeps the maximum over all children so far).
Prints a Markdown table, the load average around each round and the data the demo loaded.

    python benchmarks/demo_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine


def run_demo(data_dir: Path) -> tuple[float, int, float]:
    """Seconds, peak RSS (KiB) and CPU seconds (user + system) of one
    `northline demo --no-serve`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("NORTHLINE_") and key != "DJANGO_SETTINGS_MODULE"
    }
    command = [sys.executable, "-m", "northline", "demo", "--no-serve", "--data-dir", str(data_dir)]
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, cwd=data_dir.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"northline demo failed:\n{errors.decode()}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime  # KiB on Linux


def data_size(data_dir: Path) -> dict[str, int]:
    database = data_dir / "northline.sqlite3"
    with sqlite3.connect(database) as connection:
        counts = {
            label: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for label, table in [
                ("organizations", "orgs_organization"),
                ("users", "auth_user"),
                ("people", "orgs_person"),
                ("teams", "orgs_team"),
                ("team members", "orgs_teammember"),
                ("audit events", "orgs_event"),
                ("index snapshots", "insights_snapshot"),
            ]
        }
        # The demo's history: the days its audit events fall on.
        counts["days with events"] = connection.execute(
            "SELECT COUNT(DISTINCT date(created_at)) FROM orgs_event"
        ).fetchone()[0]
    counts["database KiB"] = database.stat().st_size // 1024
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    args = parser.parse_args()

    fresh: list[tuple[float, int, float]] = []
    warm: list[tuple[float, int, float]] = []
    loads = [os.getloadavg()[0]]
    size: dict[str, int] = {}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="northline-bench-") as tmp:
            data_dir = Path(tmp) / "data"
            fresh.append(run_demo(data_dir))
            warm.append(run_demo(data_dir))
            size = data_size(data_dir)
            loads.append(os.getloadavg()[0])

    print(f"`northline demo --no-serve`, {args.runs} runs, median:\n")
    print("| run | wall time (s) | CPU time (s) | peak RSS (MiB) |")
    print("| --- | ---: | ---: | ---: |")
    for label, samples in [("fresh data dir", fresh), ("warm re-run", warm)]:
        seconds = statistics.median(sample[0] for sample in samples)
        rss = statistics.median(sample[1] for sample in samples) / 1024
        cpu = statistics.median(sample[2] for sample in samples)
        print(f"| {label} | {seconds:.2f} | {cpu:.2f} | {rss:.0f} |")
    print()
    print(machine())
    # The machine may be shared: wall time grows with its load, CPU time much less.
    shown = ", ".join(f"{load:.1f}" for load in loads)
    print(f"Load average (1 min) before the first round and after each: {shown}.")
    print("Data: " + ", ".join(f"{count} {label}" for label, count in size.items()) + ".")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
