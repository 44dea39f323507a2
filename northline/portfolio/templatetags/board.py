"""``{% load board %}``: the board's cards (:mod:`northline.portfolio.card_html`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from northline.lib.renderer import csrf_field
from northline.portfolio.card_html import CardWriter
from northline.portfolio.selectors import Card

register = template.Library()


@register.simple_tag(takes_context=True)
def board_cards(context: Any, cards: Iterable[Card]) -> SafeString:
    """Every card of a column, from the page's ``access``, ``org``, ``here`` and ``states``."""
    writer = CardWriter(
        slug=context["org"].slug,
        can_write=context["access"].can_write,
        here=context.get("here", ""),
        csrf_input=csrf_field(context),
        states=context["states"],
    )
    return writer.cards(cards)
