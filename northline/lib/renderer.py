"""How forms render their widgets: Django's templates, except a select's options; and the two
pieces every HTML fragment written in Python needs (``escaped`` and ``csrf_field``).

Django renders every ``<option>`` of a select through two template includes. A filter of the
board or a key result's edit form chooses among a few hundred people or teams, so those
includes were much of the page’s time (about half of a key result’s page on an organization
of 200 people). :class:`FormRenderer` writes a plain select in Python instead, with the same
markup and the same escaping as Django's ``select.html``, ``select_option.html`` and
``attrs.html`` (the renderer strips the whole, as Django's does); everything else goes to the
templates as before. ``tests/test_renderer.py`` holds the two outputs equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def escaped(value: Any) -> str:
    """``{{ value }}`` as a template writes it: escaped, unless it is already safe."""
    return str(conditional_escape(value))


def csrf_field(context: Any) -> str:
    """``{% csrf_token %}`` of a template's ``context``: the hidden field (none without a token)."""
    return str(CsrfTokenNode().render(context))


def text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: str() of it, escaped unless it is already safe."""
    return str(conditional_escape(value if isinstance(value, SafeData) else str(value)))


def attrs_html(attrs: Mapping[str, Any]) -> str:
    """``attrs.html``: ` name="value"` each, ` name` alone for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: Mapping[str, Any]) -> SafeString | None:
    """``select.html`` for a widget whose options all use Django's option template, else None."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                f'\n  <option value="{text(option["value"])}"{attrs_html(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


class FormRenderer(DjangoTemplates):
    """Django's renderer with selects written in Python (``settings.FORM_RENDERER``)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)
