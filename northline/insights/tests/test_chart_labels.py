"""Charts that tell the truth (issue 15): labels wrapped or shortened with the full text in a
title, never cut at the chart's edge; release names on the heat map that never overlap; every
line of the trend drawn with its own dash and marker; the heat map's legend of marks.

These build the charts from unsaved records: nothing here needs the database.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

from northline.delivery.models import Release
from northline.goals.models import KeyResult
from northline.insights.components import COMPONENT_KEYS, AlignmentIndex, Component
from northline.insights.index.charts import LINE_STYLES, Series, legend, line_styles, trend_chart
from northline.insights.index.views import partial_note
from northline.insights.reports import charts
from northline.insights.reports.labels import ELLIPSIS, fit, text_width
from northline.insights.reports.selectors import (
    HeatCell,
    HeatColumn,
    HeatMap,
    HeatRow,
    KeyResultLine,
)
from northline.measures.rules import Pace
from northline.orgs.models import Team

LONG_TITLE = (
    "Applications abandoned before payment in the online mooring permit service, counted every week"
)


def test_it_wraps_a_long_label_onto_two_lines_and_keeps_the_full_text_in_a_title() -> None:
    label = fit(LONG_TITLE, 234, 12)
    assert label.lines == (
        "Applications abandoned before",
        "payment in the online mooring…",
    )
    assert label.shortened
    assert all(text_width(line, 12) <= 234 for line in label.lines)
    svg = label.svg(242, 20, css="chart-label", anchor="end")
    assert svg.startswith(
        f'<text class="chart-label" text-anchor="end"><title>{LONG_TITLE}</title>'
    )
    assert svg.count("<tspan") == 2
    # The beginning of the text is always drawn: cutting happens at the end, with an ellipsis.
    assert ">Applications abandoned before</tspan>" in svg


def test_it_keeps_a_short_label_whole_without_a_title() -> None:
    label = fit("Autumn update", 124, 13, 3, bold=True)
    assert label.lines == ("Autumn update",)
    assert not label.shortened
    assert "<title>" not in label.svg(10, 10, css="x", anchor="middle")


def test_it_breaks_a_word_longer_than_a_line() -> None:
    label = fit("Permitsandlicencesandmooringsandharbours", 60, 12)
    assert len(label.lines) == 2
    assert label.lines[1].endswith(ELLIPSIS)
    assert all(text_width(line, 12) <= 60 for line in label.lines)


def key_result_line(title: str) -> KeyResultLine:
    return KeyResultLine(
        key_result=KeyResult(title=title),
        progress=0.4,
        expected=0.5,
        pace=Pace.AT_RISK,
        stalled=False,
        confidence=None,
        score=0.4,
        readings=2,
    )


def test_the_key_result_chart_never_cuts_a_title_at_its_left_edge() -> None:
    svg = str(charts.key_result_chart([key_result_line(LONG_TITLE)], chart_id="kr"))
    # The old chart drew 38 characters right-aligned and lost the beginning ("pplications").
    assert ">Applications abandoned before</tspan>" in svg
    assert f"<title>{LONG_TITLE}</title>" in svg
    label = fit(LONG_TITLE, charts.KR_LABEL_W - 16, charts.LABEL_SIZE)
    box = label.box(charts.KR_LABEL_W - 8, 0, "end")
    assert box.left >= 0


def heat_of(names: list[str]) -> HeatMap:
    columns = [
        HeatColumn(Release(name=name, planned_date=dt.date(2026, 6, 1 + index)))
        for index, name in enumerate(names)
    ]
    team = Team(name="Contact Centre")
    cells = [HeatCell(impactees=1, unacknowledged=1) for _ in columns]
    row = HeatRow(team, cells, pairs=list(zip(columns, cells, strict=True)))
    return HeatMap(
        statuses=["planned"], columns=columns, rows=[row], totals=HeatCell(), today=dt.date.today()
    )


def test_two_long_similar_release_names_do_not_overlap() -> None:
    names = [
        "Release 2026.3 Online permits and payments for the harbour moorings",
        "Release 2026.3 Online permits and payments for the river moorings",
        "No",
    ]
    heads = charts.release_heads(heat_of(names).columns)
    boxes = [label.box(cx, baseline, "middle") for label, cx, baseline in heads]
    for left, right in itertools.pairwise(boxes):
        assert left.right <= right.left
        assert not left.overlaps(right)
    for (_, cx, _), box in zip(heads, boxes, strict=True):
        assert box.right - box.left <= charts.HEAT_COL_W - 12
        # Within its own column.
        assert cx - charts.HEAT_COL_W / 2 <= box.left and box.right <= cx + charts.HEAT_COL_W / 2
        # And below the chart's top edge.
        assert box.top >= 0
    first = heads[0][0]
    assert len(first.lines) == 3 and first.shortened
    svg = str(charts.heat_map_chart(heat_of(names)))
    assert f"<title>{names[0]}</title>" in svg
    assert f"<title>{names[1]}</title>" in svg


def test_the_heat_map_legend_draws_each_mark_kind() -> None:
    legend_marks = charts.mark_legend()
    assert [kind.key for kind, _ in legend_marks] == ["in_time", "late", "waiting", "none"]
    assert [kind.words for kind, _ in legend_marks] == [
        "Acknowledged, told in time",
        "Acknowledged, but told late",
        "Waiting: not acknowledged yet",
        "Not impacted",
    ]
    swatches = [str(swatch) for _, swatch in legend_marks]
    # The same shapes as in the chart, each hidden from screen readers (the words say it).
    assert '<circle class="mark-shape"' in swatches[0] and "<path" in swatches[0]
    assert 'fill="url(#heat-map-key-late-hatch)"' in swatches[1]
    assert '<pattern id="heat-map-key-late-hatch"' in swatches[1]
    assert '<circle class="mark-shape"' in swatches[2] and "<path" not in swatches[2]
    assert '<line class="mark-shape"' in swatches[3]
    assert all('aria-hidden="true"' in swatch for swatch in swatches)


def series(key: str, label: str, *, main: bool = False) -> Series:
    start = dt.date(2026, 3, 1)
    points = [(start + dt.timedelta(days=day), 40.0 + day) for day in range(20)]
    return Series(key=key, label=label, points=points, main=main)


def test_every_trend_line_has_its_own_dash_and_marker() -> None:
    lines = [
        series("traceability", "Traceability"),
        series("coverage", "Coverage"),
        series("movement", "Movement"),
        series("governance", "Governance"),
        series("understanding", "Shared understanding"),
        series("index", "Alignment index", main=True),
    ]
    styles = line_styles(lines)
    assert styles["index"] == LINE_STYLES[0]
    assert styles["index"].dasharray == ""
    assert len({style.dasharray for style in styles.values()}) == 6
    assert len({style.marker for style in styles.values()}) == 6
    svg = str(
        trend_chart(lines, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 20), title="Trend")
    )
    dashes = re.findall(
        r'<polyline class="trend-line trend-(\w+)[^"]*" points="[^"]*"([^/]*)/>', svg
    )
    drawn = {key: attributes.strip() for key, attributes in dashes}
    assert drawn["index"] == ""
    assert drawn["traceability"] == 'stroke-dasharray="8 4"'
    assert drawn["coverage"] == 'stroke-dasharray="1 4"'
    assert drawn["movement"] == 'stroke-dasharray="9 3 1 3"'
    assert len(set(drawn.values())) == 6
    # Markers of the line's shape, each with its figure in words.
    assert '<rect class="trend-marker trend-traceability"' in svg
    assert '<polygon class="trend-marker trend-coverage"' in svg
    assert '<path class="trend-marker trend-governance trend-marker-open"' in svg
    assert "<title>Coverage: 59 on 2026-03-20</title>" in svg
    # The description names each line's pattern for those who cannot see it.
    assert (
        "Other lines: Traceability (dashed), Coverage (dotted), Movement "
        "(dash-dot), Governance (long dash), Shared understanding (dash-dot-dot)." in svg
    )


def test_the_trend_legend_shows_each_line_as_drawn() -> None:
    lines = [series("coverage", "Coverage"), series("index", "Alignment index", main=True)]
    entries = legend(lines)
    assert [(label, style) for label, style, _ in entries] == [
        ("Alignment index", "solid"),
        ("Coverage", "dashed"),
    ]
    index_sample, coverage_sample = (str(sample) for _, _, sample in entries)
    assert "stroke-dasharray" not in index_sample and "<circle" in index_sample
    assert 'stroke-dasharray="8 4"' in coverage_sample and "<rect" in coverage_sample


def index_with(*counted: str) -> AlignmentIndex:
    """An index whose ``counted`` components have data (half passing), the others none."""
    return AlignmentIndex(
        [
            Component(key, "", passed=1.0, total=2.0) if key in counted else Component(key, "")
            for key in COMPONENT_KEYS
        ]
    )


def test_a_partial_index_says_which_components_it_is_missing() -> None:
    assert partial_note(index_with("governance")) == (
        "Partial: from 1 of 5 components — traceability, coverage, movement and shared "
        "understanding have no data yet."
    )
    assert partial_note(index_with(*COMPONENT_KEYS[:4])) == (
        "Partial: from 4 of 5 components — shared understanding has no data yet."
    )
    # Complete, or no index at all: nothing to qualify.
    assert partial_note(index_with(*COMPONENT_KEYS)) == ""
    assert partial_note(index_with()) == ""
