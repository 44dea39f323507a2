"""Template filters every app's pages share: ``{% load northline %}``."""

from __future__ import annotations

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
