"""The reports as rows for CSV and XLSX (DESIGN §2.8: "CSV and XLSX export").

Each function returns the header and the rows of the table its page shows, written through
``northline.lib.exports.safe`` so text a spreadsheet would run as a formula (a theme named
``=HYPERLINK(…)``) stays text; ``northline.lib.exports`` writes them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone

from northline.insights.reports.selectors import (
    FLOW_STATES,
    FlowReport,
    HeatMap,
    InvestmentReport,
    KeyResultReport,
)
from northline.lib.exports import Cell, safe, table_attachment
from northline.orgs.models import Organization

__all__ = [
    "attachment",
    "dependency_rows",
    "filename",
    "flow_rows",
    "investment_rows",
    "key_result_rows",
]

# The report's key → the word in its file name and the worksheet's title.
FILES: dict[str, tuple[str, str]] = {
    "investment": ("investment", "Investment"),
    "flow": ("cumulative-flow", "Cumulative flow"),
    "key-results": ("key-results", "Key results"),
    "dependencies": ("dependencies", "Dependencies"),
}


def money(amount: Decimal) -> float:
    return float(round(amount, 2))


def share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def cleaned(rows: list[list[Cell]]) -> list[list[Cell]]:
    return [[safe(cell) for cell in row] for row in rows]


def investment_rows(report: InvestmentReport) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [
            "currency",
            "kind",
            "name",
            "planned",
            "spent",
            "remaining",
            "spent share",
            "share of portfolio",
            "period",
        ]
    ]
    period = report.period.key if report.period else "all"
    for portfolio in report.currencies:
        for target in portfolio.targets:
            rows.append(
                [
                    portfolio.currency,
                    "theme" if target.target_type == "theme" else "value stream",
                    target.name,
                    money(target.planned),
                    money(target.actual),
                    money(target.remaining),
                    share(target.spent_share),
                    share(target.share_of_portfolio),
                    period,
                ]
            )
    return cleaned(rows)


def flow_rows(report: FlowReport) -> list[list[Cell]]:
    rows: list[list[Cell]] = [["date", *(label.lower() for _, label in FLOW_STATES), "total"]]
    for day in report.days:
        rows.append([day.day, *(day.counts[key] for key, _ in FLOW_STATES), day.total])
    return cleaned(rows)


def key_result_rows(report: KeyResultReport) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [
            "period",
            "objective",
            "team",
            "key result",
            "weight",
            "progress",
            "expected",
            "pace",
            "not moving",
            "confidence",
            "score",
            "score final",
        ]
    ]
    period = report.period.name if report.period else ""
    for line in report.objectives:
        objective = line.objective
        team = objective.team.name if objective.team else "organization"
        for result in line.key_results:
            rows.append(
                [
                    period,
                    objective.title,
                    team,
                    result.key_result.title,
                    result.key_result.weight,
                    share(result.progress),
                    share(result.expected),
                    result.pace.label.lower(),
                    result.stalled,
                    result.confidence,
                    share(result.score),
                    report.final,
                ]
            )
    return cleaned(rows)


def dependency_rows(heat: HeatMap) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [
            "team",
            "release",
            "release date",
            "release status",
            "impactee",
            "impactor",
            "not acknowledged",
            "told late",
            "at risk",
        ]
    ]
    for row in heat.rows:
        for column, cell in zip(heat.columns, row.cells, strict=True):
            if not cell.total:
                continue
            release = column.release
            rows.append(
                [
                    row.team.name,
                    column.name,
                    release.planned_date if release else None,
                    release.get_status_display() if release else "",
                    cell.impactees,
                    cell.impactors,
                    cell.unacknowledged,
                    cell.late,
                    cell.at_risk,
                ]
            )
    return cleaned(rows)


def filename(organization: Organization, report: str, extension: str, today: dt.date) -> str:
    """``acme-cumulative-flow-2026-05-01.csv``."""
    return f"{organization.slug}-{FILES[report][0]}-{today:%Y-%m-%d}.{extension}"


def sheet_title(report: str) -> str:
    return FILES[report][1]


def attachment(
    organization: Organization, report: str, rows: list[list[Cell]], extension: str
) -> HttpResponse:
    """The rows as a CSV or XLSX download named ``<slug>-<report>-<date>.<extension>``; the
    pages and the API both answer with it."""
    name = filename(organization, report, extension, timezone.localdate())
    kind: Literal["csv", "xlsx"] = "csv" if extension == "csv" else "xlsx"
    return table_attachment(rows, kind, name, sheet=sheet_title(report))
