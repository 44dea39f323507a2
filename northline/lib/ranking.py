"""Rank keys that let one card move between two others by rewriting only that card.

A rank is a string of digits compared as text, read as the fraction ``0.<digits>``: a key can
always be found strictly between any two keys, so placing a card never renumbers its neighbours
(the board's "re-ranking writes a constant number of rows").
"""

from __future__ import annotations

DIGITS = "0123456789"
BASE = len(DIGITS)
SCORE_WIDTH = 8
TIEBREAK_WIDTH = 10


def key_between(before: str | None, after: str | None) -> str:
    """A key that sorts strictly after ``before`` and strictly before ``after``.

    ``None`` stands for the start (``before``) or the end (``after``) of the list. Keys never
    end in "0", so there is always room below them.
    """
    low = before or ""
    high = after
    if high is not None and not low < high:
        raise ValueError(f"rank {low!r} is not before {high!r}")
    digits: list[str] = []
    position = 0
    while True:
        low_digit = DIGITS.index(low[position]) if position < len(low) else 0
        high_digit = (
            DIGITS.index(high[position]) if high is not None and position < len(high) else BASE
        )
        if high_digit - low_digit > 1:
            middle = (low_digit + high_digit) // 2
            return "".join(digits) + DIGITS[middle]
        # No room at this position: keep the lower digit and look one position further.
        digits.append(DIGITS[low_digit])
        if high_digit != low_digit:
            # The upper bound no longer constrains what follows.
            high = None
        position += 1


def key_for_score(score: float | None, tiebreak: int, *, scale: float = 1000.0) -> str:
    """The rank of a card ordered by a score, highest first; no score sorts last.

    ``99999999 − score × scale`` in 8 digits, then ``tiebreak`` (the card's id) in 10 digits so
    that equal scores still get distinct keys a hand-placed card can go between, then a final
    "1" so the key never ends in "0".
    """
    ceiling = BASE**SCORE_WIDTH - 1
    value = ceiling if score is None else max(ceiling - round(max(score, 0.0) * scale), 0)
    return f"{value:0{SCORE_WIDTH}d}{tiebreak:0{TIEBREAK_WIDTH}d}1"
