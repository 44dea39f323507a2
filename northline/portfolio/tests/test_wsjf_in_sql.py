"""WSJF is defined once (northline.portfolio.rules) and computed twice: in Python for cards,
exports and ranks, and in SQL for the backlog, which shows and sorts by the database's value.
These tests hold the two equal on every input of the scale, on whichever database the suite
runs (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
import math

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from northline.portfolio import rules, selectors, services
from northline.portfolio.models import Epic
from northline.portfolio.tests.conftest import Board

# The relative scale of every WSJF input, and "not estimated yet".
SCALE = (1, 2, 3, 5, 8, 13, 20)
INPUT = st.sampled_from((*SCALE, None))
Inputs = tuple[int | None, int | None, int | None, int | None]


def shown(epic: Epic) -> tuple[int | None, float | None]:
    """The cost of delay and the WSJF the database annotated the epic with."""
    return getattr(epic, "cost_of_delay_value"), getattr(epic, "wsjf_value")  # noqa: B009


def same_number(database: float | None, python: float | None) -> bool:
    if database is None or python is None:
        return database is python
    return math.isclose(database, python, rel_tol=0, abs_tol=rules.EPSILON)


def test_it_computes_wsjf_in_the_database_as_in_python_for_every_input_of_the_scale(
    board: Board,
) -> None:
    # 8⁴ = 4096 epics: every combination of the scale and None, read back in one query.
    combinations = list(itertools.product((*SCALE, None), repeat=4))
    Epic.objects.bulk_create(
        Epic(
            organization=board.access.organization,
            title=f"Epic {number}",
            rank=f"{number:08d}",
            business_value=bv,
            time_criticality=tc,
            risk_reduction=rr,
            job_size=job,
        )
        for number, (bv, tc, rr, job) in enumerate(combinations)
    )
    rows = selectors.wsjf_annotated(Epic.objects.filter(organization=board.access.organization))
    differences = [
        (epic.title, *shown(epic))
        for epic in rows.order_by("rank")
        if shown(epic)[0] != rules.cost_of_delay_of(epic)
        or not same_number(shown(epic)[1], rules.wsjf_of(epic))
    ]
    assert rows.count() == 4096
    assert differences == []


def test_it_computes_the_hand_worked_examples_in_the_database(board: Board) -> None:
    # 8 + 5 + 3 = 16, 16 / 8 = 2; 20 + 13 + 1 = 34, 34 / 3 = 11.33…; a missing input: none.
    for title, inputs in [
        ("Two", (8, 5, 3, 8)),
        ("Eleven", (20, 13, 1, 3)),
        ("Unsized", (8, 5, 3, None)),
    ]:
        bv, tc, rr, job = inputs
        services.create_epic(
            board.access,
            title=title,
            business_value=bv,
            time_criticality=tc,
            risk_reduction=rr,
            job_size=job,
        )
    backlog = {epic.title: shown(epic) for epic in selectors.backlog(board.access)}
    assert backlog["Two"] == (16, 2.0)
    assert backlog["Eleven"][0] == 34
    assert round(backlog["Eleven"][1] or 0, 4) == 11.3333
    assert backlog["Unsized"] == (16, None)


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(INPUT, INPUT, INPUT, INPUT), min_size=1, max_size=6))
def test_it_sorts_the_backlog_in_the_order_python_computes(
    board: Board, backlog: list[Inputs]
) -> None:
    # Each example in a savepoint that is rolled back: the next one starts from an empty board.
    with transaction.atomic(), services.feedback_paused():
        for number, (bv, tc, rr, job) in enumerate(backlog):
            services.create_epic(
                board.access,
                title=f"Epic {number}",
                business_value=bv,
                time_criticality=tc,
                risk_reduction=rr,
                job_size=job,
            )
        listed = list(selectors.backlog(board.access, order="wsjf"))

        # Python's order: highest WSJF first, unscored last, then the board's rank and the id.
        def python_order(epic: Epic) -> tuple[bool, float, str, int]:
            score = rules.wsjf_of(epic)
            return (score is None, -(score or 0.0), epic.rank, epic.pk)

        assert [epic.pk for epic in listed] == [
            epic.pk for epic in sorted(listed, key=python_order)
        ]
        assert all(same_number(shown(epic)[1], rules.wsjf_of(epic)) for epic in listed)
        assert [shown(epic)[0] for epic in listed] == [
            rules.cost_of_delay_of(epic) for epic in listed
        ]
        transaction.set_rollback(True)
