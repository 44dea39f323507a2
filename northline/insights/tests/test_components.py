"""Traceability, coverage and movement (northline.insights.alignment) on the hand-built
organization of index_org.py, every expected figure counted by hand there."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from northline.goals import services as goals
from northline.insights.alignment import coverage, load, movement, traceability
from northline.insights.tests.index_org import Org, read, story
from northline.measures.rules import day_start
from northline.portfolio import services as portfolio
from northline.portfolio.models import Epic
from northline.strategy import services as strategy
from northline.testing import Cast


def lowered(component) -> list[tuple[str, str]]:
    return [(item.object_type, item.label) for item in component.lowering]


# Traceability ----------------------------------------------------------------------


def test_it_counts_traced_active_points_of_the_organization(org: Org) -> None:
    component = traceability(load(org.access))
    # Online permit form 5 + 3 and Inspection booking 5 trace; Archive scanning's 8 + 2 do not.
    # Sign in (done), Fax gateway (closed) and the Appeals portal (done) hold no active work.
    assert (component.passed, component.total) == (13, 23)
    assert component.value == 56.5
    assert lowered(component) == [("portfolio.epic", "Archive scanning")]
    only = component.lowering[0]
    assert only.weight == 10.0
    assert only.reason == (
        "10 points in 2 active stories; the epic drives no key result of an active objective "
        "and serves no active theme"
    )


def test_it_counts_only_a_teams_own_stories_in_its_view(org: Org) -> None:
    permits = traceability(load(org.access, team=org.permits))
    # Permits: its 5 + 3 on the form trace; its 2 on Archive scanning do not.
    assert (permits.passed, permits.total, permits.value) == (8, 10, 80.0)
    licensing = traceability(load(org.access, team=org.licensing))
    # Licensing: booking's 5 traces; Archive scanning's 8 (no story team: the epic's) does not.
    assert (licensing.passed, licensing.total, licensing.value) == (5, 13, 38.5)
    assert licensing.lowering[0].weight == 8.0


def test_it_does_not_trace_an_epic_serving_a_retired_theme(org: Org) -> None:
    access = org.access
    assert not load(access).traces(org.archive.pk)
    paper = strategy.update_theme(access, org.paper, version=org.paper.version, status="active")
    assert paper.status == "active"
    component = traceability(load(access))
    assert (component.passed, component.total, component.value) == (23, 23, 100.0)
    assert component.lowering == []


def test_it_stops_tracing_when_the_objective_is_closed(org: Org) -> None:
    access = org.access
    apply = goals.update_objective(access, org.apply, version=org.apply.version, status="closed")
    assert apply.status == "closed"
    component = traceability(load(access))
    # The form drove only Online share, a key result of the now closed Apply online.
    assert (component.passed, component.total) == (5, 23)
    assert [item.label for item in component.lowering] == [
        "Archive scanning",
        "Online permit form",
    ]


def test_it_leaves_done_stories_and_closed_epics_out(org: Org) -> None:
    access = org.access
    before = traceability(load(access))
    # A done story on the form, and another To do story on the closed Fax gateway.
    story(access, org.form, "Print a receipt", 20, "doing")
    late = story(access, org.form, "Archive old drafts", 40)
    portfolio.move_story(access, late, state="doing")
    portfolio.move_story(access, type(late).objects.get(pk=late.pk), state="done")
    after = traceability(load(access))
    assert (before.passed, before.total) == (13, 23)
    assert (after.passed, after.total) == (33, 43)  # only the 20 Doing points joined
    assert org.fax.pk not in load(access).epics


def test_it_has_no_data_without_active_stories(cast: Cast) -> None:
    component = traceability(load(cast.owner_access))
    assert (component.total, component.value, component.has_data) == (0, None, False)


# Coverage ----------------------------------------------------------------------


def test_it_counts_driven_objectives_and_key_results(org: Org) -> None:
    component = coverage(load(org.access))
    # Objectives: Apply online (through Online share) and Decide permits faster (only through
    # its child) are driven, Renew by phone is not; Someday is a draft. Key results: Online
    # share is driven; Median days by nothing; Appeals upheld only by the done Appeals portal.
    assert component.parts == {"objectives": (2, 3), "key results": (1, 3)}
    assert (component.passed, component.total, component.value) == (3, 6, 50.0)
    assert lowered(component) == [
        ("goals.keyresult", "Median days"),
        ("goals.keyresult", "Appeals upheld"),
        ("goals.objective", "Renew by phone"),
    ]
    assert component.lowering[0].reason == (
        "no epic with active work drives it (objective: Decide permits faster)"
    )


def test_it_drives_an_objective_only_through_its_child(org: Org) -> None:
    alignment = load(org.access)
    assert not any(alignment.kr_driven(kr) for kr in (org.median.pk, org.appeals.pk))
    assert alignment.objective_driven(org.decide.pk)
    goals.update_objective(org.access, org.apply, version=org.apply.version, status="closed")
    again = load(org.access)
    # The child is closed: it no longer carries its parent.
    assert not again.objective_driven(org.decide.pk)


def test_it_does_not_count_a_key_result_whose_epic_has_no_active_stories(org: Org) -> None:
    access = org.access
    assert not load(access).kr_driven(org.appeals.pk)  # the Appeals portal is done
    # A new epic in the funnel drives it, with one To do story: now it is driven.
    drafted = portfolio.create_epic(
        access, title="Appeals triage", team=org.licensing, key_results=[org.appeals]
    )
    assert not load(access).kr_driven(org.appeals.pk)  # no story yet
    story(access, drafted, "Sort by urgency", 3)
    assert load(access).kr_driven(org.appeals.pk)
    component = coverage(load(access))
    assert component.parts == {"objectives": (2, 3), "key results": (2, 3)}


def test_it_counts_a_teams_objectives_in_its_view(org: Org) -> None:
    permits = coverage(load(org.access, team=org.permits))
    assert permits.parts == {"objectives": (1, 1), "key results": (1, 1)}
    assert permits.value == 100.0
    licensing = coverage(load(org.access, team=org.licensing))
    assert licensing.parts == {"objectives": (0, 1), "key results": (0, 0)}
    assert (licensing.value, lowered(licensing)) == (0.0, [("goals.objective", "Renew by phone")])


def test_it_has_no_coverage_data_without_active_objectives(cast: Cast) -> None:
    component = coverage(load(cast.owner_access))
    assert component.parts == {"objectives": (0, 0), "key results": (0, 0)}
    assert component.value is None


# Movement ----------------------------------------------------------------------


def test_it_counts_measures_on_track_and_moving(org: Org) -> None:
    # At midnight exactly half of the 100-day window has gone by.
    component = movement(load(org.access, at=day_start(timezone.localdate())))
    # Key results: Median days (60 of 100 with about half expected) and Online share (50) are
    # on track and moving; Appeals upheld held 55 over three readings. Indicators: the theme's
    # 10 is off track; the form's 70 is on track. The booking is in To do and the portal done:
    # their indicators do not count.
    assert component.parts == {"key results": (2, 3), "indicators": (1, 2)}
    assert (component.passed, component.total, component.value) == (3, 5, 60.0)
    assert lowered(component) == [
        ("goals.keyresult", "Appeals upheld"),
        ("strategy.theme", "Faster decisions: Decisions within a week"),
    ]
    stalled_since = timezone.localdate() - dt.timedelta(days=15)
    assert component.lowering[0].reason == f"not moving since {stalled_since:%Y-%m-%d}"
    assert component.lowering[1].reason.startswith("off track (progress 10 %, expected 50 %)")


def test_it_lets_a_stalled_key_result_move_again(org: Org) -> None:
    read(org.access, org.appeals.indicator, (58, 1))
    component = movement(load(org.access))
    assert component.parts == {"key results": (3, 3), "indicators": (1, 2)}


def test_it_leaves_theme_indicators_out_of_a_teams_view(org: Org) -> None:
    permits = movement(load(org.access, team=org.permits))
    # Online share and the form's indicator (the form is Permits' epic, in Doing).
    assert permits.parts == {"key results": (1, 1), "indicators": (1, 1)}
    licensing = movement(load(org.access, team=org.licensing))
    assert licensing.parts == {"key results": (0, 0), "indicators": (0, 0)}
    assert licensing.value is None


def test_it_counts_only_epics_in_doing_for_indicators(org: Org) -> None:
    access = org.access
    assert Epic.objects.get(pk=org.booking.pk).state == "todo"
    booking_indicator = org.booking.lagging_indicators.get()
    read(access, booking_indicator, (1, 2))  # off track, but the booking is not in Doing
    assert movement(load(access)).parts["indicators"] == (1, 2)
