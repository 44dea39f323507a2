"""The generated organization of benchmarks/insights.py, at two sizes: reading its alignment
graph, its index and its map costs the same queries whether it holds 2 teams or 4, 490 stories
or 980 (issue 7: "the generated 12,250-story organization's map and index compute with a
constant number of queries"; the benchmark runs it at full size and reports the same count)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from northline.insights import alignment
from northline.insights.tests.generated import Generated, generate
from northline.testing import count_queries, make_user


def counts_at_two_sizes(action: Callable[[Generated], Any]) -> tuple[int, int]:
    small = generate(make_user("small"), slug="small", scale=0.04)
    large = generate(make_user("large"), slug="large", scale=0.08)
    action(small)  # warm content types and caches
    return count_queries(lambda: action(small)), count_queries(lambda: action(large))


@pytest.mark.django_db
def test_the_generated_organizations_have_the_sizes_they_claim() -> None:
    made = generate(make_user("owner"), scale=0.04)

    assert (len(made.teams), made.objectives, made.key_results) == (2, 81, 162)
    assert (made.epics, made.stories) == (20, 490)


@pytest.mark.django_db
def test_it_loads_the_graph_in_thirteen_queries_at_any_size() -> None:
    small, large = counts_at_two_sizes(
        lambda made: alignment.first_three(alignment.load(made.access))
    )

    assert small == large == 13


@pytest.mark.django_db
def test_it_computes_the_index_in_the_same_queries_at_any_size() -> None:
    from northline.insights.index.selectors import alignment_index

    small, large = counts_at_two_sizes(lambda made: alignment_index(made.access))

    assert small == large


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["insights", "insights_map", "insights_map_export"])
def test_its_pages_cost_the_same_queries_at_any_size(name: str) -> None:
    def open_page(made: Generated) -> None:
        client = Client()
        client.force_login(made.access.user)
        response = client.get(reverse(name, args=[made.organization.slug]))
        assert response.status_code == 200

    small, large = counts_at_two_sizes(open_page)

    assert small == large
