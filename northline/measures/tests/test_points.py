"""points_of reads readings with its own SQL: it must answer exactly what the ORM answers."""

from __future__ import annotations

import datetime as dt

import pytest

from northline.measures import services
from northline.measures.models import Indicator, Reading
from northline.measures.rules import Point
from northline.measures.selectors import points_of
from northline.measures.tests.test_api import make_indicator
from northline.testing import Cast, count_queries

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)


def record(cast: Cast, indicator: Indicator, value: float, at: dt.datetime) -> None:
    services.record_reading(cast.owner_access, indicator, value=value, recorded_at=at)


def orm_points(ids: list[int], at: dt.datetime) -> dict[int, list[Point]]:
    """The same read through the ORM, as points_of read it before it wrote its own SQL."""
    points: dict[int, list[Point]] = {}
    for reading in Reading.objects.filter(indicator_id__in=ids, recorded_at__lte=at).order_by(
        "indicator_id", "recorded_at", "id"
    ):
        points.setdefault(reading.indicator_id, []).append(
            Point(reading.value, reading.recorded_at)
        )
    return points


def test_it_reads_what_the_orm_reads_oldest_first_up_to_the_moment(cast: Cast) -> None:
    first = make_indicator(cast, name="Claims decided")
    second = make_indicator(cast, name="Waiting days", baseline=30.0, target=10.0)
    silent = make_indicator(cast, name="Never read")
    other = make_indicator(cast, name="Not asked for")
    # Out of order, a fraction of a second, two readings at the same moment (the id decides),
    # one exactly at the moment asked for and one after it.
    record(cast, first, 40.5, START + dt.timedelta(days=3))
    record(cast, first, 25.0, START)
    record(cast, first, 31.0, START + dt.timedelta(days=1, microseconds=250_000))
    record(cast, second, 28.0, START + dt.timedelta(days=2))
    record(cast, second, 27.0, START + dt.timedelta(days=2))
    moment = START + dt.timedelta(days=3)
    record(cast, second, 12.0, moment + dt.timedelta(seconds=1))
    record(cast, other, 99.0, START)

    ids = [first.pk, second.pk, silent.pk]
    points = points_of(iter(ids), moment)

    assert dict(points) == orm_points(ids, moment)
    assert [point.value for point in points[first.pk]] == [25.0, 31.0, 40.5]
    assert [point.value for point in points[second.pk]] == [28.0, 27.0]
    assert points[first.pk][1].at == START + dt.timedelta(days=1, microseconds=250_000)
    assert all(point.at.utcoffset() == dt.timedelta(0) for point in points[first.pk])
    assert silent.pk not in points and other.pk not in points


def test_a_moment_in_another_zone_means_the_same_instant(cast: Cast) -> None:
    indicator = make_indicator(cast)
    record(cast, indicator, 30.0, START)
    record(cast, indicator, 35.0, START + dt.timedelta(hours=2))
    plus_two = dt.timezone(dt.timedelta(hours=2))
    # 10:30 at UTC+2 is 08:30 UTC: before the first reading at 09:30 UTC.
    assert points_of([indicator.pk], START.astimezone(plus_two) - dt.timedelta(hours=1)) == {}
    just_after = (START + dt.timedelta(hours=1)).astimezone(plus_two)
    assert [p.value for p in points_of([indicator.pk], just_after)[indicator.pk]] == [30.0]


def test_no_ids_asks_nothing_and_many_ids_ask_once(cast: Cast) -> None:
    assert count_queries(lambda: points_of([], START)) == 0
    assert points_of([], START) == {}
    indicators = [make_indicator(cast, name=f"Indicator {n}") for n in range(30)]
    for n, indicator in enumerate(indicators):
        record(cast, indicator, float(n), START)
    ids = [indicator.pk for indicator in indicators]
    assert count_queries(lambda: points_of(ids, START)) == 1
    assert dict(points_of(ids, START)) == orm_points(ids, START)
