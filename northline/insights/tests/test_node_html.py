"""The map's nodes as ``node_html`` writes them: every text and URL escaped, a branch open with
its children or collapsed behind its links, the next page of children, health and flags."""

from __future__ import annotations

from northline.insights.map.node_html import fragment_html, health_html, tree_html
from northline.insights.map.selectors import BodyLabel, Node, NodeHealth, Shown
from northline.measures.rules import Pace

HOSTILE = '<img src=x onerror="alert(1)"> & “Harbour”'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; “Harbour”"


def item(node: Node, **shown) -> Shown:
    defaults = {"edge": None, "child_count": 0, "summary": ""}
    return Shown(node=node, **{**defaults, **shown})


def test_it_escapes_every_text_and_url_of_a_node() -> None:
    node = Node(
        id="theme:7",
        kind="theme",
        label=HOSTILE,
        record_id=7,
        url='/o/acme/strategy/themes/7/?a=1&b="2"',
        status=HOSTILE,
        note=HOSTILE,
        bodies=[BodyLabel(3, HOSTILE, "/o/acme/strategy/bodies/3/?x=<y>")],
    )
    html = tree_html(
        item(
            node,
            child_count=4,
            summary=HOSTILE,
            branch_url="/o/acme/insights/map/branch/?node=theme%3A7&period=all",
            focus_url="/o/acme/insights/map/?focus=theme%3A7&period=all",
        )
    )
    assert "<img src=x" not in html
    url = "/o/acme/strategy/themes/7/?a=1&amp;b=&quot;2&quot;"
    assert f'<a class="map-title" href="{url}">{ESCAPED}</a>' in html
    assert f'<span class="badge">{ESCAPED}</span>' in html
    assert f'<p class="map-note">{ESCAPED}</p>' in html
    assert (
        f'<span class="map-bodies">owned by <a class="map-body" '
        f'href="/o/acme/strategy/bodies/3/?x=&lt;y&gt;">{ESCAPED}</a></span>'
    ) in html
    assert (
        f'<summary>{ESCAPED}<span class="visually-hidden"> under {ESCAPED}</span></summary>'
    ) in html
    assert 'data-branch-url="/o/acme/insights/map/branch/?node=theme%3A7&amp;period=all"' in html


def test_a_collapsed_branch_links_to_the_focused_map_and_an_open_one_holds_its_children() -> None:
    objective = Node(id="objective:5", kind="objective", label="Quieter harbour", team="Ops")
    key_result = Node(id="key_result:9", kind="key_result", label="Noise under 60 dB")
    collapsed = tree_html(
        item(objective, child_count=1, summary="1 key result", focus_url="/map/?focus=o5")
    )
    assert '<details class="map-branch" data-branch-url="">' in collapsed
    assert '<p class="map-fallback"><a href="/map/?focus=o5">Open this branch</a></p>' in collapsed
    assert "map-children" not in collapsed
    opened = tree_html(
        item(objective, child_count=1, summary="1 key result", children=[item(key_result)])
    )
    assert '<details class="map-branch" open data-loaded data-branch-url="">' in opened
    assert "map-fallback" not in opened
    children = opened.split('<ul class="map-children">')[1]
    assert 'data-node="key_result:9"' in children
    assert '<span class="badge owner">Ops</span>' in opened
    # A node with nothing below says what to add instead of drawing an empty branch.
    empty = tree_html(item(key_result, empty_text="No epic drives this key result yet."))
    assert '<p class="map-empty">No epic drives this key result yet.</p>' in empty
    assert "<details" not in empty


def test_a_branch_fragment_ends_with_the_next_page_of_children() -> None:
    parent = Node(id="group:orphans", kind="group", label="Work that traces to nothing")
    epics = [
        item(Node(id=f"epic:{pk}", kind="epic", label=f"Epic {pk}", active_points=pk - 1))
        for pk in (1, 2, 3)
    ]
    html = fragment_html(
        item(
            parent,
            child_count=120,
            children=epics,
            offset=50,
            more_offset=53,
            more_branch_url="/branch/?node=group%3Aorphans&offset=53",
            more_focus_url="/map/?focus=group%3Aorphans&offset=53",
        )
    )
    assert html.count('<li class="map-node kind-epic"') == 3
    assert '<span class="muted small">0 points in To do or Doing</span>' in html
    assert '<span class="muted small">1 point in To do or Doing</span>' in html
    assert '<span class="muted small">2 points in To do or Doing</span>' in html
    assert html.endswith(
        '<li class="map-more"><a class="button small" '
        'href="/map/?focus=group%3Aorphans&amp;offset=53" '
        'data-more="/branch/?node=group%3Aorphans&amp;offset=53">Show 50 more '
        '<span class="muted">of 67 left</span></a></li>\n'
    )
    last = fragment_html(item(parent, child_count=3, children=epics))
    assert "map-more" not in last


def test_health_flags_and_estimates_read_as_the_legend_says() -> None:
    assert health_html(None, "theme") == '<span class="health health-none">no indicators</span>'
    assert health_html(None, "epic") == ""
    at_risk = NodeHealth(pace=Pace.AT_RISK, stalled=True, progress=0.426)
    assert health_html(at_risk, "key_result") == (
        '<span class="health health-at_risk">at risk · 43 %</span> '
        '<span class="health health-stalled">not moving</span>'
    )
    unmeasured = NodeHealth(pace=Pace.ON_TRACK, progress=None)
    assert health_html(unmeasured, "epic") == '<span class="health health-on_track">on track</span>'
    story = Node(id="story:4", kind="story", label="Survey", estimate=1, status="To do")
    html = tree_html(item(story))
    assert '<span class="muted small">1 point</span>' in html
    assert "in To do or Doing" not in html  # only epics count their active work
    flagged = Node(id="epic:8", kind="epic", label="Drift", flags=["orphan", "no_active_work"])
    html = tree_html(item(flagged))
    assert '<li class="map-node kind-epic is-orphan is-no_active_work" data-node="epic:8">' in html
    assert '<span class="map-flag flag-orphan">orphan work: traces to nothing</span>' in html
    assert '<span class="map-flag flag-no_active_work">no stories in To do or Doing</span>' in html
