"""What a burst of card moves costs the worker: the feedback loop's recompute, coalesced.

Makes a fresh SQLite data dir with the board benchmark's organization (``--cards`` epics, each
with a story), then moves ``--moves`` stories one after another through the service, each in
its own transaction, with the database task queue that production uses. It then runs what the
burst queued, as ``northline worker`` would, and reports the worker time per move. Before
issue 18 every move queued its own full recompute, so the figure to compare with is one
recompute's time (measured here too, median of ``--runs``) per move.

    .venv/bin/python benchmarks/feedback_burst.py [--cards 5000] [--moves 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from board import generate
from common import machine, setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--moves", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="northline-burst-") as directory:
        setup(Path(directory))
        from django.db import transaction
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from northline.orgs.access import access_organization
        from northline.portfolio import services
        from northline.portfolio.models import Story
        from northline.portfolio.selectors import RECOMPUTE_FEEDBACK

        owner, org = generate(arguments.cards)
        access = access_organization(owner, org.slug)
        one = []
        for _ in range(arguments.runs):
            started = time.perf_counter()
            services.recompute_feedback_task.call(org.pk)
            one.append(time.perf_counter() - started)
        DBTaskResult.objects.all().delete()

        stories = list(Story.objects.filter(organization=org).order_by("pk")[: arguments.moves])
        states = ("doing", "done", "todo")
        requests = []
        for number, story in enumerate(stories):
            started = time.perf_counter()
            with transaction.atomic():
                services.move_story(access, story, state=states[number % 3], version=None)
            requests.append(time.perf_counter() - started)

        queued = list(
            DBTaskResult.objects.filter(
                task_path=RECOMPUTE_FEEDBACK, status=TaskResultStatus.READY
            ).values_list("args_kwargs", flat=True)
        )
        started = time.perf_counter()
        for call in queued:
            services.recompute_feedback_task.call(*call["args"])
        worker = time.perf_counter() - started
        moves = len(stories)
        recompute_ms = statistics.median(one) * 1000
        print(f"{arguments.cards} cards, {moves} moves in a row, one transaction each")
        print()
        print("| what | figure |")
        print("| --- | ---: |")
        print(f"| one full recompute (median of {arguments.runs}) | {recompute_ms:.0f} ms |")
        print(f"| before: worker time per move (one recompute each) | {recompute_ms:.0f} ms |")
        print(f"| recomputes queued by the burst | {len(queued)} |")
        print(f"| worker time for the burst | {worker * 1000:.0f} ms |")
        print(f"| after: worker time per move, amortized | {worker * 1000 / moves:.1f} ms |")
        print(f"| a move's service call (median) | {statistics.median(requests) * 1000:.1f} ms |")
        print()
        print(machine())


if __name__ == "__main__":
    main()
