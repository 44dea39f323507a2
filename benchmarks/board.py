"""How fast the portfolio board opens with 5,000 cards, and what a page and a move cost.

Makes a fresh SQLite data dir, migrates it, and generates one organization whose board holds
5,000 epics (4,000 of them in To do, the rest spread over the other columns), each with a story
and a rank from northline.lib.ranking; every tenth has a lagging indicator with three readings.
Generating uses bulk_create: the figures are about reading and moving, not about loading.

Then, signed in with Django's test client (the whole request: middleware, session, view,
template), it measures over ``--runs`` rounds (median reported):

- **open the board**: GET /o/<slug>/portfolio/ (every column's count and first 100 cards);
- **next page**: GET a column's next 100 cards as board.js asks for them;
- **move**: POST a drag of one card between two others of its column (a re-rank; JSON back).

Prints a Markdown table and the machine it ran on.

    .venv/bin/python benchmarks/board.py [--runs 7] [--cards 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from common import machine, measure, setup


def generate(cards: int) -> tuple[Any, Any]:
    """One organization with ``cards`` epics; returns its owner and the organization."""
    from django.utils import timezone

    from northline.lib.ranking import key_for_score
    from northline.measures.models import Indicator, Reading
    from northline.orgs import services as org_services
    from northline.orgs.access import access_organization
    from northline.portfolio.models import Epic, Story
    from northline.testing import make_user

    owner = make_user("bench")
    org = org_services.create_organization(owner, slug="bench", name="Benchmark Agency")
    access = access_organization(owner, org.slug)
    team = org_services.create_team(access, name="Permits Online", kind="product")
    in_todo = cards * 4 // 5
    others = ("funnel", "doing", "done", "closed")
    states = ["todo"] * in_todo + [others[n % 4] for n in range(cards - in_todo)]
    scale = (1, 2, 3, 5, 8, 13, 20)
    epics = []
    for number, state in enumerate(states):
        bv, tc, rr, job = (scale[(number + k) % 7] for k in range(4))
        wsjf = (bv + tc + rr) / job
        epics.append(
            Epic(
                organization=org,
                title=f"Epic {number}: take a permit online",
                state=state,
                team=team,
                what="Apply online.",
                why="No queue.",
                business_value=bv,
                time_criticality=tc,
                risk_reduction=rr,
                job_size=job,
                close_reason="other" if state == "closed" else "",
                rank=key_for_score(wsjf, number + 1),
            )
        )
    epics = Epic.objects.bulk_create(epics, batch_size=1000)
    Story.objects.bulk_create(
        (
            Story(organization=org, epic=epic, title="First slice", estimate=5, team=team, rank="5")
            for epic in epics
        ),
        batch_size=1000,
    )
    today = timezone.localdate()
    indicators = Indicator.objects.bulk_create(
        Indicator(
            organization=org,
            name=f"Outcome {number}",
            kind="lagging",
            baseline=0,
            target=100,
            start_date=today - dt.timedelta(days=60),
            target_date=today + dt.timedelta(days=120),
        )
        for number in range(0, len(epics), 10)
    )
    links = Epic.lagging_indicators.through
    links.objects.bulk_create(
        links(epic_id=epics[index * 10].pk, indicator_id=indicator.pk)
        for index, indicator in enumerate(indicators)
    )
    now = timezone.now()
    Reading.objects.bulk_create(
        Reading(
            organization=org,
            indicator=indicator,
            value=10.0 * step,
            recorded_at=now - dt.timedelta(days=3 - step),
        )
        for indicator in indicators
        for step in range(3)
    )
    return owner, org


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cards", type=int, default=5000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="northline-board-") as directory:
        data_dir = Path(directory)
        setup(data_dir)
        from django.test import Client
        from django.urls import reverse

        from northline.portfolio.models import Epic

        started = time.perf_counter()
        owner, org = generate(arguments.cards)
        generated = time.perf_counter() - started
        client = Client(HTTP_HOST="localhost")
        client.force_login(owner)
        board_url = reverse("portfolio", args=[org.slug])
        fetch = {"X-Requested-With": "fetch"}
        todo = list(
            Epic.objects.filter(organization=org, state="todo")
            .order_by("rank", "id")
            .values_list("pk", "rank")[:102]
        )
        after = f"{todo[99][1]}:{todo[99][0]}"
        column_url = reverse("portfolio_column", args=[org.slug, "todo"]) + f"?after={after}"
        # A card whose business case is complete (it has a lagging indicator): the rules of
        # its column hold for it, as for any card that got there through the board.
        mover = (
            Epic.objects.filter(organization=org, state="todo", lagging_indicators__isnull=False)
            .exclude(pk__in=[todo[0][0], todo[1][0], todo[99][0], todo[101][0]])
            .values_list("pk", flat=True)
            .first()
        )
        move_url = reverse("portfolio_epic_move", args=[org.slug, mover])
        client.get(board_url)  # warm templates, content types and the session

        rows: dict[str, list[tuple[float, int, int]]] = {"board": [], "page": [], "move": []}
        for run in range(arguments.runs):
            elapsed, queries, response = measure(lambda: client.get(board_url))
            assert response.status_code == 200, response.status_code
            rows["board"].append((elapsed, queries, len(response.content)))
            elapsed, queries, response = measure(lambda: client.get(column_url, headers=fetch))
            assert response.status_code == 200, response.status_code
            rows["page"].append((elapsed, queries, len(response.content)))
            # Drag the card between the first two cards, then between the 100th and 101st.
            left, right = (todo[0], todo[1]) if run % 2 == 0 else (todo[99], todo[101])
            # The board sends the version it shows (a stale one is refused with 409).
            version = Epic.objects.values_list("version", flat=True).get(pk=mover)
            body = {
                "state": "todo",
                "before_id": left[0],
                "after_id": right[0],
                "version": version,
            }
            elapsed, queries, response = measure(
                lambda body=body: client.post(move_url, body, headers=fetch)
            )
            assert response.status_code == 200, response.content
            rows["move"].append((elapsed, queries, len(response.content)))

        database = data_dir / "northline.sqlite3"
        size_mib = database.stat().st_size / 2**20
        in_todo = Epic.objects.filter(state="todo").count()
        print(
            f"Cards: {arguments.cards} ({in_todo} in To do), generated in {generated:.1f} s; "
            f"SQLite file {size_mib:.1f} MiB; median of {arguments.runs} runs.\n"
        )
        print("| request | time (ms) | queries | response |")
        print("| --- | ---: | ---: | ---: |")
        labels = {
            "board": "open the board (5 columns, first 50 cards each)",
            "page": "next 100 cards of a column",
            "move": "move a card (drag between two others)",
        }
        for key, label in labels.items():
            times = [row[0] for row in rows[key]]
            counts = sorted({row[1] for row in rows[key]})
            size = statistics.median(row[2] for row in rows[key])
            shown = f"{size / 1024:.0f} KiB" if size > 4096 else f"{size:.0f} B"
            print(
                f"| {label} | {statistics.median(times) * 1000:.0f} | "
                f"{'–'.join(str(q) for q in counts)} | {shown} |"
            )
        print()
        print(machine())


if __name__ == "__main__":
    main()
