"""API routes of the insights reports (DESIGN §2.8): investment vs themes, the cumulative
flow of the board, key-result progress and the dependency heat map, each as JSON, CSV and
XLSX. Mounted below /api/v1/orgs/{org}/ by ``insights.api``.

Query parameters are checked twice, both answering 422 with the parameter named in
``fields``: their types and ranges by the schemas below, the rules that span several (a
window's start after its end) by ``insights.reports``.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from northline.insights.reports import exports
from northline.insights.reports import selectors as reports
from northline.lib.exports import Cell
from northline.lib.schemas import Filters, Id, OrgSlug
from northline.measures.rules import PaceName
from northline.orgs.api_auth import caller_access

# Each route's operation_id is the one ninja derived when these routes lived in
# northline.insights.api_reports: the published schema's operation ids outlive the move.
router = Router()

Present = Callable[[Any], dict[str, Any]]  # a built report → its JSON
StatusName = Literal["planned", "decided", "released", "cancelled"]


# Each report's title (its files' summaries say "<title> as CSV") and its JSON route's summary.
SUMMARIES: dict[str, tuple[str, str]] = {
    "investment": (
        "Investment vs themes",
        "Investment vs themes: planned and spent per theme and value stream, by currency",
    ),
    "flow": ("Cumulative flow", "Cumulative flow: epics per board state on each day of a window"),
    "key-results": (
        "Key-result progress",
        "Key-result progress of a period: progress, expected share, pace, confidence, score",
    ),
    "dependencies": (
        "Dependency heat map",
        "Dependency heat map: impacts per team and release, unacknowledged and late",
    ),
}


def report_routes(
    report: str,
    schema: type[Filters],
    out: type[Schema],
    build: Callable[[HttpRequest, Any], Any],
    rows_of: Callable[[Any], list[list[Cell]]],
) -> Callable[[Present], Present]:
    """Declare a report's routes around ``present(report) -> its JSON``: the JSON at
    ``/insights/reports/{report}``, its table ``rows_of(report)`` at ``.csv`` and ``.xlsx``,
    the report built by ``build(request, filters)`` from the query, checked by ``schema``."""
    title, summary = SUMMARIES[report]
    path = f"/insights/reports/{report}"
    operation = f"northline_insights_api_reports_{report.replace('-', '_')}"

    def export_route(extension: str) -> None:
        @router.get(
            f"{path}.{extension}",
            summary=f"{title} as {extension.upper()}",
            operation_id=f"{operation}_{extension}",
        )
        def export(
            request: HttpRequest,
            org: OrgSlug,
            filters: Query[schema],  # type: ignore[valid-type]
        ) -> HttpResponse:
            rows = rows_of(build(request, filters))
            organization = caller_access(request).organization
            return exports.attachment(organization, report, rows, extension)

    def declare(present: Present) -> Present:
        @router.get(path, response=out, summary=summary, operation_id=operation)
        def show(
            request: HttpRequest,
            org: OrgSlug,
            filters: Query[schema],  # type: ignore[valid-type]
        ) -> Any:
            return present(build(request, filters))

        export_route("csv")
        export_route("xlsx")
        return present

    return declare


# The list of reports -------------------------------------------------------------------------


class ReportCardOut(Schema):
    key: str
    title: str
    summary: str = Field(..., description="One line on what the report shows today.")
    about: str
    page: str = Field(..., description="The report's web page.")
    api: str = Field(..., description="The report's JSON route; add .csv or .xlsx to export.")


class ReportsOut(Schema):
    reports: list[ReportCardOut]


@router.get(
    "/insights/reports",
    response=ReportsOut,
    summary="The four reports, each with a one-line summary",
    operation_id="northline_insights_api_reports_list_reports",
)
def list_reports(request: HttpRequest, org: OrgSlug) -> Any:
    access = caller_access(request)
    slug = access.organization.slug
    return {
        "reports": [
            {
                **vars(card),
                "page": reverse(card.page, args=[slug]),
                "api": f"/api/v1/orgs/{slug}/insights/reports/{card.key}",
            }
            for card in reports.overview(access)
        ]
    }


# Investment vs themes ------------------------------------------------------------------------


class InvestmentFilters(Filters):
    period: str | None = Field(
        None,
        description=(
            "Only investments whose period overlaps this one, written start/end "
            "(2026-01-01/2026-12-31). Leave out for every period."
        ),
    )


class TargetOut(Schema):
    target_type: Literal["theme", "value_stream"]
    target_id: Id
    name: str
    planned: Decimal
    actual: Decimal = Field(..., description="Money spent.")
    remaining: Decimal
    spent_share: float | None = Field(..., description="Spent over planned; null if none.")
    share_of_portfolio: float = Field(
        ..., description="Its planned money over all planned money in the currency."
    )


class CurrencyOut(Schema):
    currency: str
    planned: Decimal
    actual: Decimal
    spent_share: float | None
    themes: list[TargetOut]
    value_streams: list[TargetOut]


class InvestmentRowOut(Schema):
    target_type: Literal["theme", "value_stream"]
    target_id: Id
    target_name: str
    period_start: dt.date
    period_end: dt.date
    currency: str
    planned: Decimal
    actual: Decimal
    remaining: Decimal
    spent_share: float | None


class InvestmentReportOut(Schema):
    period: str | None = Field(..., description="The period shown (start/end); null: all.")
    periods: list[str] = Field(..., description="Every period investments are planned for.")
    currencies: list[CurrencyOut]
    rows: list[InvestmentRowOut] = Field(..., description="By target, period and currency.")


def investment_of(request: HttpRequest, filters: InvestmentFilters) -> reports.InvestmentReport:
    period = reports.parse_interval(filters.period) if filters.period else None
    return reports.investment(caller_access(request), period=period)


def target_out(target: reports.TargetMoney) -> dict[str, Any]:
    return {**vars(target), "remaining": target.remaining, "spent_share": target.spent_share}


@report_routes(
    "investment", InvestmentFilters, InvestmentReportOut, investment_of, exports.investment_rows
)
def investment_out(report: reports.InvestmentReport) -> dict[str, Any]:
    return {
        "period": report.period.key if report.period else None,
        "periods": [period.key for period in report.periods],
        "currencies": [
            {
                "currency": portfolio.currency,
                "planned": portfolio.planned,
                "actual": portfolio.actual,
                "spent_share": portfolio.spent_share,
                "themes": [target_out(target) for target in portfolio.themes],
                "value_streams": [target_out(target) for target in portfolio.value_streams],
            }
            for portfolio in report.currencies
        ],
        "rows": [
            {**vars(row), "remaining": row.remaining, "spent_share": row.spent_share}
            for row in report.rows
        ],
    }


# Cumulative flow -----------------------------------------------------------------------------


class FlowFilters(Filters):
    days: int | None = Field(
        None,
        ge=reports.MIN_DAYS,
        le=reports.MAX_DAYS,
        description="How many days, ending on `end` (default 90, ending today).",
    )
    start: dt.date | None = Field(None, description="The first day (with `end`, or up to today).")
    end: dt.date | None = Field(None, description="The last day, today at the latest.")


class FlowDayOut(Schema):
    date: dt.date
    funnel: int
    todo: int
    doing: int
    done: int
    closed: int
    total: int


class StateOut(Schema):
    key: str
    label: str


class FlowOut(Schema):
    start: dt.date
    end: dt.date
    states: list[StateOut]
    days: list[FlowDayOut] = Field(..., description="Epics per state at the end of each day.")


def flow_of(request: HttpRequest, filters: FlowFilters) -> reports.FlowReport:
    return reports.cumulative_flow(
        caller_access(request), days=filters.days, start=filters.start, end=filters.end
    )


@report_routes("flow", FlowFilters, FlowOut, flow_of, exports.flow_rows)
def flow_out(report: reports.FlowReport) -> dict[str, Any]:
    return {
        "start": report.start,
        "end": report.end,
        "states": [{"key": key, "label": label} for key, label in reports.FLOW_STATES],
        "days": [{"date": day.day, **day.counts, "total": day.total} for day in report.days],
    }


# Key-result progress -------------------------------------------------------------------------


class KeyResultFilters(Filters):
    period: int | None = Field(None, description="A period id; default the current period.")
    team: Id | None = Field(None, description="A team id: only that team's objectives.")


class ReportPeriodRef(Schema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


class ReportTeamRef(Schema):
    id: int
    name: str


class KeyResultLineOut(Schema):
    id: int
    title: str
    weight: float
    progress: float
    expected: float = Field(..., description="The share of the period elapsed.")
    pace: PaceName
    stalled: bool = Field(..., description="Not moving: unchanged for 3 check-ins or 21 days.")
    confidence: int | None = Field(..., description="The latest check-in's, 0–100 %.")
    score: float = Field(..., description="Progress at the period's end (so far, until then).")
    readings: int


class ObjectiveLineOut(Schema):
    id: int
    title: str
    team_id: Id | None
    team: str | None
    depth: int = Field(..., description="0 for top-level objectives, 1 for their children, …")
    progress: float
    expected: float
    pace: PaceName
    score: float
    key_results: list[KeyResultLineOut]


class PeriodScoreOut(Schema):
    period: ReportPeriodRef
    key_results: int
    mean_score: float | None = Field(..., description="Mean key-result score; null if none.")
    final: bool


class KeyResultsOut(Schema):
    period: ReportPeriodRef | None = Field(..., description="Null when there are no periods yet.")
    team: ReportTeamRef | None
    at: dt.datetime
    final: bool = Field(..., description="The period has ended, so scores are final.")
    objectives: list[ObjectiveLineOut]
    across: list[PeriodScoreOut] = Field(..., description="Every period, the latest first.")


def key_results_of(request: HttpRequest, filters: KeyResultFilters) -> reports.KeyResultReport:
    access = caller_access(request)
    return reports.key_result_progress(
        access,
        period=reports.period_in_org(access, filters.period),
        team=reports.team_in_org(access, filters.team),
    )


def period_ref(period: Any) -> dict[str, Any] | None:
    if period is None:
        return None
    return {
        "id": period.pk,
        "name": period.name,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
    }


@report_routes(
    "key-results", KeyResultFilters, KeyResultsOut, key_results_of, exports.key_result_rows
)
def key_results_out(report: reports.KeyResultReport) -> dict[str, Any]:
    return {
        "period": period_ref(report.period),
        "team": {"id": report.team.pk, "name": report.team.name} if report.team else None,
        "at": report.at,
        "final": report.final,
        "objectives": [
            {
                "id": line.objective.pk,
                "title": line.objective.title,
                "team_id": line.objective.team_id,
                "team": line.objective.team.name if line.objective.team else None,
                "depth": line.depth,
                "progress": line.node.progress,
                "expected": line.node.expected,
                "pace": line.node.pace.value,
                "score": line.node.score,
                "key_results": [
                    {
                        "id": result.key_result.pk,
                        "title": result.key_result.title,
                        "weight": result.key_result.weight,
                        "progress": result.progress,
                        "expected": result.expected,
                        "pace": result.pace.value,
                        "stalled": result.stalled,
                        "confidence": result.confidence,
                        "score": result.score,
                        "readings": result.readings,
                    }
                    for result in line.key_results
                ],
            }
            for line in report.objectives
        ],
        "across": [
            {
                "period": period_ref(score.period),
                "key_results": score.key_results,
                "mean_score": score.mean_score,
                "final": score.final,
            }
            for score in report.across
        ],
    }


# Dependency heat map -------------------------------------------------------------------------


class HeatFilters(Filters):
    # Plain strings, checked by reports.release_statuses, which the page's filter uses too.
    status: list[str] | None = Field(
        None,
        description=(
            "Release statuses to show, any of planned, decided, released, cancelled; repeat "
            "the parameter for several (default: all but cancelled)."
        ),
    )


class HeatCellOut(Schema):
    impactees: int
    impactors: int
    unacknowledged: int = Field(..., description="Impactees that have not acknowledged.")
    late: int = Field(..., description="Impactees told with less than their lead time left.")
    at_risk: int = Field(
        ..., description="Not acknowledged, and the release is closer than the lead time."
    )


class HeatReleaseOut(Schema):
    id: int
    name: str
    planned_date: dt.date
    status: StatusName


class HeatColumnOut(Schema):
    release: HeatReleaseOut | None = Field(..., description="Null: features in no release.")
    totals: HeatCellOut


class HeatRowOut(Schema):
    team: ReportTeamRef
    cells: list[HeatCellOut] = Field(..., description="One per column, in the columns' order.")
    totals: HeatCellOut


class HeatMapOut(Schema):
    statuses: list[StatusName]
    today: dt.date
    columns: list[HeatColumnOut]
    rows: list[HeatRowOut]
    totals: HeatCellOut


def heat_of(request: HttpRequest, filters: HeatFilters) -> reports.HeatMap:
    return reports.dependency_heat_map(caller_access(request), statuses=filters.status)


def cell_out(cell: reports.HeatCell) -> dict[str, int]:
    return vars(cell)


@report_routes("dependencies", HeatFilters, HeatMapOut, heat_of, exports.dependency_rows)
def dependencies_out(heat: reports.HeatMap) -> dict[str, Any]:
    return {
        "statuses": heat.statuses,
        "today": heat.today,
        "columns": [
            {"release": column.release, "totals": cell_out(column.totals)}
            for column in heat.columns
        ],
        "rows": [
            {
                "team": {"id": row.team.pk, "name": row.team.name},
                "cells": [cell_out(cell) for cell in row.cells],
                "totals": cell_out(row.totals),
            }
            for row in heat.rows
        ],
        "totals": cell_out(heat.totals),
    }
