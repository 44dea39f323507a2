"""Filters of the strategy pages: ``{% load strategy %}``."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(amount: Decimal | float | int | None) -> str:
    """12500.5 → "12,500.50"; whole amounts lose their cents: 12500 → "12,500"."""
    if amount is None:
        return "–"
    value = Decimal(amount)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


@register.filter
def whole_percent(share: float | None) -> int:
    """0.426 → 43, clamped to 0–100, for <progress> values and labels."""
    if share is None:
        return 0
    return max(0, min(100, round(share * 100)))
