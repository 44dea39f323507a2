"""The dependency matrix as CSV and XLSX: one row per feature, one column per team.

A cell reads like the matrix page: role, then acknowledged or the risk (e.g. "impactee,
late"). Text a spreadsheet would run as a formula is quoted (northline.lib.exports.safe).
"""

from __future__ import annotations

import datetime as dt

from northline.delivery.selectors import Cell, Matrix
from northline.lib.exports import Cell as Value
from northline.lib.exports import safe
from northline.orgs.models import Organization

FIXED = ["release", "release date", "feature", "kind", "owner team"]


def cell_text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.role == "impactor":
        return "impactor"
    state = "acknowledged" if cell.acknowledged else "not acknowledged"
    if cell.risk in ("late", "at_risk"):
        state = f"{state}, {cell.risk.replace('_', ' ')}"
    return f"impactee, {state}"


def matrix_rows(matrix: Matrix) -> list[list[Value]]:
    rows: list[list[Value]] = [[*FIXED, *(team.name for team in matrix.teams)]]
    for release, features in matrix.releases:
        for feature in features:
            rows.append(
                [
                    release.name if release else "",
                    release.planned_date if release else None,
                    feature.title,
                    feature.get_kind_display(),
                    feature.owner_team.name if feature.owner_team else "",
                    *(cell_text(matrix.cells.get((feature.pk, team.pk))) for team in matrix.teams),
                ]
            )
    return [[safe(value) for value in row] for row in rows]


def filename(organization: Organization, extension: str, today: dt.date) -> str:
    return f"{organization.slug}-delivery-matrix-{today:%Y-%m-%d}.{extension}"
