"""The backlog's rows for CSV and XLSX (DESIGN §3: lists export), with the WSJF columns.

Every cell goes through :func:`northline.lib.exports.safe`, so an epic titled
``=HYPERLINK(…)`` stays text when someone opens the file; the writers are in
:mod:`northline.lib.exports`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from northline.lib.exports import Cell, safe
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


def filename(organization: Organization, extension: str, today: Any = None) -> str:
    day = today or dt.date.today()
    return f"{organization.slug}-backlog-{day:%Y-%m-%d}.{extension}"
