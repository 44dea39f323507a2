"""Forms for agreement templates and agreements; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from northline.lab.forms import people_of
from northline.lab.models import (
    AgreementTemplate,
    Side,
)
from northline.lib.web import DomainForm
from northline.orgs.access import Access
from northline.orgs.forms import RecordForm
from northline.orgs.models import Person

# Templates and agreements ------------------------------------------------------------------


class TemplateForm(DomainForm):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TemplateEditForm(TemplateForm, RecordForm):
    prefix = "template"


class SectionForm(DomainForm):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), help_text="Markdown.")
    needs_initials = forms.BooleanField(required=False, initial=True, label="Needs initials")
    position = forms.IntegerField(
        min_value=0, required=False, help_text="Leave empty to add it at the end."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("position") is None:
            data.pop("position", None)
        return data


class SectionEditForm(SectionForm, RecordForm):
    row_prefix = "s"


class AgreementForm(DomainForm):
    template = forms.ModelChoiceField(
        queryset=AgreementTemplate.objects.none(),
        required=False,
        empty_label="No template (start empty)",
        help_text="The agreement copies the template's sections; later edits of the template "
        "do not reach it.",
    )
    title = forms.CharField(
        max_length=200, required=False, help_text="Leave empty to name it after the template."
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template_field = self.fields["template"]
        assert isinstance(template_field, forms.ModelChoiceField)
        template_field.queryset = AgreementTemplate.objects.filter(organization=access.organization)


class SignatoryForm(DomainForm):
    person = forms.ModelChoiceField(queryset=Person.objects.none())
    role = forms.CharField(max_length=200, help_text="For example “Executive sponsor”.")
    side = forms.ChoiceField(choices=Side.choices)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = people_of(access)
