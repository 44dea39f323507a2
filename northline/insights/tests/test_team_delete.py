"""A team that a survey (or an objective) still names cannot be deleted: the refusal says what
holds it and nothing changes (it used to fail with a server error)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from northline.goals import services as goals
from northline.insights.surveys import services as survey_services
from northline.lib.errors import Conflict
from northline.orgs import services
from northline.orgs.models import Event, Team
from northline.testing import Cast


@pytest.fixture
def held_team(cast: Cast) -> Team:
    access = cast.owner_access
    team = services.create_team(access, name="Permits", kind="product")
    survey_services.create_survey(access, title="Purpose pulse", team=team)
    period = goals.create_period(
        access, name="Q1", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    for title in ("Faster permits", "Fewer appeals"):
        goals.create_objective(access, title=title, period=period, team=team)
    return team


def test_the_service_refuses_and_names_what_holds_the_team(cast: Cast, held_team: Team) -> None:
    events = Event.objects.count()

    with pytest.raises(Conflict) as refused:
        services.delete_team(cast.access(cast.admin), held_team)

    assert refused.value.message == (
        "Permits cannot be deleted while 2 objectives and 1 survey refer to it; "
        "move or delete those first."
    )
    assert refused.value.code == "in_use"
    assert Team.objects.filter(pk=held_team.pk).exists()
    assert Event.objects.count() == events


def test_the_api_answers_409_and_keeps_the_team(cast: Cast, held_team: Team, api_as) -> None:
    response = api_as(cast.admin).delete(f"/orgs/acme/teams/{held_team.pk}")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "in_use"
    assert Team.objects.filter(pk=held_team.pk).exists()


def test_the_page_says_why_and_keeps_the_team(cast: Cast, held_team: Team) -> None:
    client = Client()
    client.force_login(cast.admin)

    response = client.post(reverse("team_delete", args=["acme", held_team.pk]))

    assert response.status_code == 409
    assert b"2 objectives and 1 survey refer to it" in response.content
    assert Team.objects.filter(pk=held_team.pk).exists()
