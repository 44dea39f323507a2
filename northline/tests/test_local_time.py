"""lib.text.in_local_time writes the layouts pages use without Django's DateFormat, and must
write exactly what ``{{ moment|date:layout }}`` writes, in any time zone and language."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template.defaultfilters import date
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from northline.lib.text import in_local_time, writes_quickly

# The layouts the pages write moments with, and some the quick path must hand to Django.
LAYOUTS = ["j M Y, H:i", "j M Y H:i", "j M Y", "j M", "H:i", "D j M Y", r"j \o\f M", "Y-m-d"]
ZONES = ["UTC", "Europe/Paris", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati"]

moments = st.datetimes(
    min_value=dt.datetime(1900, 1, 1),
    max_value=dt.datetime(2200, 12, 31),
    timezones=st.just(dt.UTC),
)


def as_template_writes(moment: dt.datetime | dt.date | None, layout: str) -> str:
    if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return str(date(moment, layout))


@settings(max_examples=150, deadline=None)
@given(
    moment=moments,
    layout=st.sampled_from(LAYOUTS),
    zone=st.sampled_from(ZONES),
    language=st.sampled_from(["en", "fr", "de"]),
)
def test_aware_moments_as_the_date_filter_writes_them(
    moment: dt.datetime, layout: str, zone: str, language: str
) -> None:
    with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
        assert in_local_time(moment, layout) == as_template_writes(moment, layout)


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=dt.date(1, 1, 1)), layout=st.sampled_from(["j M Y", "j M", "Y"]))
def test_dates_as_the_date_filter_writes_them(day: dt.date, layout: str) -> None:
    assert in_local_time(day, layout) == as_template_writes(day, layout)


def test_examples_and_the_paths_left_to_django() -> None:
    moment = dt.datetime(2026, 12, 4, 8, 5, tzinfo=dt.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")):
        assert in_local_time(moment, "j M Y, H:i") == "4 Dec 2026, 09:05"
    with translation.override("fr"):
        assert in_local_time(moment, "j M") == as_template_writes(moment, "j M") != "4 Dec"
    assert in_local_time(None, "j M Y") == ""
    # Letters the quick path does not write, and escapes, go to Django's DateFormat.
    assert not writes_quickly("D j M")
    assert not writes_quickly(r"j \o\f M")
    assert writes_quickly("j M Y, H:i")
    # A time of a date is refused as Django refuses it.
    with pytest.raises(TypeError):
        in_local_time(dt.date(2026, 12, 4), "j M Y H:i")
