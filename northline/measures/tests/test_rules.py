"""Progress, pace and stalled (DESIGN §2.2) with expected values worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from northline.measures.rules import (
    Health,
    Pace,
    Point,
    expected_progress,
    judge,
    pace,
    progress,
    stalled,
    weighted_mean,
    worst_pace,
)

START = dt.date(2026, 1, 1)
END = dt.date(2026, 4, 11)  # 100 days after START


def day(n: int, hour: int = 0) -> dt.datetime:
    """Midnight (UTC) of the n-th day after START."""
    return dt.datetime(2026, 1, 1, hour, tzinfo=dt.UTC) + dt.timedelta(days=n)


def points(*pairs: tuple[int, float]) -> list[Point]:
    return [Point(value=value, at=day(n)) for n, value in pairs]


def judged(
    baseline: float,
    target: float,
    *pairs: tuple[int, float],
    at: int,
    direction: str = "increase",
) -> Health:
    """The measure judged on day ``at`` of the 100-day window START..END, from readings given
    as (day, value)."""
    return judge(
        baseline=baseline,
        target=target,
        points=points(*pairs),
        start=START,
        end=END,
        at=day(at),
        direction=direction,
    )


class TestProgress:
    def test_it_measures_an_increase(self) -> None:
        # (40 − 20) / (100 − 20) = 20 / 80 = 0.25
        assert progress(20, 100, 40) == 0.25

    def test_it_measures_a_decrease_with_the_same_formula(self) -> None:
        # Waiting time from 30 days down to 10: at 25, (25 − 30) / (10 − 30) = −5 / −20 = 0.25
        assert progress(30, 10, 25) == 0.25

    def test_it_clamps_below_zero_and_above_one(self) -> None:
        assert progress(20, 100, 10) == 0.0  # went backwards
        assert progress(20, 100, 130) == 1.0  # overshot
        assert progress(30, 10, 35) == 0.0  # a decrease that got worse
        assert progress(30, 10, 4) == 1.0

    def test_it_is_zero_without_a_reading(self) -> None:
        assert progress(20, 100, None) == 0.0


class TestExpected:
    def test_it_is_the_elapsed_share_of_the_window(self) -> None:
        assert expected_progress(START, END, day(0)) == 0.0
        assert expected_progress(START, END, day(25)) == 0.25
        assert expected_progress(START, END, day(50, hour=12)) == 0.505
        assert expected_progress(START, END, day(100)) == 1.0

    def test_it_stays_within_zero_and_one_outside_the_window(self) -> None:
        assert expected_progress(START, END, day(-5)) == 0.0
        assert expected_progress(START, END, day(130)) == 1.0


class TestWorstPace:
    """One order of severity for every "worst first" (needs attention, a card's pace)."""

    def test_off_track_is_worst(self) -> None:
        paces = [Pace.ON_TRACK, Pace.AT_RISK, Pace.OFF_TRACK, Pace.NOT_STARTED]
        assert worst_pace(paces) == Pace.OFF_TRACK

    def test_not_started_comes_before_at_risk(self) -> None:
        assert worst_pace([Pace.AT_RISK, Pace.NOT_STARTED, Pace.ON_TRACK]) == Pace.NOT_STARTED

    def test_at_risk_comes_before_on_track(self) -> None:
        assert worst_pace([Pace.ON_TRACK, Pace.AT_RISK]) == Pace.AT_RISK

    def test_no_pace_is_none(self) -> None:
        assert worst_pace([]) is None

    def test_severity_counts_from_the_worst(self) -> None:
        assert [pace.severity for pace in (Pace.OFF_TRACK, Pace.ON_TRACK)] == [0, 3]


class TestPace:
    def pace_at_day_50(self, progress_now: float) -> Pace:
        # Day 50 of 100: expected 0.5.
        return pace(progress_now, 0.5, has_reading=True, start=START, at=day(50))

    def test_it_is_on_track_at_exactly_ten_points_behind(self) -> None:
        assert self.pace_at_day_50(0.40) == Pace.ON_TRACK

    def test_it_is_at_risk_just_past_ten_points_behind(self) -> None:
        assert self.pace_at_day_50(0.399) == Pace.AT_RISK

    def test_it_is_at_risk_at_exactly_twenty_five_points_behind(self) -> None:
        assert self.pace_at_day_50(0.25) == Pace.AT_RISK

    def test_it_is_off_track_past_twenty_five_points_behind(self) -> None:
        assert self.pace_at_day_50(0.249) == Pace.OFF_TRACK

    def test_it_is_on_track_when_ahead(self) -> None:
        assert self.pace_at_day_50(0.9) == Pace.ON_TRACK

    def test_it_is_not_started_with_no_reading_seven_days_after_the_start(self) -> None:
        assert pace(0.0, 0.07, has_reading=False, start=START, at=day(7)) == Pace.NOT_STARTED

    def test_it_judges_normally_before_those_seven_days(self) -> None:
        # Day 6 of 100: expected 0.06, progress 0 is within 0.10 → on track.
        assert pace(0.0, 0.06, has_reading=False, start=START, at=day(6)) == Pace.ON_TRACK


class TestStalled:
    def test_it_stalls_on_three_equal_readings(self) -> None:
        assert stalled(points((10, 40), (12, 40), (14, 40)), 0.25, day(14))

    def test_two_equal_readings_are_not_yet_stalled(self) -> None:
        assert not stalled(points((10, 35), (12, 40), (14, 40)), 0.25, day(14))

    def test_it_stalls_when_the_value_held_for_twenty_one_days(self) -> None:
        # Set to 40 on day 10, read again on day 20: unchanged for 21 days on day 31.
        readings = points((5, 30), (10, 40), (20, 40))
        assert not stalled(readings, 0.25, day(30, hour=23))
        assert stalled(readings, 0.25, day(31))

    def test_a_single_old_reading_is_stalled(self) -> None:
        assert stalled(points((0, 40)), 0.25, day(21))

    def test_a_measure_at_its_target_is_never_stalled(self) -> None:
        assert not stalled(points((1, 100), (2, 100), (3, 100)), 1.0, day(40))

    def test_no_reading_is_not_stalled(self) -> None:
        assert not stalled([], 0.0, day(40))


class TestJudge:
    def test_it_combines_the_rules_at_a_moment(self) -> None:
        # Baseline 20, target 100; latest reading 60 on day 40 → progress 40/80 = 0.5.
        # Day 60 of 100 → expected 0.6; 0.5 ≥ 0.6 − 0.10 → on track.
        health = judged(20, 100, (10, 30), (40, 60), at=60)
        assert (health.progress, health.expected, health.pace) == (0.5, 0.6, Pace.ON_TRACK)
        assert (health.current, health.readings, health.stalled) == (60, 2, False)

    def test_it_ignores_readings_after_the_moment(self) -> None:
        # At day 20 only the first reading counts: (30 − 20) / 80 = 0.125.
        health = judged(20, 100, (10, 30), (40, 60), at=20)
        assert (health.progress, health.readings) == (0.125, 1)

    def test_it_flags_a_measure_that_is_off_track(self) -> None:
        # Day 80: expected 0.8; progress 0.5 is 0.30 behind → off track, needs attention.
        health = judged(20, 100, (70, 60), at=80)
        assert health.pace == Pace.OFF_TRACK
        assert health.needs_attention

    def test_it_awaits_the_first_reading_only_inside_the_first_week(self) -> None:
        # No reading on day 3: on track by the rule (expected 0.03), shown as "No readings yet".
        early = judged(0, 100, at=3)
        assert (early.pace, early.awaiting_first_reading) == (Pace.ON_TRACK, True)
        # Day 7 without one: not started, a pace of its own.
        late = judged(0, 100, at=7)
        assert (late.pace, late.awaiting_first_reading) == (Pace.NOT_STARTED, False)
        # One reading on day 1: judged from it.
        read = judged(0, 100, (1, 5), at=3)
        assert (read.pace, read.awaiting_first_reading) == (Pace.ON_TRACK, False)


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([(0.5, 1), (1.0, 1)], 0.75),
        ([(0.2, 3), (1.0, 1)], 0.4),  # (0.6 + 1.0) / 4
        ([(0.2, 0), (1.0, 0)], 0.0),
        ([], 0.0),
    ],
)
def test_it_weighs_a_mean(pairs: list[tuple[float, float]], expected: float) -> None:
    assert weighted_mean(pairs) == pytest.approx(expected)


class TestGuardrail:
    """A guardrail holds a line T (DESIGN §2.2): "stay above 95 % uptime", "stay below 2 %
    churn". Every expected value is worked out from the rule in the docstring of rules.py."""

    def uptime(self, *pairs: tuple[int, float], at: int = 50) -> Health:
        # Stay above 95 (% uptime); the window is START..END (100 days).
        return judged(99, 95, *pairs, at=at, direction="stay_above")

    def churn(self, *pairs: tuple[int, float], at: int = 50) -> Health:
        # Stay below 2 (% churn).
        return judged(1, 2, *pairs, at=at, direction="stay_below")

    def test_exactly_on_the_line_holds(self) -> None:
        for health in (self.uptime((10, 95.0)), self.churn((10, 2.0))):
            assert (health.progress, health.pace) == (1.0, Pace.ON_TRACK)

    def test_just_across_the_line_is_a_breach_off_track_with_progress_zero(self) -> None:
        for health in (self.uptime((10, 94.99)), self.churn((10, 2.01))):
            assert (health.progress, health.pace) == (0.0, Pace.OFF_TRACK)

    def test_just_inside_the_line_after_a_farther_reading_is_at_risk(self) -> None:
        # Uptime 99 then 95.5: |95.5 − 95| = 0.5 ≤ 0.05 × 95 = 4.75, and 0.5 < |99 − 95| = 4.
        assert self.uptime((10, 99.0), (40, 95.5)).pace == Pace.AT_RISK
        # Churn 1.0 then 1.95: |1.95 − 2| = 0.05 ≤ 0.05 × 2 = 0.1, and 0.05 < |1 − 2| = 1.
        assert self.churn((10, 1.0), (40, 1.95)).pace == Pace.AT_RISK
        # Both still hold: progress 1.
        assert self.uptime((10, 99.0), (40, 95.5)).progress == 1.0

    def test_near_the_line_but_moving_away_is_on_track(self) -> None:
        # 95.2 then 95.5: near (0.5 ≤ 4.75) but farther than 0.2 from the line: on track.
        assert self.uptime((10, 95.2), (40, 95.5)).pace == Pace.ON_TRACK

    def test_near_the_line_with_one_reading_is_on_track(self) -> None:
        # No reading before it to be closer than.
        assert self.uptime((40, 95.5)).pace == Pace.ON_TRACK

    def test_the_edge_of_the_near_band(self) -> None:
        # 0.05 × 95 = 4.75: 99.75 is exactly at the band's edge (at risk after 100), 99.8 outside.
        assert self.uptime((10, 100.0), (40, 99.75)).pace == Pace.AT_RISK
        assert self.uptime((10, 100.0), (40, 99.8)).pace == Pace.ON_TRACK

    def test_a_breach_in_the_last_14_days_keeps_it_at_risk(self) -> None:
        # Breached on day 36 (14 days before day 50), back above on day 45.
        assert self.uptime((36, 94.0), (45, 99.0)).pace == Pace.AT_RISK
        # Breached on day 35, 15 days before: forgotten.
        assert self.uptime((35, 94.0), (45, 99.0)).pace == Pace.ON_TRACK

    def test_no_reading_is_on_track_for_a_week_then_not_started(self) -> None:
        waiting = self.uptime(at=6)
        assert (waiting.progress, waiting.pace, waiting.awaiting_first_reading) == (
            0.0,
            Pace.ON_TRACK,
            True,
        )
        assert self.uptime(at=7).pace == Pace.NOT_STARTED

    def test_a_zero_line_has_no_near_band(self) -> None:
        # Stay below 0 incidents: 0 holds; 0 after 3 is not "near" (T = 0 has no band).
        health = judged(0, 0, (10, 3.0), (40, 0.0), at=50, direction="stay_below")
        # The breach on day 10 is 40 days old: on track.
        assert (health.progress, health.pace) == (1.0, Pace.ON_TRACK)

    def test_a_steady_guardrail_is_never_stalled(self) -> None:
        health = self.uptime((10, 99.0), (20, 99.0), (30, 99.0), (40, 99.0))
        assert (health.stalled, health.pace, health.progress) == (False, Pace.ON_TRACK, 1.0)
