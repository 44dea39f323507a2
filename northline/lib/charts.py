"""Server-rendered SVG charts (DESIGN §4: no chart library, no script needed to read them).

:func:`progress_chart` draws a measure's readings over its window against the expected-pace
line (from the baseline at the start to the target at the end) with a "today" marker. It knows
nothing of goals or epics: any app that has readings, a baseline and a target can use it.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>``; pages show the same numbers in a table beside it for screen readers and print.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 56
MARGIN_RIGHT = 20
MARGIN_TOP = 20
MARGIN_BOTTOM = 40
TICKS = 4


@dataclass(frozen=True)
class ChartPoint:
    at: dt.datetime
    value: float


def number(value: float) -> str:
    """A value for a label: no trailing zeros, at most two decimals."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def nice_scale(low: float, high: float, ticks: int = TICKS) -> tuple[float, float, float]:
    """An axis from ``low`` to ``high`` widened to round steps of 1, 2, 2.5 or 5 × 10ⁿ:
    (0, 100) → (0, 100, 25); (13, 42) → (10, 50, 10)."""
    if high == low:
        high = low + 1
    rough = (high - low) / ticks
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(factor * magnitude for factor in (1, 2, 2.5, 5, 10) if factor * magnitude >= rough)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


@dataclass(frozen=True)
class Axis:
    """A value axis from ``low`` to ``high`` with a tick every ``step``, and where a value
    falls on it: every chart derives its scale here (from :func:`nice_scale`)."""

    low: float
    high: float
    step: float

    @classmethod
    def around(cls, low: float, high: float, ticks: int = TICKS) -> Axis:
        """The round axis that spans ``low`` to ``high`` (:func:`nice_scale`)."""
        return cls(*nice_scale(low, high, ticks))

    def ticks(self) -> list[float]:
        """The value at every tick, from ``low`` to ``high``."""
        count = round((self.high - self.low) / self.step) + 1
        return [self.low + self.step * index for index in range(count)]

    def share(self, value: float) -> float:
        """How far up the axis ``value`` is: 0 at ``low``, 1 at ``high``."""
        return (value - self.low) / (self.high - self.low)

    def upward(self, top: float, length: float) -> Callable[[float], float]:
        """The y of a value on a vertical axis ``length`` pixels tall from ``top``: ``low``
        at the bottom, ``high`` at the top (SVG's y grows downward)."""
        return lambda value: top + (1 - self.share(value)) * length

    def across(self, left: float, length: float) -> Callable[[float], float]:
        """The x of a value on a horizontal axis ``length`` pixels wide from ``left``."""
        return lambda value: left + self.share(value) * length


def along(share: float, start: float, length: float) -> float:
    """The pixel ``share`` of the way along ``length`` from ``start``, kept within it (a
    point before the window's start or after its end is drawn at its edge)."""
    return start + min(max(share, 0.0), 1.0) * length


def moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def progress_chart(
    points: Sequence[ChartPoint],
    *,
    start: dt.date,
    end: dt.date,
    baseline: float,
    target: float,
    now: dt.datetime,
    title: str,
    unit: str = "",
    chart_id: str = "chart",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """Readings (a line with a dot each) against the expected pace, with a "today" marker.

    The x axis spans the window from the start of ``start`` to the start of ``end`` (the pace
    rule's window); readings outside it are drawn at its edges. The y axis spans the baseline,
    the target and every reading, widened to round steps (:func:`nice_scale`).
    """
    x0, x1 = moment(start), moment(end)
    span_seconds = max((x1 - x0).total_seconds(), 1.0)
    values = [baseline, target, *(point.value for point in points)]
    axis = Axis.around(min(values), max(values))
    plot_w = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = height - MARGIN_TOP - MARGIN_BOTTOM

    def x(at: dt.datetime) -> float:
        return along((at - x0).total_seconds() / span_seconds, MARGIN_LEFT, plot_w)

    y = axis.upward(MARGIN_TOP, plot_h)

    suffix = f" {unit}" if unit else ""
    if points:
        latest = points[-1]
        told = (
            f"{len(points)} reading{'s' if len(points) != 1 else ''}; the latest is "
            f"{number(latest.value)}{suffix} on {latest.at:%Y-%m-%d}."
        )
    else:
        told = "No readings yet."
    description = (
        f"From {start:%Y-%m-%d} to {end:%Y-%m-%d}, the expected pace runs from the baseline "
        f"{number(baseline)}{suffix} to the target {number(target)}{suffix}. {told}"
    )
    parts = svg_open(chart_id, width, height, title, description)
    parts += value_grid(axis, y, width)
    bottom = height - MARGIN_BOTTOM
    parts += date_axis(start, end, bottom, width)
    # The target, and the expected pace from baseline to target.
    parts.append(
        f'<line class="chart-target" x1="{MARGIN_LEFT}" x2="{width - MARGIN_RIGHT}" '
        f'y1="{y(target):.1f}" y2="{y(target):.1f}"/>'
        f'<line class="chart-expected" x1="{x(x0):.1f}" y1="{y(baseline):.1f}" '
        f'x2="{x(x1):.1f}" y2="{y(target):.1f}"><title>Expected pace</title></line>'
    )
    # Today.
    if x0 <= now <= x1:
        tx = x(now)
        parts.append(
            f'<line class="chart-today" x1="{tx:.1f}" x2="{tx:.1f}" y1="{MARGIN_TOP}" '
            f'y2="{bottom}"/><text class="chart-label chart-today-label" x="{tx:.1f}" '
            f'y="{MARGIN_TOP - 6}" text-anchor="middle">today</text>'
        )
    # The readings.
    if points:
        line = " ".join(f"{x(point.at):.1f},{y(point.value):.1f}" for point in points)
        parts.append(f'<polyline class="chart-readings" points="{line}"/>')
        for point in points:
            parts.append(
                f'<circle class="chart-point" cx="{x(point.at):.1f}" cy="{y(point.value):.1f}" '
                f'r="4"><title>{escape(number(point.value))}{escape(suffix)} on '
                f"{point.at:%Y-%m-%d}</title></circle>"
            )
    return finish(parts)


# Pieces every chart shares ---------------------------------------------------------------------


def svg_open(
    chart_id: str,
    width: int,
    height: int,
    title: str,
    description: str,
    *,
    css: str = "chart",
    fixed: bool = False,
    align: str = "xMidYMid",
) -> list[str]:
    """The opening of a chart: its size, role, title and description (named by
    ``aria-labelledby``). ``fixed`` keeps its pixel size (a wide chart in a scrolling box)
    instead of shrinking to the page; ``align`` places it in its box."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    size = f' width="{width}" height="{height}"' if fixed else ""
    return [
        f'<svg class="{escape(css)}" id="{escape(chart_id)}" role="img"{size} '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{escape(title_id)} '
        f'{escape(desc_id)}" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="{escape(align)} meet">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]


def finish(parts: list[str]) -> SafeString:
    """The chart's parts closed and joined; callers escape every text they interpolate."""
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped


def value_grid(axis: Axis, y: Callable[[float], float], width: int) -> list[str]:
    """A grid line with its value label at every tick of ``axis``."""
    parts = []
    for value in axis.ticks():
        gy = y(value)
        parts.append(
            f'<line class="chart-grid" x1="{MARGIN_LEFT}" x2="{width - MARGIN_RIGHT}" '
            f'y1="{gy:.1f}" y2="{gy:.1f}"/>'
            f'<text class="chart-label" x="{MARGIN_LEFT - 6}" y="{gy + 4:.1f}" '
            f'text-anchor="end">{escape(number(value))}</text>'
        )
    return parts


def date_axis(start: dt.date, end: dt.date, bottom: float, width: int) -> list[str]:
    """The time axis along ``bottom``, with the first and the last day at its ends."""
    return [
        f'<line class="chart-axis" x1="{MARGIN_LEFT}" x2="{width - MARGIN_RIGHT}" '
        f'y1="{bottom}" y2="{bottom}"/>'
        f'<text class="chart-label" x="{MARGIN_LEFT}" y="{bottom + 18}" text-anchor="start">'
        f"{start:%d %b %Y}</text>"
        f'<text class="chart-label" x="{width - MARGIN_RIGHT}" y="{bottom + 18}" '
        f'text-anchor="end">{end:%d %b %Y}</text>'
    ]
