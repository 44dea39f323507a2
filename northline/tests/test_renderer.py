"""The form renderer writes a select exactly as Django's templates do, only faster."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from northline.lib.renderer import FormRenderer

NASTY = 'Tom & "Jerry" <script>alert(1)</script>'


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "Alpha"), ("b", NASTY)])
    grouped = forms.ChoiceField(
        choices=[
            ("Teams <&>", [(1, "One"), (2, "Two")]),
            ("Loose", [(3, mark_safe("<em>Three</em>"))]),
            (4, "Four"),
        ]
    )
    many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two"), (3, "Three")])
    attributes = forms.ChoiceField(
        choices=[(True, "Yes"), (False, "No"), (None, "Unknown")],
        widget=forms.Select(
            attrs={"class": 'a "quoted" & odd', "data-x": 0, "disabled": True, "hidden": False}
        ),
    )
    maybe = forms.NullBooleanField()
    radio = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "b", "grouped": "2", "many": ["1", "3"], "attributes": "False", "maybe": "true"},
        {"plain": "<nope>", "grouped": "3", "many": ["9"], "attributes": "None", "radio": "y"},
    ],
)
def test_every_widget_renders_as_djangos_templates_render_it(data: dict[str, Any] | None) -> None:
    fast = Sample(data, renderer=FormRenderer())
    slow = Sample(data, renderer=DjangoTemplates())
    for name in Sample.base_fields:
        assert str(fast[name]) == str(slow[name]), name
    # Not vacuous: the selects did go through the Python path and do carry their options.
    html = str(fast["grouped"])
    assert '<optgroup label="Teams &lt;&amp;&gt;">' in html
    assert "<em>Three</em>" in html
    assert "&lt;script&gt;" in str(fast["plain"]) and "<script>" not in str(fast["plain"])


def test_a_select_is_written_without_its_option_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = FormRenderer()
    used: list[str] = []
    original = DjangoTemplates.render

    def spy(self: Any, template_name: str, context: Any, request: Any = None) -> str:
        used.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    str(Sample(renderer=renderer)["plain"])
    assert used == []
    str(Sample(renderer=renderer)["radio"])
    assert used == ["django/forms/widgets/radio.html"]


def test_the_project_renders_forms_with_it() -> None:
    assert isinstance(get_default_renderer(), FormRenderer)
