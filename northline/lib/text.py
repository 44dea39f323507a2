"""Plain-text rules shared by the API's input checks and the file exports."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.template.defaultfilters import date
from django.utils import timezone

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


def in_local_time(moment: dt.datetime | dt.date | None, layout: str) -> str:
    """``{{ moment|date:layout }}`` as a template writes it: an aware moment in the current time
    zone ("j M Y H:i" → "4 Dec 2026 09:30"), a date as it is, nothing for None."""
    if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return str(date(moment, layout))
