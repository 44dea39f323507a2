"""Reads of indicators and their health, batched so pages never query per row."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Protocol

from django.db import connections, router
from django.db.models import QuerySet
from django.utils import timezone

from northline.measures.models import Indicator, Reading
from northline.measures.rules import Health, Point, judge
from northline.orgs.access import Access

Window = tuple[dt.date, dt.date]


def indicators(access: Access, kind: str | None = None) -> QuerySet[Indicator]:
    queryset = Indicator.objects.filter(organization=access.organization)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def readings(access: Access, indicator: Indicator) -> QuerySet[Reading]:
    return Reading.objects.filter(
        organization=access.organization, indicator=indicator
    ).select_related("author")


def points_of(indicator_ids: Iterable[int], at: dt.datetime) -> dict[int, list[Point]]:
    """Every reading up to ``at`` of the given indicators, oldest first: one query.

    Written in SQL and read from the cursor rather than through the ORM: a large organization's
    Insights and map pages judge thousands of key results, and building the ORM's query for
    thousands of ids and converting each reading's moment through its per-value converters took
    three times as long as running the query (``tests/test_points.py`` holds it to the ORM's
    answer). On SQLite the moment is read as the text Django stored and parsed here in one C
    call, not by the driver's converter for the column's declared type (a Python function per
    value); PostgreSQL's driver gives a datetime. Either is in the connection's time zone, which
    is all this adds (in the SQL, for SQLite in UTC), as the ORM's converter does.
    """
    ids = [int(pk) for pk in indicator_ids]
    points: dict[int, list[Point]] = defaultdict(list)
    if not ids:
        return points
    connection = connections[router.db_for_read(Reading)]
    quote = connection.ops.quote_name
    # Only quoted names and placeholders are written into the SQL; the values are parameters.
    placeholders = ", ".join(["%s"] * len(ids))
    moment = quote("recorded_at")
    zone = connection.timezone
    read_moment = moment
    if connection.vendor == "sqlite":
        read_moment = f"CAST({moment} AS TEXT)"
        if zone == dt.UTC:
            # Django stores UTC without an offset: written in, the text parses straight to an
            # aware datetime (a replace() a reading took as long as the parse itself).
            read_moment = f"{read_moment} || '+00:00'"
    sql = (
        f"SELECT {quote('indicator_id')}, {quote('value')}, {read_moment} "  # noqa: S608
        f"FROM {quote(Reading._meta.db_table)} WHERE {moment} <= %s "
        f"AND {quote('indicator_id')} IN ({placeholders}) "
        f"ORDER BY {quote('indicator_id')}, {moment}, {quote('id')}"
    )
    parse = dt.datetime.fromisoformat
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(at), *ids])
        for indicator_id, value, recorded_at in cursor.fetchall():
            if isinstance(recorded_at, str):
                recorded_at = parse(recorded_at)
            if recorded_at.tzinfo is None:
                recorded_at = recorded_at.replace(tzinfo=zone)
            points[indicator_id].append(Point(value, recorded_at))
    return points


class Measured(Protocol):
    """What judging a measure reads of it: an Indicator, or just those columns of one."""

    @property
    def pk(self) -> int: ...
    @property
    def baseline(self) -> float: ...
    @property
    def target(self) -> float: ...
    @property
    def start_date(self) -> dt.date: ...
    @property
    def target_date(self) -> dt.date: ...
    @property
    def direction(self) -> str: ...


def health_of(
    many: Iterable[Measured],
    *,
    at: dt.datetime | None = None,
    windows: Mapping[int, Window] | None = None,
) -> dict[int, Health]:
    """Health of each indicator at ``at`` (default now), judged over its own dates or over the
    window given for it (a key result is judged over its objective's period)."""
    moment = at or timezone.now()
    items = list(many)
    points = points_of((item.pk for item in items), moment)
    judged = {}
    for item in items:
        start, end = (windows or {}).get(item.pk, (item.start_date, item.target_date))
        judged[item.pk] = judge(
            baseline=item.baseline,
            target=item.target,
            points=points.get(item.pk, []),
            start=start,
            end=end,
            at=moment,
            direction=item.direction,
        )
    return judged


def health(
    indicator: Indicator, *, at: dt.datetime | None = None, window: Window | None = None
) -> Health:
    windows = {indicator.pk: window} if window else None
    return health_of([indicator], at=at, windows=windows)[indicator.pk]
