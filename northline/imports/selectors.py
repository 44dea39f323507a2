"""Reading imports: the organization's list (without the files and logs it does not show) and
one import with its log. Every member reads them, as they read the history."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import QuerySet

from northline.goals.models import KeyResult, Objective, Period
from northline.imports import okrs
from northline.imports.models import ImportRun
from northline.lib.errors import NotFound
from northline.lib.exports import as_csv, as_xlsx
from northline.measures.models import Reading
from northline.orgs.access import Access, get_in_org
from northline.orgs.models import Person


def imports_of(access: Access) -> QuerySet[ImportRun]:
    return (
        ImportRun.objects.filter(organization=access.organization)
        .defer("content", "log")
        .select_related("started_by")
        .order_by("-created_at", "-id")
    )


def import_run(access: Access, run_id: int) -> ImportRun:
    """404 outside the organization; every member reads an import's log, as the history."""
    return get_in_org(access, ImportRun.objects.select_related("started_by"), run_id)


def okr_rows(access: Access, period: Period) -> list[dict[str, Any]]:
    """A period's objectives, key results and check-ins as the OKR template's rows
    (northline.imports.okrs.COLUMNS): an objective row, then each of its key results with its
    check-ins, parents before their children. Importing them into an organization without the
    period reproduces it; into this one, they change nothing."""
    objectives = list(
        Objective.objects.filter(organization=access.organization, period=period)
        .select_related("team", "owner", "parent")
        .order_by("id")
    )
    results = defaultdict(list)
    for result in (
        KeyResult.objects.filter(objective__in=objectives)
        .select_related("indicator", "owner")
        .order_by("objective_id", "id")
    ):
        results[result.objective_id].append(result)
    readings = defaultdict(list)
    for reading in Reading.objects.filter(indicator__key_result__objective__in=objectives).order_by(
        "recorded_at", "id"
    ):
        readings[reading.indicator_id].append(reading)
    base = {
        "period": period.name,
        "period_start": period.starts_on.isoformat(),
        "period_end": period.ends_on.isoformat(),
    }
    rows: list[dict[str, Any]] = []
    for objective in parents_first(objectives):
        named = {**base, "objective_id": f"O{objective.pk}", "objective": objective.title}
        rows.append(
            {
                **named,
                "parent": objective.parent.title if objective.parent else "",
                "team": objective.team.name if objective.team else "",
                "owner": owner_of(objective.owner),
            }
        )
        for result in results[objective.pk]:
            indicator = result.indicator
            history = readings[indicator.pk]
            kr = {**named, "key_result_id": f"KR{result.pk}", "key_result": result.title}
            rows.append(
                {
                    **kr,
                    "type": indicator.get_direction_display(),
                    "baseline": indicator.baseline,
                    "target": indicator.target,
                    "unit": indicator.unit,
                    "weight": result.weight,
                    "owner": owner_of(result.owner),
                    "current": history[-1].value if history else None,
                }
            )
            days = Counter(reading.recorded_at.astimezone(dt.UTC).date() for reading in history)
            for reading in history:
                moment = reading.recorded_at.astimezone(dt.UTC)
                # A day with one check-in is written as the day; several, each at its moment.
                when = moment.date() if days[moment.date()] == 1 else moment
                rows.append(
                    {
                        **kr,
                        "date": okrs.stamp_of(when).replace("T", " "),
                        "current": reading.value,
                        "confidence": reading.confidence,
                        "note": reading.note,
                    }
                )
    return rows


def parents_first(objectives: list[Objective]) -> list[Objective]:
    by_id = {objective.pk: objective for objective in objectives}
    placed: set[int] = set()
    ordered: list[Objective] = []

    def place(objective: Objective) -> None:
        if objective.pk in placed:
            return
        placed.add(objective.pk)
        if objective.parent_id in by_id:
            place(by_id[objective.parent_id])
        ordered.append(objective)

    for objective in objectives:
        place(objective)
    return ordered


def owner_of(person: Person | None) -> str:
    """An owner as the template names one: by e-mail when the person has one, else by name."""
    if person is None:
        return ""
    return person.email or person.name


def okr_export(access: Access, period_name: str, file_format: str = "csv") -> bytes:
    """The period named ``period_name`` as an OKR spreadsheet (``csv`` or ``xlsx``)."""
    period = Period.objects.filter(
        organization=access.organization, name__iexact=period_name
    ).first()
    if period is None:
        raise NotFound(f"The organization has no period “{period_name}”.")
    rows = okrs.table(okr_rows(access, period))
    if file_format == "xlsx":
        return as_xlsx(rows, title=period.name)
    # With a byte-order mark, so that spreadsheets read it as UTF-8.
    return ("\ufeff" + as_csv(rows)).encode("utf-8")
