"""The import pipeline's shapes: read → map → validate → preview → apply (issue 17).

A source (Taiga today) reads a file and maps it into :class:`Item` rows, each with its external
key and where it sits in the file. Nothing here writes: :mod:`northline.imports.services` applies
the rows through the apps' audited services, in one transaction, and a dry run is the same apply
rolled back, so the preview is exactly what applying would do.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from northline.lib.errors import Invalid

# The largest file an import reads (the documented limit: docs/imports.md).
MAX_BYTES = 20 * 1024 * 1024

# The order rows apply in: what a row refers to exists before it.
KINDS = (
    "team",
    "sprint",
    "release",
    "epic",
    "feature",
    "story",
    "period",
    "objective",
    "key_result",
    "checkin",
)


@dataclass
class Item:
    """One record the file asks for, in Northline's terms."""

    key: str  # the external key, unique per organization: TAIGA:permit-portal/us/17
    kind: str  # one of KINDS
    location: str  # where in the file: user_stories[4] (ref 7)
    fields: dict[str, Any]  # the record's own fields (title, description, estimate, dates…)
    state: str | None = None  # the column the source has it in (epics and stories)
    state_label: str = ""  # the source's own name for that column
    team: str | None = None  # the key of the item's team
    epic: str | None = None  # the key of a story's epic
    sprint: str | None = None  # the key of a story's sprint
    release: str | None = None  # the key of a feature's release
    # Where a story goes when its epic is neither in the file nor imported before.
    fallback_epic: str | None = None
    owner_email: str = ""  # an e-mail or a name, matched against the organization's people
    notes: list[str] = field(default_factory=list)  # what the mapping changed on the way
    refusal: str = ""  # why the row cannot be imported at all (a row without its key)


@dataclass
class Outcome:
    """What applying one item did (or, in a dry run, would do)."""

    key: str
    kind: str
    location: str
    title: str
    action: str = "unchanged"  # created | updated | unchanged | refused
    messages: list[str] = field(default_factory=list)
    record_id: int | None = None
    # The rules kept it out of the column the source has it in (the messages say why).
    adjusted: bool = False

    def as_log(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "location": self.location,
            "title": self.title,
            "action": self.action,
            "adjusted": self.adjusted,
            "messages": self.messages,
            "id": self.record_id,
        }


@dataclass
class Mapped:
    """A file read and mapped: the items to apply, and what the source holds that Northline
    leaves alone (each with a reason)."""

    items: list[Item]
    skipped: list[str] = field(default_factory=list)
    # The epics a story may fall back to (Item.fallback_epic), added only when one is needed.
    holding: dict[str, Item] = field(default_factory=dict)
    # What the file holds that a mapping chooses about: {"statuses": [...], "columns": [...]}.
    found: dict[str, list[str]] = field(default_factory=dict)


def check_length(size: int) -> None:
    """Refuse a file over the limit; uploads call it before reading the file at all."""
    if size > MAX_BYTES:
        raise Invalid(
            f"The file is {size / 1024 / 1024:.1f} MB; an import reads at most "
            f"{MAX_BYTES // 1024 // 1024} MB. Split the export or import it from the command line "
            "in parts.",
            fields={"file": "Too large."},
        )


def check_size(content: bytes) -> None:
    check_length(len(content))
    if not content.strip():
        raise Invalid("The file is empty.", fields={"file": "Empty."})


def decode(content: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); any other encoding is refused, named."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid(
            f"The file is not UTF-8 text (byte {error.start} cannot be read). Export it again "
            "as UTF-8.",
            fields={"file": "Unknown encoding."},
        ) from error


def duplicate_keys(items: list[Item]) -> dict[str, list[str]]:
    """Each external key the file holds more than once, with every place it appears."""
    counts = Counter(item.key for item in items)
    return {
        key: [item.location for item in items if item.key == key]
        for key, count in counts.items()
        if count > 1
    }


def iso_day(value: Any, where: str) -> dt.date:
    """A YYYY-MM-DD date, or a refusal naming ``where`` (a path in the file or the mapping)."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise Invalid(
            f"{where}: “{value}” is not a date (YYYY-MM-DD).", fields={where: "Not a date."}
        ) from error


def text(value: Any, limit: int, name: str, notes: list[str]) -> str:
    """A source's text cut to a field's length, saying so when it is cut."""
    value = "" if value is None else str(value).strip()
    if len(value) > limit:
        notes.append(f"The {name} was cut to {limit} characters.")
        return value[: limit - 1].rstrip() + "…"
    return value
