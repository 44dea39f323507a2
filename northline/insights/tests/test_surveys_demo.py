"""The demo's pulse surveys: a closed ministry-wide survey with mixed answers and links in every
state, and an open survey of the Permits Online team that the demo logins can still answer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from northline.insights.models import Survey, SurveyAnswer
from northline.insights.surveys import selectors
from northline.insights.surveys.understanding import survey_results, understanding
from northline.orgs.access import access_organization
from northline.orgs.demo import MINISTRY_SLUG, load_demo
from northline.orgs.models import Team

pytestmark = pytest.mark.django_db


def test_it_loads_a_closed_pulse_with_mixed_answers_and_an_open_team_survey() -> None:
    load_demo()
    access = access_organization(User.objects.get(username="amara"), MINISTRY_SLUG)
    pulse = Survey.objects.get(
        organization=access.organization, title="What is our work for? Ministry pulse"
    )
    assert (pulse.status, pulse.team) == ("closed", None)
    answers = SurveyAnswer.objects.filter(survey=pulse)
    assert answers.count() == 15
    assert answers.filter(link__isnull=False).count() == 13
    assert sorted(
        answers.filter(respondent__isnull=False).values_list("respondent__username", flat=True)
    ) == ["amara", "demo"]
    # Given over the past two weeks, never in the future.
    days = sorted(
        {(timezone.localdate() - day).days for day in answers.values_list("answered_on", flat=True)}
    )
    assert days[0] >= 3 and days[-1] <= 13
    assert selectors.link_counts(access, pulse) == {
        "active": 3,
        "expired": 1,
        "revoked": 1,
        "used": 13,
    }

    results = survey_results(access, pulse)
    # 9 in their own chain, 9 that echo the mission or an objective: (9 + 9) / 30.
    assert (results.in_chain, results.echoes, results.dont_know) == (9, 9, 3)
    assert results.component.value == 60.0
    # A team is named only from the survey's threshold (5 answers by default): neither team
    # gave that many, so each answer says "their own team".
    assert results.outside_chain == [
        "named an objective outside their own team's chain: Take dock and mooring permits online",
        "named an objective outside their own team's chain: Clear the backlog of "
        "applications waiting for a decision",
        "named a team's objective but no team of their own (with no team only "
        "organization-level objectives count): Take dock and mooring permits online",
    ]
    vague = {item.answer.purpose: item.best_match for item in results.scored if not item.echoes}
    assert vague["I do what my manager asks me to do."] == 0.0
    assert vague["Picking up the phone."] == 0.0
    # The threshold (0.20) sits between the weakest echo and the strongest vague answer.
    assert min(item.best_match for item in results.scored if item.echoes) == 0.26
    assert max(item.best_match for item in results.scored) == 0.74
    assert max(vague.values()) == 0.08
    assert understanding(access).value == 60.0

    team_survey = Survey.objects.get(
        organization=access.organization, title="Permits Online: what is our work for?"
    )
    permits = Team.objects.get(organization=access.organization, name="Permits Online")
    assert (selectors.survey_state(team_survey), team_survey.team) == ("open", permits)
    assert SurveyAnswer.objects.filter(survey=team_survey).count() == 2
    assert understanding(access, team=permits).value == 100.0
    for username in ("amara", "demo"):
        login = access_organization(User.objects.get(username=username), MINISTRY_SLUG)
        assert not selectors.has_answered(login, team_survey)
