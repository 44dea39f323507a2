"""The one list of paces: labels, the rules in words, the API's names, and the template filter
pages name them with (DESIGN §2.2)."""

from __future__ import annotations

import typing

from django.template import Context, Template

from northline.measures.rules import Pace, PaceName, awaiting_rule, needs_attention, stalled_rule


def test_it_labels_every_pace() -> None:
    assert [pace.label for pace in Pace] == ["On track", "At risk", "Off track", "Not started"]


def test_it_states_the_pace_rules_with_their_margins() -> None:
    assert {pace.value: pace.rule for pace in Pace} == {
        "on_track": "progress is within 10 points of the share of the period that has passed",
        "at_risk": "behind by 10 to 25 points",
        "off_track": "behind by more than 25 points",
        "not_started": "no check-in a week after the start",
    }
    assert stalled_rule() == "the same value for the last 3 readings, or for 21 days"
    assert awaiting_rule() == (
        "the pace is judged from the first reading; with none a week after the start it is not "
        "started"
    )


def test_it_publishes_the_same_four_names_in_the_api() -> None:
    assert typing.get_args(PaceName) == ("on_track", "at_risk", "off_track", "not_started")


def test_it_needs_attention_when_off_track_or_not_moving() -> None:
    assert needs_attention(Pace.OFF_TRACK, stalled=False) is True
    assert needs_attention(Pace.ON_TRACK, stalled=True) is True
    assert needs_attention(Pace.AT_RISK, stalled=False) is False
    assert needs_attention(Pace.NOT_STARTED, stalled=False) is False


def test_it_names_a_pace_in_a_template_from_its_value_or_member() -> None:
    template = Template(
        "{% load measures %}{{ a|pace_label }} · {{ b|pace_label }} · {{ c|pace_label }}"
    )
    rendered = template.render(Context({"a": "at_risk", "b": Pace.NOT_STARTED, "c": "unknown"}))
    assert rendered == "At risk · Not started · unknown"


def test_it_gives_templates_the_rules_rather_than_thresholds() -> None:
    template = Template(
        "{% load measures %}{% paces as paces %}"
        "{% for pace in paces %}{{ pace }}={{ pace.label }}; {% endfor %}{% stalled_rule %}"
    )
    assert template.render(Context()) == (
        "on_track=On track; at_risk=At risk; off_track=Off track; not_started=Not started; "
        "the same value for the last 3 readings, or for 21 days"
    )
