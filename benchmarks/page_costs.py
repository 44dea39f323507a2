"""What each page of the load profile costs one request at a time, on the load profile's
organization: CPU and wall time (median of ``--runs``), queries, and the Python function calls
of one request (deterministic, so two checkouts compare exactly even on a noisy machine).

Seeds the organization of ``load_profile.py`` (50 teams, 1,425 objectives, 2,850 key results,
500 epics, 12,250 stories, 200 features with 1,200 impacts, 200 users) in a fresh SQLite data
dir, then requests each page through Django's test client as an editor, after one warm-up
request each and ``gc.freeze()`` as ``northline serve`` does. No server, no network.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/page_costs.py [--runs 9] [--only board,matrix]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import load_profile
from common import machine, measure


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only", default="", help="page names, comma-separated")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="northline-pages-") as directory:
        load_profile.setup_django(Path(directory), "")
        from django.conf import settings

        # No collectstatic in a throwaway data dir: name static files straight from the package.
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        world = load_profile.seed(argparse.Namespace(scale=1.0, users=200))
        from django.contrib.auth import get_user_model
        from django.test import Client

        editor = next(name for name, role, _ in world.users if role == "editor")
        client = Client(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.get(username=editor))
        org = f"/o/{load_profile.SLUG}"
        pages = {
            "my work": "/me/",
            "board": f"{org}/portfolio/",
            "goals": f"{org}/goals/",
            "key result": f"{org}/goals/key-results/{world.key_results[0]}/",
            "matrix": f"{org}/delivery/",
            "map": f"{org}/insights/map/",
        }
        chosen = [name.strip() for name in arguments.only.split(",") if name.strip()]
        pages = {name: url for name, url in pages.items() if not chosen or name in chosen}
        for url in pages.values():
            assert client.get(url).status_code == 200, url
        gc.freeze()
        print(world.description + "\n")
        print("| page | CPU (ms) | wall (ms) | queries | Python calls | size |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, url in pages.items():
            cpu: list[float] = []
            wall: list[float] = []
            queries = 0
            size = 0

            def fetch(url: str = url) -> Any:
                return client.get(url)

            for _ in range(arguments.runs):
                started = time.process_time()
                elapsed, queries, response = measure(fetch)
                cpu.append(time.process_time() - started)
                wall.append(elapsed)
                size = len(response.content)
            profile = cProfile.Profile()
            profile.enable()
            client.get(url)
            profile.disable()
            calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
            print(
                f"| {name} | {statistics.median(cpu) * 1000:.0f} | "
                f"{statistics.median(wall) * 1000:.0f} | {queries} | {calls:,} | "
                f"{size / 1024:.0f} KiB |"
            )
        print()
        print(machine())


if __name__ == "__main__":
    main()
