"""The rules the goals services enforce: alignment, organizations, deletes, check-ins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from northline.goals import services
from northline.goals.models import KeyResult, Objective, Period
from northline.goals.tests.conftest import Goals, make_theme
from northline.lib.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion
from northline.measures.models import Indicator, Reading
from northline.orgs import services as org_services
from northline.orgs.models import Event
from northline.testing import Cast

pytestmark = pytest.mark.django_db


def test_it_refuses_to_make_an_objective_its_own_ancestor(cast, goals: Goals):
    access = cast.owner_access
    grandchild = services.create_objective(
        access, title="Grandchild", period=goals.period, parent=goals.child
    )
    top = Objective.objects.get(pk=goals.objective.pk)

    with pytest.raises(Invalid) as refused:
        services.update_objective(access, top, version=top.version, parent=grandchild)
    assert refused.value.fields == {"parent": "This would make a cycle."}
    with pytest.raises(Invalid):
        services.update_objective(access, top, version=top.version, parent=top.pk)
    assert Objective.objects.get(pk=top.pk).parent_id is None
    assert Objective.objects.get(pk=top.pk).version == 1


def test_it_refuses_a_parent_in_another_period(cast, goals: Goals):
    access = cast.owner_access
    later = services.create_period(
        access, name="Next", starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 3, 31)
    )
    with pytest.raises(Invalid) as refused:
        services.create_objective(access, title="Mismatch", period=later, parent=goals.objective)
    assert "same period" in refused.value.message
    # Nor may a parent move away from the children aligned to it.
    with pytest.raises(Invalid) as moved:
        services.update_objective(access, goals.objective, version=1, period=later)
    assert set(moved.value.fields) == {"period"}


def test_it_answers_not_found_for_references_to_another_organization(cast, goals: Goals):
    access = cast.owner_access
    elsewhere = cast.access(cast.outsider, cast.other_org)
    their_period = services.create_period(
        elsewhere, name="Theirs", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31)
    )
    their_objective = services.create_objective(elsewhere, title="Theirs", period=their_period)
    their_team = org_services.create_team(elsewhere, name="Their team", kind="product")
    their_theme = make_theme(cast, "Their theme", org=cast.other_org)

    attempts: list[dict[str, Any]] = [
        {"period": their_period},
        {"period": goals.period, "parent": their_objective.pk},
        {"period": goals.period, "team": their_team},
        {"period": goals.period, "theme": their_theme.pk},
    ]
    for fields in attempts:
        with pytest.raises(NotFound):
            services.create_objective(access, title="Leaky", **fields)
    with pytest.raises(NotFound):
        services.create_key_result(access, their_objective, title="X", baseline=0, target=1)
    assert not Objective.objects.filter(title="Leaky").exists()


def test_it_lets_only_editors_write(cast, goals: Goals):
    viewer = cast.access(cast.viewer)
    with pytest.raises(Forbidden):
        services.create_period(
            viewer, name="No", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 2, 1)
        )
    with pytest.raises(Forbidden):
        services.record_check_in(viewer, goals.key_result, value=150)
    editor = cast.access(cast.editor)
    reading = services.record_check_in(editor, goals.key_result, value=150, confidence=80)
    assert (reading.author, reading.source, reading.confidence) == (cast.editor, "check-in", 80)


def test_it_creates_the_indicator_with_the_key_result_over_the_period(cast, goals: Goals):
    key_result = services.create_key_result(
        cast.owner_access,
        goals.child,
        title="Call wait in minutes",
        baseline=12,
        target=4,
        kind="leading",
        due_date=goals.period.ends_on - dt.timedelta(days=10),
    )
    indicator = key_result.indicator
    assert (indicator.name, indicator.kind, indicator.direction) == (
        "Call wait in minutes",
        "leading",
        "decrease",
    )
    assert indicator.start_date == goals.period.starts_on
    assert indicator.target_date == key_result.due_date
    verbs = list(
        Event.objects.filter(object_type__in=["goals.keyresult", "measures.indicator"])
        .order_by("id")
        .values_list("object_type", "verb")
    )
    assert verbs[-2:] == [("measures.indicator", "created"), ("goals.keyresult", "created")]


def test_it_refuses_a_stale_key_result_edit_and_changes_nothing(cast, goals: Goals):
    access = cast.owner_access
    services.update_key_result(access, goals.key_result, version=1, target=250, weight=2)
    stale = KeyResult.objects.get(pk=goals.key_result.pk)
    stale.version = 1
    with pytest.raises(StaleVersion):
        services.update_key_result(access, stale, version=1, target=300, title="Lost")
    fresh = KeyResult.objects.select_related("indicator").get(pk=goals.key_result.pk)
    assert (fresh.title, fresh.weight, fresh.version) == ("Applications made online", 2, 2)
    assert fresh.indicator.target == 250


def test_it_refuses_a_check_in_on_a_closed_objective(cast, goals: Goals):
    access = cast.owner_access
    services.update_objective(access, goals.child, version=1, status="closed")
    key_result = KeyResult.objects.select_related("objective").get(pk=goals.key_result.pk)
    with pytest.raises(Conflict):
        services.record_check_in(access, key_result, value=150)
    assert not Reading.objects.exists()


def test_it_keeps_a_period_with_objectives_and_a_parent_with_children(cast, goals: Goals):
    access = cast.owner_access
    with pytest.raises(Conflict):
        services.delete_period(access, goals.period)
    with pytest.raises(Conflict):
        services.delete_objective(access, goals.objective)
    assert Period.objects.filter(pk=goals.period.pk).exists()


def test_it_deletes_an_objective_with_its_key_results_and_check_ins(cast: Cast, goals: Goals):
    access = cast.owner_access
    services.record_check_in(access, goals.key_result, value=120)
    indicator_id = goals.key_result.indicator_id

    services.delete_objective(access, goals.child)
    services.delete_objective(access, goals.objective)
    services.delete_period(access, goals.period)

    assert not KeyResult.objects.exists()
    assert not Indicator.objects.filter(pk=indicator_id).exists()
    assert not Reading.objects.exists()
    assert not Period.objects.exists()
    deleted = set(Event.objects.filter(verb="deleted").values_list("object_type", flat=True))
    assert deleted == {"goals.keyresult", "measures.indicator", "goals.objective", "goals.period"}
