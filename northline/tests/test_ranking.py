"""Rank keys: always room between two cards, and score order preserved."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from northline.lib.ranking import key_between, key_for_score

keys = st.text(alphabet="0123456789", min_size=1, max_size=12).filter(lambda k: k[-1] != "0")


def test_it_places_keys_by_hand_worked_examples() -> None:
    assert key_between(None, None) == "5"
    assert key_between("5", None) == "7"
    assert key_between(None, "5") == "2"
    assert key_between("5", "6") == "55"
    assert key_between(None, "1") == "05"
    assert key_between("05", "051") == "0505"


@given(keys, keys)
def test_it_always_finds_a_key_strictly_between(a: str, b: str) -> None:
    if a == b:
        return
    low, high = sorted([a, b])
    middle = key_between(low, high)
    assert low < middle < high
    assert not middle.endswith("0")


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=60))
def test_repeated_inserts_at_one_spot_never_run_out_of_room(choices: list[int]) -> None:
    ranks = [key_between(None, None)]
    for choice in choices:
        index = choice % (len(ranks) + 1)
        before = ranks[index - 1] if index > 0 else None
        after = ranks[index] if index < len(ranks) else None
        ranks.insert(index, key_between(before, after))
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)


def test_a_higher_score_sorts_first_and_no_score_last() -> None:
    # WSJF 12.5 → 99999999 − 12500 = 99987499, then the id in ten digits, then "1".
    assert key_for_score(12.5, 7) == "99987499" + "0000000007" + "1"
    assert key_for_score(3.0, 2) == "99996999" + "0000000002" + "1"
    assert key_for_score(12.5, 7) < key_for_score(3.0, 2) < key_for_score(None, 1)


def test_equal_scores_get_distinct_keys_in_id_order() -> None:
    assert key_for_score(5.0, 3) < key_for_score(5.0, 4)
    assert key_for_score(None, 3) < key_for_score(None, 4)


def test_a_hand_placed_card_fits_between_two_scored_ones() -> None:
    high, low = key_for_score(8.0, 1), key_for_score(2.0, 2)
    assert high < key_between(high, low) < low
    twin_a, twin_b = key_for_score(None, 1), key_for_score(None, 2)
    assert twin_a < key_between(twin_a, twin_b) < twin_b
