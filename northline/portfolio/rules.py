"""The portfolio's rules (DESIGN §2.5): WSJF, remaining WSJF and which board moves are allowed.

Pure functions over plain values, no database: the services gather the facts, these judge them,
and the API, the board and the tests all read the same rule names. WSJF is defined once here,
over :data:`COST_OF_DELAY_INPUTS` and :data:`JOB_SIZE`; :func:`wsjf` computes it in Python and
:func:`wsjf_expression` builds the same arithmetic as an ORM expression for the lists that sort
by it in the database (a property test holds the two equal on every input of the scale).

Rule names (stable; the API's ``fields`` and the UI's messages are keyed by them):

* ``transition``: one column forward or back at a time; ``closed`` from funnel, todo or doing;
  done and closed are final;
* ``business_case_what``, ``business_case_why``, ``lagging_indicator``: to reach ``todo``;
* ``wsjf_inputs``, ``has_story``: to reach ``doing``;
* ``wip_limit``: the target column has a limit and is full (any column with a limit);
* ``close_reason``, ``close_note``: to reach ``closed``.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import reduce
from typing import Protocol

from django.db.models import F, FloatField
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.functions import Cast, NullIf

FUNNEL, TODO, DOING, DONE, CLOSED = "funnel", "todo", "doing", "done", "closed"
FLOW = (FUNNEL, TODO, DOING, DONE)
STATES = (*FLOW, CLOSED)
STATE_LABELS = {
    FUNNEL: "Funnel",
    TODO: "To do",
    DOING: "Doing",
    DONE: "Done",
    CLOSED: "Closed",
}
FINAL = (DONE, CLOSED)
CLOSE_REASONS = ("pivoted", "lower_return", "outcome_not_achieved", "duplicate", "other")

RULES = (
    "transition",
    "business_case_what",
    "business_case_why",
    "lagging_indicator",
    "wsjf_inputs",
    "has_story",
    "wip_limit",
    "close_reason",
    "close_note",
)
# Comparisons of WSJF values allow for binary floating point (16 × 0.75 / 4 is exactly 3, but
# other inputs land a hair off the number a person computes by hand).
EPSILON = 1e-9


# WSJF's operands, by field name, with the words a refusal names them by: cost of delay is the
# sum of the first three, WSJF divides it by the job size.
COST_OF_DELAY_INPUTS = {
    "business_value": "business value",
    "time_criticality": "time criticality",
    "risk_reduction": "risk reduction",
}
JOB_SIZE = "job_size"
WSJF_INPUTS = {**COST_OF_DELAY_INPUTS, JOB_SIZE: "job size"}


class WsjfInputs(Protocol):
    """A record with WSJF's inputs (an epic, or an epic's facts)."""

    business_value: int | None
    time_criticality: int | None
    risk_reduction: int | None
    job_size: int | None


def cost_of_delay(bv: int | None, tc: int | None, rr: int | None) -> int | None:
    """Business value + time criticality + risk reduction / opportunity enablement."""
    if bv is None or tc is None or rr is None:
        return None
    return bv + tc + rr


def wsjf(bv: int | None, tc: int | None, rr: int | None, job: int | None) -> float | None:
    """Cost of delay / job size; None while any input is missing (or the job size is 0)."""
    delay = cost_of_delay(bv, tc, rr)
    if delay is None or not job:
        return None
    return delay / job


def cost_of_delay_of(record: WsjfInputs) -> int | None:
    return cost_of_delay(*(getattr(record, name) for name in COST_OF_DELAY_INPUTS))


def wsjf_of(record: WsjfInputs) -> float | None:
    return wsjf(*(getattr(record, name) for name in WSJF_INPUTS))


def cost_of_delay_expression() -> Combinable:
    """:func:`cost_of_delay` in SQL: the same sum, null while any input is (as None is)."""
    return reduce(operator.add, (F(name) for name in COST_OF_DELAY_INPUTS))


def wsjf_expression() -> CombinedExpression:
    """:func:`wsjf` in SQL: the same quotient in floating point (as Python's ``/``), null while
    any input is null or the job size is 0 (as None is)."""
    return Cast(cost_of_delay_expression(), FloatField()) / Cast(
        NullIf(F(JOB_SIZE), 0), FloatField()
    )


def remaining_wsjf(
    cost_of_delay: float, job_size: float, realized_share: float, done_share: float
) -> float:
    """What is left of an epic's return per unit of what is left of its work:
    CoD × (1 − realized) / max(job × (1 − done), 1)."""
    return cost_of_delay * (1 - realized_share) / max(job_size * (1 - done_share), 1)


def below(value: float, other: float) -> bool:
    """``value < other`` beyond rounding noise: equal numbers are not below each other."""
    return value < other - EPSILON


@dataclass(frozen=True)
class EpicFacts:
    """What the move rules need to know about one epic and the board around it."""

    state: str
    what: str = ""
    why: str = ""
    lagging_indicators: int = 0
    business_value: int | None = None
    time_criticality: int | None = None
    risk_reduction: int | None = None
    job_size: int | None = None
    stories: int = 0
    # Epics per column, not counting this one; and the columns' limits (absent: no limit).
    column_counts: Mapping[str, int] = field(default_factory=dict)
    wip_limits: Mapping[str, int] = field(default_factory=dict)
    close_reason: str = ""
    close_note: str = ""


def business_case_gaps(what: str, why: str, lagging_indicators: int) -> dict[str, str]:
    """What the business case still lacks, by rule name (empty: complete): a what, a why and
    at least one lagging indicator. An epic needs it whole to reach To do, and to be the
    feedback loop's candidate."""
    gaps: dict[str, str] = {}
    if not what.strip():
        gaps["business_case_what"] = "The business case needs a “what”: what will change."
    if not why.strip():
        gaps["business_case_why"] = "The business case needs a “why”: who benefits and how."
    if lagging_indicators < 1:
        gaps["lagging_indicator"] = (
            "The business case needs at least one lagging indicator to show the outcome."
        )
    return gaps


def business_case_complete(what: str, why: str, lagging_indicators: int) -> bool:
    return not business_case_gaps(what, why, lagging_indicators)


def transition_allowed(current: str, target: str) -> bool:
    if current == target:
        return True  # a re-rank within the column
    if current in FINAL:
        return False
    if target == CLOSED:
        return True
    if target not in FLOW or current not in FLOW:
        return False
    return abs(FLOW.index(target) - FLOW.index(current)) == 1


def transition_message(current: str, target: str) -> str:
    if current in FINAL:
        return f"A {STATE_LABELS[current].lower()} epic stays where it is."
    if target not in STATES:
        return f"There is no column named {target!r}."
    if target in (DONE, FUNNEL) or current == FUNNEL:
        hint = "one column at a time"
    else:
        hint = "one column forward or back at a time"
    return (
        f"An epic moves {hint}; {STATE_LABELS[current]} cannot go straight to "
        f"{STATE_LABELS[target]}."
    )


def unmet_rules(facts: EpicFacts, target_state: str) -> dict[str, str]:
    """Every rule the move of this epic to ``target_state`` would break, by name, in the
    order of :data:`RULES`; empty when the move is allowed."""
    unmet: dict[str, str] = {}
    current = facts.state
    if current == target_state:
        # A re-rank within a column: the column's entry rules were met on the way in.
        return unmet
    if not transition_allowed(current, target_state):
        unmet["transition"] = transition_message(current, target_state)
    if target_state == TODO:
        unmet.update(business_case_gaps(facts.what, facts.why, facts.lagging_indicators))
    if target_state == DOING:
        missing = [label for name, label in WSJF_INPUTS.items() if getattr(facts, name) is None]
        if missing:
            unmet["wsjf_inputs"] = "WSJF needs " + ", ".join(missing) + "."
        if facts.stories < 1:
            unmet["has_story"] = "Write at least one story before work starts."
    limit = facts.wip_limits.get(target_state)
    if limit is not None and current != target_state:
        # The moving epic is not in column_counts, so it is never counted against itself.
        already = facts.column_counts.get(target_state, 0)
        if already >= limit:
            unmet["wip_limit"] = (
                f"{STATE_LABELS.get(target_state, target_state)} already holds {already} "
                f"epic{'s' if already != 1 else ''}, its limit is {limit}; finish or close one "
                "first."
            )
    if target_state == CLOSED and current != CLOSED:
        if facts.close_reason not in CLOSE_REASONS:
            unmet["close_reason"] = "Closing needs a reason: " + ", ".join(CLOSE_REASONS) + "."
        if not facts.close_note.strip():
            unmet["close_note"] = "Closing needs a note saying what was learned."
    return unmet


def refusal_message(target_state: str, unmet: Mapping[str, str]) -> str:
    """One sentence naming every unmet rule, for the API's ``message`` and the board's toast."""
    label = STATE_LABELS.get(target_state, target_state)
    names = ", ".join(unmet)
    return f"The epic cannot move to {label} (unmet: {names}). " + " ".join(unmet.values())
