"""The feedback loop reads what its recommendations depend on, not the whole backlog (issue 18):
the epics in doing, the best candidate found in the database's WSJF order, and the epics a
caller asks about. The candidate's rule (DESIGN §2.5) is held against a plain reading of it on
random backlogs, including business cases that only look complete to SQL."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from northline.measures import services as measures
from northline.portfolio import feedback, services
from northline.portfolio.models import Epic
from northline.portfolio.tests.conftest import Board, indicator_fields
from northline.testing import assert_queries_constant

pytestmark = pytest.mark.django_db

SCALE = (1, 2, 3, 5, 8, 13, 20)
INPUT = st.sampled_from((*SCALE, None, 0))
# A "what" or "why": blank, blank only to Python (a no-break space), or written.
TEXT = st.sampled_from(("", "  ", "\u00a0", "A written answer."))
TodoEpic = tuple[int | None, int | None, int | None, int | None, str, str, bool]


def test_it_reads_the_epics_in_doing_the_candidate_and_the_asked_ones_only(board: Board):
    first = board.epic("Under way", state="doing")
    second = board.epic("Also under way", state="doing")
    best = board.epic("Best waiting", state="todo", wsjf=(20, 20, 20, 5))  # 60 / 5 = 12
    asked = board.epic("Asked about", state="todo", wsjf=(1, 1, 1, 8))
    board.epic("Waiting", state="todo", wsjf=(8, 5, 3, 8))  # 2
    board.epic("Idea", state="funnel")

    result = feedback.compute(board.access.organization)
    assert set(result.epics) == {first.pk, second.pk, best.pk}
    assert result.candidate is not None and result.candidate.epic.pk == best.pk
    assert result.candidate.wsjf == 12.0

    asking = feedback.compute(board.access.organization, epic_ids=[asked.pk])
    assert set(asking.epics) == {first.pk, second.pk, best.pk, asked.pk}
    assert asking.epics[asked.pk].remaining_wsjf == 3 / 8


def test_its_queries_do_not_grow_with_the_backlog_waiting_in_todo(board: Board):
    board.epic("Under way", state="doing")
    made = iter(range(1000))

    def more_backlog() -> None:
        for _ in range(3):
            board.epic(f"Waiting {next(made)}", state="todo", wsjf=(8, 5, 3, 8))

    assert_queries_constant(
        lambda: services.recompute_feedback(board.access.organization), grow=more_backlog
    )


def test_it_passes_over_todo_epics_whose_business_case_is_no_longer_whole(
    board: Board, monkeypatch: pytest.MonkeyPatch
):
    # A scan of two rows at a time has to read three batches to reach the first whole case.
    monkeypatch.setattr(feedback, "CANDIDATE_SCAN", 2)
    doing = board.epic("Under way", state="doing", wsjf=(1, 1, 1, 20))  # remaining 0.15
    for number in range(5):
        hollow = board.epic(f"Hollow {number}", state="todo", wsjf=(20, 20, 20, 1))  # 60
        hollow.lagging_indicators.clear()
    whole = board.epic("Whole", state="todo", wsjf=(13, 13, 13, 3))  # 13

    assert feedback.candidate_epic(board.access.organization) == whole
    services.recompute_feedback(board.access.organization)
    recommendation = doing.recommendations.get(status="open", kind="close_lower_return")
    assert recommendation.candidate_id == whole.pk
    assert recommendation.details["candidate_wsjf"] == 13.0


def expected_candidate(epics: list[tuple[int, TodoEpic]]) -> int | None:
    """The rule read plainly, in exact fractions: the highest WSJF among whole business
    cases, the lowest id among equals."""
    eligible: list[tuple[Fraction, int]] = []
    for pk, (bv, tc, rr, job, what, why, lagging) in epics:
        if bv is None or tc is None or rr is None or not job:
            continue
        if what.strip() and why.strip() and lagging:
            eligible.append((Fraction(bv + tc + rr, job), -pk))
    return -max(eligible)[1] if eligible else None


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(INPUT, INPUT, INPUT, INPUT, TEXT, TEXT, st.booleans()), min_size=0, max_size=9
    ),
    st.sampled_from((1, 2, 50)),
)
def test_it_finds_the_candidate_the_rule_names(
    board: Board, backlog: list[TodoEpic], scan: int
) -> None:
    # Each example in a savepoint that is rolled back: the next one starts from an empty board.
    with transaction.atomic():
        indicator = measures.create_indicator(
            board.access, kind="lagging", **indicator_fields("Outcome")
        )
        made = Epic.objects.bulk_create(
            Epic(
                organization=board.access.organization,
                title=f"Epic {number}",
                rank=f"{number:08d}",
                state="todo",
                business_value=bv,
                time_criticality=tc,
                risk_reduction=rr,
                job_size=job,
                what=what,
                why=why,
            )
            for number, (bv, tc, rr, job, what, why, _) in enumerate(backlog)
        )
        for epic, row in zip(made, backlog, strict=True):
            if row[6]:
                epic.lagging_indicators.add(indicator)
        original = feedback.CANDIDATE_SCAN
        feedback.CANDIDATE_SCAN = scan
        try:
            found = feedback.candidate_epic(board.access.organization)
        finally:
            feedback.CANDIDATE_SCAN = original
        assert (found.pk if found else None) == expected_candidate(
            [(epic.pk, row) for epic, row in zip(made, backlog, strict=True)]
        )
        transaction.set_rollback(True)
