"""Records for the OpenAPI walk: a period, an objective, and a key result with a check-in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from northline.goals import services
from northline.goals.tests.factories import period_around_today
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    access = cast.owner_access
    today = dt.date.today()
    period = period_around_today(access, elapsed=30, remaining=60, name="Walk quarter", today=today)
    objective = services.create_objective(
        access, title="Answer permit questions on the first call", period=period, status="active"
    )
    key_result = services.create_key_result(
        access, objective, title="Calls resolved first time", baseline=55, target=80, unit="%"
    )
    services.record_check_in(access, key_result, value=61, confidence=70, note="Scripts help.")
    values.update(period_id=period.pk, objective_id=objective.pk, key_result_id=key_result.pk)
