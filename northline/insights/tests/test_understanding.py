"""Shared understanding (DESIGN §2.8, component 5), on the hand-built organization of
``test_surveys.make_pulse``: the own-chain rule, the TF-IDF similarity worked out by hand, the
component and what lowers it, the team scope, "no data", the results' anonymity, and a query
count that does not grow with the answers.

Chains in ``acme``: Permits → {Online mooring applications, Decide permits faster (its
parent)}; Contact → {Answer calls first time}; no team → {Decide permits faster}.
"""

from __future__ import annotations

import math

import pytest

from northline.goals.models import Objective
from northline.insights.models import Survey
from northline.insights.surveys import services
from northline.insights.surveys.understanding import (
    ECHO_THRESHOLD,
    Strategy,
    WordCount,
    best_matches,
    load_strategy,
    purpose_words,
    survey_results,
    understanding,
)
from northline.insights.tests.test_surveys import Pulse
from northline.orgs.models import Team
from northline.testing import assert_queries_constant

pytestmark = pytest.mark.django_db


def answer(
    pulse: Pulse,
    purpose: str,
    objective: Objective | None = None,
    team: Team | None = None,
    survey: Survey | None = None,
) -> None:
    """One answer through a fresh link (each link answers once; no login needed)."""
    _, raw = services.create_link(pulse.editor, survey or pulse.survey, label=purpose[:40])
    services.answer_by_link("acme", raw, purpose=purpose, objective=objective, team=team)


def five_answers(pulse: Pulse) -> None:
    """Own chain: 1, 2 and 4 are in it (3 of 5); echoes: 1, 3 and 4 restate an objective's
    title word for word (cosine 1.00), 2 and 5 share no word with any strategy text (0.00)."""
    answer(pulse, "Online mooring applications", pulse.moorings, pulse.permits)  # 1
    answer(pulse, "Whatever my manager asks", pulse.faster, pulse.permits)  # 2: ancestor
    answer(pulse, "Answer calls first time", pulse.calls, pulse.permits)  # 3: Contact's
    answer(pulse, "Decide permits faster", pulse.faster, None)  # 4: no team, org level
    answer(pulse, "Lunch breaks", None, pulse.contact)  # 5: I don't know


# The chain -------------------------------------------------------------------------------


def test_it_builds_each_teams_chain_from_its_objectives_and_their_ancestors(
    pulse: Pulse,
) -> None:
    strategy = load_strategy(pulse.editor)
    assert strategy.chain(pulse.permits.pk) == {pulse.moorings.pk, pulse.faster.pk}
    assert strategy.chain(pulse.contact.pk) == {pulse.calls.pk, pulse.draft.pk}
    assert strategy.chain(None) == {pulse.faster.pk}


def test_it_judges_against_the_mission_and_the_active_objectives_only(pulse: Pulse) -> None:
    strategy = load_strategy(pulse.editor)
    assert sorted(strategy.texts()) == sorted(
        [
            "Protect the coast by deciding permits fairly.",
            "Decide permits faster.",
            "Online mooring applications.",
            "Answer calls first time.",
        ]
    )


# Similarity, worked out by hand ----------------------------------------------------------


def test_it_scores_identical_words_one_and_no_shared_word_zero() -> None:
    # Stop words ("the", "by", "my") are left out, so these are the same words or none.
    assert best_matches(
        ["protect the coast by deciding permits fairly", "my lunch break"],
        ["Protect coast, deciding permits fairly."],
    ) == [1.0, 0.0]


def test_it_computes_tf_idf_cosine_as_worked_out_by_hand() -> None:
    """Two documents, "coast permits" (strategy) and "coast lunch" (purpose). Smoothed idf is
    ln((1 + 2) / (1 + df)) + 1: "coast" is in both (idf 1), "permits" and "lunch" in one
    (idf 1 + ln 1.5 ≈ 1.405). The vectors (1, 1.405, 0) and (1, 0, 1.405) have cosine
    1 / (1 + 1.405²) ≈ 0.336, shown as 0.34."""
    expected = 1 / (1 + (1 + math.log(1.5)) ** 2)
    assert round(expected, 4) == 0.3361
    assert best_matches(["coast lunch"], ["coast permits"]) == [0.34]


def test_it_echoes_from_the_threshold_on() -> None:
    """Each extra unshared word (idf 1.405) dilutes the one shared word "coast": with k of
    them the cosine is 1 / √((1 + 1.405²)(1 + k·1.405²)): k = 2 → 0.26, k = 3 → 0.22 (echoes,
    ≥ 0.20), k = 4 → 0.19 (does not)."""
    assert ECHO_THRESHOLD == 0.2
    assert best_matches(["coast lunch dinner"], ["coast permits"]) == [0.26]
    assert best_matches(["coast lunch dinner breakfast"], ["coast permits"]) == [0.22]
    assert best_matches(["coast lunch dinner breakfast supper"], ["coast permits"]) == [0.19]


def test_it_has_no_similarity_without_strategy_texts_or_vocabulary() -> None:
    assert best_matches(["coast"], []) == [0.0]
    assert best_matches(["the and of"], ["it is the"]) == [0.0]
    assert best_matches([], ["coast"]) == []


def test_it_counts_the_words_of_the_answers_and_marks_the_strategys() -> None:
    words = purpose_words(
        ["Protect the coast, the coast!", "Coast permits for people", "Lunch with people"],
        ["Protect the coast by deciding permits fairly."],
    )
    # "coast" is counted once per answer that uses it, however often it appears.
    assert words == [
        WordCount("coast", 2, True),
        WordCount("people", 2, False),
        WordCount("lunch", 1, False),
        WordCount("permits", 1, True),
        WordCount("protect", 1, True),
    ]


# The component ---------------------------------------------------------------------------


def test_it_has_no_data_without_answers(pulse: Pulse) -> None:
    component = understanding(pulse.editor)
    assert (component.key, component.value, component.has_data) == ("understanding", None, False)
    assert component.lowering == [] and component.parts == {}
    assert component.explanation.startswith("No pulse survey answers yet")


def test_it_scores_five_answers_by_hand(pulse: Pulse) -> None:
    five_answers(pulse)
    component = understanding(pulse.editor)
    # (3 in their own chain + 3 that echo) / (2 × 5) = 60.0
    assert (component.passed, component.total, component.value) == (6.0, 10.0, 60.0)
    assert component.parts == {"own chain": (3.0, 5.0), "echoes the strategy": (3.0, 5.0)}
    url = f"/o/acme/insights/surveys/{pulse.survey.pk}/"
    assert [(item.label, item.reason, item.url) for item in component.lowering] == [
        (
            "An answer to “Purpose pulse”: “Whatever my manager asks”",
            "purpose shares few words with the mission and objectives (best match 0.00)",
            url,
        ),
        (
            "An answer to “Purpose pulse”: “Answer calls first time”",
            "named an objective outside the Permits team's chain: Answer calls first time",
            url,
        ),
        ("An answer to “Purpose pulse”: “Lunch breaks”", "did not name an objective", url),
        (
            "An answer to “Purpose pulse”: “Lunch breaks”",
            "purpose shares few words with the mission and objectives (best match 0.00)",
            url,
        ),
    ]
    assert {item.object_type for item in component.lowering} == {"insights.surveyanswer"}
    assert component.explanation.startswith("5 answers to “Purpose pulse”")


def test_an_answer_outside_its_chain_lowers_the_component(pulse: Pulse) -> None:
    answer(pulse, "Online mooring applications", pulse.moorings, pulse.permits)
    assert understanding(pulse.editor).value == 100.0
    answer(pulse, "Online mooring applications", pulse.calls, pulse.permits)
    component = understanding(pulse.editor)
    # (1 in chain + 2 echo) / 4
    assert component.value == 75.0
    # Permits has 2 answers here, too few to be named beside one.
    assert [item.reason for item in component.lowering] == [
        "named an objective outside their own team's chain: Answer calls first time"
    ]


def test_it_counts_only_organization_level_objectives_for_an_answer_without_team(
    pulse: Pulse,
) -> None:
    answer(pulse, "Decide permits faster", pulse.faster, None)
    answer(pulse, "Online mooring applications", pulse.moorings, None)
    component = understanding(pulse.editor)
    assert component.parts["own chain"] == (1.0, 2.0)
    assert [item.reason for item in component.lowering] == [
        "named a team's objective but no team of their own (with no team only "
        "organization-level objectives count): Online mooring applications"
    ]


def test_it_scores_one_team_on_the_answers_whose_team_it_is(pulse: Pulse) -> None:
    five_answers(pulse)
    permits = understanding(pulse.editor, team=pulse.permits)
    # Answers 1, 2, 3: in chain 1 and 2; echo 1 and 3 → (2 + 2) / 6 = 66.7
    assert permits.parts == {"own chain": (2.0, 3.0), "echoes the strategy": (2.0, 3.0)}
    assert permits.value == 66.7
    contact = understanding(pulse.editor, team=pulse.contact.pk)
    assert (contact.passed, contact.total, contact.value) == (0.0, 2.0, 0.0)
    assert [item.label for item in contact.lowering] == ["An answer to “Purpose pulse”"] * 2
    empty = Team.objects.create(organization=pulse.cast.org, name="Nobody", kind="support")
    assert understanding(pulse.editor, team=empty).value is None


def test_it_reads_the_most_recent_survey_with_answers_in_scope(pulse: Pulse) -> None:
    five_answers(pulse)
    newer = services.create_survey(pulse.editor, title="Second pulse")
    # No answers yet: the first survey still counts.
    assert understanding(pulse.editor).explanation.startswith("5 answers to “Purpose pulse”")
    answer(pulse, "Lunch breaks", None, pulse.contact, survey=newer)
    assert understanding(pulse.editor).value == 0.0
    # Permits has answered only the first survey, which stays its most recent.
    assert understanding(pulse.editor, team=pulse.permits).value == 66.7


def test_an_organization_wide_survey_speaks_for_the_organization_before_a_teams(
    pulse: Pulse,
) -> None:
    # A pilot: only the Permits team has been asked so far. Its survey speaks for everyone.
    pilot = services.create_survey(pulse.editor, title="Permits pilot", team=pulse.permits)
    answer(pulse, "Online mooring applications", pulse.moorings, survey=pilot)
    assert understanding(pulse.editor).explanation.startswith("1 answer to “Permits pilot”")
    # Then the whole organization answers: that survey counts for it from now on, even
    # when a newer team survey has answers too.
    answer(pulse, "Lunch breaks", None, pulse.contact)
    newer = services.create_survey(pulse.editor, title="Permits again", team=pulse.permits)
    answer(pulse, "Online mooring applications", pulse.moorings, survey=newer)
    whole = understanding(pulse.editor)
    assert (whole.value, whole.explanation[:30]) == (0.0, "1 answer to “Purpose pulse”: o")
    # For the team, its most recent answers count, whoever was asked.
    assert understanding(pulse.editor, team=pulse.permits).explanation.startswith(
        "1 answer to “Permits again”"
    )


def test_it_never_reads_another_organizations_answers(pulse: Pulse) -> None:
    cast = pulse.cast
    theirs = cast.access(cast.outsider, cast.other_org)
    other = services.create_survey(theirs, title="Elsewhere pulse")
    _, raw = services.create_link(theirs, other, label="X")
    services.answer_by_link("elsewhere", raw, purpose="Whatever.")
    assert understanding(pulse.editor).value is None
    assert understanding(theirs).value == 0.0


def test_it_runs_in_four_queries_whatever_the_number_of_answers(pulse: Pulse) -> None:
    five_answers(pulse)
    access = pulse.editor

    def grow() -> None:
        for index in range(12):
            team = [pulse.permits, pulse.contact, None][index % 3]
            objective = [pulse.moorings, pulse.calls, None, pulse.faster][index % 4]
            answer(pulse, f"Answer number {index} about moorings", objective, team)

    count = assert_queries_constant(lambda: understanding(access), grow)
    assert count == 4
    team_count = assert_queries_constant(
        lambda: understanding(access, team=pulse.permits), lambda: None
    )
    assert team_count == 4


# Results ---------------------------------------------------------------------------------


def test_it_hides_answer_texts_and_words_until_three_answers(pulse: Pulse) -> None:
    answer(pulse, "Online mooring applications", pulse.moorings, pulse.permits)
    answer(pulse, "Lunch breaks", None, pulse.contact)
    results = survey_results(pulse.editor, pulse.fresh())
    assert (results.count, results.texts_shown) == (2, False)
    assert results.extremes() == ([], [])
    assert results.shown_answers() == [] and results.words == []
    # The shares are counts, not texts: they show from the first answer.
    assert (results.chain_share, results.echo_share) == (50.0, 50.0)
    assert [item.label for item in results.lowering] == ["An answer to “Purpose pulse”"] * 2
    assert results.lowering_rows == [
        ("did not name an objective", None),
        ("purpose shares few words with the mission and objectives (best match 0.00)", None),
    ]


def test_it_shows_the_most_and_least_aligned_answers_without_who_or_when(pulse: Pulse) -> None:
    five_answers(pulse)
    results = survey_results(pulse.editor, pulse.fresh())
    assert (results.count, results.in_chain, results.echoes, results.dont_know) == (5, 3, 3, 1)
    assert (results.chain_share, results.echo_share) == (60.0, 60.0)
    most, least = results.extremes()
    # Ranked by checks passed, then wording: 1 and 4 pass both; 5 passes none, 2 one (0.00).
    assert [(a.purpose, a.team, a.objective) for a in most] == [
        ("Online mooring applications", "Permits", "Online mooring applications"),
        ("Decide permits faster", None, "Decide permits faster"),
    ]
    assert [(a.purpose, a.team, a.objective) for a in least] == [
        ("Lunch breaks", None, None),  # Contact gave one answer: not named
        ("Whatever my manager asks", "Permits", "Decide permits faster"),
    ]
    assert least[0].reasons == [
        "did not name an objective",
        "purpose shares few words with the mission and objectives (best match 0.00)",
    ]
    shown = results.shown_answers()
    assert [a.purpose for a in shown] == [
        "Answer calls first time",
        "Decide permits faster",
        "Lunch breaks",
        "Online mooring applications",
        "Whatever my manager asks",
    ]
    assert not any(hasattr(a, "respondent") or hasattr(a, "answered_on") for a in shown)
    assert results.lowering_rows[1] == (
        "named an objective outside the Permits team's chain: Answer calls first time",
        "Answer calls first time",
    )
    assert results.outside_chain == [
        "named an objective outside the Permits team's chain: Answer calls first time"
    ]
    # Every word is in one answer; ties go alphabetically and the 13th ("time") is cut.
    assert [(w.word, w.answers, w.in_strategy) for w in results.words] == [
        ("answer", 1, True),
        ("applications", 1, True),
        ("asks", 1, False),
        ("breaks", 1, False),
        ("calls", 1, True),
        ("decide", 1, True),
        ("faster", 1, True),
        ("lunch", 1, False),
        ("manager", 1, False),
        ("mooring", 1, True),
        ("online", 1, True),
        ("permits", 1, True),
    ]


def test_strategy_without_identity_judges_against_objectives_alone(pulse: Pulse) -> None:
    strategy = Strategy(mission="", objectives={})
    assert strategy.texts() == [] and strategy.chain(None) == set()
