"""OKR spreadsheets: a CSV or XLSX file of objectives, key results and check-ins, in the template
Northline also exports for a period, so an export imports back (docs/imports.md, "OKR
spreadsheets").

One row is one of three things, told apart by which cells it fills:

* an **objective** row: ``Objective`` without ``Key result``;
* a **key result** row: ``Key result`` (and its objective) without ``Check-in date``; its
  ``Current value``, when given, is a check-in unless the key result already stands there;
* a **check-in** row: ``Key result`` with ``Check-in date``; the value is ``Current value``.

Flat exports of OKR tools repeat the objective's cells on every key result row: an objective
named again takes the cells the earlier rows left empty, and a cell that contradicts an earlier
one is refused. Column names of other tools are read as aliases (:data:`ALIASES`).

Keys (unique per organization): ``OKRS:objective/<Objective ID>`` and
``OKRS:key-result/<Key result ID>`` when the file has those columns filled, else derived from
the period and the titles (``OKRS:<period>/<objective>`` and ``…/<key result>``, compared
without case or repeated spaces); a check-in is its key result's key and ``@<date>``
(``@current`` for a key result row's current value). A record the organization already has with
the same title in the same place is used (and keeps the key from then on), so a Northline export
imports into the organization it came from without doubling anything.

Bad input is refused as a whole with every problem located (row and column): a file that is
neither a workbook nor delimited text, a header without an ``Objective`` column, text cells
that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first: write ``'`` before
them to mean the text), numbers and dates that do not read, unknown types, contradictions.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from northline.imports.pipeline import Item, Mapped, check_size, decode, text
from northline.lib.errors import Invalid
from northline.lib.exports import FORMULA_STARTS, safe
from northline.measures.rules import GUARDRAILS

SOURCE = "okrs"
PREFIX = "OKRS:"

# The template's columns, in the order Northline exports them (the one list: the exporter writes
# these headers, the importer reads them and their aliases).
COLUMNS = (
    ("period", "Period"),
    ("period_start", "Period start"),
    ("period_end", "Period end"),
    ("objective_id", "Objective ID"),
    ("objective", "Objective"),
    ("parent", "Parent objective"),
    ("team", "Team"),
    ("owner", "Owner"),
    ("key_result_id", "Key result ID"),
    ("key_result", "Key result"),
    ("type", "Type"),
    ("baseline", "Baseline"),
    ("target", "Target"),
    ("unit", "Unit"),
    ("weight", "Weight"),
    ("current", "Current value"),
    ("date", "Check-in date"),
    ("confidence", "Confidence"),
    ("note", "Note"),
)
HEADERS = dict(COLUMNS)

# Other names for the columns, compared without case, spaces, "_" or "-" (docs/imports.md says
# which tool's export or template each comes from).
ALIASES: dict[str, tuple[str, ...]] = {
    "period": ("time period", "timeframe", "cycle", "goal cycle", "quarter"),
    "period_start": ("period start date", "timeframe start"),
    "period_end": ("period end date", "timeframe end"),
    "objective_id": ("objective key",),
    "objective": ("objective title", "objective name", "goal", "goal title"),
    "parent": ("parent", "parent objective title", "aligned to", "aligned objective"),
    "team": ("department", "departments", "group", "owner team", "team name"),
    "owner": (
        "owner email",
        "owner emails",
        "owner_email",
        "owner_email_id",
        "lead",
        "assignee",
    ),
    "key_result_id": ("key result key", "kr id"),
    "key_result": ("key result title", "key result name", "kr", "kr title"),
    "type": ("key result type", "kr type", "direction", "metric direction"),
    "baseline": ("start value", "starting value", "initial value", "baseline value"),
    "target": ("target value", "goal value", "threshold"),
    "unit": ("metric unit", "units", "unit of measure"),
    "weight": ("kr weight", "weightage"),
    "current": ("current", "value", "check-in value", "checkin value", "actual", "actual value"),
    "date": ("checkin date", "check in date", "date"),
    "confidence": ("confidence level", "confidence (%)"),
    "note": ("check-in note", "comment", "comments", "notes"),
}

# What the Type column may say, and the direction each means (blank: from baseline to target).
TYPES = {
    "increase": "increase",
    "increase to": "increase",
    "increasing": "increase",
    "decrease": "decrease",
    "decrease to": "decrease",
    "decreasing": "decrease",
    "reduce": "decrease",
    "stay above": "stay_above",
    "stay_above": "stay_above",
    "keep above": "stay_above",
    "at least": "stay_above",
    "stay below": "stay_below",
    "stay_below": "stay_below",
    "keep below": "stay_below",
    "at most": "stay_below",
}

# A spreadsheet runs a cell that starts with one of FORMULA_STARTS as a formula (CSV
# injection); ``'`` before it is the spreadsheets' own way to say "text", and is dropped.
# At most this many problems are listed; the rest are counted.
PROBLEMS_SHOWN = 30
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


def normal(name: str) -> str:
    """A header or title as compared: no case, no "_"/"-", one space between words."""
    return re.sub(r"[\s_\-]+", " ", str(name)).strip().casefold()


def normal_title(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().casefold()


HEADER_NAMES: dict[str, str] = {}
for _name, _header in COLUMNS:
    for _alias in (_header, _name, *ALIASES.get(_name, ())):
        HEADER_NAMES.setdefault(normal(_alias), _name)


# Reading ----------------------------------------------------------------------------------


@dataclass
class Sheet:
    """A spreadsheet's rows as text cells, with the row numbers a spreadsheet shows."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number, cells); the header is row 1
    kind: str  # "CSV" or "XLSX"


def read(content: bytes) -> Sheet:
    """The file's rows: an XLSX workbook's first sheet, or delimited text (comma, semicolon or
    tab), UTF-8 with or without a byte-order mark. Anything else is refused, named."""
    check_size(content)
    if content.startswith(b"PK\x03\x04"):
        return read_xlsx(content)
    if content.startswith(XLS_MAGIC):
        raise Invalid(
            "The file is an old Excel workbook (.xls). Save it as .xlsx or CSV (UTF-8) and "
            "import that.",
            fields={"file": "Not XLSX or CSV."},
        )
    if b"\x00" in content[:4096]:
        raise Invalid(
            "The file is neither an XLSX workbook nor CSV text. An OKR import reads the "
            "template's CSV (UTF-8) or XLSX.",
            fields={"file": "Not XLSX or CSV."},
        )
    return read_csv(decode(content))


def read_xlsx(content: bytes) -> Sheet:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise Invalid(
            "The file is a ZIP archive but not an XLSX workbook (it cannot be opened as one). "
            "Save the spreadsheet as .xlsx or CSV (UTF-8) and import that.",
            fields={"file": "Not an XLSX workbook."},
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return sheet_of(rows, "XLSX")


def read_csv(content: str) -> Sheet:
    first_line = content.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise Invalid(
            f"The file is not readable CSV ({error}).", fields={"file": "Not CSV."}
        ) from error
    return sheet_of(rows, "CSV")


def sheet_of(rows: list[list[Any]], kind: str) -> Sheet:
    numbered = [(number, row) for number, row in enumerate(rows, start=1)]
    # The header is the first row with anything in it (a title row above it is allowed).
    while numbered and not any(blank(cell) is False for cell in numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise Invalid("The file is empty.", fields={"file": "Empty."})
    header = ["" if cell is None else str(cell) for cell in numbered[0][1]]
    return Sheet(header=header, rows=numbered[1:], kind=kind)


def blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# Mapping ----------------------------------------------------------------------------------


class Problems:
    """Every located problem of a file, refused together."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, row: int, column: str | None, message: str) -> None:
        where = f"Row {row}" + (f", column “{column}”" if column else "")
        self.lines.append(f"{where}: {message}")

    def raise_any(self) -> None:
        if not self.lines:
            return
        shown = self.lines[:PROBLEMS_SHOWN]
        more = len(self.lines) - len(shown)
        raise Invalid(
            f"The file cannot be imported ({len(self.lines)} problem"
            f"{'s' if len(self.lines) != 1 else ''}; nothing was written): "
            + " ".join(shown)
            + (f" … and {more} more." if more else ""),
            fields={"file": shown[0]},
        )


@dataclass
class Row:
    """One data row, its cells by canonical column name."""

    number: int
    cells: dict[str, Any]
    columns: dict[str, str]  # canonical name → the header as the file spells it
    problems: Problems

    def col(self, name: str) -> str:
        """The column as the file names it (the template's name when the file has none)."""
        return self.columns.get(name, HEADERS[name])

    def present(self, name: str) -> bool:
        return name in self.columns

    def raw(self, name: str) -> Any:
        return self.cells.get(name)

    def text(self, name: str, limit: int, notes: list[str]) -> str:
        """A text cell: refused when a spreadsheet would run it as a formula."""
        value = self.cells.get(name)
        if value is None:
            return ""
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        value = str(value)
        stripped = value.strip()
        if stripped.startswith("'"):
            value = stripped[1:]
        elif value.startswith(FORMULA_STARTS) or stripped[:1] in ("=", "@"):
            self.problems.add(
                self.number,
                self.col(name),
                f"“{clip(stripped)}” starts with “{stripped[:1] or value[:1]!r}”, which a "
                "spreadsheet runs as a formula. Write it without that sign, or put an "
                "apostrophe (') before it to keep it as text.",
            )
            return ""
        return text(value, limit, HEADERS[name].lower(), notes)

    def numeric(self, name: str) -> float | None:
        value = self.cells.get(name)
        if blank(value):
            return None
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int | float):
            return float(value)
        written = str(value).strip().replace("\u00a0", "").replace(" ", "")
        written = written.removesuffix("%")
        try:
            number = float(written)
        except ValueError:
            self.problems.add(self.number, self.col(name), f"“{clip(str(value))}” is not a number.")
            return None
        if number != number or number in (float("inf"), float("-inf")):
            self.problems.add(self.number, self.col(name), f"“{value}” is not a number.")
            return None
        return number

    def day(self, name: str) -> dt.date | dt.datetime | None:
        """A date (YYYY-MM-DD), or a moment (YYYY-MM-DD HH:MM[:SS], read as UTC)."""
        value = self.cells.get(name)
        if blank(value):
            return None
        if isinstance(value, dt.datetime):
            if value.time() == dt.time.min:
                return value.date()
            return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
        if isinstance(value, dt.date):
            return value
        written = str(value).strip()
        try:
            if len(written) == 10:
                return dt.date.fromisoformat(written)
            moment = dt.datetime.fromisoformat(written.replace(" ", "T", 1))
        except ValueError:
            self.problems.add(
                self.number,
                self.col(name),
                f"“{clip(written)}” is not a date (YYYY-MM-DD, or YYYY-MM-DD HH:MM).",
            )
            return None
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def clip(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def data_rows(sheet: Sheet, problems: Problems) -> tuple[list[Row], list[str]]:
    columns: dict[str, str] = {}
    indexes: dict[str, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(sheet.header):
        if blank(header):
            continue
        name = HEADER_NAMES.get(normal(header))
        if name is None:
            unknown.append(header)
            continue
        if name in indexes:
            problems.add(
                1,
                header,
                f"names the same column as “{columns[name]}” ({HEADERS[name]}); keep one.",
            )
            continue
        columns[name], indexes[name] = header.strip(), index
    if "objective" not in columns:
        raise Invalid(
            f"The file is {sheet.kind} but not an OKR spreadsheet: its first row has no "
            "“Objective” column (nor one of its aliases). Its columns: "
            + (", ".join(f"“{header}”" for header in sheet.header if not blank(header)) or "none")
            + ". docs/imports.md lists the template's columns.",
            fields={"file": "Not an OKR spreadsheet."},
        )
    problems.raise_any()
    rows = []
    for number, cells in sheet.rows:
        values = {
            name: cells[index] if index < len(cells) else None for name, index in indexes.items()
        }
        if all(blank(value) for value in values.values()):
            continue
        rows.append(Row(number=number, cells=values, columns=columns, problems=problems))
    return rows, unknown


def key_part(value: str) -> str:
    return normal_title(value)


def bounded_key(key: str) -> str:
    """A key fits ExternalKey's 255 characters: a long one keeps its start and a hash."""
    if len(key) <= 255:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return key[:230] + "…#" + digest


@dataclass
class ObjectiveRow:
    """An objective as the rows so far describe it."""

    item: Item
    sources: dict[str, int] = field(default_factory=dict)  # field → the row that set it


def map_rows(rows: Sequence[Row], problems: Problems) -> Mapped:
    periods: dict[str, Item] = {}
    teams: dict[str, Item] = {}
    objectives: dict[str, ObjectiveRow] = {}
    objective_ids: dict[str, str] = {}  # Objective ID (normalised) → key
    key_results: dict[str, Item] = {}
    checkins: list[Item] = []
    currents: list[Item] = []
    skipped: list[str] = []
    has_team = rows[0].present("team") if rows else False
    has_owner = rows[0].present("owner") if rows else False
    has_parent = rows[0].present("parent") if rows else False

    for row in rows:
        notes: list[str] = []
        period_name = row.text("period", 100, notes)
        title = row.text("objective", 200, notes)
        kr_title = row.text("key_result", 200, notes)
        # (A cell refused as a formula is reported once, not as missing too.)
        if blank(row.raw("period")):
            problems.add(row.number, row.col("period"), "Every row needs a period.")
        if blank(row.raw("objective")):
            problems.add(row.number, row.col("objective"), "Every row names its objective.")
        if not period_name or not title:
            continue

        # The period: matched by name when applied; created only when the file gives its dates.
        period_key = bounded_key(f"{PREFIX}period/{key_part(period_name)}")
        starts, ends = row.day("period_start"), row.day("period_end")
        period = periods.get(period_key)
        if period is None:
            period = periods[period_key] = Item(
                key=period_key,
                kind="period",
                location=f"row {row.number}",
                fields={"name": period_name, "starts_on": None, "ends_on": None},
            )
        for name, given in (("starts_on", starts), ("ends_on", ends)):
            if given is None:
                continue
            day = given.date() if isinstance(given, dt.datetime) else given
            if period.fields[name] is None:
                period.fields[name] = day
            elif period.fields[name] != day:
                column = "period_start" if name == "starts_on" else "period_end"
                problems.add(
                    row.number,
                    row.columns[column],
                    f"{period_name} {'starts' if name == 'starts_on' else 'ends'} on "
                    f"{period.fields[name]} in an earlier row, {day} here.",
                )

        # The objective, named on every row: its key, then the cells it takes from this row.
        objective_id = row.text("objective_id", 100, notes)
        if objective_id:
            key = bounded_key(f"{PREFIX}objective/{key_part(objective_id)}")
            known = objective_ids.setdefault(key_part(objective_id), key)
            key = known
        else:
            key = bounded_key(f"{PREFIX}{key_part(period_name)}/{key_part(title)}")
        entry = objectives.get(key)
        if entry is None:
            entry = objectives[key] = ObjectiveRow(
                item=Item(
                    key=key,
                    kind="objective",
                    location=f"row {row.number}",
                    fields={"title": title, "period": period_key},
                    notes=notes,
                )
            )
        elif entry.item.fields["period"] != period_key:
            problems.add(
                row.number,
                row.col("period"),
                f"“{title}” is in {periods[entry.item.fields['period']].fields['name']} in row "
                f"{entry.sources.get('title', entry.item.location)}, {period_name} here.",
            )
        cells: dict[str, str | None] = {
            "parent": row.text("parent", 200, notes) if has_parent else None,
            "team": row.text("team", 100, notes) if has_team else None,
        }
        if not kr_title and has_owner:
            cells["owner"] = row.text("owner", 254, notes)
        for name, written in cells.items():
            if written is None:
                continue
            if not written:
                entry.item.fields.setdefault(name, "")
                continue
            value = written
            earlier = entry.item.fields.get(name)
            if earlier and normal_title(earlier) != normal_title(value):
                problems.add(
                    row.number,
                    row.columns[name],
                    f"“{value}” contradicts “{earlier}” for the objective “{title}” in row "
                    f"{entry.sources[name]}.",
                )
                continue
            if not earlier:
                entry.item.fields[name] = value
                entry.sources[name] = row.number
        entry.sources.setdefault("title", row.number)
        team_name = entry.item.fields.get("team")
        if team_name and normal_title(team_name) not in teams:
            teams[normal_title(team_name)] = Item(
                key=bounded_key(f"{PREFIX}team/{key_part(team_name)}"),
                kind="team",
                location=f"row {row.number}",
                fields={"name": team_name},
            )
        if not kr_title:
            continue

        # A key result row, or a check-in row.
        kr_id = row.text("key_result_id", 100, notes)
        kr_key = bounded_key(
            f"{PREFIX}key-result/{key_part(kr_id)}" if kr_id else f"{key}/{key_part(kr_title)}"
        )
        when = row.day("date")
        amount = row.numeric("current")
        if when is None:
            if kr_key in key_results:
                problems.add(
                    row.number,
                    row.col("key_result"),
                    f"“{kr_title}” of “{title}” is already described in "
                    f"{key_results[kr_key].location}; check-in rows need a check-in date.",
                )
                continue
            item = key_result_item(row, kr_key, key, kr_title, notes)
            if item is None:
                continue
            key_results[kr_key] = item
            if amount is not None:
                currents.append(
                    Item(
                        key=f"{kr_key}@current",
                        kind="checkin",
                        location=f"row {row.number}",
                        fields={
                            "title": f"{kr_title}: {amount:g} (current value)",
                            "key_result": kr_key,
                            "value": amount,
                            "at": None,
                            "confidence": None,
                            "note": "",
                        },
                    )
                )
            continue
        if amount is None:
            problems.add(
                row.number,
                row.col("current"),
                "A check-in row needs its value (Current value).",
            )
            continue
        confidence = row.numeric("confidence")
        if confidence is not None and not 0 <= confidence <= 100:
            problems.add(
                row.number, row.col("confidence"), f"{confidence:g} is not between 0 and 100."
            )
            continue
        stamp = stamp_of(when)
        checkins.append(
            Item(
                key=bounded_key(f"{kr_key}@{stamp}"),
                kind="checkin",
                location=f"row {row.number}",
                fields={
                    "title": f"{kr_title}: {amount:g} on {stamp.replace('T', ' ')}",
                    "key_result": kr_key,
                    "value": amount,
                    "at": when,
                    "confidence": None if confidence is None else round(confidence),
                    "note": row.text("note", 10_000, notes),
                },
                notes=notes,
            )
        )

    # A parent named by its ID or its title in the file; else by title among the period's.
    by_title = {
        (entry.item.fields["period"], normal_title(entry.item.fields["title"])): key
        for key, entry in reversed(objectives.items())
    }
    for key, entry in objectives.items():
        fields = entry.item.fields
        parent = fields.get("parent")
        if parent:
            fields["parent"] = (
                objective_ids.get(key_part(parent))
                or by_title.get((fields["period"], normal_title(parent)))
                or f"title:{parent}"
            )
            if fields["parent"] == key:
                problems.add(
                    entry.sources["parent"],
                    rows[0].col("parent"),
                    f"“{fields['title']}” cannot be its own parent.",
                )
    problems.raise_any()
    for entry in objectives.values():
        # The objective names its team by the team row's key ("" keeps it organization level).
        team_name = entry.item.fields.get("team")
        if team_name:
            entry.item.fields["team"] = teams[normal_title(team_name)].key
    items: list[Item] = [*teams.values(), *periods.values()]
    items += order_parents_first([entry.item for entry in objectives.values()])
    items += [*key_results.values(), *checkins, *currents]
    return Mapped(items=items, skipped=skipped)


def stamp_of(when: dt.date | dt.datetime) -> str:
    """A check-in's date or moment as its key ends: 2026-03-02, or 2026-03-02T14:30:00 (UTC)."""
    if isinstance(when, dt.datetime):
        return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return when.isoformat()


def key_result_item(
    row: Row, kr_key: str, objective_key: str, title: str, notes: list[str]
) -> Item | None:
    problems = row.problems
    written = row.text("type", 40, notes)
    direction = TYPES.get(normal(written)) if written else None
    if written and direction is None:
        problems.add(
            row.number,
            row.col("type"),
            f"“{written}” is not a type Northline knows: increase, decrease, stay above or "
            "stay below.",
        )
        return None
    baseline, target = row.numeric("baseline"), row.numeric("target")
    weight = row.numeric("weight")
    if target is None:
        problems.add(row.number, row.col("target"), "A key result needs a target.")
        return None
    if direction in GUARDRAILS:
        baseline = target if baseline is None else baseline
    elif baseline is None:
        problems.add(row.number, row.col("baseline"), "A key result needs a baseline.")
        return None
    elif baseline == target:
        problems.add(
            row.number,
            row.col("target"),
            f"The target equals the baseline ({target:g}); to hold a line, say “stay above” or "
            "“stay below” in Type.",
        )
        return None
    elif (direction == "increase" and target < baseline) or (
        direction == "decrease" and target > baseline
    ):
        problems.add(
            row.number,
            row.col("type"),
            f"“{written}” but the target ({target:g}) lies "
            f"{'below' if target < baseline else 'above'} the baseline ({baseline:g}).",
        )
        return None
    if weight is not None and weight < 0:
        problems.add(row.number, row.col("weight"), "A weight cannot be negative.")
        return None
    if direction is None:
        direction = "decrease" if target < baseline else "increase"
    return Item(
        key=kr_key,
        kind="key_result",
        location=f"row {row.number}",
        fields={
            "title": title,
            "objective": objective_key,
            "baseline": baseline,
            "target": target,
            "direction": direction,
            "unit": row.text("unit", 40, notes) if row.present("unit") else None,
            "weight": 1.0 if weight is None else weight,
            "owner": row.text("owner", 254, notes) if row.present("owner") else None,
        },
        notes=notes,
    )


def order_parents_first(objectives: list[Item]) -> list[Item]:
    """Objectives in the file's order, except that a parent in the file comes before its
    children (a child applies after what it aligns to)."""
    by_key = {item.key: item for item in objectives}
    placed: set[str] = set()
    ordered: list[Item] = []

    def place(item: Item, seen: frozenset[str]) -> None:
        if item.key in placed or item.key in seen:
            return
        parent = by_key.get(item.fields.get("parent") or "")
        if parent is not None:
            place(parent, seen | {item.key})
        placed.add(item.key)
        ordered.append(item)

    for item in objectives:
        place(item, frozenset())
    return ordered


def items_of(content: bytes) -> Mapped:
    """Read and map an OKR spreadsheet (read → map); every problem is refused at once."""
    problems = Problems()
    rows, unknown = data_rows(read(content), problems)
    if not rows:
        raise Invalid(
            "The file has the template's header but no rows.", fields={"file": "No rows."}
        )
    mapped = map_rows(rows, problems)
    if unknown:
        mapped.skipped.append(
            f"{len(unknown)} column(s) Northline does not read: "
            + ", ".join(f"“{name.strip()}”" for name in unknown)
            + "."
        )
    return mapped


# Writing (the export) ---------------------------------------------------------------------


def cell(value: Any) -> Any:
    """A value as the template writes it: whole numbers without ".0", text a spreadsheet
    would run as a formula with the apostrophe the importer drops."""
    if value is None:
        return ""
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    return safe(value)


def table(rows: Iterable[dict[str, Any]]) -> list[list[Any]]:
    """The template: its header, then the rows' cells (for northline.lib.exports' writers)."""
    return [
        [header for _, header in COLUMNS],
        *([cell(row.get(name)) for name, _ in COLUMNS] for row in rows),
    ]
