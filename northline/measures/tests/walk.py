"""Records for the OpenAPI walk: an indicator with one reading."""

from __future__ import annotations

import datetime as dt
from typing import Any

from northline.measures import services
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    access = cast.owner_access
    indicator = services.create_indicator(
        access,
        name="Claims decided within 30 days",
        kind="lagging",
        unit="%",
        baseline=40,
        target=80,
        start_date=dt.date(2026, 1, 1),
        target_date=dt.date(2026, 12, 31),
    )
    services.record_reading(access, indicator, value=45)
    values["indicator_id"] = indicator.pk
