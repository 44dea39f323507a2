"""Forms for experts in residence and requests; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from northline.lab.forms import people_of
from northline.lab.models import (
    Engagement,
    Expert,
)
from northline.lib.web import DomainForm
from northline.orgs.access import Access
from northline.orgs.forms import VersionedForm
from northline.orgs.models import Person

# Experts -------------------------------------------------------------------------------------


class ExpertForm(DomainForm):
    person = forms.ModelChoiceField(queryset=Person.objects.none())
    areas = forms.CharField(
        max_length=500, help_text="Separated by commas, e.g. service design, privacy and security."
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = people_of(access)


class RequestForm(DomainForm):
    engagement = forms.ModelChoiceField(queryset=Engagement.objects.none())
    area = forms.CharField(max_length=100)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        engagement_field = self.fields["engagement"]
        assert isinstance(engagement_field, forms.ModelChoiceField)
        engagement_field.queryset = Engagement.objects.filter(organization=access.organization)


class RequestMoveForm(VersionedForm):
    to = forms.ChoiceField(
        choices=[
            ("assigned", "Assign"),
            ("done", "Done"),
            ("declined", "Decline"),
            ("open", "Reopen"),
        ]
    )
    expert = forms.ModelChoiceField(queryset=Expert.objects.none(), required=False)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        expert_field = self.fields["expert"]
        assert isinstance(expert_field, forms.ModelChoiceField)
        expert_field.queryset = Expert.objects.filter(
            organization=access.organization
        ).select_related("person")
