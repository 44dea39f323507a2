"""Records for the OpenAPI walk: each insights area builds its own."""

from __future__ import annotations

from typing import Any

from northline.insights.tests import walk_index, walk_map, walk_reports, walk_surveys
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    for area in (walk_index, walk_map, walk_surveys, walk_reports):
        area.build(cast, values)
