"""Template filters and tags for measures: ``{% load measures %}``. Pages name paces and explain
the pace and "not moving" rules by asking :mod:`northline.measures.rules`, never restating its
labels or thresholds."""

from __future__ import annotations

from django import template

from northline.measures.rules import AWAITING_LABEL, Pace, awaiting_rule, stalled_rule

register = template.Library()


@register.filter
def pace_label(pace: object) -> str:
    """``on_track`` (or ``Pace.ON_TRACK``) → "On track"; anything else as it is."""
    value = str(getattr(pace, "value", pace))
    return Pace(value).label if value in Pace else value


@register.simple_tag
def paces() -> list[Pace]:
    """Every pace in order, for legends: ``{% paces as paces %}``, then ``pace.label`` and
    ``pace.rule``."""
    return list(Pace)


@register.simple_tag(name="stalled_rule")
def stalled_rule_tag() -> str:
    """When a measure is not moving, in words: "the same value for the last 3 readings, …"."""
    return stalled_rule()


@register.simple_tag(name="awaiting_label")
def awaiting_label_tag() -> str:
    """What a measure without readings shows instead of a pace: "No readings yet"."""
    return AWAITING_LABEL


@register.simple_tag(name="awaiting_rule")
def awaiting_rule_tag() -> str:
    """Why it shows no pace yet, in words."""
    return awaiting_rule()


@register.filter
def pace_rule(pace: object) -> str:
    """``on_track`` → "progress is within 10 points of …"; "" for anything that is no pace."""
    value = str(getattr(pace, "value", pace))
    return Pace(value).rule if value in Pace else ""
