"""A branch of the map reads only what the branch needs (issue 18): opening an objective reads
that objective and what lies below it, opening a key result its objective and the epics that
drive it, and the contents are those the whole map draws."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db.models.signals import post_init

from northline.goals import services as goals
from northline.goals.models import KeyResult, Objective
from northline.insights.map import selectors as alignment_map
from northline.insights.map.selectors import Shown, resolve_filters
from northline.insights.tests.generated import generate
from northline.insights.tests.test_map import MapOrg, readings
from northline.lib.errors import NotFound
from northline.portfolio import services as portfolio
from northline.portfolio.models import Epic, Story
from northline.strategy import services as strategy
from northline.testing import Cast, count_queries

pytestmark = pytest.mark.django_db


def drawn(item: Shown) -> list[tuple[Any, ...]]:
    """What a branch shows of each child."""
    return [
        (
            child.node.label,
            child.edge,
            child.child_count,
            child.summary,
            child.node.health.word if child.node.health else None,
            child.node.health.percent if child.node.health else None,
            child.node.flags,
            child.node.stories,
            child.node.active_points,
        )
        for child in item.children or []
    ]


def opened(map_org: MapOrg, node_id: str, **filters: object) -> Shown:
    chosen = resolve_filters(map_org.access, **filters)  # type: ignore[arg-type]
    return alignment_map.branch_page(alignment_map.open_branch(map_org.access, chosen, node_id), 0)


def key_results_read(map_org: MapOrg, node_id: str) -> set[int]:
    """The key results a branch reads (as rows of the columns drawn, not records)."""
    branch = alignment_map.open_branch(map_org.access, resolve_filters(map_org.access), node_id)
    assert isinstance(branch, alignment_map.MapBranch)
    return set(branch.amap.alignment.key_results)


@contextmanager
def records_built() -> Iterator[Counter[str]]:
    """How many objectives, key results, epics and stories are built from rows meanwhile."""
    built: Counter[str] = Counter()

    def count(sender: type, **_: object) -> None:
        built[sender.__name__] += 1

    models = (Objective, KeyResult, Epic, Story)
    for model in models:
        post_init.connect(count, sender=model, weak=False)
    try:
        yield built
    finally:
        for model in models:
            post_init.disconnect(count, sender=model)


def grow_outside(map_org: MapOrg, number: int) -> None:
    """Objectives with key results, readings, epics and stories that are not below "Permits
    online end to end" and drive nothing there."""
    access = map_org.access
    elsewhere = strategy.create_theme(
        access,
        name="Elsewhere",
        starts_on=map_org.this_quarter.starts_on,
        ends_on=map_org.this_quarter.ends_on,
    )
    for index in range(number):
        objective = goals.create_objective(
            access,
            title=f"Elsewhere {index}",
            status="active",
            theme=elsewhere,
            period=map_org.this_quarter,
        )
        result = goals.create_key_result(
            access, objective, title=f"Result {index}", baseline=0, target=100
        )
        readings(access, result.indicator, 20, 40)
        epic = portfolio.create_epic(
            access, title=f"Work {index}", team=map_org.permits, key_results=[result]
        )
        portfolio.create_story(access, epic, title=f"Story {index}", estimate=3)


ONLINE: list[tuple[Any, ...]] = [
    ("Applications made online", "key_result", 1, "1 epic", "on track", 70, [], None, None),
    (
        "Launch the online application",
        "cascade",
        1,
        "1 key result",
        "off track",
        10,
        [],
        None,
        None,
    ),
]
APPLICATIONS: list[tuple[Any, ...]] = [
    ("Online application form", "drives", 3, "3 stories", None, None, [], 3, 8)
]


def read_twice(
    map_org: MapOrg, node: str, expected: list[tuple[Any, ...]]
) -> tuple[Counter[str], Counter[str], set[int], set[int]]:
    """Open the branch under ``node`` before and after six records grow outside it: it draws
    ``expected`` both times, with the same number of queries. The records built each time,
    and the key results read (as rows, not records) each time."""
    with records_built() as before:
        assert drawn(opened(map_org, node)) == expected
    queries = count_queries(lambda: opened(map_org, node))
    results_before = key_results_read(map_org, node)
    grow_outside(map_org, 6)
    with records_built() as after:
        assert drawn(opened(map_org, node)) == expected
    assert count_queries(lambda: opened(map_org, node)) == queries
    return before, after, results_before, key_results_read(map_org, node)


def test_an_objectives_branch_reads_its_part_of_the_graph_only(map_org: MapOrg) -> None:
    before, after, results, then = read_twice(map_org, f"objective:{map_org.online.pk}", ONLINE)
    # The two objectives of the branch and the epic driving both; their two key results.
    assert after == before == Counter({"Objective": 2, "Epic": 1})
    assert then == results and len(results) == 2


def test_a_key_results_branch_reads_its_objective_and_drivers_only(map_org: MapOrg) -> None:
    before, after, results, then = read_twice(
        map_org, f"key_result:{map_org.applications.pk}", APPLICATIONS
    )
    # Its objective and the other one whose key result the form epic also drives (to know
    # that the epic traces), the epic; both key results.
    assert after == before == Counter({"Objective": 2, "Epic": 1})
    assert then == results and len(results) == 2


def test_a_branch_off_the_view_is_not_found(map_org: MapOrg) -> None:
    with pytest.raises(NotFound):
        opened(map_org, f"objective:{map_org.old.pk}")  # last quarter's
    with pytest.raises(NotFound):
        opened(map_org, f"key_result:{map_org.old_result.pk}")
    with pytest.raises(NotFound):
        opened(map_org, f"objective:{map_org.online.pk}", team=map_org.contact.pk)
    with pytest.raises(NotFound):
        opened(map_org, "key_result:999999")


def test_every_branch_of_a_generated_organization_matches_the_whole_map(cast: Cast) -> None:
    made = generate(cast.owner, slug="generated", scale=0.04)
    access = made.access
    checked = 0
    for filters in ({}, {"period": "all"}, {"team": made.teams[0].pk}):
        chosen = resolve_filters(access, **filters)
        whole = alignment_map.build(access, chosen)
        for node_id, node in whole.nodes.items():
            if node.kind not in ("objective", "key_result"):
                continue
            expected = alignment_map.branch_page(alignment_map.MapBranch(whole, node), 0)
            branch = alignment_map.open_branch(access, chosen, node_id)
            got = alignment_map.branch_page(branch, 0)
            assert drawn(got) == drawn(expected), node_id
            assert [child.node for child in got.children or []] == [
                child.node for child in expected.children or []
            ], node_id
            checked += 1
    assert checked > 100
