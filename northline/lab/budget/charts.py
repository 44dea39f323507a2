"""The burn chart: an engagement's spending against its planned budget, as inline SVG."""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape
from django.utils.safestring import SafeString

from northline.lab.budget.selectors import BudgetSummary
from northline.lib.charts import Axis, along, finish, number, svg_open

# The burn chart ------------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 20, 20, 40


def burn_chart(summary: BudgetSummary, *, chart_id: str = "burn") -> SafeString:
    """Cumulative spend (a step line) over time against the planned range (a shaded band),
    as an ``<svg role="img">`` with a title and a description; the page shows the figures in a
    table too."""
    start = summary.engagement.start_date or (summary.burn[0].on if summary.burn else summary.today)
    end = max([summary.today, *(point.on for point in summary.burn)])
    if end <= start:
        end = start + dt.timedelta(days=1)
    span = (end - start).days
    values = [0.0, float(summary.total)]
    for bound in (summary.low, summary.high):
        if bound is not None:
            values.append(float(bound))
    axis = Axis.around(min(values), max(values))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return along((day - start).days / span, LEFT, plot_w)

    y = axis.upward(TOP, plot_h)

    currency = summary.currency
    planned = (
        f"The planned range is {number(float(summary.low))} to {number(float(summary.high))} "
        f"{currency}. "
        if summary.low is not None and summary.high is not None
        else "No planned range is set. "
    )
    description = (
        f"Cumulative spend from {start:%Y-%m-%d} to {end:%Y-%m-%d}: "
        f"{number(float(summary.total))} {currency} over {summary.expense_count} expense"
        f"{'s' if summary.expense_count != 1 else ''}. {planned}"
    )
    title = f"Budget burn: {summary.engagement.title}"
    parts = svg_open(chart_id, WIDTH, HEIGHT, title, description, css="chart burn-chart")
    if summary.low is not None and summary.high is not None:
        top, bottom = y(float(summary.high)), y(float(summary.low))
        parts.append(
            f'<rect class="burn-range" x="{LEFT}" y="{top:.1f}" width="{plot_w}" '
            f'height="{max(bottom - top, 1):.1f}"><title>Planned range</title></rect>'
        )
    for value in axis.ticks():
        gy = y(value)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" '
            f'y2="{gy:.1f}"/><text class="chart-label" x="{LEFT - 6}" y="{gy + 4:.1f}" '
            f'text-anchor="end">{escape(number(value))}</text>'
        )
    for label, bound in (("low", summary.low), ("high", summary.high)):
        if bound is not None:
            by = y(float(bound))
            parts.append(
                f'<line class="burn-bound" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{by:.1f}" '
                f'y2="{by:.1f}"/><text class="chart-label burn-bound-label" '
                f'x="{WIDTH - RIGHT - 4}" y="{by - 4:.1f}" text-anchor="end">planned {label}</text>'
            )
    baseline = HEIGHT - BOTTOM
    parts.append(
        f'<line class="chart-axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{baseline}" '
        f'y2="{baseline}"/><text class="chart-label" x="{LEFT}" y="{baseline + 18}" '
        f'text-anchor="start">{start:%d %b %Y}</text><text class="chart-label" '
        f'x="{WIDTH - RIGHT}" y="{baseline + 18}" text-anchor="end">{end:%d %b %Y}</text>'
    )
    # A step line: spend stays flat until the next expense, then jumps.
    points = [(x(start), y(0.0))]
    previous = 0.0
    for point in summary.burn:
        px = x(point.on)
        points.append((px, y(previous)))
        previous = float(point.cumulative)
        points.append((px, y(previous)))
    points.append((x(end), y(previous)))
    line = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    parts.append(f'<polyline class="burn-line" points="{line}"/>')
    for point in summary.burn:
        parts.append(
            f'<circle class="chart-point" cx="{x(point.on):.1f}" '
            f'cy="{y(float(point.cumulative)):.1f}" r="3.5"><title>'
            f"{escape(number(float(point.cumulative)))} {escape(currency)} by "
            f"{point.on:%Y-%m-%d}</title></circle>"
        )
    return finish(parts)
