"""How close the API's epics list comes to the floor: the same rows read with one SQL query.

Makes a fresh SQLite data dir, migrates it, and generates the board benchmark's organization
(benchmarks/board.py: 5,000 epics by default, every tenth with a lagging indicator). Then,
with Django's test client and a read token for the organization (the whole request:
middleware, token check, route, pagination, serialization; no network), it measures over
``--runs`` rounds (median):

- **all cards, pages of 1,000**: GET /api/v1/orgs/<slug>/epics?limit=1000, following ``next``
  until it is null (5 requests for 5,000 cards);
- **all cards, pages of 200**: the same with ``limit=200`` (25 requests, the old page size);
- **one page of 200**: the first page, ``limit=200``;
- **one deep page of 200**: the page after the 4,800th card (a cursor; no OFFSET to skip);

and, in the same run, the **floor** of each: one raw SQL query for the same rows and fields
(the two id lists as group_concat subqueries), built into dicts and written with
``orjson.dumps``. Each API figure is printed with its ratio to its floor. Also checks that the
walk returned every card once.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/api_list.py [--runs 7] [--cards 5000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from board import generate
from common import machine, measure, setup

FLOOR_SQL = """
SELECT e.id, e.title, e.description, e.state, e.value_stream_id, e.theme_id, e.owner_id,
       e.team_id, e.what, e.why, e.hypothesis,
       (SELECT group_concat(l.indicator_id) FROM portfolio_epic_lagging_indicators l
        WHERE l.epic_id = e.id) AS lagging,
       (SELECT group_concat(k.keyresult_id) FROM portfolio_epic_key_results k
        WHERE k.epic_id = e.id) AS key_results,
       e.business_value, e.time_criticality, e.risk_reduction, e.job_size,
       e.target_date, e.close_reason, e.close_note, e.rank, e.rank_is_manual,
       e.pivoted_from_id, e.version
FROM portfolio_epic e
WHERE e.organization_id = %s
ORDER BY e.rank, e.id
{limit}
"""


def ids(text: str | None) -> list[int]:
    return [int(part) for part in text.split(",")] if text else []


def floor(organization_id: int, limit: int | None = None, after: tuple[str, int] | None = None):
    """One raw query, dicts, orjson: the least any API could do for the same document."""
    import datetime as dt

    import orjson
    from django.db import connection

    sql = FLOOR_SQL.format(limit=f"LIMIT {limit}" if limit else "")
    params: list[Any] = [organization_id]
    if after is not None:
        sql = sql.replace(
            "WHERE e.organization_id = %s",
            "WHERE e.organization_id = %s AND (e.rank, e.id) > (%s, %s)",
        )
        params += list(after)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    items = []
    for (
        pk, title, description, state, value_stream, theme, owner, team, what, why,
        hypothesis, lagging, key_results, bv, tc, rr, job, target, close_reason,
        close_note, rank, manual, pivoted, version,
    ) in rows:  # fmt: skip
        delay = bv + tc + rr if None not in (bv, tc, rr) else None
        items.append(
            {
                "id": pk,
                "title": title,
                "description": description,
                "state": state,
                "value_stream_id": value_stream,
                "theme_id": theme,
                "owner_id": owner,
                "team_id": team,
                "what": what,
                "why": why,
                "hypothesis": hypothesis,
                "lagging_indicator_ids": ids(lagging),
                "key_result_ids": ids(key_results),
                "business_value": bv,
                "time_criticality": tc,
                "risk_reduction": rr,
                "job_size": job,
                "cost_of_delay": delay,
                "wsjf": delay / job if delay is not None and job else None,
                "target_date": dt.date.fromisoformat(target) if target else None,
                "close_reason": close_reason,
                "close_note": close_note,
                "rank": rank,
                "rank_is_manual": bool(manual),
                "pivoted_from_id": pivoted,
                "version": version,
            }
        )
    return orjson.dumps({"items": items, "next": None, "limit": limit, "count": None})


def walk(client: Any, path: str, limit: int) -> tuple[int, int]:
    """Every page following ``next``: (cards, requests)."""
    import orjson

    cards, requests, cursor = 0, 0, None
    while True:
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, **query)
        assert response.status_code == 200, response.content
        body = orjson.loads(response.content)
        cards += len(body["items"])
        requests += 1
        cursor = body["next"]
        if cursor is None:
            return cards, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cards", type=int, default=5000)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        setup(Path(data_dir))
        from django.core.management import call_command

        call_command("createcachetable", verbosity=0)  # the API's throttle counts there
        started = time.perf_counter()
        owner, org = generate(options.cards)
        print(f"Generated {options.cards} cards in {time.perf_counter() - started:.1f} s.")

        from northline.portfolio.models import Epic
        from northline.testing import ApiClient

        # A token for this organization, as every token made today is (a legacy token, which
        # reaches all the owner's organizations, costs one query more a request).
        client = ApiClient(owner, organization=org, scope="read")
        client.client.defaults["HTTP_HOST"] = "localhost"
        path = f"/orgs/{org.slug}/epics"
        ordered = list(Epic.objects.filter(organization=org).order_by("rank", "id"))
        deep_after = ordered[-201] if len(ordered) > 201 else ordered[0]
        cursor = None
        # The cursor of the deep page, as a client would hold it: walk there once.
        while True:
            body = client.get(path, limit=200, **({"cursor": cursor} if cursor else {})).json()
            if body["next"] is None or body["items"][-1]["id"] == deep_after.pk:
                break
            cursor = body["next"]
        deep_cursor = body["next"]

        def one_page() -> Any:
            response = client.get(path, limit=200)
            assert response.status_code == 200
            return response

        def deep_page() -> Any:
            response = client.get(path, limit=200, cursor=deep_cursor)
            assert response.status_code == 200
            return response

        actions: dict[str, tuple[Any, Any]] = {
            "all cards, pages of 1,000": (
                lambda: walk(client, path, 1000),
                lambda: floor(org.pk),
            ),
            "all cards, pages of 200": (
                lambda: walk(client, path, 200),
                lambda: floor(org.pk),
            ),
            "one page of 200": (one_page, lambda: floor(org.pk, 200)),
            "one deep page of 200": (
                deep_page,
                lambda: floor(org.pk, 200, (deep_after.rank, deep_after.pk)),
            ),
        }
        assert walk(client, path, 1000)[0] == options.cards
        rows = []
        for name, (api_call, floor_call) in actions.items():
            api_call()
            floor_call()  # warm both
            api_times, floor_times = [], []
            queries = 0
            for _ in range(options.runs):
                seconds, queries, _ = measure(api_call)
                api_times.append(seconds)
                seconds, _, _ = measure(floor_call)
                floor_times.append(seconds)
            api_ms = statistics.median(api_times) * 1000
            floor_ms = statistics.median(floor_times) * 1000
            rows.append((name, api_ms, queries, floor_ms, api_ms / floor_ms))

    print()
    print(f"{options.cards} epics, SQLite, Django test client, median of {options.runs}.")
    print()
    print("| list | API | queries | floor (1 SQL + dicts + orjson) | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, api_ms, queries, floor_ms, ratio in rows:
        print(f"| {name} | {api_ms:.1f} ms | {queries} | {floor_ms:.1f} ms | {ratio:.1f}× |")
    print()
    print(machine())


if __name__ == "__main__":
    main()
