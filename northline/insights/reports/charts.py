"""The reports' SVG charts, drawn on the server (DESIGN §4: no chart library, no script).

Each chart follows ``northline.lib.charts``: an ``<svg role="img">`` named by its ``<title>``
and described by its ``<desc>``, every interpolated text escaped, and the page shows a table
with the same numbers beside it. Colours never stand alone: each bar, band or cell carries its
number or its word (planned / spent, the state's name, the pace, the counts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString

from northline.insights.reports.labels import Label, fit
from northline.insights.reports.selectors import (
    FLOW_STATES,
    CurrencyPortfolio,
    FlowReport,
    HeatCell,
    HeatColumn,
    HeatMap,
    KeyResultLine,
    plural,
)
from northline.lib.charts import Axis, along, finish, number, svg_open

# Bottom to top: finished work settles at the bottom of a cumulative flow.
FLOW_STACK = ["closed", "done", "doing", "todo", "funnel"]
HEAT_LEVELS = 4

# The reports' charts sit at the top left of their box (the heat map scrolls sideways).
ALIGN = "xMinYMin"


# The size of .chart-label in reports.css: what the labels' widths are estimated at.
LABEL_SIZE = 12


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


# Investment: planned vs spent bars -----------------------------------------------------------

BAR_LABEL_W = 190
BAR_RIGHT = 150
BAR_ROW = 46
BAR_H = 15


def column_grid(x: float, top: float, bottom: float, label_y: float, label: str) -> str:
    """A vertical grid line from ``top`` to ``bottom`` at ``x``, its (escaped) label centred
    above it at ``label_y``."""
    return (
        f'<line class="chart-grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}"/>'
        f'<text class="chart-label" x="{x:.1f}" y="{label_y}" text-anchor="middle">{label}</text>'
    )


def investment_chart(portfolio: CurrencyPortfolio, *, chart_id: str = "investment") -> SafeString:
    """Two bars per theme and value stream: planned (outlined) and spent (solid), each with
    its amount written beside it."""
    targets = portfolio.targets
    width = 720
    top, bottom = 28, 16
    height = top + bottom + BAR_ROW * max(len(targets), 1)
    plot_w = width - BAR_LABEL_W - BAR_RIGHT
    high = max([float(t.planned) for t in targets] + [float(t.actual) for t in targets] + [1.0])
    axis = Axis.around(0, high)
    x = axis.across(BAR_LABEL_W, plot_w)

    currency = portfolio.currency
    description = (
        f"Planned and spent {currency} for {len(targets)} "
        f"{'target' if len(targets) == 1 else 'targets'}: "
        + "; ".join(
            f"{t.name}: {number(float(t.planned))} planned, {number(float(t.actual))} spent"
            for t in targets
        )
        + "."
    )
    parts = svg_open(
        chart_id,
        width,
        height,
        f"Planned vs spent by theme ({currency})",
        description,
        align=ALIGN,
    )
    for value in axis.ticks():
        parts.append(
            column_grid(x(value), top - 6, height - bottom, top - 10, escape(number(value)))
        )
    for row, target in enumerate(targets):
        y0 = top + row * BAR_ROW + 6
        name = target.name + (" (value stream)" if target.target_type == "value_stream" else "")
        planned, actual = float(target.planned), float(target.actual)
        over = " (over plan)" if target.over else ""
        name_label = fit(name, BAR_LABEL_W - 16, LABEL_SIZE)
        parts.append(
            f'<g class="bar-group"><title>{escape(name)}: {escape(number(planned))} planned, '
            f"{escape(number(actual))} spent {escape(currency)}{escape(over)}</title>"
            + name_label.svg(
                BAR_LABEL_W - 8,
                name_label.centred_baseline(y0 + BAR_H + 1),
                css="chart-label bar-name",
                anchor="end",
            )
            + f'<rect class="bar-planned" x="{BAR_LABEL_W}" y="{y0}" '
            f'width="{max(x(planned) - BAR_LABEL_W, 1):.1f}" height="{BAR_H}"/>'
            f'<text class="chart-label" x="{x(planned) + 6:.1f}" y="{y0 + BAR_H - 3}">'
            f"{escape(number(planned))} planned</text>"
            f'<rect class="bar-actual{" bar-over" if target.over else ""}" x="{BAR_LABEL_W}" '
            f'y="{y0 + BAR_H + 2}" width="{max(x(actual) - BAR_LABEL_W, 1):.1f}" '
            f'height="{BAR_H}"/>'
            f'<text class="chart-label" x="{x(actual) + 6:.1f}" y="{y0 + 2 * BAR_H - 1}">'
            f"{escape(number(actual))} spent{escape(over)}</text></g>"
        )
    return finish(parts)


# Cumulative flow: stacked areas --------------------------------------------------------------

FLOW_W = 720
FLOW_H = 300
FLOW_LEFT = 48
FLOW_RIGHT = 16
FLOW_TOP = 16
FLOW_BOTTOM = 36


def flow_chart(report: FlowReport, *, chart_id: str = "flow") -> SafeString:
    """Stacked areas, one band per state (closed at the bottom, funnel on top); the page's
    legend names each band with its count on the last day."""
    days = report.days
    labels = dict(FLOW_STATES)
    high = max((day.total for day in days), default=0)
    axis = Axis.around(0, max(high, 4))
    plot_w = FLOW_W - FLOW_LEFT - FLOW_RIGHT
    plot_h = FLOW_H - FLOW_TOP - FLOW_BOTTOM
    last_index = max(len(days) - 1, 1)

    def x(index: int) -> float:
        return FLOW_LEFT + index / last_index * plot_w

    y = axis.upward(FLOW_TOP, plot_h)

    first, latest = report.first, report.latest
    description = (
        f"Epics per state from {report.start:%Y-%m-%d} to {report.end:%Y-%m-%d}. On the first "
        "day: "
        + ", ".join(f"{labels[s].lower()} {first.counts[s]}" for s in reversed(FLOW_STACK))
        + "; on the last day: "
        + ", ".join(f"{labels[s].lower()} {latest.counts[s]}" for s in reversed(FLOW_STACK))
        + "."
    )
    parts = svg_open(
        chart_id, FLOW_W, FLOW_H, "Cumulative flow of the board", description, align=ALIGN
    )
    for value in axis.ticks():
        gy = y(value)
        parts.append(
            f'<line class="chart-grid" x1="{FLOW_LEFT}" x2="{FLOW_W - FLOW_RIGHT}" '
            f'y1="{gy:.1f}" y2="{gy:.1f}"/><text class="chart-label" x="{FLOW_LEFT - 6}" '
            f'y="{gy + 4:.1f}" text-anchor="end">{escape(number(value))}</text>'
        )
    below = [0] * len(days)
    for state in FLOW_STACK:
        above = [below[i] + day.counts[state] for i, day in enumerate(days)]
        if len(days) == 1:
            # A single day still shows as a band the width of the plot.
            top_line = [(x(0), y(above[0])), (x(1), y(above[0]))]
            bottom_line = [(x(1), y(below[0])), (x(0), y(below[0]))]
        else:
            top_line = [(x(i), y(value)) for i, value in enumerate(above)]
            bottom_line = [(x(i), y(below[i])) for i in reversed(range(len(days)))]
        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in top_line + bottom_line)
        parts.append(
            f'<polygon class="flow-band flow-{state}" points="{points}">'
            f"<title>{escape(labels[state])}: {latest.counts[state]} on "
            f"{report.end:%Y-%m-%d}</title></polygon>"
        )
        below = above
    bottom = FLOW_H - FLOW_BOTTOM
    parts.append(
        f'<line class="chart-axis" x1="{FLOW_LEFT}" x2="{FLOW_W - FLOW_RIGHT}" '
        f'y1="{bottom}" y2="{bottom}"/>'
        f'<text class="chart-label" x="{FLOW_LEFT}" y="{bottom + 18}" text-anchor="start">'
        f"{report.start:%d %b %Y}</text>"
        f'<text class="chart-label" x="{FLOW_W - FLOW_RIGHT}" y="{bottom + 18}" '
        f'text-anchor="end">{report.end:%d %b %Y}</text>'
    )
    return finish(parts)


# Key-result progress: horizontal bars with the expected share marked -------------------------

KR_LABEL_W = 250
KR_BAR_W = 300
KR_ROW = 40
KR_TOP = 30


def key_result_chart(
    lines: Sequence[KeyResultLine], *, chart_id: str = "key-results"
) -> SafeString:
    """A bar of progress per key result, a tick at the share expected by now, and the
    percentage and pace written beside it."""
    width = KR_LABEL_W + KR_BAR_W + 230
    height = KR_TOP + KR_ROW * max(len(lines), 1) + 10

    def x(share: float) -> float:
        return along(share, KR_LABEL_W, KR_BAR_W)

    description = (
        f"Progress of {len(lines)} key {'result' if len(lines) == 1 else 'results'} against "
        "the share expected by now: "
        + "; ".join(
            f"{line.key_result.title}: {percent(line.progress)} of an expected "
            f"{percent(line.expected)}, {line.pace.label.lower()}"
            + (", not moving" if line.stalled else "")
            for line in lines
        )
        + "."
    )
    parts = svg_open(chart_id, width, height, "Key-result progress", description, align=ALIGN)
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            column_grid(x(tick), KR_TOP - 6, height - 10, KR_TOP - 12, f"{round(tick * 100)} %")
        )
    for row, line in enumerate(lines):
        y0 = KR_TOP + row * KR_ROW + 11
        title = line.key_result.title
        name_label = fit(title, KR_LABEL_W - 16, LABEL_SIZE)
        pace_word = line.pace.label.lower() + (", not moving" if line.stalled else "")
        expected_x = x(line.expected)
        parts.append(
            f'<g class="kr-row"><title>{escape(title)}: {percent(line.progress)}, expected '
            f"{percent(line.expected)} by now, {escape(pace_word)}</title>"
            + name_label.svg(
                KR_LABEL_W - 8,
                name_label.centred_baseline(y0 + 9),
                css="chart-label bar-name",
                anchor="end",
            )
            + f'<rect class="kr-track" x="{KR_LABEL_W}" y="{y0}" width="{KR_BAR_W}" height="18" '
            f'rx="3"/><rect class="kr-fill kr-{line.pace.value}" x="{KR_LABEL_W}" y="{y0}" '
            f'width="{max(x(line.progress) - KR_LABEL_W, 0):.1f}" height="18" rx="3"/>'
            f'<line class="kr-expected" x1="{expected_x:.1f}" x2="{expected_x:.1f}" '
            f'y1="{y0 - 4}" y2="{y0 + 22}"/>'
            f'<text class="chart-label kr-value" x="{KR_LABEL_W + KR_BAR_W + 8}" '
            f'y="{y0 + 13}">{percent(line.progress)} · {escape(pace_word)}</text></g>'
        )
    return finish(parts)


# Dependency heat map -------------------------------------------------------------------------

HEAT_LABEL_W = 200
HEAT_COL_W = 136
HEAT_ROW_H = 64
# Room above the cells for a release name on up to three lines and its date under it.
HEAT_NAME_LINES = 3
HEAT_NAME_SIZE = 13
HEAT_TOP = 24 + HEAT_NAME_LINES * 16 + 12
HEAT_TEAM_SIZE = 14
MARK_R = 7.0


def heat_level(count: int, busiest: int) -> int:
    """0 for an empty cell, else 1–4 by the cell's share of the busiest cell's impactees."""
    if count <= 0 or busiest <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, -(-count * HEAT_LEVELS // busiest)))


@dataclass(frozen=True)
class MarkKind:
    """How one state of an impactee is drawn: a shape and a colour, never the colour alone."""

    key: str
    symbol: str
    words: str


IN_TIME = MarkKind("in_time", "✓", "Acknowledged, told in time")
LATE = MarkKind("late", "!", "Acknowledged, but told late")
WAITING = MarkKind("waiting", "○", "Waiting: not acknowledged yet")
NOT_IMPACTED = MarkKind("none", "–", "Not impacted")
MARK_KINDS = (IN_TIME, LATE, WAITING, NOT_IMPACTED)


def cell_marks(cell: HeatCell) -> list[tuple[MarkKind, int]]:
    """The states of a cell's impactees with how many are in each, in time first; a cell
    without impactees is "not impacted"."""
    counted = [
        (IN_TIME, cell.acknowledged_in_time),
        (LATE, cell.acknowledged_late),
        (WAITING, cell.unacknowledged),
    ]
    present = [(kind, count) for kind, count in counted if count]
    return present or [(NOT_IMPACTED, 0)]


def cell_state(cell: HeatCell) -> str:
    """The cell's most pressing state: waiting, then told late, then in time, then none."""
    if cell.unacknowledged:
        return WAITING.key
    if cell.acknowledged_late:
        return LATE.key
    return IN_TIME.key if cell.impactees else NOT_IMPACTED.key


def mark_shape(kind: MarkKind, cx: float, cy: float, hatch_id: str) -> str:
    """The mark's shape centred on (cx, cy): a filled green disc with a tick, a hatched amber
    square with "!", a red ring, or a grey dash."""
    r = MARK_R
    if kind is IN_TIME:
        return (
            f'<circle class="mark-shape" cx="{cx:.1f}" cy="{cy:.1f}" r="{r}"/>'
            f'<path class="mark-symbol" d="M{cx - 3.6:.1f},{cy + 0.2:.1f} l2.6,2.6 '
            f'l4.8,-5.4"/>'
        )
    if kind is LATE:
        return (
            f'<rect class="mark-shape" x="{cx - r:.1f}" y="{cy - r:.1f}" width="{2 * r}" '
            f'height="{2 * r}" rx="1.5" fill="url(#{escape(hatch_id)})"/>'
            f'<text class="mark-symbol" x="{cx:.1f}" y="{cy + 4.5:.1f}" '
            f'text-anchor="middle">!</text>'
        )
    if kind is WAITING:
        return f'<circle class="mark-shape" cx="{cx:.1f}" cy="{cy:.1f}" r="{r - 1}"/>'
    return (
        f'<line class="mark-shape" x1="{cx - r:.1f}" x2="{cx + r:.1f}" y1="{cy:.1f}" '
        f'y2="{cy:.1f}"/>'
    )


def hatch_pattern(pattern_id: str) -> str:
    """The amber diagonal hatching of the "told late" mark."""
    return (
        f'<defs><pattern id="{escape(pattern_id)}" class="mark-hatch" width="4" height="4" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="4" height="4" fill="#fff1d6"/>'
        '<line x1="0" y1="0" x2="0" y2="4" stroke="#b26a00" stroke-width="2"/>'
        "</pattern></defs>"
    )


def mark_title(kind: MarkKind, count: int, cell: HeatCell) -> str:
    if kind is NOT_IMPACTED:
        return "Not impacted: no change to adapt to" + (
            f" (causes {plural(cell.impactors, 'change')})" if cell.impactors else ""
        )
    risk = f", {cell.at_risk} of them at risk" if kind is WAITING and cell.at_risk else ""
    return f"{count} {kind.words[:1].lower()}{kind.words[1:]}{risk}"


def mark_row(cell: HeatCell, cx: float, cy: float, hatch_id: str) -> str:
    """The cell's marks side by side, each with its count and a title in words."""
    marks = cell_marks(cell)
    step = 2 * MARK_R + 22
    first = cx - step * (len(marks) - 1) / 2 - (8 if marks[0][1] else 0)
    parts = []
    for index, (kind, count) in enumerate(marks):
        mx = first + index * step
        number_text = (
            f'<text class="mark-count" x="{mx + MARK_R + 3:.1f}" y="{cy + 4.5:.1f}">{count}</text>'
            if count
            else ""
        )
        parts.append(
            f'<g class="heat-mark mark-{kind.key}"><title>{escape(mark_title(kind, count, cell))}'
            f"</title>{mark_shape(kind, mx, cy, hatch_id)}{number_text}</g>"
        )
    return "".join(parts)


def mark_swatch(kind: MarkKind, *, swatch_id: str) -> SafeString:
    """The mark alone, as a small SVG for the legend (drawn by the same code as the chart)."""
    size = int(2 * MARK_R + 4)
    hatch = f"{swatch_id}-hatch"
    return finish(
        [
            f'<svg class="mark-swatch heat-mark mark-{kind.key}" width="{size}" '
            f'height="{size}" viewBox="0 0 {size} {size}" aria-hidden="true" '
            'xmlns="http://www.w3.org/2000/svg">',
            hatch_pattern(hatch) if kind is LATE else "",
            mark_shape(kind, size / 2, size / 2, hatch),
        ]
    )


def mark_legend(chart_id: str = "heat-map") -> list[tuple[MarkKind, SafeString]]:
    """Each mark kind with its swatch, for the legend under the chart."""
    return [
        (kind, mark_swatch(kind, swatch_id=f"{chart_id}-key-{kind.key}")) for kind in MARK_KINDS
    ]


def release_label(column: HeatColumn) -> Label:
    return fit(column.name, HEAT_COL_W - 12, HEAT_NAME_SIZE, HEAT_NAME_LINES, bold=True)


def release_heads(columns: Sequence[HeatColumn]) -> list[tuple[Label, float, float]]:
    """Each column's name label with the x of its centre and the baseline of its first
    line: the names sit at the bottom of the room above the cells, and never wider than
    their column (so two neighbours cannot overlap)."""
    heads = []
    for index, column in enumerate(columns):
        label = release_label(column)
        cx = HEAT_LABEL_W + index * HEAT_COL_W + HEAT_COL_W / 2
        baseline = HEAT_TOP - 28 - label.line_height() * (len(label.lines) - 1)
        heads.append((label, cx, baseline))
    return heads


def heat_map_chart(heat: HeatMap, *, chart_id: str = "heat-map") -> SafeString:
    """Teams × releases; each cell shaded by its impactee count and showing that count, the
    impactors, and a mark per state of its impactees (in time, told late, waiting)."""
    width = HEAT_LABEL_W + HEAT_COL_W * max(len(heat.columns), 1) + 8
    height = HEAT_TOP + HEAT_ROW_H * max(len(heat.rows), 1) + 8
    busiest = heat.busiest
    hatch_id = f"{chart_id}-hatch"
    description = (
        f"{len(heat.rows)} teams by {len(heat.columns)} releases; "
        f"{heat.totals.impactees} impactee and {heat.totals.impactors} impactor impacts, "
        f"{heat.totals.unacknowledged} not acknowledged, {heat.totals.late} told late. "
        "The darker the cell, the more changes the team must adapt to; a green tick marks "
        "changes acknowledged after a notice in time, a hatched amber square with ! those "
        "acknowledged after a late notice, a red ring those still waiting."
    )
    parts = svg_open(
        chart_id,
        width,
        height,
        "Dependency heat map",
        description,
        css="chart heat-chart",
        fixed=True,
        align=ALIGN,
    )
    parts.append(hatch_pattern(hatch_id))
    for column, (label, cx, baseline) in zip(
        heat.columns, release_heads(heat.columns), strict=True
    ):
        when = (
            f"{column.release.planned_date.day} {column.release.planned_date:%b %Y}"
            if column.release is not None
            else "not in a release"
        )
        last = baseline + label.line_height() * (len(label.lines) - 1)
        parts.append(
            f'<g class="heat-head"><title>{escape(column.name)}, {escape(when)}</title>'
            + label.svg(cx, baseline, css="chart-label heat-release", anchor="middle")
            + f'<text class="chart-label" x="{cx:.1f}" y="{last + 17:.1f}" '
            f'text-anchor="middle">{escape(when)}</text></g>'
        )
    for row_index, row in enumerate(heat.rows):
        y0 = HEAT_TOP + row_index * HEAT_ROW_H
        team = fit(row.team.name, HEAT_LABEL_W - 18, HEAT_TEAM_SIZE, 2)
        parts.append(
            team.svg(
                HEAT_LABEL_W - 10,
                team.centred_baseline(y0 + HEAT_ROW_H / 2),
                css="chart-label heat-team",
                anchor="end",
            )
        )
        for index, (column, cell) in enumerate(zip(heat.columns, row.cells, strict=True)):
            x0 = HEAT_LABEL_W + index * HEAT_COL_W
            level = heat_level(cell.impactees, busiest)
            cx = x0 + HEAT_COL_W / 2
            told = (
                f"{row.team.name}, {column.name}: {cell.impactees} as impactee, "
                f"{cell.impactors} as impactor, {cell.unacknowledged} not acknowledged, "
                f"{cell.late} told late"
            )
            parts.append(
                f'<g class="heat-cell heat-{level} state-{cell_state(cell)}">'
                f"<title>{escape(told)}</title>"
                f'<rect x="{x0 + 2}" y="{y0 + 2}" width="{HEAT_COL_W - 4}" '
                f'height="{HEAT_ROW_H - 4}" rx="4"/>'
            )
            if cell.total:
                # The changes to adapt to first; a team that only causes changes shows those.
                lead = (
                    plural(cell.impactees, "impactee")
                    if cell.impactees
                    else plural(cell.impactors, "impactor")
                )
                also = (
                    plural(cell.impactors, "impactor") if cell.impactees and cell.impactors else ""
                )
                parts.append(
                    f'<text class="heat-count" x="{cx:.1f}" y="{y0 + 20}" '
                    f'text-anchor="middle">{escape(lead)}</text>'
                    f'<text class="heat-note" x="{cx:.1f}" y="{y0 + 34}" text-anchor="middle">'
                    f"{escape(also)}</text>"
                )
                parts.append(mark_row(cell, cx, y0 + 48, hatch_id))
            else:
                parts.append(mark_row(cell, cx, y0 + HEAT_ROW_H / 2, hatch_id))
            parts.append("</g>")
    return finish(parts)


def heat_legend(busiest: int) -> list[tuple[int, int, int]]:
    """Each shade in use with the impactee counts it stands for: (level, fewest, most)."""
    spans: dict[int, list[int]] = {}
    for count in range(1, busiest + 1):
        spans.setdefault(heat_level(count, busiest), []).append(count)
    return [(level, counts[0], counts[-1]) for level, counts in sorted(spans.items())]
