"""The trend chart of the Insights home: the alignment index over time, as server-rendered SVG.

One bold solid line for the index and, optionally, a line per component, on a fixed 0–100
scale (the scale every component and the index share). Every line has its own colour AND its
own dash pattern and marker shape (:data:`LINE_STYLES`), so lines are told apart without
colour; the legend draws each sample with the same code. A day without a value (no snapshot, or
no data that day) breaks the line rather than being drawn as zero. The page shows the same
figures in a table for screen readers; the chart's ``<desc>`` says what it shows in words.
Layout constants and number formatting come from northline.lib.charts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
# About this many markers on each secondary line, whatever the number of days.
MARKERS_PER_LINE = 8
MARKER_SIZE = 3.0


@dataclass(frozen=True)
class LineStyle:
    """How a line is drawn besides its colour: a dash pattern and a marker shape."""

    name: str
    dasharray: str  # "" draws a solid line
    marker: str


# The main line takes the first; the others follow in their order.
LINE_STYLES = (
    LineStyle("solid", "", "circle"),
    LineStyle("dashed", "8 4", "square"),
    LineStyle("dotted", "1 4", "triangle"),
    LineStyle("dash-dot", "9 3 1 3", "diamond"),
    LineStyle("long dash", "16 5", "cross"),
    LineStyle("dash-dot-dot", "9 3 1 3 1 3", "ring"),
)


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


def line_styles(series: Sequence[Series]) -> dict[str, LineStyle]:
    """Each series' style by key: the main line solid, the others each a different pattern
    (wrapping round only beyond six lines)."""
    styles: dict[str, LineStyle] = {}
    others = iter(LINE_STYLES[1:] * (1 + len(series) // len(LINE_STYLES)))
    for line in series:
        styles[line.key] = LINE_STYLES[0] if line.main else next(others)
    return styles


def marker(shape: str, cx: float, cy: float, css: str, title: str = "") -> str:
    """A marker of ``shape`` centred on (cx, cy), with an optional ``<title>``."""
    r = MARKER_SIZE
    inner = f"<title>{escape(title)}</title>" if title else ""
    if shape == "circle":
        return f'<circle class="{css}" cx="{cx:.1f}" cy="{cy:.1f}" r="{r}">{inner}</circle>'
    if shape == "ring":
        return (
            f'<circle class="{css} trend-marker-open" cx="{cx:.1f}" cy="{cy:.1f}" '
            f'r="{r}">{inner}</circle>'
        )
    if shape == "square":
        return (
            f'<rect class="{css}" x="{cx - r:.1f}" y="{cy - r:.1f}" width="{2 * r}" '
            f'height="{2 * r}">{inner}</rect>'
        )
    if shape == "cross":
        return (
            f'<path class="{css} trend-marker-open" d="M{cx - r:.1f},{cy - r:.1f} '
            f"L{cx + r:.1f},{cy + r:.1f} M{cx - r:.1f},{cy + r:.1f} L{cx + r:.1f},"
            f'{cy - r:.1f}">{inner}</path>'
        )
    corners = {
        "triangle": [(0, -1.2), (1.1, 0.9), (-1.1, 0.9)],
        "diamond": [(0, -1.3), (1.2, 0), (0, 1.3), (-1.2, 0)],
    }[shape]
    points = " ".join(f"{cx + dx * r:.1f},{cy + dy * r:.1f}" for dx, dy in corners)
    return f'<polygon class="{css}" points="{points}">{inner}</polygon>'


def dash(style: LineStyle) -> str:
    return f' stroke-dasharray="{style.dasharray}"' if style.dasharray else ""


def legend_sample(line: Series, style: LineStyle) -> SafeString:
    """A short stretch of the line with its marker, for the legend beside the chart."""
    css = f"trend-line trend-{escape(line.key)}" + (" trend-main" if line.main else "")
    return mark_safe(  # noqa: S308 - the key is escaped, the rest is ours
        '<svg class="legend-sample" width="40" height="14" viewBox="0 0 40 14" '
        'aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
        f'<line class="{css}" x1="1" x2="39" y1="7" y2="7"{dash(style)}/>'
        + marker(style.marker, 20, 7, f"trend-marker trend-{escape(line.key)}")
        + "</svg>"
    )


def legend(series: Sequence[Series]) -> list[tuple[str, str, SafeString]]:
    """(label, style name, sample) per series, the main line first."""
    styles = line_styles(series)
    ordered = sorted(series, key=lambda item: not item.main)
    return [
        (line.label, styles[line.key].name, legend_sample(line, styles[line.key]))
        for line in ordered
    ]


def marked(points: Sequence[tuple[dt.date, float]], offset: int) -> list[tuple[dt.date, float]]:
    """About :data:`MARKERS_PER_LINE` of a line's points, staggered by ``offset`` so that
    lines lying on top of each other show their markers side by side; the last always."""
    every = max(1, math.ceil(len(points) / MARKERS_PER_LINE))
    chosen = [point for index, point in enumerate(points) if (index + offset) % every == 0]
    if points and points[-1] not in chosen:
        chosen.append(points[-1])
    return chosen


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
    styles = line_styles(series)
    others = [f"{line.label} ({styles[line.key].name})" for line in series if not line.main]
    description = (
        f"{main.label if main else 'Values'} from {start:%Y-%m-%d} to {end:%Y-%m-%d} on a "
        f"scale of 0 to 100, solid line. {told}"
        + (f" Other lines: {', '.join(others)}." if others else "")
    )
    parts = svg_open(chart_id, width, height, title, description, css="chart trend-chart")
    parts += value_grid(axis, y, width)
    parts += date_axis(start, end, bottom, width)
    # The other lines first, so the main line is drawn over them.
    for order, line in enumerate(sorted(series, key=lambda item: item.main)):
        style = styles[line.key]
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
            parts.append(f'<polyline class="{css}" points="{path}"{dash(style)}/>')
        if not line.main:
            valued_points = [(day, shown) for day, shown in line.points if shown is not None]
            for day, shown in marked(valued_points, order):
                parts.append(
                    marker(
                        style.marker,
                        x(day),
                        y(shown),
                        f"trend-marker trend-{escape(line.key)}",
                        f"{line.label}: {number(shown)} on {day:%Y-%m-%d}",
                    )
                )
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
