"""The map's exports parsed back (DESIGN §2.8): JSON validated against its pydantic schema, DOT
read with a small parser of node and edge statements, Mermaid counted node by node; labels
that hold quotes, brackets, line breaks and HTML survive each format."""

from __future__ import annotations

import datetime as dt
import re

from northline.goals import services as goals
from northline.insights.map import exports as exports_map
from northline.insights.map.exports import MapOut
from northline.insights.map.selectors import build, resolve_filters
from northline.insights.tests.test_map import MapOrg

DAY = dt.date(2026, 3, 1)
NASTY = 'Say "yes" [fast] {now} <b>bold</b> & #1; a \\ back\nthen --> "more" `code` (end)'


def expected_nodes(m: MapOrg, *, stories: bool) -> set[tuple[str, str, str]]:
    nodes = {
        ("mission", "mission", "Every permit decided within a month"),
        (f"theme:{m.faster.pk}", "theme", "Faster permits"),
        (f"theme:{m.open_data.pk}", "theme", "Open data"),
        ("group:no-theme", "group", "Objectives serving no theme"),
        ("group:orphans", "group", "Work that traces to nothing"),
        (f"objective:{m.online.pk}", "objective", "Permits online end to end"),
        (f"objective:{m.launch.pk}", "objective", "Launch the online application"),
        (f"objective:{m.statistics.pk}", "objective", "Publish permit statistics"),
        (f"objective:{m.first_contact.pk}", "objective", "Answer on the first contact"),
        (f"key_result:{m.applications.pk}", "key_result", "Applications made online"),
        (f"key_result:{m.payments.pk}", "key_result", "Online payments working"),
        (f"key_result:{m.datasets.pk}", "key_result", "Datasets published"),
        (f"key_result:{m.resolution.pk}", "key_result", "First-contact resolution"),
        (f"epic:{m.form.pk}", "epic", "Online application form"),
        (f"epic:{m.portal.pk}", "epic", "Open data portal"),
        (f"epic:{m.chatbot.pk}", "epic", "Chatbot experiment"),
        (f"epic:{m.phone.pk}", "epic", "Phone menu refresh"),
        (f"body:{m.board.pk}", "body", "Portfolio board"),
    }
    if stories:
        nodes |= {(f"story:{s.pk}", "story", title) for title, s in m.stories.items()}
    return nodes


def expected_edges(m: MapOrg, *, stories: bool) -> set[tuple[str, str, str]]:
    edges = {
        ("mission", f"theme:{m.faster.pk}", "contains"),
        ("mission", f"theme:{m.open_data.pk}", "contains"),
        ("mission", "group:no-theme", "contains"),
        ("mission", "group:orphans", "contains"),
        (f"theme:{m.faster.pk}", f"objective:{m.online.pk}", "contains"),
        (f"objective:{m.online.pk}", f"key_result:{m.applications.pk}", "key_result"),
        (f"objective:{m.online.pk}", f"objective:{m.launch.pk}", "cascade"),
        (f"objective:{m.launch.pk}", f"key_result:{m.payments.pk}", "key_result"),
        (f"epic:{m.form.pk}", f"key_result:{m.applications.pk}", "drives"),
        (f"epic:{m.form.pk}", f"key_result:{m.payments.pk}", "drives"),
        (f"theme:{m.open_data.pk}", f"objective:{m.statistics.pk}", "contains"),
        (f"objective:{m.statistics.pk}", f"key_result:{m.datasets.pk}", "key_result"),
        (f"epic:{m.portal.pk}", f"theme:{m.open_data.pk}", "serves"),
        ("group:no-theme", f"objective:{m.first_contact.pk}", "contains"),
        (f"objective:{m.first_contact.pk}", f"key_result:{m.resolution.pk}", "key_result"),
        (f"epic:{m.phone.pk}", f"key_result:{m.resolution.pk}", "drives"),
        ("group:orphans", f"epic:{m.chatbot.pk}", "contains"),
        (f"body:{m.board.pk}", f"theme:{m.faster.pk}", "owns"),
    }
    if stories:
        epic_of = {
            "Form fields": m.form,
            "Upload documents": m.form,
            "Save drafts": m.form,
            "Export CSV": m.portal,
            "Train the bot": m.chatbot,
            "Record prompts": m.phone,
        }
        edges |= {
            (f"story:{m.stories[title].pk}", f"epic:{epic.pk}", "story")
            for title, epic in epic_of.items()
        }
    return edges


def export(m: MapOrg, file_format: str, stories: bool | None = None, **filters: object):
    access = m.access
    amap = build(access, resolve_filters(access, **filters))  # type: ignore[arg-type]
    return exports_map.export(amap, file_format, stories=stories, day=DAY)


# JSON ----------------------------------------------------------------------------------------


def test_it_exports_json_that_its_schema_accepts(map_org: MapOrg) -> None:
    file = export(map_org, "json")
    assert file.filename == "acme-alignment-map-2026-03-01.json"
    assert file.content_type == "application/json"
    document = MapOut.model_validate_json(file.content)
    assert (document.format, document.version) == ("northline-alignment-map", 1)
    assert (document.organization.slug, document.organization.name) == ("acme", "Acme Ministry")
    assert document.filters.team is None
    assert document.filters.period is not None
    assert document.filters.period.name == "This quarter"
    assert document.filters.stories is True  # JSON includes the stories unless told not to
    assert {(n.id, n.kind, n.label) for n in document.nodes} == expected_nodes(
        map_org, stories=True
    )
    assert {(e.source, e.target, e.kind) for e in document.edges} == expected_edges(
        map_org, stories=True
    )
    assert document.counts.model_dump() == {
        "themes": 2,
        "objectives": 4,
        "key_results": 4,
        "epics": 4,
        "stories": 6,
        "orphan_epics": 1,
        "unsupported_objectives": 1,
    }
    by_id = {node.id: node for node in document.nodes}
    assert by_id[f"epic:{map_org.chatbot.pk}"].flags == ["orphan"]
    assert by_id[f"objective:{map_org.statistics.pk}"].flags == ["unsupported"]
    stalled = by_id[f"key_result:{map_org.datasets.pk}"].health
    assert stalled is not None
    assert (stalled.pace, stalled.word, stalled.stalled, stalled.progress) == (
        "on_track",
        "on track",
        True,
        0.6,
    )
    story = by_id[f"story:{map_org.stories['Save drafts'].pk}"]
    assert (story.status, story.estimate, story.team) == ("Done", 2, "Permits")
    assert (
        by_id[f"objective:{map_org.online.pk}"].url
        == f"/o/acme/goals/objectives/{map_org.online.pk}/"
    )


def test_it_leaves_stories_out_on_request_and_counts_them_on_the_epics(
    map_org: MapOrg,
) -> None:
    document = MapOut.model_validate_json(export(map_org, "json", stories=False).content)
    assert {(n.id, n.kind, n.label) for n in document.nodes} == expected_nodes(
        map_org, stories=False
    )
    assert {(e.source, e.target, e.kind) for e in document.edges} == expected_edges(
        map_org, stories=False
    )
    assert {n.label: (n.stories, n.active_points) for n in document.nodes if n.kind == "epic"} == {
        "Online application form": (3, 8),
        "Open data portal": (1, 5),
        "Chatbot experiment": (1, 8),
        "Phone menu refresh": (1, 2),
    }
    assert document.counts.stories == 6
    assert document.filters.stories is False


# DOT -----------------------------------------------------------------------------------------

QUOTED = r'"((?:[^"\\]|\\.)*)"'
DOT_NODE = re.compile(rf"^\s*{QUOTED}\s*\[(.*)\];$")
DOT_EDGE = re.compile(rf"^\s*{QUOTED}\s*->\s*{QUOTED}\s*\[(.*)\];$")
DOT_ATTRIBUTE = re.compile(rf'(\w+)=(?:{QUOTED}|([^,\s"]+))')


def dot_unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def parse_dot(text: str) -> tuple[dict[str, dict[str, str]], set[tuple[str, str, str]]]:
    """Node statements → {id: attributes}; edge statements → {(from, to, tooltip)}. Every line
    between the braces must be one or the other (or a default attribute statement)."""
    lines = text.strip().splitlines()
    assert lines[1] == "digraph alignment_map {" and lines[-1] == "}"
    nodes: dict[str, dict[str, str]] = {}
    edges: set[tuple[str, str, str]] = set()
    for line in lines[2:-1]:
        if re.match(r"^\s*(graph|node|edge) \[", line):
            continue
        if edge := DOT_EDGE.match(line):
            attributes = attributes_of(edge.group(3))
            edges.add(
                (dot_unescape(edge.group(1)), dot_unescape(edge.group(2)), attributes["tooltip"])
            )
        elif node := DOT_NODE.match(line):
            nodes[dot_unescape(node.group(1))] = attributes_of(node.group(2))
        else:
            raise AssertionError(f"not a node or an edge statement: {line!r}")
    return nodes, edges


def attributes_of(text: str) -> dict[str, str]:
    found = {}
    for name, quoted, bare in DOT_ATTRIBUTE.findall(text):
        found[name] = bare or dot_unescape(quoted)
    return found


def test_it_exports_graphviz_dot_one_statement_per_node_and_edge(map_org: MapOrg) -> None:
    file = export(map_org, "dot")
    assert file.filename == "acme-alignment-map-2026-03-01.dot"
    assert file.content_type == "text/vnd.graphviz; charset=utf-8"
    nodes, edges = parse_dot(file.content)
    # Stories are left out by default: a chart of thousands cannot be read.
    assert set(nodes) == {node_id for node_id, _, _ in expected_nodes(map_org, stories=False)}
    assert edges == expected_edges(map_org, stories=False)
    payments = nodes[f"key_result:{map_org.payments.pk}"]
    assert payments["label"] == "Key result\nOnline payments working\noff track · 10 %"
    assert (payments["fillcolor"], payments["color"]) == ("#fbe7e7", "#8a1c1c")
    on_track = nodes[f"key_result:{map_org.applications.pk}"]
    assert on_track["fillcolor"] == "#e6f4ea"
    orphan = nodes[f"epic:{map_org.chatbot.pk}"]
    assert orphan["label"] == "Epic\nChatbot experiment\norphan work: traces to nothing\n1 story"
    assert (orphan["penwidth"], orphan["color"]) == ("3", "#8a1c1c")
    unsupported = nodes[f"objective:{map_org.statistics.pk}"]
    assert "unsupported: no active work drives it" in unsupported["label"].split("\n")
    assert nodes["mission"]["URL"] == "/o/acme/strategy/identity/"


def test_it_puts_the_stories_in_the_dot_file_when_asked(map_org: MapOrg) -> None:
    nodes, edges = parse_dot(export(map_org, "dot", stories=True).content)
    assert len(nodes) == 24
    assert edges == expected_edges(map_org, stories=True)


# Mermaid -------------------------------------------------------------------------------------

MERMAID_NODE = re.compile(r'^  ([A-Za-z][\w]*)\["([^"]*)"\]$')
MERMAID_EDGE = re.compile(r"^  ([A-Za-z]\w*) (-->|==>|-\.->\|\w+\|) ([A-Za-z]\w*)$")


def mermaid_unescape(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


def parse_mermaid(text: str) -> tuple[dict[str, list[str]], list[tuple[str, str, str]]]:
    lines = text.strip().splitlines()
    assert lines[1] == "flowchart LR"
    nodes: dict[str, list[str]] = {}
    edges: list[tuple[str, str, str]] = []
    for line in lines[2:]:
        if node := MERMAID_NODE.match(line):
            nodes[node.group(1)] = [mermaid_unescape(part) for part in node.group(2).split("<br/>")]
        elif edge := MERMAID_EDGE.match(line):
            edges.append((edge.group(1), edge.group(3), edge.group(2)))
        else:
            assert re.match(r"^  (classDef|class) \w", line), line
    return nodes, edges


def test_it_exports_a_mermaid_flowchart_with_a_class_per_health(map_org: MapOrg) -> None:
    file = export(map_org, "mermaid")
    assert file.filename == "acme-alignment-map-2026-03-01.mmd"
    assert file.content_type == "text/plain; charset=utf-8"
    nodes, edges = parse_mermaid(file.content)
    assert len(nodes) == 18
    assert len(edges) == 18
    assert nodes[f"key_result_{map_org.payments.pk}"] == [
        "Key result",
        "Online payments working",
        "off track · 10 %",
    ]
    assert (f"epic_{map_org.form.pk}", f"key_result_{map_org.payments.pk}", "==>") in edges
    assert (f"epic_{map_org.portal.pk}", f"theme_{map_org.open_data.pk}", "-.->|serves|") in edges
    assert (f"body_{map_org.board.pk}", f"theme_{map_org.faster.pk}", "-.->|owns|") in edges
    assert f"  class epic_{map_org.chatbot.pk} orphan" in file.content.splitlines()
    assert f"  class objective_{map_org.statistics.pk} unsupported" in file.content.splitlines()
    assert f"  class key_result_{map_org.datasets.pk} stalled" in file.content.splitlines()
    with_stories, _ = parse_mermaid(export(map_org, "mermaid", stories=True).content)
    assert len(with_stories) == 24


# Escaping ------------------------------------------------------------------------------------


def test_titles_with_quotes_brackets_line_breaks_and_html_survive_every_format(
    map_org: MapOrg,
) -> None:
    objective = map_org.statistics
    goals.update_objective(map_org.access, objective, version=objective.version, title=NASTY)
    node_id = f"objective:{objective.pk}"

    document = MapOut.model_validate_json(export(map_org, "json").content)
    assert next(n.label for n in document.nodes if n.id == node_id) == NASTY

    nodes, edges = parse_dot(export(map_org, "dot").content)
    assert len(nodes) == 18 and len(edges) == 18  # nothing broke out of its quotes
    lines = nodes[node_id]["label"].split("\n")
    # The title's own line break is a line break in the box too.
    assert lines[:3] == ["Objective", *NASTY.split("\n")]

    text = export(map_org, "mermaid").content
    mermaid_nodes, mermaid_edges = parse_mermaid(text)
    assert len(mermaid_nodes) == 18 and len(mermaid_edges) == 18
    assert mermaid_nodes[f"objective_{objective.pk}"][1] == NASTY.replace("\n", " ")
    box = next(
        line for line in text.splitlines() if line.startswith(f"  objective_{objective.pk}[")
    )
    for raw in ("<b>", '"yes"', "`", "&"):
        assert raw not in box
