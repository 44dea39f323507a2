"""Forms that parse the portfolio pages' input; the services decide what is allowed.

Choice fields offer only records of the caller's organization; the services check again, so a
forged id from elsewhere is refused either way.
"""

from __future__ import annotations

from typing import Any

from django import forms

from northline.lib.web import DateInput, DomainForm
from northline.measures.models import Indicator, IndicatorKind
from northline.orgs.access import Access
from northline.orgs.forms import RecordForm, VersionedForm, limit_to_org
from northline.orgs.models import Person, Team
from northline.portfolio.models import (
    WSJF_CHOICES,
    Answer,
    CloseReason,
    EpicState,
    Sprint,
    StoryState,
)
from northline.strategy.models import Theme, ValueStream


def scale_field(label: str, help_text: str = "") -> forms.TypedChoiceField:
    """A WSJF input on the relative scale 1, 2, 3, 5, 8, 13, 20 (blank: not estimated yet)."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *WSJF_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=help_text,
    )


# The records an epic is placed by, each chosen from the caller's organization: the board's
# filters and the epic's own fields.
EPIC_CHOICES = {
    "value_stream": ValueStream.objects.all(),
    "theme": Theme.objects.all(),
    "team": Team.objects.all(),
    "owner": Person.objects.all(),
}


class BoardFilterForm(forms.Form):
    """The board's GET filters; unknown or foreign ids simply match nothing in the choices."""

    value_stream = forms.ModelChoiceField(
        queryset=ValueStream.objects.none(), required=False, empty_label="All"
    )
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False, empty_label="All")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="All")
    owner = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, empty_label="Anyone"
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        limit_to_org(self, access, **EPIC_CHOICES)

    def ids(self) -> dict[str, int | None]:
        """The chosen ids by filter name (None: no filter); an invalid form filters nothing."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            name: (record.pk if (record := data.get(name)) is not None else None)
            for name in ("value_stream", "theme", "team", "owner")
        }


class EpicForm(DomainForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Markdown."
    )
    value_stream = forms.ModelChoiceField(
        queryset=ValueStream.objects.none(), required=False, label="Value stream"
    )
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False)
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    what = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What will be built or changed. Markdown.",
    )
    why = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it is worth doing now. Markdown.",
    )
    hypothesis = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="We believe … will result in … we know we have succeeded when … Markdown.",
    )
    business_value = scale_field("Business value")
    time_criticality = scale_field("Time criticality")
    risk_reduction = scale_field(
        "Risk reduction / opportunity enablement", "Risk reduction or opportunity enablement."
    )
    job_size = scale_field("Job size", "The divisor of WSJF: relative effort.")
    target_date = forms.DateField(label="Target date", required=False, widget=DateInput)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_org(self, access, **EPIC_CHOICES)


class NewEpicForm(EpicForm):
    """A new epic, optionally driving one key result from the start (the chooser on the page,
    or the key result whose "Driven by" section sent the user here). More are linked on the
    epic's page."""

    key_result = forms.IntegerField(
        min_value=1, required=False, label="Drives key result", widget=forms.HiddenInput
    )
    error_aliases = {"key_results": "key_result"}

    def offer(self, options: list[tuple[int, str]]) -> None:
        """Show the key result as a select of ``options`` (a chooser's, enhanced by
        chooser.js) instead of the hidden field that carries a key result chosen elsewhere."""
        self.fields["key_result"].widget = forms.Select(
            choices=[("", "None yet (link key results on the epic's page)"), *options],
            attrs={"data-chooser": "key_result", "data-chooser-optional": ""},
        )
        self.fields[
            "key_result"
        ].help_text = "The key result this epic's work moves, so the alignment index counts it."

    def changes(self) -> dict[str, Any]:
        """The service's arguments: the one key result becomes the epic's list of them."""
        data = dict(self.cleaned_data)
        chosen = data.pop("key_result", None)
        return {**data, "key_results": [chosen] if chosen else []}


class EpicEditForm(EpicForm, RecordForm):
    """The epic's fields as they are, its owner, team, theme and stream by their ids."""


class LaggingIndicatorForm(DomainForm):
    """A new lagging indicator for an epic's business case."""

    name = forms.CharField(max_length=200, label="Indicator")
    unit = forms.CharField(max_length=40, required=False, help_text="For example %, days, calls.")
    baseline = forms.FloatField(help_text="Where the measure stands now.")
    target = forms.FloatField(help_text="Where the epic should take it; below the baseline to cut.")
    start_date = forms.DateField(label="From", widget=DateInput)
    target_date = forms.DateField(label="By", widget=DateInput)


class LinkIndicatorForm(DomainForm):
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), label="Existing lagging indicator"
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_org(self, access, indicator=Indicator.objects.filter(kind=IndicatorKind.LAGGING))


class StoryForm(DomainForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    acceptance_criteria = forms.CharField(
        label="Acceptance criteria", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    estimate = forms.IntegerField(
        min_value=0, required=False, help_text="Story points.", label="Estimate"
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    sprint = forms.ModelChoiceField(queryset=Sprint.objects.none(), required=False)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_org(
            self, access, team=Team.objects.all(), sprint=Sprint.objects.select_related("team")
        )


class StoryEditForm(StoryForm, RecordForm):
    row_prefix = "s"


class VersionForm(VersionedForm):
    """An action that carries nothing but the version the page showed (back to WSJF order)."""


class StoryMoveForm(VersionedForm):
    state = forms.ChoiceField(choices=StoryState.choices)


class MoveForm(DomainForm):
    """A card's move: to a column and between two cards, or one step up or down its column."""

    state = forms.ChoiceField(choices=EpicState.choices, required=False)
    before_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    after_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    direction = forms.ChoiceField(
        choices=[("", ""), ("up", "Up"), ("down", "Down")], required=False
    )
    close_reason = forms.ChoiceField(
        label="Reason", choices=[("", "—"), *CloseReason.choices], required=False
    )
    close_note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The card's version as the board showed it: a move from a stale board is refused.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CloseForm(DomainForm):
    """Closing an epic from its page: the reason and the note the rule asks for."""

    close_reason = forms.ChoiceField(label="Reason", choices=[("", "—"), *CloseReason.choices])
    close_note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was learned, or where the work went.",
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AnswerForm(DomainForm):
    answer = forms.ChoiceField(choices=Answer.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why: kept for the decision log.",
    )
    close_reason = forms.ChoiceField(
        label="Close reason",
        choices=[("", "—"), *CloseReason.choices],
        required=False,
        help_text="When closing.",
    )
    pivot_title = forms.CharField(
        label="New epic title", max_length=200, required=False, help_text="When pivoting."
    )


class SprintForm(DomainForm):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    name = forms.CharField(max_length=100, help_text="For example “Sprint 14”.")
    starts_on = forms.DateField(label="Starts on", widget=DateInput)
    ends_on = forms.DateField(label="Ends on", widget=DateInput)
    capacity = forms.IntegerField(min_value=0, help_text="Story points the team expects to finish.")

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_org(self, access, team=Team.objects.all())


class SprintEditForm(SprintForm, RecordForm):
    """The sprint's fields as they are, its team by its id."""


class WipLimitsForm(DomainForm):
    """One optional limit per column; blank removes it."""

    def __init__(self, *args: Any, limits: dict[str, int | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for state, label in EpicState.choices:
            self.fields[state] = forms.IntegerField(
                label=label, min_value=1, required=False, initial=limits.get(state)
            )


class KeyResultLinkForm(VersionedForm):
    """One key result to link to (or unlink from) the epic, by id: the chooser offers the
    organization's key results and the service refuses any other (404)."""

    key_result = forms.IntegerField(min_value=1, label="Key result")
    error_aliases = {"key_results": "key_result"}


class EpicLinkForm(DomainForm):
    """From a key result's page or the coverage drill-down: an epic to drive the key result."""

    key_result = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    epic = forms.IntegerField(min_value=1, label="Epic")


class EpicUnlinkForm(EpicLinkForm, VersionedForm):
    """From a key result's page: the epic stops driving it, at the version the page showed."""


class LinkLeadingIndicatorForm(DomainForm):
    """An existing leading indicator of the organization to watch a story with (or stop)."""

    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), label="Existing leading indicator"
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_to_org(self, access, indicator=Indicator.objects.filter(kind=IndicatorKind.LEADING))
