"""Forms for the governance pages; the services decide what is allowed.

Choice fields offer only records of the caller's organization, and the services check again,
so a forged id from elsewhere is refused either way.
"""

from __future__ import annotations

from typing import Any

from django import forms

from northline.lab.models import (
    AgreementSection,
    AgreementTemplate,
    AlignmentSession,
    Commitment,
    Engagement,
    Expert,
    Side,
    TemplateSection,
)
from northline.lib.web import DomainForm
from northline.orgs.access import Access
from northline.orgs.forms import VersionedForm
from northline.orgs.models import Person


class DateInput(forms.DateInput):
    input_type = "date"


def people_of(access: Access) -> Any:
    return Person.objects.filter(organization=access.organization).order_by("name", "id")


# Templates and agreements ------------------------------------------------------------------


class TemplateForm(DomainForm):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TemplateEditForm(TemplateForm, VersionedForm):
    @classmethod
    def of(cls, template: AgreementTemplate) -> TemplateEditForm:
        return cls(
            prefix="template",
            initial={
                "name": template.name,
                "description": template.description,
                "version": template.version,
            },
        )


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


class SectionEditForm(SectionForm, VersionedForm):
    @classmethod
    def of(cls, section: AgreementSection | TemplateSection) -> SectionEditForm:
        return cls(
            prefix=f"s{section.pk}",
            initial={
                "title": section.title,
                "body": section.body,
                "needs_initials": section.needs_initials,
                "position": section.position,
                "version": section.version,
            },
        )


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


class VersionOnlyForm(VersionedForm):
    """A button that changes state (circulate, terminate, a request's move)."""


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


class SessionEditForm(SessionForm, VersionedForm):
    @classmethod
    def of(cls, session: AlignmentSession, access: Access) -> SessionEditForm:
        return cls(
            access=access,
            initial={
                "title": session.title,
                "starts_on": session.starts_on,
                "ends_on": session.ends_on,
                "facilitators": [p.pk for p in session.facilitators.all()],
                "attendees": [p.pk for p in session.attendees.all()],
                "agenda": session.agenda,
                "outcomes": session.outcomes,
                "version": session.version,
            },
        )


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


# Budget --------------------------------------------------------------------------------------


class BudgetForm(VersionedForm):
    budget_low = forms.DecimalField(
        label="Planned budget, low", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    budget_high = forms.DecimalField(
        label="Planned budget, high", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    monthly_lab_cost = forms.DecimalField(
        label="Lab hosting cost per month",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    currency = forms.CharField(min_length=3, max_length=3, help_text="Three letters, e.g. EUR.")

    @classmethod
    def of(cls, engagement: Engagement) -> BudgetForm:
        return cls(
            prefix="budget",
            initial={
                "budget_low": engagement.budget_low,
                "budget_high": engagement.budget_high,
                "monthly_lab_cost": engagement.monthly_lab_cost,
                "currency": engagement.currency,
                "version": engagement.version,
            },
        )


class ExpenseForm(DomainForm):
    spent_on = forms.DateField(label="Spent on", widget=DateInput)
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    category = forms.CharField(max_length=100, help_text="For example “Contractors”.")
    note = forms.CharField(max_length=300, required=False)


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


# Reports -------------------------------------------------------------------------------------


class ReportLinkForm(DomainForm):
    label = forms.CharField(
        max_length=200, help_text="Who the link is for, e.g. “Ministry executive committee”."
    )
