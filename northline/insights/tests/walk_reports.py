"""Records for the OpenAPI walk's paths of the insights reports.

The reports' routes take no path parameter besides ``{org}`` (their filters are query
parameters, with defaults a viewer's empty organization answers), so there is nothing to build.
"""

from __future__ import annotations

from typing import Any

from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    pass
