"""API routes of the alignment map (DESIGN §2.8): the map as a graph, one branch of it a page at
a time, and the map as a JSON, Graphviz DOT or Mermaid file. Reading only: any member may call
them. Filters are query parameters: ``team`` (a team id) and ``period`` (a period id, or
``all``; the current period when left out)."""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from northline.insights.map import exports as exports_map
from northline.insights.map import selectors as alignment_map
from northline.insights.map.exports import EdgeKind, MapOut, NodeOut
from northline.lib.exports import attachment
from northline.lib.schemas import Filters, OrgSlug, Page
from northline.orgs.api_auth import caller_access

# Each route's operation_id is the one ninja derived when these routes lived in
# northline.insights.api_map: the published schema's operation ids outlive the move.
router = Router()


class MapFilter(Filters):
    team: int | None = Field(
        None, description="A team's id: its objectives, its epics and its stories only."
    )
    period: str | None = Field(
        None,
        description="A period's id, or `all` for every period. Leave out for the current period.",
        json_schema_extra={"example": "all"},
    )


class BranchFilter(MapFilter):
    node: str = Field(
        "mission",
        description=(
            "The node whose children to list: mission, theme:<id>, objective:<id>, "
            "key_result:<id>, epic:<id> (its stories), group:no-theme, group:outside or "
            "group:orphans."
        ),
        json_schema_extra={"example": "objective:12"},
    )


class ChildOut(Schema):
    edge: EdgeKind = Field(..., description="How the child hangs under the node.")
    node: NodeOut
    children: int = Field(..., description="How many children it has in turn.")


def resolved(request: HttpRequest, filters: MapFilter) -> alignment_map.AlignmentMap:
    access = caller_access(request)
    chosen = alignment_map.resolve_filters(access, team=filters.team, period=filters.period)
    return alignment_map.build(access, chosen)


@router.get(
    "/insights/map",
    response=MapOut,
    by_alias=True,
    summary="The alignment map as nodes and edges",
    description=(
        "Every node of the map under the filters (mission, themes, objectives, key results, "
        "epics, coalition bodies, and with `stories=true` every story) and every edge, in the "
        "format `northline-alignment-map` version 1, the same document as the JSON export."
    ),
    operation_id="northline_insights_api_map_get_map",
)
def get_map(
    request: HttpRequest,
    org: OrgSlug,
    filters: Query[MapFilter],
    stories: bool = False,
) -> Any:
    amap = resolved(request, filters)
    return exports_map.document(amap, exports_map.graph(amap, stories=stories))


class PagedChildren:
    """A branch's children as ``@paginate`` pages them: a slice reads one page."""

    def __init__(self, branch: alignment_map.Branch) -> None:
        self.branch = branch
        self.pages = alignment_map.BranchPages(branch)

    def __len__(self) -> int:
        return len(self.pages)

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [
            {
                "edge": child.edge,
                "node": exports_map.node_data(child.node),
                "children": self.branch.child_count(child.node),
            }
            for child in self.pages[window]
        ]


@router.get(
    "/insights/map/branch",
    response=list[ChildOut],
    by_alias=True,
    summary="One branch of the alignment map: a node's children, a page at a time",
    operation_id="northline_insights_api_map_get_branch",
)
@paginate(Page)
def get_branch(request: HttpRequest, org: OrgSlug, filters: Query[BranchFilter]) -> Any:
    access = caller_access(request)
    chosen = alignment_map.resolve_filters(access, team=filters.team, period=filters.period)
    return PagedChildren(alignment_map.open_branch(access, chosen, filters.node))


@router.get(
    "/insights/map/export",
    summary="The alignment map as a JSON, Graphviz DOT or Mermaid file",
    description=(
        "`format=json` (default) includes every story; `dot` and `mermaid` leave stories out "
        "and give each epic its story count. `stories=true` or `false` overrides the default."
    ),
    operation_id="northline_insights_api_map_export_map",
)
def export_map(
    request: HttpRequest,
    org: OrgSlug,
    filters: Query[MapFilter],
    format: Literal["json", "dot", "mermaid"] = "json",
    stories: bool | None = None,
) -> HttpResponse:
    amap = resolved(request, filters)
    file = exports_map.export(amap, format, stories=stories, day=timezone.localdate())
    return attachment(file.content, file.content_type, file.filename)
