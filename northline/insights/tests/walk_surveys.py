"""Records for the OpenAPI walk's paths of the insights surveys."""

from __future__ import annotations

from typing import Any

from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    pass
