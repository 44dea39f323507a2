"""Records that tests in several apps build the same way."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from northline.goals import services
from northline.goals.models import Period
from northline.orgs.access import Access


def period_around_today(
    access: Access,
    *,
    elapsed: int,
    remaining: int,
    name: str = "This quarter",
    today: dt.date | None = None,
) -> Period:
    """A period that started ``elapsed`` days ago and ends in ``remaining`` days (negative for
    one that has ended): the share of it that has passed sets every pace."""
    today = today or timezone.localdate()
    return services.create_period(
        access,
        name=name,
        starts_on=today - dt.timedelta(days=elapsed),
        ends_on=today + dt.timedelta(days=remaining),
    )
