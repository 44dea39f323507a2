"""Plain-text rules shared by the API's input checks and the file exports."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.template.defaultfilters import date
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import get_language

# C0 controls except tab, line feed and carriage return; DEL; C1 controls. XLSX cannot hold
# them at all (openpyxl refuses the file), and in CSV or a terminal they hide or garble text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """``text`` with every control character of CONTROL_CHARACTERS removed."""
    return CONTROL_CHARACTERS.sub("", text)


def control_character_problem(text: str) -> str | None:
    """The message that refuses ``text`` for a control character, or None when it has none:
    the one wording the API's input checks and the web forms share."""
    found = CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    return f"Control characters are not allowed (found U+{ord(found.group()):04X})."


def sentences(texts: Iterable[str]) -> str:
    """Sentences written apart, run together as prose: each ends with its own full stop (one
    is added where it has none) and a space separates them ("…are met. A product…", never
    "…are met.; A product…")."""
    cleaned = (text.strip() for text in texts)
    return " ".join(text if text[-1] in ".!?" else f"{text}." for text in cleaned if text)


@functools.lru_cache(maxsize=256)
def month_abbreviation(language: str | None, month: int) -> str:
    """Django's "M" ("Dec") in the active ``language``: translated once, not once a moment."""
    return str(MONTHS_3[month]).title()


# The letters of Django's date format that pages write moments with, each as Django's
# DateFormat writes it; a layout of only these (and characters that are no letter) is written
# here directly. Building a DateFormat cost ~35 µs a moment, and the matrix writes 170 of them.
QUICK_LETTERS: dict[str, Callable[[Any], str]] = {
    "j": lambda moment: str(moment.day),
    "M": lambda moment: month_abbreviation(get_language(), moment.month),
    "Y": lambda moment: f"{moment.year:04d}",
    "H": lambda moment: f"{moment.hour:02d}",
    "i": lambda moment: f"{moment.minute:02d}",
}
TIME_LETTERS = frozenset("Hi")
FORMAT_LETTER = re.compile(r"[a-zA-Z\\]")


@functools.lru_cache(maxsize=64)
def writes_quickly(layout: str) -> bool:
    """Whether every letter (or escape) of ``layout`` is one of QUICK_LETTERS."""
    return all(character in QUICK_LETTERS for character in FORMAT_LETTER.findall(layout))


def in_local_time(moment: dt.datetime | dt.date | None, layout: str) -> str:
    """``{{ moment|date:layout }}`` as a template writes it: an aware moment in the current time
    zone ("j M Y H:i" → "4 Dec 2026 09:30"), a date as it is, nothing for None."""
    if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    if (
        moment is None
        or not writes_quickly(layout)
        # The time of a date: Django's answer (it refuses).
        or (not isinstance(moment, dt.datetime) and not TIME_LETTERS.isdisjoint(layout))
    ):
        return str(date(moment, layout))
    return "".join(QUICK_LETTERS[c](moment) if c in QUICK_LETTERS else c for c in layout)
