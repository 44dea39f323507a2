"""API routes for indicators and their readings."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from northline.lib.schemas import (
    AS_OF_DESCRIPTION,
    AsOf,
    Filters,
    Id,
    Input,
    OrgSlug,
    patch_of,
)
from northline.measures import selectors, services
from northline.measures.access import access_indicator
from northline.measures.rules import Health, PaceName
from northline.orgs.api_auth import caller_access
from northline.orgs.api_records import (
    Names,
    child_routes,
    record_routes,
    update_with_version,
    with_fields,
)

router = Router(tags=["measures"])

KindName = Literal["leading", "lagging"]
# stay_above / stay_below: a guardrail, whose target is the line it holds (DESIGN §2.2).
DirectionName = Literal["increase", "decrease", "stay_above", "stay_below"]


class IndicatorOut(Schema):
    id: int
    name: str
    description: str
    kind: KindName
    unit: str
    direction: DirectionName
    baseline: float
    target: float
    start_date: dt.date
    target_date: dt.date
    version: int


class IndicatorIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    kind: KindName
    unit: str = Field("", max_length=40)
    direction: DirectionName | None = Field(
        None,
        description="Defaults to the way from baseline to target. A guardrail (stay_above, "
        "stay_below) holds its target as a line instead of travelling to it.",
    )
    baseline: float
    target: float
    start_date: dt.date
    target_date: dt.date


IndicatorPatch = patch_of(IndicatorIn, "IndicatorPatch", descriptions=False)


class ReadingOut(Schema):
    id: int
    value: float
    recorded_at: dt.datetime
    source: str
    confidence: int | None
    note: str
    author: str | None = Field(None, alias="author.username")


class ReadingIn(Input):
    value: float
    recorded_at: dt.datetime | None = Field(None, description="Defaults to now; not in the future.")
    source: str = Field("", max_length=100)
    confidence: int | None = Field(None, ge=0, le=100)
    note: str = ""


class HealthOut(Schema):
    progress: float = Field(
        ..., description="clamp((current − baseline) / (target − baseline), 0, 1)"
    )
    expected: float = Field(..., description="Elapsed share of the window.")
    pace: PaceName
    stalled: bool
    current: float | None
    readings: int
    last_reading_at: dt.datetime | None
    unchanged_since: dt.datetime | None


class HealthQuery(Filters):
    at: AsOf | None = Field(None, description=AS_OF_DESCRIPTION)


def health_out(health: Health) -> dict[str, Any]:
    return {
        "progress": health.progress,
        "expected": health.expected,
        "pace": health.pace.value,
        "stalled": health.stalled,
        "current": health.current,
        "readings": health.readings,
        "last_reading_at": health.last_reading_at,
        "unchanged_since": health.unchanged_since,
    }


record_routes(
    router,
    "/indicators",
    "indicator_id",
    module=__name__,
    names=Names("indicator", "indicators"),
    out=IndicatorOut,
    find=access_indicator,
    listing=({"kind": (KindName | None, None)}, selectors.indicators),
    create=(
        IndicatorIn,
        # A direction left out is derived from baseline and target by the service.
        lambda access, payload: services.create_indicator(
            access, **payload.dict(exclude_none=True)
        ),
    ),
    update=(IndicatorPatch, update_with_version(services.update_indicator)),
    delete=services.delete_indicator,
    summaries={
        "list": "Indicators",
        "create": "Create an indicator",
        "get": "One indicator",
        "update": "Edit an indicator",
        "delete": "Delete an indicator",
    },
)


child_routes(
    router,
    "/indicators/{indicator_id}/readings",
    module=__name__,
    names=Names("reading", "readings", renamed={"create": "record_reading"}),
    out=ReadingOut,
    parent=access_indicator,
    listing=selectors.readings,
    create=(ReadingIn, with_fields(services.record_reading)),
    summaries={"list": "Readings, oldest first", "create": "Record a reading"},
)


@router.get(
    "/indicators/{indicator_id}/health",
    response=HealthOut,
    summary="Progress, pace and stalled (DESIGN §2.2)",
)
def indicator_health(
    request: HttpRequest, org: OrgSlug, indicator_id: Id, query: Query[HealthQuery]
) -> Any:
    indicator = access_indicator(caller_access(request), indicator_id)
    return health_out(selectors.health(indicator, at=query.at))
