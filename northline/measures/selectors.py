"""Reads of indicators and their health, batched so pages never query per row."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Protocol

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
    """Every reading up to ``at`` of the given indicators, oldest first: one query."""
    points: dict[int, list[Point]] = defaultdict(list)
    rows = (
        Reading.objects.filter(indicator_id__in=list(indicator_ids), recorded_at__lte=at)
        .order_by("indicator_id", "recorded_at", "id")
        .values_list("indicator_id", "value", "recorded_at")
    )
    for indicator_id, value, recorded_at in rows:
        points[indicator_id].append(Point(value=value, at=recorded_at))
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
