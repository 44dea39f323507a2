"""Lists as CSV and XLSX files, and the download response every export answers with.

Cells are written as values, never as formulas: :func:`safe` prefixes with a quote a text cell
that a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage
return), so an epic titled ``=HYPERLINK(…)`` stays text when someone opens the file. Each app
builds its rows (and calls :func:`safe` on them); the writers here only lay them out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Literal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from northline.lib.text import without_controls

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


def attachment(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    """A download of ``content`` saved as ``filename``: the one place the header is written."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_attachment(
    rows: Sequence[Sequence[Cell]],
    extension: Literal["csv", "xlsx"],
    filename: str,
    *,
    sheet: str = "Backlog",
) -> HttpResponse:
    """The rows as a CSV or XLSX download (``sheet`` titles the workbook's one worksheet)."""
    if extension == "csv":
        return attachment(as_csv(rows), CSV, filename)
    return attachment(as_xlsx(rows, title=sheet), XLSX, filename)
