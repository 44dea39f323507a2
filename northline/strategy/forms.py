"""Forms that parse the strategy pages' input; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet

from northline.lib.web import DateInput, DomainForm
from northline.measures.models import Indicator, IndicatorKind
from northline.orgs import selectors as org_selectors
from northline.orgs.access import Access
from northline.orgs.forms import RecordForm, VersionedForm, initial_of
from northline.orgs.models import Person, Team
from northline.strategy.models import (
    Authority,
    BodyKind,
    CoalitionBody,
    Decision,
    DecisionStatus,
    DecisionTopic,
    IdentityRevision,
    Investment,
    ResponsibilityKind,
    SwotKind,
    Theme,
    ThemeStatus,
    ValueStream,
)
from northline.strategy.selectors import value_streams


def date_field(label: str | None = None, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput)


def text_area(rows: int = 3, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        required=required, widget=forms.Textarea(attrs={"rows": rows}), strip=True, **kwargs
    )


def checkboxes(queryset: QuerySet[Any]) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=queryset, required=False, widget=forms.CheckboxSelectMultiple
    )


def set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any] | None) -> None:
    if queryset is not None:
        form.fields[name].queryset = queryset  # type: ignore[attr-defined]


def theme_choices(access: Access) -> QuerySet[Theme]:
    return Theme.objects.filter(organization=access.organization)


class OrgChoicesForm(DomainForm):
    """A form whose choice fields hold the organization's records: given ``access=`` (as
    edit_view passes it), it fills each field of ``org_choices`` itself."""

    org_choices: ClassVar[dict[str, Callable[[Access], QuerySet[Any]]]] = {}

    def __init__(self, *args: Any, access: Access | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if access is not None:
            for name, choices in self.org_choices.items():
                set_queryset(self, name, choices(access))


# Identity ----------------------------------------------------------------------------------


def values_text(values: list[dict[str, str]]) -> str:
    return "\n".join(
        f"{value['name']}: {value['meaning']}" if value.get("meaning") else value["name"]
        for value in values
    )


class IdentityForm(DomainForm):
    mission = text_area(3, required=True, help_text="Why the organization exists, today.")
    vision = text_area(3, help_text="Where it means to be in a few years.")
    values = text_area(
        5,
        help_text="One value a line, as “Name: what it means in practice”.",
    )
    note = forms.CharField(
        required=False, max_length=300, help_text="Why you are changing it (kept in the history)."
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_values(self) -> list[dict[str, str]]:
        parsed = []
        for line in self.cleaned_data["values"].splitlines():
            if not line.strip():
                continue
            name, _, meaning = line.partition(":")
            parsed.append({"name": name.strip(), "meaning": meaning.strip()})
        return parsed

    @classmethod
    def of(cls, current: IdentityRevision | None) -> IdentityForm:
        if current is None:
            return cls(initial={"based_on": 0})
        return cls(
            initial={
                "mission": current.mission,
                "vision": current.vision,
                "values": values_text(current.values),
                "based_on": current.number,
            }
        )


# SWOT --------------------------------------------------------------------------------------


class SwotItemForm(OrgChoicesForm):
    org_choices = {"themes": theme_choices}
    kind = forms.ChoiceField(choices=SwotKind.choices)
    statement = text_area(2, required=True)
    themes = checkboxes(Theme.objects.none())

    def __init__(self, *args: Any, themes: QuerySet[Theme] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "themes", themes)


class SwotItemEditForm(SwotItemForm, RecordForm):
    row_prefix = "s"


# Themes ------------------------------------------------------------------------------------


class ThemeForm(DomainForm):
    name = forms.CharField(max_length=200)
    description = text_area(3)
    starts_on = date_field("Starts on")
    ends_on = date_field("Ends on")
    # The field lives in base_fields; DomainForm.status (the HTTP status) is a separate attribute.
    status = forms.ChoiceField(choices=ThemeStatus.choices, initial=ThemeStatus.ACTIVE)  # type: ignore[assignment]


class ThemeEditForm(ThemeForm, RecordForm):
    """The theme's fields as they are."""


class ThemeIndicatorForm(DomainForm):
    name = forms.CharField(max_length=200, help_text="A lagging measure of the outcome.")
    unit = forms.CharField(max_length=40, required=False, help_text="For example %, days, €.")
    baseline = forms.FloatField()
    target = forms.FloatField()
    description = text_area(2)


# Value streams -----------------------------------------------------------------------------


class ValueStreamForm(OrgChoicesForm):
    org_choices = {"teams": org_selectors.teams}
    name = forms.CharField(max_length=200)
    description = text_area(2)
    teams = checkboxes(Team.objects.none())

    def __init__(self, *args: Any, teams: QuerySet[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "teams", teams)


class ValueStreamEditForm(ValueStreamForm, RecordForm):
    row_prefix = "v"


# Investment --------------------------------------------------------------------------------


def target_choices(
    themes: QuerySet[Theme] | None, streams: QuerySet[ValueStream] | None
) -> list[Any]:
    return [
        ("", "Choose…"),
        ("Themes", [(f"theme:{theme.pk}", theme.name) for theme in themes or []]),
        ("Value streams", [(f"stream:{stream.pk}", stream.name) for stream in streams or []]),
    ]


class InvestmentForm(DomainForm):
    error_aliases = {"theme": "target", "value_stream": "target"}

    target = forms.ChoiceField(label="Funds", help_text="A theme or a value stream.")
    period_start = date_field("Period starts")
    period_end = date_field("Period ends")
    planned_amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = forms.CharField(max_length=3, min_length=3, initial="EUR")

    def __init__(
        self,
        *args: Any,
        themes: QuerySet[Theme] | None = None,
        streams: QuerySet[ValueStream] | None = None,
        access: Access | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if access is not None:
            themes, streams = theme_choices(access), value_streams(access)
        self.themes = themes
        self.streams = streams
        self.fields["target"].choices = target_choices(themes, streams)  # type: ignore[attr-defined]

    def clean_target(self) -> dict[str, Any]:
        kind, _, pk = self.cleaned_data["target"].partition(":")
        if kind == "theme" and self.themes is not None:
            return {"theme": self.themes.get(pk=pk), "value_stream": None}
        if kind == "stream" and self.streams is not None:
            return {"theme": None, "value_stream": self.streams.get(pk=pk)}
        raise forms.ValidationError("Choose a theme or a value stream.")

    def fields_for_service(self) -> dict[str, Any]:
        return investment_fields(self.cleaned_data)


def investment_fields(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The service's arguments of an investment form's cleaned data: the target (a theme or a
    stream) becomes its two fields."""
    data = {k: v for k, v in cleaned.items() if k not in {"target", "version"}}
    return {**data, **cleaned["target"]}


class InvestmentEditForm(InvestmentForm, VersionedForm):
    @classmethod
    def of(cls, investment: Investment, **choices: Any) -> InvestmentEditForm:
        target = (
            f"theme:{investment.theme_id}"
            if investment.theme_id
            else f"stream:{investment.value_stream_id}"
        )
        fields = [name for name in cls.base_fields if name != "target"]
        return cls(initial={**initial_of(investment, fields), "target": target}, **choices)


class SpendForm(DomainForm):
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    spent_on = date_field("Spent on")
    category = forms.CharField(
        max_length=100, required=False, help_text="For example staff, contractors, hosting."
    )
    note = forms.CharField(max_length=300, required=False)


# Coalition bodies --------------------------------------------------------------------------


class BodyForm(OrgChoicesForm):
    org_choices = {"members": org_selectors.people}
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=BodyKind.choices)
    description = text_area(2)
    authorities = forms.MultipleChoiceField(
        choices=Authority.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The decisions this body may take on its own.",
    )
    members = checkboxes(Person.objects.none())

    def __init__(self, *args: Any, people: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "members", people)


class BodyEditForm(BodyForm, RecordForm):
    """The body's fields as they are, its members by their ids."""


class ResponsibilityForm(OrgChoicesForm):
    org_choices = {"theme": theme_choices}
    kind = forms.ChoiceField(choices=ResponsibilityKind.choices)
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        required=False,
        help_text="Needed for an outcome: the theme the body answers for.",
    )
    description = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, themes: QuerySet[Theme] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "theme", themes)


# Decisions ---------------------------------------------------------------------------------


class DecisionForm(DomainForm):
    title = forms.CharField(max_length=200)
    topic = forms.ChoiceField(
        choices=DecisionTopic.choices,
        initial=DecisionTopic.OTHER,
        help_text="Identity and strategy decisions are sent to the owners and admins.",
    )
    status = forms.ChoiceField(  # type: ignore[assignment]
        choices=DecisionStatus.choices, initial=DecisionStatus.PROPOSED
    )
    decided_on = date_field("Date")
    context = text_area(4, help_text="Markdown. What led to the decision.")
    decision = text_area(4, help_text="Markdown. What was decided, and by when.")
    made_by_body = forms.ModelChoiceField(
        queryset=CoalitionBody.objects.none(), required=False, label="Made by (body)"
    )
    made_by_person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, label="Made by (person)"
    )

    def __init__(
        self,
        *args: Any,
        bodies: QuerySet[CoalitionBody] | None = None,
        people: QuerySet[Person] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "made_by_body", bodies)
        set_queryset(self, "made_by_person", people)


class DecisionEditForm(DecisionForm, RecordForm):
    """The decision's fields as they are, who made it and what supersedes it by their ids."""

    superseded_by = forms.ModelChoiceField(
        queryset=Decision.objects.none(),
        required=False,
        help_text="For a superseded decision: the one that replaced it.",
    )

    def __init__(
        self, *args: Any, decisions: QuerySet[Decision] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "superseded_by", decisions)


class DecisionLinkForm(DomainForm):
    object_type = forms.RegexField(
        regex=r"^[a-z_]+\.[a-z_]+$",
        max_length=100,
        label="Record type",
        help_text="As the history names it, for example strategy.theme.",
    )
    object_id = forms.CharField(max_length=64, label="Record id")
    label = forms.CharField(max_length=300)


class ThemeLinkIndicatorForm(DomainForm):
    """An existing lagging indicator of the organization to measure the theme by; one of
    another organization is not a choice (and the service refuses it too)."""

    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), label="Existing lagging indicator"
    )
    error_aliases = {"indicator_id": "indicator"}

    def __init__(self, *args: Any, access: Access, exclude: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Indicator.objects.filter(organization=access.organization, kind=IndicatorKind.LAGGING)
            .exclude(pk__in=exclude)
            .order_by("name", "pk")
        )
