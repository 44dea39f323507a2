"""How fast the alignment map and the alignment index compute for a large organization.

Makes a fresh SQLite data dir, migrates it, and generates one organization with
``northline.insights.tests.generated``: 50 teams, 1,425 objectives, 2,850 key results with three
check-ins each, 500 epics and 12,250 stories (``--scale`` shrinks or grows it). Generating uses
bulk_create: the figures are about reading.

Then it measures over ``--runs`` rounds (median reported: wall time, and the process's CPU
time, steadier on a shared machine), each with its query count:

- **load the graph**: ``alignment.load`` (strategy, goals, work totals, every measure judged);
- **compute the index**: ``index.alignment_index`` (all five components with their drill-down);
- **open the Insights page**, **open the map**, **open a branch** (an organization objective's
  children and key results, read without the rest of the graph; one of its key results' epics;
  an epic's first stories), **export the map** as JSON: whole requests through Django's test
  client, signed in (middleware, session, view, template).

Prints a Markdown table and the machine it ran on.

    .venv/bin/python benchmarks/insights.py [--runs 5] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import machine, measure, setup


def size_of(result: Any) -> int | None:
    content = getattr(result, "content", None)
    return len(content) if content is not None else None


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="northline-insights-") as directory:
        data_dir = Path(directory)
        setup(data_dir)
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        from northline.goals.models import KeyResult, Objective
        from northline.insights import alignment
        from northline.insights.tests.generated import generate
        from northline.portfolio.models import Epic
        from northline.testing import make_user

        started = time.perf_counter()
        owner = make_user("bench")
        made = generate(owner, scale=arguments.scale)
        generated = time.perf_counter() - started
        access, slug = made.access, made.organization.slug
        client = Client(HTTP_HOST="localhost")
        client.force_login(owner)

        def get(url: str) -> Callable[[], Any]:
            def fetch() -> Any:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            return fetch

        actions: dict[str, Callable[[], Any]] = {
            "load the alignment graph": lambda: alignment.load(access),
            "traceability, coverage, movement": lambda: alignment.first_three(
                alignment.load(access)
            ),
        }
        try:
            from northline.insights.index.selectors import alignment_index

            actions["compute the index (five components)"] = lambda: alignment_index(access)
        except ImportError:
            pass
        epic = Epic.objects.filter(organization=made.organization, state="doing").first()
        objective = Objective.objects.filter(organization=made.organization, team=None).first()
        # A key result that the doing epic drives: its branch lists epics.
        key_result = KeyResult.objects.filter(pk__in=epic.key_results.values("pk")).first()
        assert epic is not None and objective is not None and key_result is not None
        pages = {
            "open the Insights page": ("insights", ""),
            "open the map (current period)": ("insights_map", ""),
            "open an objective's branch": (
                "insights_map_branch",
                f"?node=objective:{objective.pk}",
            ),
            "open a key result's branch": (
                "insights_map_branch",
                f"?node=key_result:{key_result.pk}",
            ),
            "open an epic's branch (first stories)": (
                "insights_map_branch",
                f"?node=epic:{epic.pk}",
            ),
            "export the map as JSON": ("insights_map_export", "?format=json"),
        }
        for label, (name, query) in pages.items():
            try:
                actions[label] = get(reverse(name, args=[slug]) + query)
            except NoReverseMatch:
                continue
        for action in actions.values():
            action()  # warm templates, content types and the session

        rows: dict[str, list[tuple[float, int, int | None, float]]] = {
            label: [] for label in actions
        }
        for _ in range(arguments.runs):
            for label, action in actions.items():
                cpu = time.process_time()
                elapsed, queries, result = measure(action)
                cpu = time.process_time() - cpu
                rows[label].append((elapsed, queries, size_of(result), cpu))

        size_mib = (data_dir / "northline.sqlite3").stat().st_size / 2**20
        print(
            f"Generated {len(made.teams)} teams, {made.objectives} objectives, "
            f"{made.key_results} key results, {made.epics} epics, {made.stories} stories in "
            f"{generated:.1f} s; SQLite file {size_mib:.1f} MiB; median of {arguments.runs} "
            "runs.\n"
        )
        print("| what | time (ms) | CPU (ms) | queries | response |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, measured in rows.items():
            times = [row[0] for row in measured]
            counts = sorted({row[1] for row in measured})
            sizes = [row[2] for row in measured if row[2] is not None]
            shown = "–"
            if sizes:
                size = statistics.median(sizes)
                shown = f"{size / 1024:.0f} KiB" if size > 4096 else f"{size:.0f} B"
            cpu = statistics.median(row[3] for row in measured)
            print(
                f"| {label} | {statistics.median(times) * 1000:.0f} | {cpu * 1000:.0f} | "
                f"{'–'.join(str(q) for q in counts)} | {shown} |"
            )
        print()
        print(machine())


if __name__ == "__main__":
    main()
