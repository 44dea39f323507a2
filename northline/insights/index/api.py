"""API routes of the insights index: the alignment index with its components, one component's
drill-down, and the daily snapshots (DESIGN §2.8). Reading only: any member may call them."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from northline.insights.components import Component, Lowering
from northline.insights.index import selectors
from northline.insights.index.selectors import alignment_index, component_of
from northline.insights.models import Snapshot
from northline.lib.pagination import CursorPage
from northline.lib.schemas import Filters, Id, OrgSlug
from northline.orgs.access import Access, in_org
from northline.orgs.api_auth import caller_access
from northline.orgs.models import Team

# Each route's operation_id is the one ninja derived when these routes lived in
# northline.insights.api_index: the published schema's operation ids outlive the move.
router = Router()

ComponentKey = Literal["traceability", "coverage", "movement", "governance", "understanding"]


class TeamFilter(Filters):
    team: int | None = Field(
        None, description="A team's id: that team's index. Leave out for the organization's."
    )


class SnapshotFilter(TeamFilter):
    since: dt.date | None = Field(None, description="The first day to include (YYYY-MM-DD).")
    until: dt.date | None = Field(None, description="The last day to include (YYYY-MM-DD).")


class PartOut(Schema):
    name: str
    passed: float
    total: float


class ComponentOut(Schema):
    key: ComponentKey
    label: str
    value: float | None = Field(..., description="0–100, or null when it has no data.")
    has_data: bool
    explanation: str
    passed: float
    total: float
    parts: list[PartOut]
    lowering_count: int = Field(..., description="How many records lower it (its drill-down).")


class IndexOut(Schema):
    team_id: Id | None
    value: float | None = Field(
        ..., description="The mean of the components that have data; null when none has."
    )
    components: list[ComponentOut]


class LoweringOut(Schema):
    object_type: str = Field(..., description="The record's type, e.g. portfolio.epic.")
    object_id: Id
    label: str
    reason: str
    url: str = Field(..., description="The record's page in the web UI (empty if it has none).")
    weight: float = Field(..., description="Its share of the count: story points or 1 item.")


class SnapshotOut(Schema):
    taken_on: dt.date
    team_id: Id | None
    index: float | None = Field(..., description="The day's index; null when it had no data.")
    components: dict[str, float | None] = Field(
        ..., description="Each component's key → its value that day, or null (no data)."
    )

    @staticmethod
    def resolve_components(snapshot: Snapshot) -> dict[str, float | None]:
        return selectors.component_values(snapshot)


def team_in_org(access: Access, team_id: Id | None) -> Team | None:
    return in_org(access, Team, team_id, "team")


def component_out(component: Component) -> dict[str, Any]:
    return {
        "key": component.key,
        "label": component.label,
        "value": component.value,
        "has_data": component.has_data,
        "explanation": component.explanation,
        "passed": component.passed,
        "total": component.total,
        "parts": [
            {"name": name, "passed": passed, "total": total}
            for name, (passed, total) in component.parts.items()
        ],
        "lowering_count": len(component.lowering),
    }


def lowering_out(lowering: Lowering, slug: str) -> dict[str, Any]:
    return {
        "object_type": lowering.object_type,
        "object_id": lowering.object_id,
        "label": lowering.label,
        "reason": lowering.reason,
        "url": lowering.url_in(slug),
        "weight": lowering.weight,
    }


@router.get(
    "/insights/index",
    response=IndexOut,
    summary="The alignment index and its five components",
    operation_id="northline_insights_api_index_get_index",
)
def get_index(request: HttpRequest, org: OrgSlug, filters: Query[TeamFilter]) -> Any:
    access = caller_access(request)
    computed = alignment_index(access, team=team_in_org(access, filters.team))
    return {
        "team_id": computed.team_id,
        "value": computed.value,
        "components": [component_out(component) for component in computed.components],
    }


@router.get(
    "/insights/index/{key}",
    response=list[LoweringOut],
    summary="The records that lower one component of the index",
    operation_id="northline_insights_api_index_list_lowering",
)
@paginate(CursorPage)
def list_lowering(
    request: HttpRequest, org: OrgSlug, key: ComponentKey, filters: Query[TeamFilter]
) -> Any:
    access = caller_access(request)
    found = component_of(access, key, team=team_in_org(access, filters.team))
    slug = access.organization.slug
    return [lowering_out(lowering, slug) for lowering in found.lowering]


@router.get(
    "/insights/snapshots",
    response=list[SnapshotOut],
    summary="Daily snapshots of the index, oldest first",
    operation_id="northline_insights_api_index_list_snapshots",
)
@paginate(CursorPage)
def list_snapshots(request: HttpRequest, org: OrgSlug, filters: Query[SnapshotFilter]) -> Any:
    access = caller_access(request)
    return selectors.snapshots(
        access,
        team=team_in_org(access, filters.team),
        since=filters.since,
        until=filters.until,
    )
