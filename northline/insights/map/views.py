"""The alignment map's pages: the map, its lazy branches and its downloads (DESIGN §2.8).

The page draws the mission, the themes and the groups open, and their first level collapsed.
Each collapsed node is a ``<details>``: ``insights/map.js`` fetches its children from the branch
view the first time it opens and inserts the server's HTML. Without the script the page still
reads: each collapsed node links to the map focused on that branch (``?focus=objective:12``),
drawn open all the way down to its epics.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from northline.goals.selectors import periods
from northline.insights.map import exports as exports_map
from northline.insights.map import selectors as alignment_map
from northline.insights.map.node_html import fragment_html, tree_html
from northline.insights.map.selectors import MapFilters, Shown
from northline.lib.errors import Invalid
from northline.lib.exports import attachment
from northline.lib.web import org_view, render_org
from northline.orgs.access import Access
from northline.orgs.models import Team

NAV = "insights"
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}


def offset_of(value: str | None) -> int:
    offset = alignment_map.whole_number(value, "offset", "position")
    return offset or 0


def stories_of(value: str | None) -> bool | None:
    """``stories``: blank → the format's default; true or false otherwise."""
    text = (value or "").strip().lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise Invalid(
        f"The stories parameter must be true or false, not {value!r}.",
        fields={"stories": "Use true or false."},
    )


class MapLinks:
    """The URLs a drawn node needs, carrying the filters of the page."""

    def __init__(self, access: Access, filters: MapFilters) -> None:
        slug = access.organization.slug
        self.page = reverse("insights_map", args=[slug])
        self.branch_base = reverse("insights_map_branch", args=[slug])
        self.export_base = reverse("insights_map_export", args=[slug])
        self.filters = filters.query()

    def _with(self, base: str, **extra: Any) -> str:
        query = {**self.filters, **{key: value for key, value in extra.items() if value}}
        return f"{base}?{urlencode(query)}"

    def branch(self, node_id: str, offset: int = 0) -> str:
        return self._with(self.branch_base, node=node_id, offset=offset)

    def focus(self, node_id: str, offset: int = 0) -> str:
        return self._with(self.page, focus=node_id, offset=offset)

    def export(self, file_format: str) -> str:
        return self._with(self.export_base, format=file_format)

    @property
    def whole_map(self) -> str:
        return self._with(self.page)

    def attach(self, root: Shown) -> Shown:
        for item in root.each():
            node_id = item.node.id
            item.branch_url = self.branch(node_id)
            item.focus_url = self.focus(node_id)
            if item.more_offset is not None:
                item.more_branch_url = self.branch(node_id, item.more_offset)
                item.more_focus_url = self.focus(node_id, item.more_offset)
        return root


def filter_choices(access: Access) -> dict[str, Any]:
    return {
        "teams": list(Team.objects.filter(organization=access.organization)),
        "periods": list(periods(access)),
    }


@org_view
def map_page(request: HttpRequest, access: Access) -> HttpResponse:
    return render_map(request, access, request.GET.get("focus") or None)


def render_map(request: HttpRequest, access: Access, focus: str | None) -> HttpResponse:
    """The map page: the whole map, or one branch of it (``focus``) opened all the way down."""
    context: dict[str, Any] = {
        **filter_choices(access),
        "team_value": request.GET.get("team", ""),
        "period_value": request.GET.get("period", ""),
    }
    try:
        filters = alignment_map.resolve_filters(
            access, team=request.GET.get("team"), period=request.GET.get("period")
        )
        offset = offset_of(request.GET.get("offset"))
        amap = alignment_map.build(access, filters)
        node = amap.node(focus) if focus else None
    except Invalid as error:
        # A filter that is not an id: say which, next to it, and draw nothing.
        return render_org(
            request,
            access,
            "insights/map/map.html",
            {**context, "error": error},
            nav=NAV,
            status=error.status,
        )
    links = MapLinks(access, filters)
    if node is not None:
        root = alignment_map.shown(amap, node, levels=None, offset=offset)
    else:
        root = alignment_map.shown(amap, amap.root, levels=2)
    context.update(
        {
            "filters": filters,
            "team_value": str(filters.team.pk) if filters.team else "",
            "period_value": str(filters.period.pk) if filters.period else "all",
            "filtering": filters.team is not None or "period" in request.GET,
            "amap": amap,
            "tree": tree_html(links.attach(root)),
            "focus": node,
            "counts": amap.counts(),
            "links": links,
            "exports": [
                ("JSON", links.export("json")),
                ("Graphviz DOT", links.export("dot")),
                ("Mermaid", links.export("mermaid")),
            ],
            "nothing_yet": not amap.alignment.themes and not amap.alignment.objectives,
        }
    )
    return render_org(request, access, "insights/map/map.html", context, nav=NAV)


@org_view
def map_branch(request: HttpRequest, access: Access) -> HttpResponse:
    """One node's children, a page of them, as the HTML fragment map.js inserts. (Without
    script a collapsed node links to the map focused on it instead: see ``render_map``.)"""
    filters = alignment_map.resolve_filters(
        access, team=request.GET.get("team"), period=request.GET.get("period")
    )
    offset = offset_of(request.GET.get("offset"))
    branch = alignment_map.open_branch(access, filters, request.GET.get("node"))
    item = MapLinks(access, filters).attach(alignment_map.branch_page(branch, offset))
    return HttpResponse(fragment_html(item))


@org_view
def map_export(request: HttpRequest, access: Access) -> HttpResponse:
    """The whole map of the filters as a JSON, DOT or Mermaid file."""
    file_format = (request.GET.get("format") or "json").strip().lower()
    if file_format not in exports_map.FILES:
        raise Invalid(
            f"The format must be json, dot or mermaid, not {file_format!r}.",
            fields={"format": "Use json, dot or mermaid."},
        )
    stories = stories_of(request.GET.get("stories"))
    filters = alignment_map.resolve_filters(
        access, team=request.GET.get("team"), period=request.GET.get("period")
    )
    amap = alignment_map.build(access, filters)
    file = exports_map.export(amap, file_format, stories=stories, day=timezone.localdate())
    return attachment(file.content, file.content_type, file.filename)
