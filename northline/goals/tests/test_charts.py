"""The SVG progress chart (northline/lib/charts.py), read as a screen reader and a ruler would."""

from __future__ import annotations

import datetime as dt
import re

from northline.lib.charts import ChartPoint, nice_scale, progress_chart

UTC = dt.UTC


def chart(points, now=dt.datetime(2026, 2, 15, tzinfo=UTC)) -> str:
    return progress_chart(
        points,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 4, 1),
        baseline=0,
        target=100,
        now=now,
        title="Share online <draft>",
        unit="%",
        chart_id="c1",
    )


def test_it_names_and_describes_itself_for_screen_readers():
    svg = chart([ChartPoint(dt.datetime(2026, 2, 1, tzinfo=UTC), 30)])
    assert svg.startswith('<svg class="chart" id="c1" role="img"')
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Share online &lt;draft&gt;</title>' in svg
    assert (
        "the expected pace runs from the baseline 0 % to the target 100 %. 1 reading; "
        "the latest is 30 % on 2026-02-01." in svg
    )


def test_it_places_readings_the_expected_line_and_today():
    """x: 56 + share × 564 over 1 Jan – 1 Apr (90 days); y: 20 + (1 − v/100) × 200.

    1 Feb is 31/90 in: x = 56 + 0.3444 × 564 = 250.3; 30 % → y = 160.0.
    15 Feb (today) is 45/90 in: x = 56 + 282 = 338.0.
    The expected line runs from (56, 220) at the baseline to (620, 20) at the target.
    """
    svg = chart([ChartPoint(dt.datetime(2026, 2, 1, tzinfo=UTC), 30)])
    assert '<circle class="chart-point" cx="250.3" cy="160.0"' in svg
    assert '<line class="chart-today" x1="338.0" x2="338.0"' in svg
    assert re.search(r'class="chart-expected" x1="56.0" y1="220.0" x2="620.0" y2="20.0"', svg)


def test_it_leaves_out_today_outside_the_window_and_says_when_there_are_no_readings():
    svg = chart([], now=dt.datetime(2026, 6, 1, tzinfo=UTC))
    assert "chart-today" not in svg
    assert "No readings yet." in svg
    assert "<circle" not in svg


def test_it_rounds_the_axis_to_readable_steps():
    assert nice_scale(0, 100) == (0, 100, 25)
    assert nice_scale(13, 42) == (10, 50, 10)
    assert nice_scale(0, 6) == (0, 6, 2)
