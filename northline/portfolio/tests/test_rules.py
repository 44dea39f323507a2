"""The move rules and the WSJF arithmetic, as pure functions (DESIGN §2.5)."""

from __future__ import annotations

import pytest

from northline.portfolio.rules import (
    EpicFacts,
    business_case_complete,
    business_case_gaps,
    cost_of_delay,
    refusal_message,
    remaining_wsjf,
    unmet_rules,
    wsjf,
)

COMPLETE = EpicFacts(
    state="funnel",
    what="Online mooring permits.",
    why="No more counter queues.",
    lagging_indicators=1,
    business_value=8,
    time_criticality=5,
    risk_reduction=3,
    job_size=8,
    stories=2,
)


def facts(**changes) -> EpicFacts:
    return EpicFacts(**{**COMPLETE.__dict__, **changes})


def test_it_computes_cost_of_delay_and_wsjf_by_hand():
    # BV 8 + TC 5 + RR 3 = 16; 16 / 8 = 2.0
    assert cost_of_delay(8, 5, 3) == 16
    assert wsjf(8, 5, 3, 8) == 2.0
    # 20 + 13 + 1 = 34; 34 / 3 = 11.333…
    assert wsjf(20, 13, 1, 3) == pytest.approx(11.3333, abs=1e-4)


def test_it_has_no_wsjf_while_an_input_is_missing():
    assert cost_of_delay(8, None, 3) is None
    assert wsjf(8, 5, 3, None) is None
    assert wsjf(None, 5, 3, 8) is None


def test_it_computes_remaining_wsjf_by_hand():
    # 16 × (1 − 0.25) / max(8 × (1 − 0.5), 1) = 12 / 4 = 3.0
    assert remaining_wsjf(16, 8, 0.25, 0.5) == 3.0
    # Nothing done, nothing realized: the plain WSJF, 16 / 8 = 2.0
    assert remaining_wsjf(16, 8, 0.0, 0.0) == 2.0
    # All done: the divisor floors at 1, so 16 × (1 − 0.5) / 1 = 8.0
    assert remaining_wsjf(16, 8, 0.5, 1.0) == 8.0
    # All realized: nothing left to gain
    assert remaining_wsjf(16, 8, 1.0, 0.5) == 0.0


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("funnel", "todo"),
        ("todo", "doing"),
        ("doing", "done"),
        ("todo", "funnel"),
        ("doing", "todo"),
        ("funnel", "closed"),
        ("todo", "closed"),
        ("doing", "closed"),
    ],
)
def test_it_allows_one_column_at_a_time_and_closing_before_done(current, target):
    ready = facts(state=current, close_reason="duplicate", close_note="Same as another.")
    assert unmet_rules(ready, target) == {}


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("funnel", "doing"),
        ("funnel", "done"),
        ("todo", "done"),
        ("doing", "funnel"),
        ("done", "doing"),
        ("done", "closed"),
        ("closed", "funnel"),
        ("closed", "todo"),
    ],
)
def test_it_refuses_skips_and_moves_out_of_final_columns_by_the_transition_rule(current, target):
    ready = facts(state=current, close_reason="duplicate", close_note="Same as another.")
    assert "transition" in unmet_rules(ready, target)


def test_it_allows_staying_in_the_column_as_a_re_rank():
    assert unmet_rules(facts(state="done"), "done") == {}
    assert unmet_rules(facts(state="closed"), "closed") == {}


def test_it_names_each_missing_part_of_the_business_case_for_todo():
    unmet = unmet_rules(facts(what=" ", why="", lagging_indicators=0), "todo")
    assert list(unmet) == ["business_case_what", "business_case_why", "lagging_indicator"]


def test_it_refuses_todo_without_a_lagging_indicator_alone():
    assert list(unmet_rules(facts(lagging_indicators=0), "todo")) == ["lagging_indicator"]


def test_it_names_wsjf_inputs_and_stories_for_doing():
    unmet = unmet_rules(facts(state="todo", job_size=None, risk_reduction=None, stories=0), "doing")
    assert list(unmet) == ["wsjf_inputs", "has_story"]
    assert unmet["wsjf_inputs"] == "WSJF needs risk reduction, job size."


def test_it_counts_the_wip_limit_without_the_moving_epic():
    # Three others already in doing, limit 3: full. Two others: room for this one.
    full = facts(state="todo", column_counts={"doing": 3}, wip_limits={"doing": 3})
    assert list(unmet_rules(full, "doing")) == ["wip_limit"]
    room = facts(state="todo", column_counts={"doing": 2}, wip_limits={"doing": 3})
    assert unmet_rules(room, "doing") == {}
    # Re-ranking within a full (even over-full) column adds nothing to it.
    inside = facts(state="doing", column_counts={"doing": 4}, wip_limits={"doing": 3})
    assert unmet_rules(inside, "doing") == {}


def test_it_needs_a_reason_and_a_note_to_close():
    assert list(unmet_rules(facts(state="doing"), "closed")) == ["close_reason", "close_note"]
    wrong = facts(state="doing", close_reason="bored", close_note="We lost interest.")
    assert list(unmet_rules(wrong, "closed")) == ["close_reason"]


def test_it_names_every_unmet_rule_at_once():
    bare = EpicFacts(state="funnel")
    unmet = unmet_rules(bare, "doing")
    assert list(unmet) == ["transition", "wsjf_inputs", "has_story"]
    message = refusal_message("doing", unmet)
    assert message.startswith("The epic cannot move to Doing (unmet: transition, wsjf_inputs")


def test_a_re_rank_within_a_column_meets_no_entry_rule():
    # In todo without a lagging indicator (unlinked after it entered): still re-rankable.
    assert unmet_rules(facts(state="todo", lagging_indicators=0), "todo") == {}
    # In doing at its WIP limit: moving within doing is not a new arrival.
    full = facts(state="doing", wip_limits={"doing": 1}, column_counts={"doing": 1})
    assert unmet_rules(full, "doing") == {}


def test_it_judges_a_business_case_by_its_what_why_and_lagging_indicator():
    assert business_case_complete("Online mooring permits.", "No counter queues.", 1) is True
    assert business_case_gaps("Online mooring permits.", "No counter queues.", 1) == {}
    assert list(business_case_gaps("  ", "No counter queues.", 0)) == [
        "business_case_what",
        "lagging_indicator",
    ]
    assert business_case_complete("Online mooring permits.", "", 2) is False


def test_it_names_the_missing_wsjf_inputs_in_words():
    unsized = facts(state="todo", time_criticality=None, job_size=None)
    assert unmet_rules(unsized, "doing")["wsjf_inputs"] == (
        "WSJF needs time criticality, job size."
    )
