"""Forms for alignment sessions and commitments; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from northline.lab.forms import people_of
from northline.lab.models import (
    Commitment,
)
from northline.lib.web import DateInput, DomainForm
from northline.orgs.access import Access
from northline.orgs.forms import RecordForm, VersionedForm
from northline.orgs.models import Person

# Sessions ------------------------------------------------------------------------------------


class SessionForm(DomainForm):
    title = forms.CharField(max_length=200)
    starts_on = forms.DateField(label="First day", widget=DateInput)
    ends_on = forms.DateField(
        label="Last day", widget=DateInput, help_text="The same day or the next: 1 or 2 days."
    )
    facilitators = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    attendees = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    agenda = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown."
    )
    outcomes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown."
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("facilitators", "attendees"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = people_of(access)


class SessionEditForm(SessionForm, RecordForm):
    """The session's fields as they are, its people by their ids."""


class CommitmentForm(DomainForm):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=Person.objects.none())
    due_on = forms.DateField(label="Due on", widget=DateInput)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = people_of(access)


class CommitmentDoneForm(VersionedForm):
    done = forms.BooleanField(required=False)

    @classmethod
    def of(cls, commitment: Commitment) -> CommitmentDoneForm:
        return cls(
            prefix=f"c{commitment.pk}",
            initial={"done": not commitment.done, "version": commitment.version},
        )
