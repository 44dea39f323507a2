"""The goals cascade's objectives and a measure's progress bar, written in Python.

The goals page draws a period's cascade, a tree of objectives each with its key results;
through Django's template engine each objective took its own include plus the progress bar's
(some 50 variable lookups and two URL reversals): the goals page of all 1,425 objectives of a
large organization took 1.7 s of CPU, 0.4 s once written here (docs/benchmarks.md). Here an
objective is one string: every text is escaped as the template escaped it
(``lib.renderer.escaped``) and each kind of link is reversed once per page
(``orgs.pages.RecordUrls``). ``goals/_progress.html`` (a key result's, an objective's, an
epic's indicators) writes its bar through :func:`progress_html` too, so the bar reads the same
on every page. ``tests/test_tree_html.py`` holds the markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from northline.goals.models import ObjectiveStatus
from northline.goals.selectors import KeyResultProgress, ObjectiveProgress
from northline.lib.renderer import escaped as esc
from northline.measures.rules import AWAITING_LABEL, awaiting_rule, stalled_rule
from northline.measures.templatetags.measures import pace_label, pace_rule
from northline.orgs.pages import RecordUrls


def whole_percent(share: float | None) -> int:
    """0.425 → 43, for a ``<progress>`` value."""
    return round((share or 0) * 100)


def status_label(status: str) -> str:
    """``draft`` → "Draft"; anything that is no status as it is."""
    return dict(ObjectiveStatus.choices).get(status, status)


def progress_html(
    progress: float | None,
    pace: object,
    label: str,
    *,
    stalled: bool = False,
    awaiting: bool = False,
) -> str:
    """A measure's progress bar with its pace badge (or "No readings yet"), and, when it is not
    moving, the badge and the sentence that read pace and "not moving" as one statement."""
    percent = whole_percent(progress)
    words, rule = pace_label(pace), pace_rule(pace)
    pace_class = esc(pace)
    if awaiting:
        badge = (
            f'<span class="badge pace pace-awaiting" title="{esc(AWAITING_LABEL)}: '
            f'{esc(awaiting_rule())}">{esc(AWAITING_LABEL)}</span>'
        )
    else:
        badge = (
            f'<span class="badge pace pace-{pace_class}" title="{esc(words)}: {esc(rule)}">'
            f"{esc(words)}</span>"
        )
    if stalled:
        still = esc(stalled_rule())
        badge += (
            f'\n  <span class="badge stalled" title="Not moving: {still}">Not moving</span>'
            f'\n  <span class="pace-and-stalled">{esc(words)} for the period, but the value is '
            f"not moving: {still}.</span>"
        )
    return (
        f'<div class="goal-progress pace-{pace_class}">\n'
        f'  <progress max="100" value="{percent}" aria-label="{esc(label)}">'
        f"{percent} %</progress>\n"
        f'  <span class="goal-percent">{percent} %</span>\n'
        f"  {badge}\n"
        "</div>"
    )


class TreeWriter:
    """The objectives of one page's cascade, with the links they share reversed once."""

    def __init__(self, slug: str) -> None:
        self.urls = RecordUrls(slug)

    def nodes(self, nodes: Iterable[ObjectiveProgress]) -> SafeString:
        return mark_safe("".join(self.node(node) for node in nodes))  # noqa: S308 - escaped

    def node(self, node: ObjectiveProgress) -> str:
        """An objective as a list item: its card (owner, status, progress, key results), then
        the objectives aligned to it."""
        objective = node.objective
        pk = objective.pk
        title = esc(objective.title)
        team = objective.team
        owner = (
            f'<span class="badge owner">{esc(team.name)}</span>'
            if team is not None
            else '<span class="badge owner org-level">Organization</span>'
        )
        status = ""
        if objective.status != ObjectiveStatus.ACTIVE:
            status = (
                f'<span class="badge status-{esc(objective.status)}">'
                f"{esc(status_label(objective.status))}</span>"
            )
        if node.key_results:
            results = "".join(self.key_result(result) for result in node.key_results)
            below = f'<ul class="kr-list">\n{results}    </ul>'
        elif not node.children:
            below = '<p class="muted small">No key results yet.</p>'
        else:
            below = ""
        children = ""
        if node.children:
            children = (
                f'\n  <ul class="tree" aria-label="Aligned to {title}">\n'
                f"{''.join(self.node(child) for child in node.children)}  </ul>"
            )
        bar = progress_html(node.progress, node.pace, f"Progress of {objective.title}")
        return (
            '<li class="tree-node">\n'
            f'  <article class="node-card" aria-labelledby="objective-{pk}">\n'
            '    <div class="node-head">\n'
            f'      <a id="objective-{pk}" class="node-title" '
            f'href="{self.urls("goals.objective", pk)}">{title}</a>\n'
            f"      {owner}\n"
            f"      {status}\n"
            "    </div>\n"
            f"    {bar}\n"
            f"    {below}\n"
            f"  </article>{children}\n"
            "</li>\n"
        )

    def key_result(self, result: KeyResultProgress) -> str:
        pace = esc(result.pace)
        stalled = (
            '\n        <span class="badge stalled">Not moving</span>' if result.stalled else ""
        )
        return (
            "      <li>\n"
            f'        <a href="{self.urls("goals.keyresult", result.key_result.pk)}">'
            f"{esc(result.key_result.title)}</a>\n"
            '        <span class="kr-figures"><span class="kr-percent">'
            f"{whole_percent(result.progress)} %</span>\n"
            f'        <span class="badge pace pace-{pace}">{esc(pace_label(result.pace))}</span>'
            f"{stalled}</span>\n"
            "      </li>\n"
        )
