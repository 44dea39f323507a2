"""Forms that parse the goals pages' input; the services decide what is allowed.

Choice fields offer only records of the caller's organization; the services check again, so a
forged id from elsewhere is refused either way.
"""

from __future__ import annotations

from typing import Any

from django import forms

from northline.goals import selectors
from northline.goals.models import KeyResult, Objective, ObjectiveStatus, Period
from northline.goals.selectors import objective_label
from northline.lib import choosers
from northline.lib.web import DateInput, DomainForm
from northline.measures.models import Direction, IndicatorKind
from northline.orgs.access import Access
from northline.orgs.forms import RecordForm, VersionedForm, initial_of
from northline.orgs.models import Person, Team
from northline.strategy.models import Theme


class PeriodForm(DomainForm):
    name = forms.CharField(max_length=100, help_text="For example “Q3 2026” or “2026 H1”.")
    starts_on = forms.DateField(label="Starts on", widget=DateInput)
    ends_on = forms.DateField(label="Ends on", widget=DateInput)


class PeriodEditForm(PeriodForm, RecordForm):
    row_prefix = "p"


class ObjectiveForm(DomainForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Markdown."
    )
    period = forms.ModelChoiceField(queryset=Period.objects.none())
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="The whole organization",
        help_text="Leave as the whole organization for an organization-level objective.",
    )
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    parent = forms.ModelChoiceField(
        queryset=Objective.objects.none(),
        required=False,
        label="Aligned to objective",
        empty_label="None (top level)",
        help_text="An objective of the same period that this one serves.",
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        required=False,
        label="Serves theme",
        empty_label="None",
    )
    # The form metaclass moves declared fields into ``base_fields``, so this does not clash
    # with DomainForm's ``status`` (the HTTP status an instance renders with).
    status = forms.ChoiceField(  # type: ignore[assignment]
        choices=ObjectiveStatus.choices, initial=ObjectiveStatus.ACTIVE
    )

    def __init__(
        self,
        *args: Any,
        access: Access,
        exclude: int | None = None,
        q: str = "",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        org = access.organization
        choices: dict[str, Any] = {
            "period": Period.objects.filter(organization=org),
            "team": Team.objects.filter(organization=org),
            "owner": Person.objects.filter(organization=org),
            "parent": selectors.objectives_matching(access, exclude=[exclude] if exclude else []),
            "theme": Theme.objects.filter(organization=org),
        }
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        self.offer_parents(access, exclude, q)

    def offer_parents(self, access: Access, exclude: int | None, q: str) -> None:
        """The parent select is a chooser (an organization may have 1,425 objectives): all of
        them up to a hundred, else the first fifty matching ``q``, and always the current one.
        Validation still accepts any objective of the organization (one query by id)."""
        excluded = [exclude] if exclude else []
        self.parent_chooser = choosers.chooser(
            selectors.objectives_matching(access, q, exclude=excluded), q, objective_label
        )
        options = list(self.parent_chooser.options)
        current = choosers.chosen_id(self["parent"].value())
        if current is not None and current not in {pk for pk, _ in options}:
            chosen = selectors.objectives_matching(access, exclude=excluded).filter(pk=current)
            options = [(row.pk, objective_label(row)) for row in chosen] + options
        self.fields["parent"].widget = forms.Select(
            choices=[("", "None (top level)"), *options],
            attrs={"data-chooser": "parent", "data-chooser-optional": ""},
        )


class ObjectiveEditForm(ObjectiveForm, VersionedForm):
    @classmethod
    def of(cls, objective: Objective, access: Access, q: str = "") -> ObjectiveEditForm:
        return cls(
            access=access,
            exclude=objective.pk,
            q=q,
            initial=initial_of(objective, cls.base_fields),
        )


class KeyResultFields(DomainForm):
    title = forms.CharField(max_length=200)
    weight = forms.FloatField(
        min_value=0, initial=1, help_text="How much it counts towards the objective."
    )
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    due_date = forms.DateField(label="Due date", required=False, widget=DateInput)
    checkin_every_days = forms.IntegerField(
        label="Check in every (days)",
        min_value=1,
        max_value=365,
        initial=7,
        required=False,
        help_text="Past this many days without a check-in, the owner's My work lists it as due.",
    )

    def clean_checkin_every_days(self) -> int:
        """Left empty: weekly, the default."""
        return self.cleaned_data.get("checkin_every_days") or 7

    def __init__(self, *args: Any, access: Access, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(organization=access.organization)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]


class KeyResultForm(KeyResultFields):
    baseline = forms.FloatField(help_text="Where the measure stands at the start.")
    target = forms.FloatField(help_text="Where it should be at the end; below the baseline to cut.")
    unit = forms.CharField(max_length=40, required=False, help_text="For example %, days, calls.")
    direction = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "From the baseline to the target"), *Direction.choices],
        help_text="Stay above / stay below: a guardrail that holds the target as a line.",
    )
    kind = forms.ChoiceField(
        choices=IndicatorKind.choices,
        initial=IndicatorKind.LAGGING,
        help_text="Lagging: an outcome. Leading: an early signal that predicts one.",
    )


class KeyResultEditForm(KeyResultFields, VersionedForm):
    baseline = forms.FloatField()
    target = forms.FloatField()
    unit = forms.CharField(max_length=40, required=False)

    @classmethod
    def of(cls, key_result: KeyResult, access: Access) -> KeyResultEditForm:
        indicator = key_result.indicator
        return cls(
            access=access,
            initial={
                "title": key_result.title,
                "weight": key_result.weight,
                "owner": key_result.owner_id,
                "due_date": key_result.due_date,
                "checkin_every_days": key_result.checkin_every_days,
                "baseline": indicator.baseline,
                "target": indicator.target,
                "unit": indicator.unit,
                "version": key_result.version,
            },
        )


class CheckInForm(DomainForm):
    value = forms.FloatField(help_text="Where the measure stands now.")
    confidence = forms.IntegerField(
        label="Confidence (%)",
        min_value=0,
        max_value=100,
        required=False,
        help_text="How sure you are of reaching the target, 0 to 100.",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What moved it, or what is in the way.",
    )
