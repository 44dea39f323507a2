"""Forms of the pulse survey pages; the services in ``northline.insights.surveys.services``
decide what is allowed. Choices offer only records of the survey's organization, and the
services check again, so a forged id from elsewhere is refused either way."""

from __future__ import annotations

from typing import Any

from django import forms

from northline.insights.models import SHOWN_FROM_DEFAULT, SHOWN_FROM_MIN, Survey
from northline.insights.surveys import selectors, services
from northline.lib.web import DateInput, DomainForm
from northline.orgs.access import Access
from northline.orgs.forms import VersionedForm
from northline.orgs.models import Organization, Team

# The objective select's value for "I don't know" (the empty value is "not chosen yet").
DONT_KNOW = "unknown"
# The team select's value for "no team".
NO_TEAM = "none"


class SurveyForm(DomainForm):
    title = forms.CharField(
        max_length=200,
        help_text="Respondents see it, for example “Purpose pulse, spring”.",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="Everyone in the organization",
        label="Who is asked",
        help_text="One team, or everyone. Fixed once answers come in.",
    )
    closes_on = forms.DateField(
        required=False,
        widget=DateInput,
        label="Closing day",
        help_text="The last day answers are taken. Leave it empty to take answers until you "
        "close the survey.",
    )
    shown_from = forms.IntegerField(
        required=False,
        min_value=SHOWN_FROM_MIN,
        max_value=1000,
        initial=SHOWN_FROM_DEFAULT,
        label="Show answers from",
        help_text="Answer texts and the word view appear once this many people have answered, "
        f"so that no one answer can be told apart (at least {SHOWN_FROM_MIN}; "
        f"{SHOWN_FROM_DEFAULT} unless you change it).",
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
            organization=access.organization
        )

    def survey_fields(self) -> dict[str, Any]:
        return survey_fields(self.cleaned_data)


def survey_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The service's arguments of a survey form's cleaned data."""
    fields = {name: data[name] for name in ("title", "team", "closes_on")}
    # Left empty: the default for a new survey, unchanged for an edited one.
    if data["shown_from"] is not None:
        fields["shown_from"] = data["shown_from"]
    return fields


class SurveyEditForm(SurveyForm, VersionedForm):
    @classmethod
    def of(cls, survey: Survey, access: Access) -> SurveyEditForm:
        return cls(
            access=access,
            initial={
                "title": survey.title,
                "team": survey.team_id,
                "closes_on": survey.closes_on,
                "shown_from": survey.shown_from,
                "version": survey.version,
            },
        )


class LinkForm(DomainForm):
    label = forms.CharField(
        max_length=200,
        label="Who it is for",
        help_text="Whom the link is for, so you can tell links apart. Only editors see it, and "
        "it is never shown beside an answer.",
    )
    expires_in_days = forms.IntegerField(
        min_value=1,
        max_value=services.LINK_MAX_DAYS,
        initial=services.LINK_DEFAULT_DAYS,
        label="Works for (days)",
        help_text=f"From 1 to {services.LINK_MAX_DAYS} days; {services.LINK_DEFAULT_DAYS} unless "
        "you change it. A link takes one answer.",
    )


def objective_choices(organization: Organization) -> list[Any]:
    """A placeholder, "I don't know", then the active objectives grouped by team."""
    choices: list[Any] = [("", "Choose…"), (DONT_KNOW, "I don't know")]
    for group in selectors.objective_groups(organization):
        choices.append(
            (group.label, [(str(objective.pk), objective.title) for objective in group.objectives])
        )
    return choices


class AnswerForm(DomainForm):
    """The two questions, and the respondent's team on an organization-wide survey."""

    purpose = forms.CharField(
        label=selectors.QUESTION_PURPOSE,
        max_length=services.PURPOSE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": services.PURPOSE_MAX_LENGTH}),
        help_text=f"In your own words, a sentence or two (at most {services.PURPOSE_MAX_LENGTH} "
        "characters). Your answer is shown without your name.",
    )
    objective = forms.ChoiceField(
        label=selectors.QUESTION_OBJECTIVE,
        help_text="The objective your work moves most. “I don't know” is a fine answer.",
        error_messages={"required": "Choose an objective, or “I don't know”."},
    )
    team = forms.ChoiceField(
        label="Your team",
        required=False,
        help_text="Whose objectives count as your own.",
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        survey: Survey,
        default_team: Team | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = objective_choices(organization)  # type: ignore[attr-defined]
        if survey.team_id is not None:
            del self.fields["team"]
        else:
            teams = [(str(team.pk), team.name) for team in selectors.answer_teams(organization)]
            self.fields["team"].choices = [(NO_TEAM, "No team"), *teams]  # type: ignore[attr-defined]
            self.fields["team"].initial = str(default_team.pk) if default_team else NO_TEAM

    def answer_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        objective = data["objective"]
        team = data.get("team")
        return {
            "purpose": data["purpose"],
            "objective": None if objective == DONT_KNOW else int(objective),
            "team": None if team in (None, "", NO_TEAM) else int(team),
        }
