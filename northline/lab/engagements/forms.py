"""Forms that parse the engagement pages' input; the services decide what is allowed.

Choice fields offer only records of the caller's organization; the services check again.
"""

from __future__ import annotations

from typing import Any

from django import forms

from northline.lab.engagements.rules import CHECK_KEYS
from northline.lab.models import (
    Course,
    PhaseItemKind,
    TrainingStatus,
)
from northline.lib.web import DateInput, DomainForm
from northline.orgs.access import Access
from northline.orgs.forms import RecordForm as OrgRecordForm
from northline.orgs.forms import VersionedForm
from northline.orgs.models import Person, Team, TeamRole


class EngagementForm(DomainForm):
    title = forms.CharField(max_length=200)
    partner_organization = forms.CharField(max_length=200, label="Partner organization")
    business_area = forms.CharField(max_length=200, required=False, label="Business area")
    product = forms.CharField(max_length=200, required=False)
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, help_text="The partner's product team."
    )
    product_owner = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, label="Product owner"
    )
    executive_sponsor = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, label="Executive sponsor"
    )
    start_date = forms.DateField(required=False, widget=DateInput, label="Start date")
    graduation_window_start = forms.DateField(
        required=False, widget=DateInput, label="Graduation window opens"
    )
    graduation_window_end = forms.DateField(
        required=False, widget=DateInput, label="Graduation window closes"
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = access.organization
        self.fields["team"].queryset = Team.objects.filter(organization=org)  # type: ignore[attr-defined]
        people = Person.objects.filter(organization=org)
        self.fields["product_owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["executive_sponsor"].queryset = people  # type: ignore[attr-defined]


class EngagementEditForm(EngagementForm, OrgRecordForm):
    """The engagement's fields as they are, the people and the team by their ids."""


class ItemStateForm(VersionedForm):
    state = forms.ChoiceField(choices=[("open", "Open"), ("met", "Met")])
    evidence = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What shows it is met: a link, a date, a document.",
    )


class WaiveForm(VersionedForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the gate may open without this; it goes into the decision log.",
    )


class ReasonForm(VersionedForm):
    """Graduating or pivoting away: a reason, and the engagement's version the page showed."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="It goes into the decision log."
    )


class AssessmentForm(VersionedForm):
    met = forms.TypedChoiceField(
        choices=[("", "Not assessed"), ("yes", "Met"), ("no", "Not met")],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
    )
    evidence = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PhaseForm(DomainForm):
    name = forms.CharField(max_length=100)
    key = forms.SlugField(max_length=40, help_text="A stable short name, e.g. “align”.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PhaseEditForm(PhaseForm, OrgRecordForm):
    row_prefix = "ph"


def check_key_choices() -> list[tuple[str, str]]:
    return [("", "None (checked by people)")] + [(key, key) for key in sorted(CHECK_KEYS)]


class PhaseItemForm(DomainForm):
    kind = forms.ChoiceField(choices=PhaseItemKind.choices)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    check_key = forms.ChoiceField(
        choices=check_key_choices, required=False, label="Checked automatically by"
    )


class PhaseItemEditForm(PhaseItemForm, OrgRecordForm):
    row_prefix = "it"


ROLE_CHOICES = TeamRole.choices


class CourseForm(DomainForm):
    name = forms.CharField(max_length=200)
    provider = forms.CharField(max_length=200, required=False)
    hours = forms.DecimalField(required=False, min_value=0, max_digits=6, decimal_places=1)
    audience_roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Meant for",
    )


class CourseEditForm(CourseForm, OrgRecordForm):
    row_prefix = "c"


class RequirementForm(DomainForm):
    role = forms.ChoiceField(choices=ROLE_CHOICES)
    course = forms.ModelChoiceField(queryset=Course.objects.none())

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(  # type: ignore[attr-defined]
            organization=access.organization
        )


class RecordForm(DomainForm):
    person = forms.ModelChoiceField(queryset=Person.objects.none())
    course = forms.ModelChoiceField(queryset=Course.objects.none())
    status = forms.ChoiceField(choices=TrainingStatus.choices)  # type: ignore[assignment]
    completed_on = forms.DateField(
        required=False, widget=DateInput, label="Completed on", help_text="Today if left empty."
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = access.organization
        self.fields["person"].queryset = Person.objects.filter(organization=org)  # type: ignore[attr-defined]
        self.fields["course"].queryset = Course.objects.filter(organization=org)  # type: ignore[attr-defined]


class RecordEditForm(OrgRecordForm):
    row_prefix = "r"
    status = forms.ChoiceField(choices=TrainingStatus.choices)  # type: ignore[assignment]
    completed_on = forms.DateField(required=False, widget=DateInput, label="Completed on")
