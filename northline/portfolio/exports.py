"""The backlog as CSV and XLSX (DESIGN §3: lists export), with the WSJF columns.

Cells are written as values, never as formulas: a text cell that a spreadsheet would read as a
formula (starting with = + - @, or a tab or carriage return) is prefixed with a quote, so an
epic titled ``=HYPERLINK(…)`` stays text when someone opens the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from northline.lib.text import without_controls
from northline.orgs.models import Organization
from northline.portfolio import feedback
from northline.portfolio.models import Epic

COLUMNS = [
    "id",
    "title",
    "state",
    "value stream",
    "theme",
    "owner",
    "team",
    "business value",
    "time criticality",
    "risk reduction",
    "job size",
    "cost of delay",
    "wsjf",
    "done share",
    "realized share",
    "remaining wsjf",
    "rank",
    "ranked by hand",
    "lagging indicators",
    "target date",
    "close reason",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | bool | dt.date | None


def safe(value: Cell) -> Cell:
    """Text that a spreadsheet would evaluate becomes plain text; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain(value: Cell) -> Cell:
    """Text without control characters: the API refuses them now, but older records or
    other ways in may hold some, and one such cell would make the whole XLSX fail."""
    return without_controls(value) if isinstance(value, str) else value


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def backlog_rows(organization: Organization, epics: QuerySet[Epic]) -> list[list[Cell]]:
    """The header and one row per epic, in the queryset's order (a constant number of
    queries: the epics with their relations, then the feedback loop's numbers)."""
    records = list(epics.select_related("value_stream", "theme", "owner", "team"))
    numbers = feedback.compute(organization, epic_ids=[epic.pk for epic in records]).epics
    rows: list[list[Cell]] = [list(COLUMNS)]
    for epic in records:
        item = numbers[epic.pk]
        rows.append(
            [
                epic.pk,
                epic.title,
                epic.get_state_display(),
                epic.value_stream.name if epic.value_stream else "",
                epic.theme.name if epic.theme else "",
                epic.owner.name if epic.owner else "",
                epic.team.name if epic.team else "",
                epic.business_value,
                epic.time_criticality,
                epic.risk_reduction,
                epic.job_size,
                item.cost_of_delay,
                rounded(item.wsjf),
                rounded(item.done_share),
                rounded(item.realized_share),
                rounded(item.remaining_wsjf),
                epic.rank,
                epic.rank_is_manual,
                "; ".join(indicator.name for indicator, _ in item.lagging),
                epic.target_date,
                epic.get_close_reason_display() if epic.close_reason else "",
            ]
        )
    return [[safe(cell) for cell in row] for row in rows]


def as_csv(rows: Sequence[Sequence[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if cell is None else plain(cell) for cell in row])
    return buffer.getvalue()


def as_xlsx(rows: Sequence[Sequence[Cell]], *, title: str = "Backlog") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    for row in rows:
        sheet.append([plain(cell) for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(rows[0] if rows else [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(str(header)) + 2)
    sheet.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(organization: Organization, extension: str, today: Any = None) -> str:
    day = today or dt.date.today()
    return f"{organization.slug}-backlog-{day:%Y-%m-%d}.{extension}"
