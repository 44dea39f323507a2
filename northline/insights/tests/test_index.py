"""The alignment index: five components in order, the mean of those with data, shared
understanding from the surveys' module, and a query count that does not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from northline.goals import services as goals
from northline.insights.index.selectors import alignment_index, component_of
from northline.insights.surveys import services
from northline.insights.tests.index_org import Org, add_governance, epic, move, read, story
from northline.orgs import services as orgs
from northline.testing import Cast, assert_queries_constant


def values(index) -> dict[str, float | None]:
    return {component.key: component.value for component in index.components}


def test_it_lists_the_five_components_in_design_order(org: Org) -> None:
    index = alignment_index(org.access)
    assert [c.key for c in index.components] == [
        "traceability",
        "coverage",
        "movement",
        "governance",
        "understanding",
    ]
    assert [c.label for c in index.components] == [
        "Traceability",
        "Coverage",
        "Movement",
        "Governance",
        "Shared understanding",
    ]


def test_it_is_the_mean_of_the_components_with_data(org: Org) -> None:
    index = alignment_index(org.access)
    # Governance here is the business cases alone: 2 of 3 epics past the funnel = 66.7.
    # Nobody answered a survey: understanding has no data and stays out of the mean.
    assert values(index) == {
        "traceability": 56.5,
        "coverage": 50.0,
        "movement": 60.0,
        "governance": 66.7,
        "understanding": None,
    }
    # (56.5 + 50 + 60 + 66.7) / 4 = 233.2 / 4 = 58.3
    assert index.value == 58.3
    assert index.component("understanding").has_data is False


def test_it_means_only_what_a_team_has(org: Org) -> None:
    index = alignment_index(org.access, team=org.licensing)
    # Licensing: booking 5 of its 13 points trace; Renew by phone is driven by nothing; no
    # measure of its own; of its epics past the funnel the portal's case is complete, the
    # booking's is not.
    assert values(index) == {
        "traceability": 38.5,
        "coverage": 0.0,
        "movement": None,
        "governance": 50.0,
        "understanding": None,
    }
    # (38.5 + 0 + 50) / 3 = 88.5 / 3 = 29.5: a zero counts, no data does not.
    assert index.value == 29.5
    assert index.team_id == org.licensing.pk


def test_it_has_no_value_when_no_component_has_data(cast: Cast) -> None:
    index = alignment_index(cast.owner_access)
    assert set(values(index).values()) == {None}
    assert index.value is None


def test_it_takes_shared_understanding_from_the_surveys(cast: Cast, org: Org) -> None:
    add_governance(cast, org)
    survey = services.create_survey(org.access, title="What is your work for?")
    # Words the strategy never uses: neither purpose echoes it.
    services.answer_survey(
        org.access, survey, purpose="Zorbling quuxes daily", objective=org.apply, team=org.permits
    )
    services.answer_survey(
        cast.access(cast.editor), survey, purpose="Plonking wibbles", team=org.permits
    )
    index = alignment_index(org.access)
    understanding = index.component("understanding")
    # One answer names an objective of its own team's chain (Apply online, Permits); none
    # echoes: 1 of 2 × 2 checks = 25.0.
    assert (understanding.passed, understanding.total, understanding.value) == (1, 4, 25.0)
    assert len(understanding.lowering) == 3
    # Governance now counts all four checks: 5 of 10 (index_org.add_governance).
    # (56.5 + 50 + 60 + 50 + 25) / 5 = 241.5 / 5 = 48.3
    assert index.value == 48.3
    assert component_of(org.access, "understanding").value == 25.0


def test_it_computes_one_component_alone_for_its_drill_down(org: Org) -> None:
    assert component_of(org.access, "traceability").value == 56.5
    assert component_of(org.access, "coverage", team=org.permits).value == 100.0
    assert component_of(org.access, "governance").parts["business cases"] == (2, 3)
    with pytest.raises(KeyError):
        component_of(org.access, "happiness")


def test_it_reads_the_index_in_constant_queries_whatever_the_rows(cast: Cast, org: Org) -> None:
    add_governance(cast, org)
    access = org.access
    survey = services.create_survey(access, title="Pulse")
    services.answer_survey(access, survey, purpose="Faster permits", objective=org.decide)
    grown = {"n": 0}

    def grow() -> None:
        for _ in range(3):
            grown["n"] += 1
            n = grown["n"]
            team = orgs.create_team(access, name=f"Team {n}", kind="product")
            objective = goals.create_objective(
                access, title=f"Objective {n}", period=org.period, team=team, status="active"
            )
            child = goals.create_objective(
                access, title=f"Child {n}", period=org.period, parent=objective, status="active"
            )
            result = goals.create_key_result(
                access, child, title=f"Result {n}", baseline=0, target=10
            )
            read(access, result.indicator, (2, 9), (4, 2))
            made = epic(access, f"Epic {n}", team=team, to=["doing"], key_results=[result])
            story(access, made, f"Story {n}a", 3)
            story(access, made, f"Story {n}b", 5, "doing", team=org.permits)
            move(access, made, "todo", "doing")

    count = assert_queries_constant(lambda: alignment_index(access), grow)
    team_count = assert_queries_constant(lambda: alignment_index(access, team=org.licensing), grow)
    assert count > 0 and team_count > 0
    index = alignment_index(access)
    assert index.component("coverage").parts["objectives"] == (2 + 12, 3 + 12)


def test_it_judges_measures_at_the_moment_asked(org: Org) -> None:
    # Half way through the window at midnight: Online share's 50 is on track until the
    # expected share passes 60 %, which happens 10 days from now.
    later = timezone.now() + dt.timedelta(days=11)
    movement = alignment_index(org.access, at=later).component("movement")
    assert "Online share" in [item.label for item in movement.lowering]
