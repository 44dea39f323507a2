"""The backlog exports, parsed back: CSV with the csv module, XLSX with openpyxl."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from northline.portfolio.exports import COLUMNS, safe
from northline.portfolio.tests.conftest import Board
from northline.testing import Cast

pytestmark = pytest.mark.django_db

BASE = "/orgs/acme"


def test_it_quotes_text_a_spreadsheet_would_run_as_a_formula():
    assert safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [safe(text) for text in ("+1", "-1", "@SUM(A1)", "\tx")] == [
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
    ]
    assert (safe("Plain"), safe(-3), safe(None)) == ("Plain", -3, None)


def test_it_exports_the_backlog_as_csv_with_wsjf_columns(cast: Cast, board: Board, api_as):
    board.epic("=cmd|' /C calc'!A0", wsjf=(8, 5, 3, 8))  # 16 / 8 = 2.0
    board.epic("Harbour dues online", wsjf=(20, 20, 20, 3))  # 60 / 3 = 20.0
    response = api_as(cast.viewer).get(f"{BASE}/epics/export.csv", order="wsjf")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == COLUMNS
    assert [(row["title"], row["cost of delay"], row["wsjf"]) for row in rows] == [
        ("Harbour dues online", "60", "20.0"),
        ("'=cmd|' /C calc'!A0", "16", "2.0"),
    ]
    assert rows[1]["remaining wsjf"] == "2.0"  # nothing done or realized: the WSJF itself
    assert rows[1]["lagging indicators"] == "'=cmd|' /C calc'!A0 KPI"


def test_it_exports_the_backlog_as_xlsx_with_text_not_formulas(cast: Cast, board: Board, api_as):
    board.epic("=1+1", wsjf=(8, 5, 3, 8))
    response = api_as(cast.viewer).get(f"{BASE}/epics/export.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert (row["title"], row["state"], row["cost of delay"], row["wsjf"]) == (
        "'=1+1",
        "Funnel",
        16,
        2.0,
    )
    assert sheet.cell(row=2, column=2).data_type == "s"  # a string, never a formula
