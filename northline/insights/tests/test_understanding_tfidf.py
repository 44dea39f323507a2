"""The echo's TF-IDF cosine (``understanding.best_matches``), worked out by hand on small corpora.

Every expected number below was computed on paper (a calculator for the logarithms and square
roots), never by the code under test. Two idf values recur, for n = 3 documents:

    df = 1: ln((1 + 3) / (1 + 1)) + 1 = 1 + ln 2   ≈ 1.693147
    df = 2: ln((1 + 3) / (1 + 2)) + 1 = 1 + ln 4/3 ≈ 1.287682

and their squares: 1.693147² ≈ 2.866747, 1.287682² ≈ 1.658125.

The module's other similarity tests (two-document corpora, the threshold, the word counts) are
in ``test_understanding.py``.
"""

from __future__ import annotations

import pytest

from northline.insights.surveys.understanding import best_matches, cosine, tf_idf, words_of

MISSION = "Protect the coast."  # protect, coast
OBJECTIVE = "Decide permits, decide fairly!"  # decide ×2, permits, fairly
PURPOSE = "Deciding? No: DECIDE permits for the coast"  # deciding, decide, permits, coast


# Words -----------------------------------------------------------------------------------


def test_it_reads_lowercase_words_of_two_characters_or_more_without_stop_words() -> None:
    # "No", "for" and "the" are stop words; "DECIDE" is lowercased; "?" and ":" split words.
    assert words_of(PURPOSE) == ["deciding", "decide", "permits", "coast"]
    # The apostrophe splits "Don't" and its lone "t" is too short; the hyphen splits too.
    assert words_of("Don't stop-believing!") == ["don", "stop", "believing"]
    # Letters beyond ASCII are letters; digits and underscores are word characters.
    assert words_of("Café naïve ÉCOLE") == ["café", "naïve", "école"]
    assert words_of("permit_2026 x 42") == ["permit_2026", "42"]
    assert words_of("") == []
    assert words_of("It is the one, and we are all of them") == []


# Weights, norms and cosine on three documents --------------------------------------------


def test_it_weighs_each_word_by_its_count_times_its_smoothed_idf() -> None:
    """Three documents (n = 3). "coast", "decide" and "permits" are in two (idf 1.287682);
    "protect", "fairly" and "deciding" in one (idf 1.693147). "decide" appears twice in the
    objective: 2 × 1.287682 = 2.575364."""
    mission, objective, purpose = tf_idf(
        [words_of(MISSION), words_of(OBJECTIVE), words_of(PURPOSE)]
    )
    assert mission == pytest.approx({"protect": 1.693147, "coast": 1.287682}, abs=1e-6)
    assert objective == pytest.approx(
        {"decide": 2.575364, "permits": 1.287682, "fairly": 1.693147}, abs=1e-6
    )
    assert purpose == pytest.approx(
        {"deciding": 1.693147, "decide": 1.287682, "permits": 1.287682, "coast": 1.287682},
        abs=1e-6,
    )


def test_it_computes_the_cosines_of_three_documents_as_worked_out_by_hand() -> None:
    """Norms: |mission|² = 2.866747 + 1.658125 = 4.524872, |mission| = 2.127175;
    |objective|² = 2.575364² + 1.658125 + 2.866747 = 6.632500 + 4.524872 = 11.157372,
    |objective| = 3.340265; |purpose|² = 2.866747 + 3 × 1.658125 = 7.841122,
    |purpose| = 2.800200.

    purpose·mission shares "coast": 1.287682² = 1.658125;
    cosine = 1.658125 / (2.800200 × 2.127175) = 1.658125 / 5.956523 = 0.278372 → 0.28.

    purpose·objective shares "decide" and "permits": 1.287682 × 2.575364 + 1.287682²
    = 3.316250 + 1.658125 = 4.974375;
    cosine = 4.974375 / (2.800200 × 3.340265) = 4.974375 / 9.353410 = 0.531825 → 0.53.

    The best match is the objective's, 0.53: above the threshold, so the answer echoes."""
    mission, objective, purpose = tf_idf(
        [words_of(MISSION), words_of(OBJECTIVE), words_of(PURPOSE)]
    )
    assert cosine(purpose, mission) == pytest.approx(0.278372, abs=1e-6)
    assert cosine(purpose, objective) == pytest.approx(0.531825, abs=1e-6)
    assert best_matches([PURPOSE], [MISSION, OBJECTIVE]) == [0.53]


def test_an_answer_of_stop_words_still_counts_as_a_document() -> None:
    """ "coast lunch" against "coast permits" alone scores 0.34 (test_understanding). With a
    second answer of stop words only, n = 3: "coast" (df 2) weighs 1.287682, "lunch" and
    "permits" (df 1) 1.693147; cosine = 1.658125 / (1.658125 + 2.866747)
    = 1.658125 / 4.524872 = 0.366447 → 0.37. The stop-word answer has no word: 0."""
    assert best_matches(["coast lunch", "the and of"], ["coast permits"]) == [0.37, 0.0]


def test_a_blank_strategy_text_is_no_document() -> None:
    # Still n = 2, as without it: 0.34 (worked out in test_understanding).
    assert best_matches(["coast lunch"], ["coast permits", "   "]) == [0.34]


# Edges -----------------------------------------------------------------------------------


def test_identical_words_score_one_whatever_their_case_and_punctuation() -> None:
    assert best_matches(["PROTECT, coast!!"], [MISSION]) == [1.0]
    assert best_matches([OBJECTIVE.upper()], [MISSION, OBJECTIVE]) == [1.0]


def test_no_shared_word_scores_zero() -> None:
    assert best_matches(["Lunch breaks"], [MISSION, OBJECTIVE]) == [0.0]
    assert cosine({"lunch": 1.0}, {"coast": 1.0}) == 0.0


def test_an_empty_text_scores_zero() -> None:
    assert best_matches([""], [MISSION]) == [0.0]
    assert best_matches(["", "coast"], ["", " "]) == [0.0, 0.0]
    assert cosine({}, {"coast": 1.0}) == 0.0
    # Two documents, "coast" in one: ln((1 + 2) / (1 + 1)) + 1 = 1 + ln 1.5 ≈ 1.405465.
    assert tf_idf([[], ["coast"]]) == [{}, pytest.approx({"coast": 1.405465}, abs=1e-6)]
