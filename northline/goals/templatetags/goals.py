"""Template filters of the goals pages: ``{% load goals %}``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from northline.goals import tree_html
from northline.goals.selectors import ObjectiveProgress

register = template.Library()
register.filter("status_label", tree_html.status_label)
register.filter("whole_percent", tree_html.whole_percent)


@register.simple_tag(takes_context=True)
def objective_tree(context: Any, nodes: Iterable[ObjectiveProgress]) -> SafeString:
    """Objectives of the cascade with everything aligned below them, from the page's ``org``."""
    return tree_html.TreeWriter(context["org"].slug).nodes(nodes)


@register.simple_tag
def goal_progress(
    progress: float | None, pace: object, label: str, stalled: bool = False, awaiting: bool = False
) -> SafeString:
    """A measure's progress bar and pace (``tree_html.progress_html``)."""
    html = tree_html.progress_html(progress, pace, label, stalled=stalled, awaiting=awaiting)
    return mark_safe(html)  # noqa: S308 - every text is escaped


@register.filter
def measure(value: float | None, unit: str = "") -> str:
    """A measured value with its unit: 61.0, "%" → "61 %"; None → "–"."""
    if value is None:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()
