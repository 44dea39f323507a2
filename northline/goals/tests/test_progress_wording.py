"""A key result's pace and "not moving" read as one statement, each badge explaining its rule."""

from __future__ import annotations

from django.template.loader import render_to_string

from northline.measures.rules import Pace, stalled_rule


def progress(pace: str, stalled: bool) -> str:
    return render_to_string(
        "goals/_progress.html",
        {"progress": 0.5, "pace": pace, "stalled": stalled, "label": "Progress of Permits"},
    )


def test_on_track_and_not_moving_read_as_one_statement() -> None:
    html = progress("on_track", stalled=True)
    assert f"On track for the period, but the value is not moving: {stalled_rule()}." in html
    assert f'title="On track: {Pace.ON_TRACK.rule}"' in html
    assert f'title="Not moving: {stalled_rule()}"' in html


def test_a_moving_key_result_shows_only_its_pace() -> None:
    html = progress("at_risk", stalled=False)
    assert f'title="At risk: {Pace.AT_RISK.rule}"' in html
    assert "not moving" not in html.lower()
