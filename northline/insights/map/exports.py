"""The alignment map as a file: JSON, Graphviz DOT or Mermaid (DESIGN §2.8).

Each export is the whole map of the current filters: every node reachable from the mission and
every edge of the tree, with the coalition bodies on the themes they own. Edges point the way
DESIGN §2.8 draws them: mission → theme → objective → key result ← epic ← story.

Stories are optional. JSON includes them by default (one query for all of them); DOT and Mermaid
leave them out by default, because a chart of thousands of stories cannot be read, and give
each epic its story count instead. ``stories=true`` or ``false`` overrides either default.

Text is escaped for each format: in DOT every label is a quoted string with backslashes and
quotes escaped and line breaks written as ``\\n``; in Mermaid every label is a quoted string
whose quotes, ``#``, ``&``, ``<``, ``>`` and backticks are written as entity codes (``#34;``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from northline.insights.map.selectors import (
    FLAG_WORDS,
    STALLED_WORD,
    AlignmentMap,
    Edge,
    EdgeKind,
    Flag,
    Node,
    NodeHealth,
    NodeKind,
)
from northline.lib.memory import bulk_read
from northline.measures.rules import PaceName
from northline.orgs.models import Organization

FORMAT_NAME: Literal["northline-alignment-map"] = "northline-alignment-map"
FORMAT_VERSION: Literal[1] = 1

Format = Literal["json", "dot", "mermaid"]


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    stories_by_default: bool


FILES: dict[str, FileKind] = {
    "json": FileKind("json", "application/json", stories_by_default=True),
    "dot": FileKind("dot", "text/vnd.graphviz; charset=utf-8", stories_by_default=False),
    # Mermaid has no registered media type; it is plain text.
    "mermaid": FileKind("mmd", "text/plain; charset=utf-8", stories_by_default=False),
}
LABEL_LIMIT = 120  # characters of a title in a DOT or Mermaid box


# The JSON document: its schema is these models (and the API documents them) ----------------


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class MapHealthOut(Strict):
    pace: PaceName | None = Field(..., description="None: no indicator measures it.")
    word: str = Field(..., description="The pace in words: on track, at risk, off track, …")
    stalled: bool = Field(..., description="Not moving: unchanged for 3 readings or 21 days.")
    progress: float | None = Field(..., ge=0, le=1, description="0–1; None without a measure.")


class NodeOut(Strict):
    id: str = Field(..., description="kind:record id, e.g. objective:12; mission; group:orphans.")
    kind: NodeKind
    label: str
    url: str | None = Field(..., description="The record's page, from the site's root.")
    health: MapHealthOut | None
    flags: list[Flag] = Field(
        ...,
        description=(
            "orphan: active work that traces to no active objective or theme; unsupported: an "
            "active objective no active work drives; undriven: a key result of an active "
            "objective no epic with active work drives; no_active_work: an epic in To do or "
            "Doing without stories in To do or Doing; outside_view: a key result outside the "
            "filters, drawn because work in them drives it; no_mission: no identity yet."
        ),
    )
    status: str | None = Field(..., description="Status or state in words.")
    team: str | None = Field(..., description="The owning team; Organization for its own.")
    note: str | None
    stories: int | None = Field(..., description="Epics: their stories in this view.")
    active_points: int | None = Field(..., description="Epics: points in To do or Doing.")
    estimate: int | None = Field(..., description="Stories: points.")


class EdgeOut(Strict):
    source: str = Field(..., alias="from")
    target: str = Field(..., alias="to")
    kind: EdgeKind = Field(
        ...,
        description=(
            "contains: mission → theme or group, theme → objective, group → item; cascade: "
            "objective → child objective; key_result: objective → key result; drives: epic → "
            "key result; serves: epic → theme; story: story → epic; owns: coalition body → theme."
        ),
    )


class MapTeamRef(Strict):
    id: int
    name: str


class MapPeriodRef(Strict):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


class OrganizationRef(Strict):
    slug: str
    name: str


class FiltersOut(Strict):
    team: MapTeamRef | None = Field(..., description="None: every team.")
    period: MapPeriodRef | None = Field(..., description="None: every period.")
    stories: bool = Field(..., description="Whether story nodes are included.")


class CountsOut(Strict):
    themes: int
    objectives: int
    key_results: int
    epics: int
    stories: int = Field(..., description="Stories of the epics on the map, included or not.")
    orphan_epics: int
    unsupported_objectives: int


class MapOut(Strict):
    """The alignment map as a graph (format northline-alignment-map, version 1)."""

    format: Literal["northline-alignment-map"]
    version: Literal[1]
    organization: OrganizationRef
    generated_at: dt.datetime
    filters: FiltersOut
    counts: CountsOut
    nodes: list[NodeOut]
    edges: list[EdgeOut]


# Building the graph --------------------------------------------------------------------------


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge]
    stories: bool


def graph(amap: AlignmentMap, *, stories: bool) -> Graph:
    nodes, edges = amap.walk()
    if stories:
        for epic_id, story in amap.all_stories():
            nodes.append(story)
            edges.append(Edge(story.id, f"epic:{epic_id}", "story"))
    return Graph(nodes=nodes, edges=edges, stories=stories)


# The document is written as plain data shaped by the models above: a map can hold fifteen
# thousand nodes, and the file is written without building a model per node. The API validates
# it against MapOut on the way out, and the tests validate every export against it.


def health_data(health: NodeHealth | None) -> dict[str, Any] | None:
    if health is None:
        return None
    return {
        "pace": health.pace.value if health.pace is not None else None,
        "word": health.word,
        "stalled": health.stalled,
        "progress": round(health.progress, 4) if health.progress is not None else None,
    }


def node_data(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "kind": node.kind,
        "label": node.label,
        "url": node.url or None,
        "health": health_data(node.health),
        "flags": list(node.flags),
        "status": node.status or None,
        "team": node.team or None,
        "note": node.note or None,
        "stories": node.stories,
        "active_points": node.active_points,
        "estimate": node.estimate,
    }


def document(amap: AlignmentMap, drawn: Graph) -> dict[str, Any]:
    """The map as the data of a MapOut document."""
    filters = amap.filters
    counts = amap.counts()
    organization = amap.access.organization
    period = filters.period
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "organization": {"slug": organization.slug, "name": organization.name},
        "generated_at": amap.alignment.at.isoformat(),
        "filters": {
            "team": {"id": filters.team.pk, "name": filters.team.name} if filters.team else None,
            "period": (
                {
                    "id": period.pk,
                    "name": period.name,
                    "starts_on": period.starts_on.isoformat(),
                    "ends_on": period.ends_on.isoformat(),
                }
                if period is not None
                else None
            ),
            "stories": drawn.stories,
        },
        "counts": {
            "themes": counts.themes,
            "objectives": counts.objectives,
            "key_results": counts.key_results,
            "epics": counts.epics,
            "stories": sum(node.stories or 0 for node in drawn.nodes if node.kind == "epic"),
            "orphan_epics": counts.orphan_epics,
            "unsupported_objectives": counts.unsupported_objectives,
        },
        "nodes": [node_data(node) for node in drawn.nodes],
        "edges": [{"from": e.source, "to": e.target, "kind": e.kind} for e in drawn.edges],
    }


def as_json(amap: AlignmentMap, drawn: Graph) -> str:
    return json.dumps(document(amap, drawn), ensure_ascii=False)


# Words shared by the diagrams ----------------------------------------------------------------


def shortened(text: str, limit: int = LABEL_LIMIT) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def label_lines(node: Node) -> list[str]:
    """What a box says, line by line: kind, title, health, highlights, counts."""
    lines = [node.kind_label, shortened(node.label)]
    if node.health is not None:
        health = node.health.word
        if node.health.percent is not None and node.health.pace is not None:
            health += f" · {node.health.percent} %"
        lines.append(health)
        if node.health.stalled:
            lines.append(STALLED_WORD)
    elif node.kind == "theme":
        lines.append("no indicators")
    for flag in node.flags:
        if flag in ("orphan", "unsupported", "undriven", "outside_view"):
            lines.append(FLAG_WORDS[flag])
    if node.kind == "epic" and node.stories is not None:
        lines.append(f"{node.stories} stor{'y' if node.stories == 1 else 'ies'}")
    return lines


# Colours of insights.css: (fill, line) per health.
COLOURS = {
    "on_track": ("#e6f4ea", "#1e6b3a"),
    "at_risk": ("#fdf1dc", "#7a4b00"),
    "off_track": ("#fbe7e7", "#8a1c1c"),
    "stalled": ("#fbe7e7", "#8a1c1c"),
    "not_started": ("#eef0f3", "#4a5568"),
    "none": ("#ffffff", "#4a5568"),
}


def colour_key(node: Node) -> str:
    if node.health is None:
        return "none"
    if node.health.stalled:
        return "stalled"
    return node.health.pace.value if node.health.pace is not None else "not_started"


# Graphviz DOT --------------------------------------------------------------------------------


def dot_text(text: str) -> str:
    """Text inside a DOT quoted string: backslashes and quotes escaped, line breaks as \\n."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


DOT_EDGE_STYLES: dict[str, str] = {
    "drives": "bold",
    "serves": "dashed",
    "owns": "dotted",
}


def as_dot(amap: AlignmentMap, drawn: Graph) -> str:
    organization = amap.access.organization
    title = f"Alignment map of {organization.name}"
    lines = [
        f"// {dot_text(title)}, {amap.alignment.at:%Y-%m-%d} (Northline)",
        "digraph alignment_map {",
        f'  graph [rankdir=LR, charset="UTF-8", fontname="Helvetica", label="{dot_text(title)}",'
        " labelloc=t];",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [color="#6b7380"];',
    ]
    for node in drawn.nodes:
        fill, line = COLOURS[colour_key(node)]
        label = "\\n".join(dot_text(part) for part in label_lines(node))
        attributes = {"label": label, "fillcolor": fill, "color": line}
        if "orphan" in node.flags:
            attributes.update(color="#8a1c1c", penwidth="3", style="rounded,filled,bold")
        elif "unsupported" in node.flags:
            attributes.update(color="#7a4b00", penwidth="3", style="rounded,filled,dashed")
        if node.url:
            attributes["URL"] = dot_text(node.url)
        listed = ", ".join(f'{name}="{value}"' for name, value in attributes.items())
        lines.append(f'  "{dot_text(node.id)}" [{listed}];')
    for edge in drawn.edges:
        style = f", style={DOT_EDGE_STYLES[edge.kind]}" if edge.kind in DOT_EDGE_STYLES else ""
        lines.append(
            f'  "{dot_text(edge.source)}" -> "{dot_text(edge.target)}" '
            f'[tooltip="{edge.kind}"{style}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


# Mermaid -------------------------------------------------------------------------------------

MERMAID_CODES = {'"': "#34;", "#": "#35;", "&": "#38;", "<": "#60;", ">": "#62;", "`": "#96;"}


def mermaid_text(text: str) -> str:
    """Text inside a Mermaid quoted label: the characters Mermaid reads as markup become
    entity codes, and line breaks become spaces."""
    flat = " ".join(text.replace("\r", "\n").split("\n"))
    return "".join(MERMAID_CODES.get(character, character) for character in flat)


def mermaid_id(node_id: str) -> str:
    """objective:12 → objective_12; group:no-theme → group_no_theme."""
    return node_id.replace(":", "_").replace("-", "_")


MERMAID_ARROWS: dict[str, str] = {
    "drives": "==>",
    "serves": "-.->|serves|",
    "owns": "-.->|owns|",
}
MERMAID_CLASSES = {
    "on_track": "fill:#e6f4ea,stroke:#1e6b3a,color:#1e6b3a",
    "at_risk": "fill:#fdf1dc,stroke:#7a4b00,color:#7a4b00",
    "off_track": "fill:#fbe7e7,stroke:#8a1c1c,color:#8a1c1c",
    "stalled": "fill:#fbe7e7,stroke:#8a1c1c,color:#8a1c1c",
    "not_started": "fill:#eef0f3,stroke:#4a5568,color:#4a5568",
    "orphan": "stroke:#8a1c1c,stroke-width:3px,stroke-dasharray:6 3",
    "unsupported": "stroke:#7a4b00,stroke-width:3px,stroke-dasharray:6 3",
}


def as_mermaid(amap: AlignmentMap, drawn: Graph) -> str:
    organization = amap.access.organization
    lines = [
        f"%% Alignment map of {mermaid_text(organization.name)}, "
        f"{amap.alignment.at:%Y-%m-%d} (Northline)",
        "flowchart LR",
    ]
    classes: dict[str, list[str]] = {key: [] for key in MERMAID_CLASSES}
    for node in drawn.nodes:
        ident = mermaid_id(node.id)
        label = "<br/>".join(mermaid_text(part) for part in label_lines(node))
        lines.append(f'  {ident}["{label}"]')
        key = colour_key(node)
        if key in classes:
            classes[key].append(ident)
        for flag in ("orphan", "unsupported"):
            if flag in node.flags:
                classes[flag].append(ident)
    for edge in drawn.edges:
        arrow = MERMAID_ARROWS.get(edge.kind, "-->")
        lines.append(f"  {mermaid_id(edge.source)} {arrow} {mermaid_id(edge.target)}")
    for key, style in MERMAID_CLASSES.items():
        lines.append(f"  classDef {key} {style}")
    for key, members in classes.items():
        if members:
            lines.append(f"  class {','.join(members)} {key}")
    return "\n".join(lines) + "\n"


# Files ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    content: str
    content_type: str
    filename: str


def filename(organization: Organization, extension: str, day: dt.date) -> str:
    return f"{organization.slug}-alignment-map-{day:%Y-%m-%d}.{extension}"


@bulk_read
def export(
    amap: AlignmentMap, file_format: str, *, stories: bool | None, day: dt.date
) -> ExportFile:
    """The map as one file. ``stories`` None takes the format's default (see the module)."""
    kind = FILES[file_format]
    include = kind.stories_by_default if stories is None else stories
    drawn = graph(amap, stories=include)
    writers = {"json": as_json, "dot": as_dot, "mermaid": as_mermaid}
    return ExportFile(
        content=writers[file_format](amap, drawn),
        content_type=kind.content_type,
        filename=filename(amap.access.organization, kind.extension, day),
    )
