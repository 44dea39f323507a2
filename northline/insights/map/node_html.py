"""The map's nodes written in Python rather than through a template per node.

The map page draws 64 nodes of a large organization and a focused branch up to 400
(``selectors.FOCUS_BUDGET``); through Django's template engine each took two nested includes and
some 40 variable lookups, some 14 % of the map page's time in one profiled request
(docs/benchmarks.md). Here a node is one string: every text and URL is escaped as the template
escaped it (``lib.renderer.escaped``). The page and a branch fragment (what ``map.js`` inserts
when a node opens) are written by the same two functions, so a node reads the same either way.
``tests/test_node_html.py`` holds the markup: escaping, open and collapsed branches, the page of
more children, health and flags.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from northline.insights.map.selectors import Node, NodeHealth, Shown
from northline.lib.renderer import escaped as esc


def plural(number: int) -> str:
    """``{{ number|pluralize }}``."""
    return "" if number == 1 else "s"


def health_html(health: NodeHealth | None, kind: str) -> str:
    """A node's pace and whether it moves, in the words and colours of the legend."""
    if health is None:
        return '<span class="health health-none">no indicators</span>' if kind == "theme" else ""
    percent = health.percent
    share = f" · {percent} %" if health.pace and percent is not None else ""
    stalled = ' <span class="health health-stalled">not moving</span>' if health.stalled else ""
    return f'<span class="health {esc(health.css)}">{esc(health.word)}{share}</span>{stalled}'


def facts_html(node: Node) -> str:
    """The badges under a node's title: team, status, work, health, flags, owning bodies."""
    facts = []
    if node.team:
        facts.append(f'<span class="badge owner">{esc(node.team)}</span>')
    if node.status:
        facts.append(f'<span class="badge">{esc(node.status)}</span>')
    if node.kind == "epic":
        points = node.active_points or 0
        facts.append(
            f'<span class="muted small">{points} point{plural(points)} in To do or Doing</span>'
        )
    if node.estimate is not None:
        estimate = node.estimate
        facts.append(f'<span class="muted small">{estimate} point{plural(estimate)}</span>')
    facts.append(health_html(node.health, node.kind))
    facts.extend(
        f'<span class="map-flag flag-{esc(flag)}">{esc(words)}</span>'
        for flag, words in node.flag_words
    )
    if node.bodies:
        links = "".join(
            f'<a class="map-body" href="{esc(body.url)}">{esc(body.name)}</a>'
            for body in node.bodies
        )
        facts.append(f'<span class="map-bodies">owned by {links}</span>')
    return "\n      ".join(fact for fact in facts if fact)


def node_html(item: Shown) -> str:
    """One node as a list item: its card, then its children open, or collapsed behind a link
    (``map.js`` fetches them from ``branch_url``; without script ``focus_url`` opens them)."""
    node = item.node
    flags = "".join(f" is-{esc(flag)}" for flag in node.flags)
    label = esc(node.label)
    if node.url:
        title = f'<a class="map-title" href="{esc(node.url)}">{label}</a>'
    else:
        title = f'<span class="map-title">{label}</span>'
    note = f'\n    <p class="map-note">{esc(node.note)}</p>' if node.note else ""
    if item.child_count:
        below = (
            f'\n    <ul class="map-children">\n{branch_html(item)}    </ul>'
            if item.children is not None
            else f'\n    <p class="map-fallback"><a href="{esc(item.focus_url)}">'
            "Open this branch</a></p>"
        )
        opened = " open data-loaded" if item.children is not None else ""
        after = (
            f'\n  <details class="map-branch"{opened} data-branch-url="{esc(item.branch_url)}">'
            f'\n    <summary>{esc(item.summary)}<span class="visually-hidden"> under {label}'
            f"</span></summary>{below}\n  </details>"
        )
    elif item.empty_text:
        after = f'\n  <p class="map-empty">{esc(item.empty_text)}</p>'
    else:
        after = ""
    return (
        f'<li class="map-node kind-{esc(node.kind)}{flags}" data-node="{esc(node.id)}">\n'
        '  <div class="map-card">\n'
        '    <div class="map-head">\n'
        f'      <span class="map-kind">{esc(node.kind_label)}</span>\n'
        f"      {title}\n"
        "    </div>\n"
        '    <div class="map-facts">\n'
        f"      {facts_html(node)}\n"
        f"    </div>{note}\n"
        f"  </div>{after}\n"
        "</li>\n"
    )


def more_html(item: Shown) -> str:
    """The link to the next page of a node's children."""
    return (
        f'<li class="map-more"><a class="button small" href="{esc(item.more_focus_url)}" '
        f'data-more="{esc(item.more_branch_url)}">Show {item.next_page} more '
        f'<span class="muted">of {item.remaining} left</span></a></li>\n'
    )


def branch_html(item: Shown) -> str:
    """A node's children as drawn (list items), and the link to the next page if any."""
    children = "".join(node_html(child) for child in item.children or ())
    return children + (more_html(item) if item.more_offset is not None else "")


def tree_html(root: Shown) -> SafeString:
    """The tree of a page, from its root."""
    return mark_safe(node_html(root))  # noqa: S308 - every text and URL is escaped


def fragment_html(item: Shown) -> SafeString:
    """What a branch request answers: the children of ``item``, for ``map.js`` to insert."""
    return mark_safe(branch_html(item))  # noqa: S308 - every text and URL is escaped
