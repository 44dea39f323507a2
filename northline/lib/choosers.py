"""Choosers: a select that stays usable with thousands of choices (2,850 key results, 1,425
objectives), without a JavaScript framework.

A chooser lists every choice while there are few (a plain select); past ``CHOOSER_ALL`` it asks
for a search (``?q=``, the page reloads filtered by the server) and shows ``CHOOSER_PAGE``
matches. ``northline/chooser.js`` enhances it: as the user types it asks the page's JSON endpoint
for ``CHOOSER_MATCHES``. Each is one query cut by LIMIT, so 2,850 rows cost what 10 do. The apps
give the query (``matching``: a queryset already filtered by ``q``) and the label; the templates
are ``includes/chooser_search.html`` and ``includes/chooser_select.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CHOOSER_ALL = 100
CHOOSER_PAGE = 50
CHOOSER_MATCHES = 20


@dataclass(frozen=True)
class Chooser:
    """What a chooser shows: its options, and whether the list is long enough to need ``q``."""

    options: list[tuple[int, str]]
    searching: bool
    q: str


def chooser(matching: Any, q: str, label: Callable[[Any], str] = str) -> Chooser:
    """The page's chooser: all choices up to CHOOSER_ALL, else the first CHOOSER_PAGE matches of
    ``q`` (one query either way: one row past the limit tells whether there are more)."""
    rows = list(matching[: CHOOSER_ALL + 1])
    searching = bool(q) or len(rows) > CHOOSER_ALL
    shown = rows[:CHOOSER_PAGE] if searching else rows
    return Chooser([(row.pk, label(row)) for row in shown], searching, q)


def matches(matching: Any, label: Callable[[Any], str] = str) -> list[dict[str, Any]]:
    """The JSON endpoint's answer: up to CHOOSER_MATCHES ``{"id", "label"}``."""
    return [{"id": row.pk, "label": label(row)} for row in matching[:CHOOSER_MATCHES]]


def chosen_id(value: Any) -> int | None:
    """The record id a form value or an address carries (``?key_result=12``), or None for
    anything that is not one (empty, text, zero, past 64 bits)."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None
