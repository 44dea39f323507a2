"""The rules that judge a measure (DESIGN §2.2), in one place for every app.

Pure functions over plain values: no database, no clock of their own (``at`` is always passed in),
so themes, key results, epics, stories and insights all judge alike and tests can name the day.

Guardrails (direction ``stay_above`` / ``stay_below``) are judged by their own rule
(:func:`judge_guardrail`): a threshold T (stored as the indicator's target) that the measure must
hold, not a distance to travel. It holds while the latest reading is on the right side of T
(standing exactly on T holds). Progress is 1 while it holds and 0 once breached (so roll-ups count
a breach as a miss). Pace: off track when the latest reading breaches T; at risk when it holds but
a reading of the last 14 days breached it, or when T ≠ 0 and the latest reading lies within 5 % of
T (|current − T| ≤ 0.05 × |T|) and closer to T than the reading before it; otherwise on track; not
started, as for every measure, with no reading a week after the start. A guardrail is never "not
moving": steady is the point.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, NamedTuple

ON_TRACK_MARGIN = 0.10  # progress may lag the expected share by this much and still be on track
AT_RISK_MARGIN = 0.25  # … and by this much before it is off track
NOT_STARTED_AFTER = dt.timedelta(days=7)
STALLED_READINGS = 3
STALLED_AFTER = dt.timedelta(days=21)
GUARDRAIL_LOOKBACK = dt.timedelta(days=14)  # a breach this recent keeps a held line at risk
GUARDRAIL_NEAR = 0.05  # within this share of |T| and closing in on it: at risk
GUARDRAILS = ("stay_above", "stay_below")
# Comparisons at the margins allow for binary floating point: 0.4 - 0.5 is -0.09999999999999998.
EPSILON = 1e-9


class Pace(StrEnum):
    """How a measure keeps up with its window; the one list of paces, their labels and their
    rules in words (pages, exports, charts and the API all ask it)."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_STARTED = "not_started"

    @property
    def label(self) -> str:
        """ "On track", as pages name it (lower-cased in running text)."""
        return {
            Pace.ON_TRACK: "On track",
            Pace.AT_RISK: "At risk",
            Pace.OFF_TRACK: "Off track",
            Pace.NOT_STARTED: "Not started",
        }[self]

    @property
    def rule(self) -> str:
        """When a measure has this pace, in words, from the margins :func:`pace` applies."""
        on_track, at_risk = points(ON_TRACK_MARGIN), points(AT_RISK_MARGIN)
        return {
            Pace.ON_TRACK: (
                f"progress is within {on_track} points of the share of the period that has passed"
            ),
            Pace.AT_RISK: f"behind by {on_track} to {at_risk} points",
            Pace.OFF_TRACK: f"behind by more than {at_risk} points",
            Pace.NOT_STARTED: f"no check-in {span(NOT_STARTED_AFTER)} after the start",
        }[self]

    @property
    def severity(self) -> int:
        """0 for the worst pace: the order "needs attention" lists measures in, and which pace a
        card shows for several measures. Not started comes before at risk: nobody has checked
        in at all, so nothing says how far behind it is."""
        return SEVERITY.index(self)


SEVERITY = (Pace.OFF_TRACK, Pace.NOT_STARTED, Pace.AT_RISK, Pace.ON_TRACK)


def worst_pace(paces: Iterable[Pace]) -> Pace | None:
    """The worst of several paces (by :attr:`Pace.severity`); None for none."""
    return min(paces, key=lambda pace: pace.severity, default=None)


# The paces as the API publishes them ("on_track", …): a Literal built from Pace, so the schema
# lists the same four strings (a type checker sees them as plain strings).
if TYPE_CHECKING:
    PaceName = str
else:
    PaceName = Literal[tuple(pace.value for pace in Pace)]


def points(margin: float) -> int:
    """A margin of progress in percentage points: 0.10 → 10."""
    return round(margin * 100)


def span(length: dt.timedelta) -> str:
    """7 days → "a week"; other lengths in days."""
    return "a week" if length == dt.timedelta(days=7) else f"{length.days} days"


def stalled_rule() -> str:
    """When a measure is not moving, in words, from the limits :func:`stalled` applies."""
    return (
        f"the same value for the last {STALLED_READINGS} readings, or for {STALLED_AFTER.days} days"
    )


AWAITING_LABEL = "No readings yet"


def awaiting_rule() -> str:
    """Why a measure without readings shows no pace yet, in words."""
    return (
        "the pace is judged from the first reading; with none "
        f"{span(NOT_STARTED_AFTER)} after the start it is not started"
    )


def needs_attention(pace: Pace, stalled: bool) -> bool:
    """A measure needs attention when it is not moving or off track."""
    return stalled or pace == Pace.OFF_TRACK


class Point(NamedTuple):
    """One reading as the rules see it (a tuple: thousands are built for one page)."""

    value: float
    at: dt.datetime


class Health(NamedTuple):
    """How a measure stands at one moment (a tuple, as Point is: a big page judges thousands,
    and a frozen dataclass took longer to build than the judging)."""

    progress: float
    expected: float
    pace: Pace
    stalled: bool
    current: float | None
    readings: int
    last_reading_at: dt.datetime | None
    unchanged_since: dt.datetime | None

    @property
    def needs_attention(self) -> bool:
        return needs_attention(self.pace, self.stalled)

    @property
    def percent(self) -> int:
        return round(self.progress * 100)

    @property
    def awaiting_first_reading(self) -> bool:
        """No reading yet and still inside the week before that counts as not started: the
        pace rule says on track only because nothing is late yet, so pages say "No readings
        yet" rather than "On track"."""
        return self.readings == 0 and self.pace == Pace.ON_TRACK


def progress(baseline: float, target: float, current: float | None) -> float:
    """clamp((current − baseline) / (target − baseline), 0, 1); one formula for both directions."""
    if current is None:
        return 0.0
    span = target - baseline
    if span == 0:
        # A target equal to its baseline is met once the value stands on it.
        return 1.0 if current == target else 0.0
    return min(max((current - baseline) / span, 0.0), 1.0)


def expected_progress(start: dt.date, end: dt.date, at: dt.datetime | dt.date) -> float:
    """The elapsed share of the window [start, end] at ``at``, between 0 and 1."""
    start_at = day_start(start)
    end_at = day_start(end)
    moment = at if isinstance(at, dt.datetime) else day_start(at)
    length = (end_at - start_at).total_seconds()
    if length <= 0:
        return 1.0 if moment >= end_at else 0.0
    elapsed = (moment - start_at).total_seconds()
    return min(max(elapsed / length, 0.0), 1.0)


def pace(
    progress_now: float,
    expected: float,
    *,
    has_reading: bool,
    start: dt.date,
    at: dt.datetime,
) -> Pace:
    if not has_reading and at >= day_start(start) + NOT_STARTED_AFTER:
        return Pace.NOT_STARTED
    if progress_now >= expected - ON_TRACK_MARGIN - EPSILON:
        return Pace.ON_TRACK
    if progress_now >= expected - AT_RISK_MARGIN - EPSILON:
        return Pace.AT_RISK
    return Pace.OFF_TRACK


def unchanged_run(points: Sequence[Point]) -> list[Point]:
    """The trailing readings (oldest first) that all hold the latest value."""
    run: list[Point] = []
    for point in reversed(points):
        if run and point.value != run[-1].value:
            break
        run.append(point)
    run.reverse()
    return run


def stalled(
    points: Sequence[Point],
    progress_now: float,
    at: dt.datetime,
    run: Sequence[Point] | None = None,
) -> bool:
    """Not moving: the last 3 readings hold one value, or it has held for 21 days, below target.
    ``run`` is the points' :func:`unchanged_run` where the caller has it already."""
    if progress_now >= 1.0 or not points:
        return False
    if run is None:
        run = unchanged_run(points)
    return len(run) >= STALLED_READINGS or at - run[0].at >= STALLED_AFTER


def up_to(points: Sequence[Point], at: dt.datetime) -> Sequence[Point]:
    """The readings (oldest first) taken up to ``at``: all of them, as a page reads them, unless
    the last is later."""
    if not points or points[-1].at <= at:
        return points
    return [point for point in points if point.at <= at]


def judge(
    *,
    baseline: float,
    target: float,
    points: Sequence[Point],
    start: dt.date,
    end: dt.date,
    at: dt.datetime,
    direction: str = "increase",
) -> Health:
    """Progress, pace and stalled of one measure from its readings up to ``at`` (oldest first).
    A guardrail (``direction`` stay_above / stay_below) is judged by :func:`judge_guardrail`."""
    if direction in GUARDRAILS:
        return judge_guardrail(
            threshold=target,
            above=direction == "stay_above",
            points=points,
            start=start,
            end=end,
            at=at,
        )
    seen = up_to(points, at)
    current = seen[-1].value if seen else None
    progress_now = progress(baseline, target, current)
    expected = expected_progress(start, end, at)
    run = unchanged_run(seen)
    return Health(
        progress=progress_now,
        expected=expected,
        pace=pace(progress_now, expected, has_reading=bool(seen), start=start, at=at),
        stalled=stalled(seen, progress_now, at, run),
        current=current,
        readings=len(seen),
        last_reading_at=seen[-1].at if seen else None,
        unchanged_since=run[0].at if run else None,
    )


def holds(value: float, threshold: float, *, above: bool) -> bool:
    """Whether a guardrail's reading is on the right side of its line (on the line holds)."""
    return value >= threshold - EPSILON if above else value <= threshold + EPSILON


def guardrail_pace(
    points: Sequence[Point], threshold: float, *, above: bool, start: dt.date, at: dt.datetime
) -> Pace:
    """A guardrail's pace from its readings up to ``at`` (oldest first); see the module's
    docstring for the rule in words."""
    if not points:
        return Pace.NOT_STARTED if at >= day_start(start) + NOT_STARTED_AFTER else Pace.ON_TRACK
    current = points[-1].value
    if not holds(current, threshold, above=above):
        return Pace.OFF_TRACK
    recent = [point for point in points if point.at >= at - GUARDRAIL_LOOKBACK]
    if any(not holds(point.value, threshold, above=above) for point in recent):
        return Pace.AT_RISK
    if threshold != 0 and len(points) > 1:
        near = abs(current - threshold) <= GUARDRAIL_NEAR * abs(threshold) + EPSILON
        closing = abs(current - threshold) < abs(points[-2].value - threshold)
        if near and closing:
            return Pace.AT_RISK
    return Pace.ON_TRACK


def judge_guardrail(
    *,
    threshold: float,
    above: bool,
    points: Sequence[Point],
    start: dt.date,
    end: dt.date,
    at: dt.datetime,
) -> Health:
    """How a guardrail stands at ``at``: progress 1 while it holds, 0 once breached (or with no
    reading); never stalled."""
    seen = up_to(points, at)
    current = seen[-1].value if seen else None
    held = current is not None and holds(current, threshold, above=above)
    run = unchanged_run(seen)
    return Health(
        progress=1.0 if held else 0.0,
        expected=expected_progress(start, end, at),
        pace=guardrail_pace(seen, threshold, above=above, start=start, at=at),
        stalled=False,
        current=current,
        readings=len(seen),
        last_reading_at=seen[-1].at if seen else None,
        unchanged_since=run[0].at if run else None,
    )


def weighted_mean(pairs: Sequence[tuple[float, float]]) -> float:
    """Σ(value × weight) / Σ weight over (value, weight) pairs; 0 when the weights sum to 0."""
    total = sum(weight for _, weight in pairs)
    if total <= 0:
        return 0.0
    return sum(value * weight for value, weight in pairs) / total


@functools.lru_cache(maxsize=4096)
def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in UTC: windows are whole days."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
