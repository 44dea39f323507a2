"""The trend chart of the Insights home: the alignment index over time, as server-rendered SVG.

One bold line for the index and, optionally, a faint line per component, on a fixed 0–100
scale (the scale every component and the index share). A day without a value (no snapshot, or
no data that day) breaks the line rather than being drawn as zero. The page shows the same
figures in a table for screen readers; the chart's ``<desc>`` says what it shows in words.
Layout constants and number formatting come from northline.lib.charts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString

from northline.lib.charts import (
    HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    WIDTH,
    Axis,
    along,
    date_axis,
    finish,
    moment,
    number,
    svg_open,
    value_grid,
)

# Beyond this many days the index's dots shrink so the line stays readable.
DENSE_DAYS = 31


@dataclass(frozen=True)
class Series:
    """One line: its key (a CSS class), its name, and a value (or None) per day."""

    key: str
    label: str
    points: Sequence[tuple[dt.date, float | None]]
    main: bool = False


def segments(points: Sequence[tuple[dt.date, float | None]]) -> list[list[tuple[dt.date, float]]]:
    """Runs of consecutive points with a value; a None ends a run."""
    runs: list[list[tuple[dt.date, float]]] = []
    current: list[tuple[dt.date, float]] = []
    for day, value in points:
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((day, value))
    if current:
        runs.append(current)
    return runs


def trend_chart(
    series: Sequence[Series],
    *,
    start: dt.date,
    end: dt.date,
    title: str,
    chart_id: str = "trend",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """Lines over the days from ``start`` to ``end`` on a 0–100 scale, the main one on top."""
    axis = Axis.around(0, 100)
    x0, x1 = moment(start), moment(end)
    span = max((x1 - x0).total_seconds(), 1.0)
    plot_w = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = height - MARGIN_TOP - MARGIN_BOTTOM
    bottom = height - MARGIN_BOTTOM
    upward = axis.upward(MARGIN_TOP, plot_h)

    def x(day: dt.date) -> float:
        return along((moment(day) - x0).total_seconds() / span, MARGIN_LEFT, plot_w)

    def y(value: float) -> float:
        return upward(min(max(value, axis.low), axis.high))

    main = next((line for line in series if line.main), None)
    valued = [(day, value) for day, value in (main.points if main else ()) if value is not None]
    if valued:
        first_day, first_value = valued[0]
        last_day, last_value = valued[-1]
        told = (
            f"{len(valued)} day{'s' if len(valued) != 1 else ''} with a value; "
            f"{number(first_value)} on {first_day:%Y-%m-%d}, {number(last_value)} on "
            f"{last_day:%Y-%m-%d}."
        )
    else:
        told = "No values yet."
    others = [line.label for line in series if not line.main]
    description = (
        f"{main.label if main else 'Values'} from {start:%Y-%m-%d} to {end:%Y-%m-%d} on a "
        f"scale of 0 to 100. {told}" + (f" Fainter lines: {', '.join(others)}." if others else "")
    )
    parts = svg_open(chart_id, width, height, title, description, css="chart trend-chart")
    parts += value_grid(axis, y, width)
    parts += date_axis(start, end, bottom, width)
    # Faint lines first, so the main line is drawn over them.
    for line in sorted(series, key=lambda item: item.main):
        css = f"trend-line trend-{escape(line.key)}" + (" trend-main" if line.main else "")
        for run in segments(line.points):
            if len(run) == 1:
                day, value = run[0]
                parts.append(
                    f'<circle class="{css} trend-dot" cx="{x(day):.1f}" cy="{y(value):.1f}" '
                    f'r="2.5"/>'
                )
                continue
            path = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in run)
            parts.append(f'<polyline class="{css}" points="{path}"/>')
        if line.main:
            # A dot per day (each with its figure on hover), smaller when days are many; the
            # latest stands out.
            shown_points = [(day, shown) for day, shown in line.points if shown is not None]
            radius = 3.0 if len(shown_points) <= DENSE_DAYS else 1.8
            for position, (day, shown) in enumerate(shown_points):
                latest = position == len(shown_points) - 1
                parts.append(
                    f'<circle class="trend-point{" trend-latest" if latest else ""}" '
                    f'cx="{x(day):.1f}" cy="{y(shown):.1f}" r="{4.5 if latest else radius}">'
                    f"<title>{escape(line.label)}: {escape(number(shown))} on "
                    f"{day:%Y-%m-%d}</title></circle>"
                )
    return finish(parts)
