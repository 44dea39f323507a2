"""The feedback loop (DESIGN §2.5): its numbers by hand, both recommendations at their
boundaries, and each answer landing in the decision log."""

from __future__ import annotations

import pytest

from northline.lib.errors import Conflict, Invalid
from northline.measures.models import Indicator
from northline.orgs.models import Organization
from northline.portfolio import feedback, services
from northline.portfolio.models import Epic, Recommendation, Story
from northline.portfolio.tests.conftest import Board, indicator_fields, readings
from northline.strategy.models import Decision
from northline.testing import Cast, assert_queries_constant

pytestmark = pytest.mark.django_db

CLOSE, PIVOT = "close_lower_return", "pivot_outcome_not_moving"


def open_kinds(epic: Epic) -> list[str]:
    return sorted(
        Recommendation.objects.filter(epic=epic, status="open").values_list("kind", flat=True)
    )


def half_done_quarter_realized(board: Board) -> Epic:
    """BV 8, TC 5, RR 3, job 8 → CoD 16, WSJF 2.0; two stories of 5 points, one done → done
    share 0.5; one lagging indicator 0 → 100 read at 25 → realized share 0.25;
    remaining WSJF = 16 × 0.75 / max(8 × 0.5, 1) = 12 / 4 = 3.0."""
    epic = board.epic("Online mooring permits", state="doing", stories=2)
    services.move_story(board.access, Story.objects.filter(epic=epic)[0], state="done")
    readings(board.access, epic.lagging_indicators.get(), 25)
    return epic


def test_it_computes_done_realized_and_remaining_wsjf_by_hand(board: Board):
    epic = half_done_quarter_realized(board)
    numbers = feedback.compute(board.access.organization).for_epic(epic.pk)
    assert numbers is not None
    assert (numbers.cost_of_delay, numbers.wsjf) == (16, 2.0)
    assert (numbers.points_done, numbers.points_total, numbers.done_share) == (5, 10, 0.5)
    assert numbers.realized_share == 0.25
    assert numbers.remaining_wsjf == 3.0


def test_it_counts_no_readings_and_no_points_as_zero(board: Board):
    epic = board.epic("Fresh", state="todo", stories=0, wsjf=(8, 5, 3, 8))
    numbers = feedback.compute(board.access.organization).for_epic(epic.pk)
    assert numbers is not None
    # No points: done share 0; no readings: realized 0; so 16 × 1 / max(8 × 1, 1) = 2.0
    assert (numbers.done_share, numbers.realized_share, numbers.remaining_wsjf) == (0, 0, 2.0)


def test_it_recommends_closing_only_below_the_best_candidate(board: Board):
    doing = half_done_quarter_realized(board)  # remaining WSJF 3.0
    # (8 + 8 + 8) / 8 = 3.0: equal to the remaining WSJF, so no recommendation.
    candidate = board.epic("Harbour dues online", state="todo", wsjf=(8, 8, 8, 8))
    assert open_kinds(doing) == []
    # A weaker todo epic never outranks the best one: (1 + 1 + 1) / 1 = 3.0, and no case.
    board.epic("No case", state="funnel", wsjf=(20, 20, 20, 1), what="")
    assert open_kinds(doing) == []
    # (8 + 8 + 13) / 8 = 3.625 > 3.0: close, naming both numbers and the candidate.
    services.update_epic(board.access, candidate, version=candidate.version, risk_reduction=13)
    recommendation = Recommendation.objects.get(epic=doing, status="open")
    assert recommendation.kind == CLOSE
    assert recommendation.candidate_id == candidate.pk
    assert "remaining WSJF of 3," in recommendation.message
    assert "WSJF of 3.63 of “Harbour dues online”" in recommendation.message
    assert recommendation.details["remaining_wsjf"] == 3.0
    assert recommendation.details["candidate_wsjf"] == 3.625


def test_it_withdraws_a_close_recommendation_once_the_candidate_leaves_todo(board: Board):
    doing = half_done_quarter_realized(board)
    candidate = board.epic("Better", state="todo", wsjf=(20, 20, 20, 1))  # 60
    assert open_kinds(doing) == [CLOSE]
    services.move_epic(board.access, candidate, state="funnel")
    assert open_kinds(doing) == []
    assert Recommendation.objects.get(epic=doing).status == "withdrawn"


def test_it_recommends_a_pivot_after_three_readings_not_two(board: Board):
    epic = board.epic("Self-service renewals", state="doing")
    indicator = epic.lagging_indicators.get()
    readings(board.access, indicator, 10, 10)
    assert open_kinds(epic) == []  # two equal readings: not yet "not moving"
    readings(board.access, indicator, 10)
    assert open_kinds(epic) == [PIVOT]
    message = Recommendation.objects.get(epic=epic).message
    assert "“Self-service renewals KPI” is not moving after 3 readings" in message


def test_it_recommends_a_pivot_for_an_off_track_outcome_after_three_readings(board: Board):
    epic = board.epic("Counter closures", state="doing")
    indicator = epic.lagging_indicators.get()
    # Half the window has passed (expected 0.5); 5, 10, 15 of 100 → progress 0.15: off track.
    readings(board.access, indicator, 5, 10)
    assert open_kinds(epic) == []
    readings(board.access, indicator, 15)
    assert open_kinds(epic) == [PIVOT]
    assert "is off track after 3 readings" in Recommendation.objects.get(epic=epic).message


def test_it_recommends_a_pivot_when_every_leading_indicator_of_done_stories_stalls(
    board: Board,
):
    epic = board.epic("Plain-language letters", state="doing", stories=2)
    done, other = list(Story.objects.filter(epic=epic))
    leading = services.add_leading_indicator(
        board.access, done, **indicator_fields("Letters rewritten")
    )
    readings(board.access, leading, 30, 30, 30)
    assert open_kinds(epic) == []  # the story is not done yet
    services.move_story(board.access, done, state="done")
    assert open_kinds(epic) == [PIVOT]
    # A second done story whose leading indicator moves: not all of them are stalled.
    moving = services.add_leading_indicator(
        board.access, other, **indicator_fields("Complaints about letters")
    )
    readings(board.access, moving, 10, 20, 40)
    services.move_story(board.access, other, state="done")
    assert open_kinds(epic) == []


def test_it_writes_a_keep_answer_to_the_decision_log_and_does_not_ask_again(board: Board):
    doing = half_done_quarter_realized(board)
    board.epic("Better", state="todo", wsjf=(20, 20, 20, 1))
    recommendation = Recommendation.objects.get(epic=doing, status="open")
    with pytest.raises(Invalid):
        services.answer_recommendation(board.access, recommendation, answer="keep")
    decision = services.answer_recommendation(
        board.access, recommendation, answer="keep", note="The ministerial launch is fixed."
    )
    assert (decision.topic, decision.status) == ("portfolio", "accepted")
    assert decision.title == "Keep “Online mooring permits” going"
    assert decision.decision == "The ministerial launch is fixed."
    assert list(decision.links.values_list("object_type", "object_id")) == [
        ("portfolio.epic", str(doing.pk))
    ]
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.answer) == ("answered", "keep")
    assert recommendation.decision_id == decision.pk
    # The same situation is not recommended again; a new reading recomputes the loop.
    readings(board.access, doing.lagging_indicators.get(), 26)
    assert open_kinds(doing) == []
    with pytest.raises(Conflict):
        services.answer_recommendation(board.access, recommendation, answer="keep", note="x")


def test_it_closes_the_epic_when_the_answer_is_close(board: Board):
    doing = half_done_quarter_realized(board)
    candidate = board.epic("Better", state="todo", wsjf=(20, 20, 20, 1))
    recommendation = Recommendation.objects.get(epic=doing, status="open")
    decision = services.answer_recommendation(
        board.access, recommendation, answer="close", note="Harbour dues return more."
    )
    doing.refresh_from_db()
    assert (doing.state, doing.close_reason, doing.close_note) == (
        "closed",
        "lower_return",
        "Harbour dues return more.",
    )
    assert decision.title == "Close “Online mooring permits”"
    assert decision.context == recommendation.message
    assert sorted(decision.links.values_list("object_id", flat=True)) == sorted(
        [str(doing.pk), str(candidate.pk)]
    )
    assert Decision.objects.filter(topic="portfolio").count() == 1


def test_it_refuses_a_close_answer_without_a_note_and_changes_nothing(board: Board):
    doing = half_done_quarter_realized(board)
    board.epic("Better", state="todo", wsjf=(20, 20, 20, 1))
    recommendation = Recommendation.objects.get(epic=doing, status="open")
    with pytest.raises(Conflict) as refusal:
        services.answer_recommendation(board.access, recommendation, answer="close")
    assert list(refusal.value.fields) == ["close_note"]
    recommendation.refresh_from_db()
    assert recommendation.status == "open"
    assert Epic.objects.get(pk=doing.pk).state == "doing"
    assert not Decision.objects.exists()


def test_it_pivots_into_a_new_linked_epic(board: Board):
    epic = board.epic("Self-service renewals", state="doing")
    indicator = epic.lagging_indicators.get()
    readings(board.access, indicator, 10, 10, 10)
    recommendation = Recommendation.objects.get(epic=epic, status="open")
    decision = services.answer_recommendation(
        board.access, recommendation, answer="pivot", pivot_title="Renewals by text message"
    )
    epic.refresh_from_db()
    assert (epic.state, epic.close_reason) == ("closed", "pivoted")
    new_epic = Epic.objects.get(pivoted_from=epic)
    assert (new_epic.title, new_epic.state, new_epic.what, new_epic.job_size) == (
        "Renewals by text message",
        "funnel",
        epic.what,
        8,
    )
    assert list(new_epic.lagging_indicators.all()) == [indicator]
    assert decision.title == "Pivot “Self-service renewals” to “Renewals by text message”"
    assert sorted(decision.links.values_list("object_id", flat=True)) == sorted(
        [str(epic.pk), str(new_epic.pk)]
    )
    assert Recommendation.objects.get(pk=recommendation.pk).status == "answered"


def test_it_recomputes_in_a_constant_number_of_queries(board: Board):
    organization = Organization.objects.get(pk=board.access.organization.pk)
    board.epic("Candidate", state="todo", wsjf=(20, 20, 20, 1))

    def grow() -> None:
        for number in range(4):
            epic = board.epic(f"Doing {number}", state="doing", stories=2)
            readings(board.access, epic.lagging_indicators.get(), 10, 10, 10)

    grow()
    count = assert_queries_constant(lambda: services.recompute_feedback(organization), grow)
    assert count <= 10
    assert Indicator.objects.count() == 9


def test_the_board_and_feedback_page_say_while_a_recompute_waits(cast: Cast, board, client):
    """A move queues the feedback loop's recompute; until the worker has run it, the board and
    the feedback page say recommendations may still change (another organization's queued
    recompute does not count)."""
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult, get_date_max

    from northline.portfolio.selectors import RECOMPUTE_FEEDBACK
    from northline.portfolio.services import recompute_feedback_task

    assert recompute_feedback_task.module_path == RECOMPUTE_FEEDBACK
    client.force_login(cast.viewer)
    pages = [reverse(name, args=[cast.org.slug]) for name in ("portfolio", "portfolio_feedback")]
    said = "The feedback loop is being recomputed"

    def queue(organization_id: int) -> DBTaskResult:
        return DBTaskResult.objects.create(
            args_kwargs={"args": [organization_id], "kwargs": {}},
            task_path=RECOMPUTE_FEEDBACK,
            backend_name="default",
            run_after=get_date_max(),
        )

    assert all(said not in client.get(page).content.decode() for page in pages)
    queue(cast.other_org.pk)
    assert all(said not in client.get(page).content.decode() for page in pages)
    ours = queue(cast.org.pk)
    assert all(said in client.get(page).content.decode() for page in pages)
    DBTaskResult.objects.filter(pk=ours.pk).update(status="RUNNING")
    assert all(said in client.get(page).content.decode() for page in pages)
    DBTaskResult.objects.filter(pk=ours.pk).update(status="SUCCESSFUL")
    assert all(said not in client.get(page).content.decode() for page in pages)
