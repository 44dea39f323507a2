"""Records the goals tests share: a period around today with a small cascade in ``cast.org``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from northline.goals import services
from northline.goals.models import KeyResult, Objective, Period
from northline.goals.tests.factories import period_around_today
from northline.orgs import services as org_services
from northline.strategy.models import Theme
from northline.testing import Cast


@dataclass
class Goals:
    period: Period
    theme: Theme
    objective: Objective  # organization level, aligned to the theme
    child: Objective  # a team's, aligned to ``objective``
    key_result: KeyResult  # of ``child``


def make_theme(cast: Cast, name: str = "Faster permits", org=None) -> Theme:
    today = dt.date.today()
    return Theme.objects.create(
        organization=org or cast.org,
        name=name,
        starts_on=today - dt.timedelta(days=365),
        ends_on=today + dt.timedelta(days=365),
    )


@pytest.fixture
def goals(cast: Cast) -> Goals:
    access = cast.owner_access
    # 60 days behind and 30 ahead: about two thirds of the period has passed.
    period = period_around_today(access, elapsed=60, remaining=30)
    theme = make_theme(cast)
    team = org_services.create_team(access, name="Permits", kind="product")
    objective = services.create_objective(
        access, title="Permits online end to end", period=period, theme=theme, status="active"
    )
    child = services.create_objective(
        access,
        title="Launch the online application",
        period=period,
        team=team,
        parent=objective,
        status="active",
    )
    key_result = services.create_key_result(
        access, child, title="Applications made online", baseline=100, target=200, unit="apps"
    )
    return Goals(
        period=period, theme=theme, objective=objective, child=child, key_result=key_result
    )
