"""``{% load delivery_cells %}``: the matrix's cells, an impact's risk in words and its
acknowledge block (:mod:`northline.delivery.cell_html`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from northline.delivery.cell_html import CellWriter, Judged, risk_html

register = template.Library()


def writer_of(context: Any) -> CellWriter:
    """One writer per template rendered (a matrix page builds it once for all its cells)."""
    writer = context.render_context.get(CellWriter)
    if writer is None:
        writer = context.render_context[CellWriter] = CellWriter(context)
    return writer


@register.simple_tag(takes_context=True)
def matrix_cells(context: Any, row: Any) -> SafeString:
    """A matrix row's cells: ``{% matrix_cells row %}`` (``row.feature``, ``row.cells``)."""
    return writer_of(context).row(row.feature, row.cells)


@register.simple_tag
def risk_text(cell: Judged) -> SafeString:
    return mark_safe(risk_html(cell))  # noqa: S308 - fixed words


@register.simple_tag(takes_context=True)
def ack_block(context: Any, cell: Judged, small: bool = False) -> SafeString:
    """The acknowledge block of ``cell``, from the page's ``ack_context``."""
    return mark_safe(writer_of(context).ack(cell, small=bool(small)))  # noqa: S308 - escaped
