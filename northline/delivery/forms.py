"""Forms that parse the delivery pages' input; the services decide what is allowed.

Choice fields offer only records of the caller's organization; the services check again, so a
forged id from elsewhere is refused either way.
"""

from __future__ import annotations

from typing import Any, Self

from django import forms

from northline.delivery.models import (
    Feature,
    FeatureKind,
    ImpactRole,
    Release,
    ReleaseStatus,
)
from northline.delivery.selectors import LeadTime
from northline.delivery.webhooks import EVENTS
from northline.lib.web import DateInput, DomainForm
from northline.orgs.access import Access
from northline.orgs.forms import RecordForm, limit_to_org
from northline.orgs.models import Team
from northline.portfolio.models import Epic


class MatrixFilterForm(forms.Form):
    """The matrix's GET filters: some releases, some teams; none chosen shows all."""

    release = forms.ModelMultipleChoiceField(
        queryset=Release.objects.none(),
        required=False,
        label="Releases",
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    team = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),
        required=False,
        label="Teams",
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        limit_to_org(self, access, release=Release.objects.all(), team=Team.objects.all())

    def ids(self) -> dict[str, list[int] | None]:
        """The chosen ids by filter name (None: no filter); an invalid form filters nothing."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            name: ([record.pk for record in chosen] if (chosen := data.get(name)) else None)
            for name in ("release", "team")
        }


class ReleaseForm(DomainForm):
    name = forms.CharField(max_length=200, help_text="For example “Spring 2026”.")
    planned_date = forms.DateField(label="Planned date", widget=DateInput)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Markdown."
    )


class ReleaseEditForm(ReleaseForm, RecordForm):
    """The release's fields as they are."""


class DecideForm(DomainForm):
    """Deciding a release; the reason is needed only when an impactee has not acknowledged."""

    override_reason = forms.CharField(
        label="Override reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the release goes ahead before every impacted team has acknowledged. "
        "It is kept in the decision log.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VersionOnlyForm(DomainForm):
    """A button that changes a record's status: only the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FeatureForm(DomainForm):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=FeatureKind.choices, initial=FeatureKind.FEATURE)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Markdown."
    )
    owner_team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, label="Owner team"
    )
    epic = forms.ModelChoiceField(queryset=Epic.objects.none(), required=False)
    release = forms.ModelChoiceField(queryset=Release.objects.none(), required=False)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_org(
            self,
            access,
            owner_team=Team.objects.all(),
            epic=Epic.objects.all(),
            release=Release.objects.exclude(
                status__in=[ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED]
            ),
        )


class FeatureEditForm(FeatureForm, RecordForm):
    @classmethod
    def of(cls, record: Feature, **options: Any) -> Self:
        form = super().of(record, **options)
        if record.release_id is not None:
            # Its own release stays choosable even once released or cancelled.
            field = form.fields["release"]
            field.queryset = field.queryset | Release.objects.filter(pk=record.release_id)  # type: ignore[attr-defined]
        return form


class ImpactForm(DomainForm):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    role = forms.ChoiceField(
        choices=ImpactRole.choices,
        initial=ImpactRole.IMPACTEE,
        help_text="Impactor: the team causes the change. Impactee: the team must adapt.",
    )
    what_changes = forms.CharField(
        label="What changes for the team", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    what_is_needed = forms.CharField(
        label="What it needs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Training material, call scripts, …",
    )
    lead_time_days = forms.IntegerField(
        label="Lead time (days)",
        min_value=0,
        required=False,
        help_text="Days of notice this change needs; blank: the team's default.",
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_org(self, access, team=Team.objects.all())


class ImpactEditForm(RecordForm):
    row_prefix = "i"
    role = ImpactForm.base_fields["role"]
    what_changes = ImpactForm.base_fields["what_changes"]
    what_is_needed = ImpactForm.base_fields["what_is_needed"]
    lead_time_days = ImpactForm.base_fields["lead_time_days"]


class LeadTimeForm(DomainForm):
    days = forms.IntegerField(
        label="Lead time (days)",
        min_value=0,
        help_text="Days of notice the team needs before a change reaches it.",
    )


class LeadTimesForm(DomainForm):
    """One default lead time per team, in days."""

    def __init__(self, *args: Any, teams: list[LeadTime], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in teams:
            self.fields[f"team_{row.team.pk}"] = forms.IntegerField(
                label=row.team.name, min_value=0, max_value=365, initial=row.days
            )


class WebhookForm(DomainForm):
    url = forms.URLField(
        label="URL", max_length=500, assume_scheme="https", help_text="Receives signed JSON POSTs."
    )
    events = forms.MultipleChoiceField(
        choices=[(event, event) for event in EVENTS],
        widget=forms.CheckboxSelectMultiple,
        initial=["notice.sent"],
    )


class CalendarFeedForm(DomainForm):
    label = forms.CharField(max_length=200, help_text="Whose calendar it is for.")
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="The whole organization",
        help_text="A team's feed holds the releases and experiments that impact it.",
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_org(self, access, team=Team.objects.all())


class TeamFeedForm(DomainForm):
    label = forms.CharField(max_length=200, help_text="Whose calendar it is for.")
