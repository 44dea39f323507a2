"""Template filters of the goals pages: ``{% load goals %}``."""

from __future__ import annotations

from django import template

from northline.goals.models import ObjectiveStatus

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    return dict(ObjectiveStatus.choices).get(status, status)


@register.filter
def whole_percent(share: float | None) -> int:
    """0.425 → 43, for a <progress> value."""
    return round((share or 0) * 100)


@register.filter
def measure(value: float | None, unit: str = "") -> str:
    """A measured value with its unit: 61.0, "%" → "61 %"; None → "–"."""
    if value is None:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()
