"""Progress that rolls up through the cascade, pace over the period, and the end-of-period score.

Every test names its moment: the period runs 1 January to 1 April 2026 (90 days), so at
15 February (45 days in) the expected share is 45 / 90 = 0.5.
"""

from __future__ import annotations

import datetime as dt

import pytest

from northline.goals import selectors, services
from northline.goals.models import KeyResult, Objective
from northline.measures.rules import Pace
from northline.testing import Cast

pytestmark = pytest.mark.django_db

UTC = dt.UTC
MID_FEBRUARY = dt.datetime(2026, 2, 15, tzinfo=UTC)


@pytest.fixture
def period(cast: Cast):
    return services.create_period(
        cast.owner_access,
        name="Q1 2026",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 4, 1),
    )


def objective(cast: Cast, period, title: str, **fields) -> Objective:
    return services.create_objective(cast.owner_access, title=title, period=period, **fields)


def measured(cast: Cast, parent: Objective, title: str, *, weight: float, values, **measure):
    """A key result (baseline 0, target 100 unless given) with daily check-ins from 10 February
    (recent enough at MID_FEBRUARY that the 21-day rule does not call them stalled)."""
    access = cast.owner_access
    measure.setdefault("baseline", 0)
    measure.setdefault("target", 100)
    key_result = services.create_key_result(access, parent, title=title, weight=weight, **measure)
    for day, value in enumerate(values, start=10):
        services.record_check_in(
            access, key_result, value=value, recorded_at=dt.datetime(2026, 2, day, tzinfo=UTC)
        )
    return key_result


def test_it_weighs_key_results_into_the_objective_progress(cast, period):
    goal = objective(cast, period, "Permits online")
    measured(cast, goal, "Share online", weight=3, values=[10, 20])
    # baseline 10, target 20, latest 20 → (20 − 10) / (20 − 10) = 1.0
    measured(cast, goal, "Forms retired", weight=1, values=[20], baseline=10, target=20)

    node = selectors.cascade(cast.owner_access, period, at=MID_FEBRUARY).nodes[goal.pk]

    # (0.2 × 3 + 1.0 × 1) / (3 + 1) = 1.6 / 4 = 0.4
    assert node.progress == pytest.approx(0.4)
    assert [round(r.progress, 2) for r in node.key_results] == [0.2, 1.0]
    # expected 0.5; 0.4 is exactly 0.10 behind → still on track (DESIGN §2.2 boundary)
    assert node.expected == pytest.approx(0.5)
    assert node.pace == Pace.ON_TRACK


def test_it_ignores_a_key_result_of_weight_zero(cast, period):
    goal = objective(cast, period, "Permits online")
    measured(cast, goal, "Counts", weight=1, values=[30])
    measured(cast, goal, "Does not count", weight=0, values=[100])

    node = selectors.cascade(cast.owner_access, period, at=MID_FEBRUARY).nodes[goal.pk]

    # (0.3 × 1 + 1.0 × 0) / 1 = 0.3; 0.3 < 0.5 − 0.10 and ≥ 0.5 − 0.25 → at risk
    assert node.progress == pytest.approx(0.3)
    assert node.pace == Pace.AT_RISK


def test_it_averages_child_objectives_when_there_are_no_key_results(cast, period):
    top = objective(cast, period, "Trusted service")
    first = objective(cast, period, "Answer first time", parent=top)
    second = objective(cast, period, "Publish decisions", parent=top)
    grandchild = objective(cast, period, "Train the contact centre", parent=second)
    measured(cast, first, "First-call resolution", weight=1, values=[20])
    measured(cast, grandchild, "People trained", weight=1, values=[80])

    tree = selectors.cascade(cast.owner_access, period, at=MID_FEBRUARY)

    # second has no key results: mean of its one child = 0.8
    assert tree.nodes[second.pk].progress == pytest.approx(0.8)
    # top: mean of 0.2 and 0.8 = 0.5 (unweighted)
    assert tree.nodes[top.pk].progress == pytest.approx(0.5)
    assert tree.nodes[top.pk].pace == Pace.ON_TRACK
    assert [child.objective.pk for child in tree.nodes[top.pk].children] == [first.pk, second.pk]


def test_it_counts_an_objective_with_nothing_to_measure_as_not_started(cast, period):
    goal = objective(cast, period, "Someday")

    node = selectors.cascade(cast.owner_access, period, at=MID_FEBRUARY).nodes[goal.pk]

    # no reading 7 days after the start → not started, progress 0
    assert (node.progress, node.pace) == (0.0, Pace.NOT_STARTED)


def test_it_scores_at_the_end_of_the_period(cast, period):
    """Readings up to the end of the last day count; later ones do not."""
    access = cast.owner_access
    goal = objective(cast, period, "Faster decisions")
    key_result = services.create_key_result(
        access, goal, title="Decided within 20 days", baseline=40, target=90, unit="%"
    )
    for when, value in [
        (dt.datetime(2026, 1, 20, tzinfo=UTC), 50),
        (dt.datetime(2026, 4, 1, 18, 0, tzinfo=UTC), 70),  # the last day: counts
        (dt.datetime(2026, 4, 3, tzinfo=UTC), 90),  # after the end: does not
    ]:
        services.record_check_in(access, key_result, value=value, recorded_at=when)

    after = selectors.cascade(access, period, at=dt.datetime(2026, 5, 1, tzinfo=UTC))
    during = selectors.cascade(access, period, at=MID_FEBRUARY)

    # score: (70 − 40) / (90 − 40) = 30 / 50 = 0.6; progress now: (90 − 40) / 50 = 1.0
    node = after.nodes[goal.pk]
    assert after.final
    assert node.score == pytest.approx(0.6)
    assert node.progress == pytest.approx(1.0)
    # mid-February the score is provisional: the progress so far, (50 − 40) / 50 = 0.2
    assert not during.final
    assert during.nodes[goal.pk].score == pytest.approx(0.2)


def test_it_scores_the_key_results_of_several_periods_in_one_query(
    cast, period, django_assert_num_queries
):
    """An ended period's score stops at its last day; a running one's is the progress so far."""
    access = cast.owner_access
    q2 = services.create_period(
        access, name="Q2 2026", starts_on=dt.date(2026, 4, 2), ends_on=dt.date(2026, 7, 1)
    )
    ended = services.create_key_result(
        access, objective(cast, period, "Faster decisions"), title="Decided", baseline=40, target=90
    )
    running = services.create_key_result(
        access, objective(cast, q2, "Fewer visits"), title="Online share", baseline=0, target=80
    )
    for key_result, when, value in [
        (ended, dt.datetime(2026, 4, 1, 18, 0, tzinfo=UTC), 70),  # Q1's last day: counts
        (ended, dt.datetime(2026, 4, 20, tzinfo=UTC), 90),  # after Q1: does not
        (running, dt.datetime(2026, 4, 20, tzinfo=UTC), 20),
        (running, dt.datetime(2026, 5, 20, tzinfo=UTC), 60),  # after ``at``: not yet known
    ]:
        services.record_check_in(access, key_result, value=value, recorded_at=when)
    ended, running = KeyResult.objects.select_related("indicator").order_by("id")

    with django_assert_num_queries(1):
        scores = selectors.key_result_scores(
            [(ended, period), (running, q2)], dt.datetime(2026, 5, 1, tzinfo=UTC)
        )

    # Q1: (70 − 40) / (90 − 40) = 0.6; Q2 so far: (20 − 0) / (80 − 0) = 0.25
    assert scores == {ended.pk: pytest.approx(0.6), running.pk: pytest.approx(0.25)}
    assert selectors.score_is_final(period, dt.datetime(2026, 5, 1, tzinfo=UTC))
    assert not selectors.score_is_final(q2, dt.datetime(2026, 5, 1, tzinfo=UTC))


def test_it_judges_pace_and_stalled_over_the_objective_period(cast, period):
    """The indicator's own dates may differ; the period decides the expected share."""
    access = cast.owner_access
    goal = objective(cast, period, "Fewer repeat calls")
    key_result = services.create_key_result(
        access,
        goal,
        title="Repeat calls a week",
        baseline=400,
        target=200,
        start_date=dt.date(2026, 2, 1),
        target_date=dt.date(2026, 2, 28),
    )
    for day in (1, 5, 9):
        services.record_check_in(
            access, key_result, value=340, recorded_at=dt.datetime(2026, 2, day, tzinfo=UTC)
        )

    result = selectors.cascade(access, period, at=MID_FEBRUARY).nodes[goal.pk].key_results[0]

    # decrease: (340 − 400) / (200 − 400) = 0.3; expected over the period 0.5 (over the
    # indicator's own February window it would be 0.5 too, but 14/27 ≠ 45/90 elsewhere)
    assert result.progress == pytest.approx(0.3)
    assert result.health.expected == pytest.approx(0.5)
    assert result.pace == Pace.AT_RISK
    # three equal check-ins → not moving
    assert result.stalled
    assert result.needs_attention


def test_it_lists_stalled_and_off_track_key_results_worst_first(cast, period):
    goal = objective(cast, period, "Digital permits")
    measured(cast, goal, "On track", weight=1, values=[30, 55])
    measured(cast, goal, "Stalled", weight=1, values=[45, 45, 45])
    measured(cast, goal, "Off track", weight=1, values=[5, 10])

    tree = selectors.cascade(cast.owner_access, period, at=MID_FEBRUARY)

    # 0.10 < 0.5 − 0.25 → off track; 0.45 with three equal values → stalled (and on track)
    assert [r.key_result.title for r in tree.needs_attention] == ["Off track", "Stalled"]


def test_it_groups_top_level_objectives_by_theme(cast, period):
    from northline.goals.tests.conftest import make_theme

    access = cast.owner_access
    theme = make_theme(cast, "Trusted service")
    aligned = objective(cast, period, "Publish every decision", theme=theme)
    loose = objective(cast, period, "Tidy the backlog")
    team_child = objective(cast, period, "Explain refusals", parent=aligned)

    tree = selectors.cascade(access, period, at=MID_FEBRUARY)

    assert [(g.theme.name if g.theme else None) for g in tree.groups] == ["Trusted service", None]
    assert [n.objective.pk for n in tree.groups[0].objectives] == [aligned.pk]
    assert [n.objective.pk for n in tree.groups[1].objectives] == [loose.pk]
    assert [c.objective.pk for c in tree.groups[0].objectives[0].children] == [team_child.pk]
