"""Records for the OpenAPI walk's paths of the insights index: ``{key}`` is a component's key
(a literal, so no record is needed; the walk reads the drill-down of traceability)."""

from __future__ import annotations

from typing import Any

from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    values["key"] = "traceability"
