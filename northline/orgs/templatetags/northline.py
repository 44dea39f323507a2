"""Template filters and tags every app's pages share: ``{% load northline %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from northline.lib.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Render Markdown prose as sanitized HTML."""
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3 has sanitized it


@register.filter
def percent(share: float | None) -> str:
    """0.425 → "43 %"; None → "–"."""
    if share is None:
        return "–"
    return f"{round(share * 100)} %"


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], number: int, param: str = "page") -> str:
    """The current query string with ``param`` set to ``number``: a pagination link keeps
    the page's filters (``?team=4&page=2``) and drops the empty ones (``?team=``)."""
    query = context["request"].GET.copy()
    for name in [name for name, values in query.lists() if not any(values)]:
        del query[name]
    query[param] = str(number)
    return f"?{query.urlencode()}"
