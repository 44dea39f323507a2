"""Keyset pages (northline.lib.pagination): walking every page with ``next`` yields exactly the
ordered list, with no duplicate and no gap, whatever the order (ascending, descending, mixed,
ties, NULLs, the WSJF annotation) and whatever is inserted or deleted between two pages; a bad
cursor, a too large limit, the total only when asked, and a page's queries pinned."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from northline.lib.pagination import page_of
from northline.measures.models import Indicator
from northline.portfolio import selectors
from northline.portfolio.api import EpicOut, StoryOut
from northline.portfolio.models import Epic
from northline.portfolio.tests.conftest import Board
from northline.portfolio.tests.test_api import many_cards
from northline.testing import Cast, assert_queries_constant

pytestmark = pytest.mark.django_db


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The API's one error shape (docs/api.md), with this status and code."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert (set(error), error["code"]) == ({"code", "message", "fields"}, code)
    return error


BASE = "/orgs/acme"

# The orders a walk is checked under; each ends without a unique key on purpose (ties), so the
# paginator's own ``pk`` tie-breaker is what keeps the walk exact.
ORDERS: dict[str, list[Any]] = {
    "ascending": ["title"],
    "descending": ["-title"],
    "mixed": ["title", "-rank"],
    "nulls last, descending": [F("business_value").desc(nulls_last=True), "title"],
    "nulls first, ascending": [F("job_size").asc(nulls_first=True), "-title"],
    "wsjf annotation": [F("wsjf_value").desc(nulls_last=True), "rank"],
    "descending id": ["-title", "-id"],
    "nullable, the database's own NULL place": ["business_value", "-job_size"],
}

card = st.tuples(
    st.sampled_from(["a", "b", "c"]),  # title: many ties
    st.sampled_from(["1", "2"]),  # rank
    st.sampled_from([None, 1, 3]),  # business value
    st.sampled_from([None, 2, 5]),  # job size
)


def make_cards(board: Board, cards: list[tuple[str, str, int | None, int | None]]) -> None:
    Epic.objects.bulk_create(
        Epic(
            organization=board.access.organization,
            title=title,
            rank=rank,
            business_value=value,
            time_criticality=value,
            risk_reduction=value,
            job_size=job,
        )
        for title, rank, value, job in cards
    )


def ordered(board: Board, order: list[Any]) -> QuerySet[Epic]:
    return selectors.wsjf_annotated(
        Epic.objects.filter(organization=board.access.organization)
    ).order_by(*order)


def walk(queryset_of: Any, limit: int, between: Any = None) -> list[int]:
    """Every page's ids, following ``next`` until null; ``between(n)`` runs after page n."""
    seen: list[int] = []
    cursor = None
    for number in range(1000):
        page = page_of(queryset_of(), cursor=cursor, limit=limit)
        seen.extend(epic.pk for epic in page["items"])
        assert page["count"] is None
        cursor = page["next"]
        if cursor is None:
            return seen
        if between is not None:
            between(number)
    raise AssertionError("the walk did not end")


@pytest.mark.parametrize("name", list(ORDERS))
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cards=st.lists(card, max_size=18), limit=st.integers(1, 6))
def test_it_walks_every_page_in_order_without_duplicates_or_gaps(
    board: Board, name: str, cards: list[Any], limit: int
) -> None:
    with transaction.atomic():
        make_cards(board, cards)
        order = ORDERS[name]
        # The whole list in one read, ties broken by id as the paginator promises.
        expected = list(ordered(board, [*order, "id"]).values_list("pk", flat=True))
        assert walk(lambda: ordered(board, order), limit) == expected
        transaction.set_rollback(True)


def test_it_breaks_ties_by_id(board: Board) -> None:
    make_cards(board, [("same", "1", None, None)] * 5)
    ids = sorted(Epic.objects.filter(title="same").values_list("pk", flat=True))
    assert walk(lambda: ordered(board, ["title"]), 2) == ids


def test_inserts_and_deletes_between_pages_never_repeat_or_skip_a_kept_row(board: Board) -> None:
    make_cards(board, [(f"t{n:02d}", "1", None, None) for n in range(20)])
    kept_before = list(ordered(board, ["title"]).values_list("pk", flat=True))
    deleted: set[int] = set()

    def churn(number: int) -> None:
        # Insert rows before and after the position, equal to the cursor's key, and delete
        # one row already read and one still ahead.
        make_cards(board, [("t00", "1", None, None), ("t99", "1", None, None)])
        make_cards(board, [(f"t{4 * (number + 1) - 1:02d}", "1", None, None)])
        ahead = kept_before[-(number + 1)]
        behind = kept_before[number]
        Epic.objects.filter(pk__in=[ahead, behind]).delete()
        deleted.update({ahead, behind})

    seen = walk(lambda: ordered(board, ["title"]), 4, churn)
    assert len(seen) == len(set(seen)), "a row came twice"
    # Every row that was there all along comes once, in order; the new ones come at most once.
    kept = [pk for pk in kept_before if pk not in deleted]
    assert [pk for pk in seen if pk in kept] == kept


def test_it_refuses_a_random_order(board: Board) -> None:
    with pytest.raises(TypeError, match="random order"):
        page_of(ordered(board, ["?"]))


# Through the API --------------------------------------------------------------------------


def test_it_answers_a_tampered_cursor_with_422_naming_cursor(cast: Cast, board: Board, api_as):
    make_cards(board, [("a", "1", None, None)] * 3)
    viewer = api_as(cast.viewer)
    cursor = viewer.get(f"{BASE}/epics", limit=1).json()["next"]
    assert cursor
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for bad in (tampered, "not-a-cursor", cursor[:10]):
        response = viewer.get(f"{BASE}/epics", limit=1, cursor=bad)
        assert set(assert_error(response, 422, "invalid")["fields"]) == {"cursor"}
    # Another order's cursor does not fit this one.
    foreign = viewer.get(f"{BASE}/epics", limit=1, cursor=cursor, order="wsjf")
    assert set(assert_error(foreign, 422, "invalid")["fields"]) == {"cursor"}
    # The same cursor on a list of another kind.
    other = viewer.get(f"{BASE}/stories", limit=1, cursor=cursor)
    assert set(assert_error(other, 422, "invalid")["fields"]) == {"cursor"}


def test_it_refuses_a_limit_over_1000_naming_limit(cast: Cast, board: Board, api_as):
    viewer = api_as(cast.viewer)
    assert viewer.get(f"{BASE}/epics", limit=1000).status_code == 200
    response = viewer.get(f"{BASE}/epics", limit=1001)
    assert set(assert_error(response, 422, "invalid")["fields"]) == {"limit"}
    both = viewer.get(f"{BASE}/teams", offset=1, cursor="x")
    assert set(assert_error(both, 422, "invalid")["fields"]) == {"offset"}


def test_it_counts_only_when_asked(cast: Cast, board: Board, api_as):
    make_cards(board, [("a", "1", None, None)] * 3)
    viewer = api_as(cast.viewer)
    with CaptureQueriesContext(connection) as plain:
        body = viewer.get(f"{BASE}/epics", limit=2).json()
    assert (body["count"], body["limit"], len(body["items"])) == (None, 2, 2)
    assert not any("COUNT(" in q["sql"].upper() for q in plain.captured_queries)
    with CaptureQueriesContext(connection) as counted:
        body = viewer.get(f"{BASE}/epics", limit=2, total="true").json()
    assert body["count"] == 3
    assert sum("COUNT(" in q["sql"].upper() for q in counted.captured_queries) == 1


def test_the_last_page_has_no_next_and_offset_still_positions(cast: Cast, board: Board, api_as):
    make_cards(board, [(f"t{n}", "1", None, None) for n in range(5)])
    viewer = api_as(cast.viewer)
    first = viewer.get(f"{BASE}/epics", limit=3).json()
    last = viewer.get(f"{BASE}/epics", limit=3, cursor=first["next"]).json()
    assert (len(first["items"]), len(last["items"]), last["next"]) == (3, 2, None)
    legacy = viewer.get(f"{BASE}/epics", limit=2, offset=3).json()
    assert [e["id"] for e in legacy["items"]] == [e["id"] for e in last["items"]]
    assert legacy["next"] is None


def test_every_page_of_epics_reads_the_same_queries_however_deep(cast: Cast, board: Board, api_as):
    many_cards(board, 30)
    viewer = api_as(cast.viewer)
    deep = viewer.get(f"{BASE}/epics", limit=10).json()["next"]
    deep = viewer.get(f"{BASE}/epics", limit=10, cursor=deep).json()["next"]

    count = assert_queries_constant(
        lambda: viewer.get(f"{BASE}/epics", limit=10, cursor=deep), lambda: many_cards(board, 40)
    )
    # token, membership, the page with each epic's ids: no COUNT, no OFFSET
    assert count == 3


def test_the_projected_epics_are_exactly_what_the_schema_describes(
    cast: Cast, board: Board, api_as
):
    scored = board.epic("Scored", wsjf=(8, 5, 3, 8))
    board.epic("Unscored", wsjf=None, lagging=False)
    many_cards(board, 3)
    scored.lagging_indicators.add(*Indicator.objects.all())  # several ids, in one text
    viewer = api_as(cast.viewer)
    for order in ("rank", "wsjf"):
        served = viewer.get(f"{BASE}/epics", limit=1000, order=order).json()["items"]
        epics = selectors.epics(board.access, order=order)
        described = [EpicOut.model_validate(epic).model_dump(mode="json") for epic in epics]
        assert served == described
        assert {e["wsjf"] for e in served} >= {2.0, None}
        assert max(len(e["lagging_indicator_ids"]) for e in served) == 4


def test_the_projected_stories_are_exactly_what_the_schema_describes(
    cast: Cast, board: Board, api_as
):
    epic = board.epic("Scored", stories=3)
    story = epic.stories.first()
    many_cards(board, 3)
    story.leading_indicators.add(*Indicator.objects.all())  # several ids, in one text
    viewer = api_as(cast.viewer)
    served = viewer.get(f"{BASE}/stories", limit=1000).json()["items"]
    described = [
        StoryOut.model_validate(s).model_dump(mode="json") for s in selectors.stories(board.access)
    ]
    assert served == described
    assert len(served) == 6
    assert max(len(s["leading_indicator_ids"]) for s in served) == 4
    only = viewer.get(f"{BASE}/stories", epic=epic.pk, limit=2).json()
    rest = viewer.get(f"{BASE}/stories", epic=epic.pk, limit=2, cursor=only["next"]).json()
    assert [s["id"] for s in only["items"] + rest["items"]] == [s["id"] for s in served[:3]]
