"""Every write to indicators and readings. Readings are append-only: there is no edit or delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from northline.lib.errors import Invalid
from northline.measures.models import Indicator, Reading
from northline.measures.signals import reading_recorded
from northline.orgs.access import Access
from northline.orgs.services import RecordWrites, add_record, refuse_unknown

INDICATOR_FIELDS = {
    "name",
    "description",
    "kind",
    "unit",
    "direction",
    "baseline",
    "target",
    "start_date",
    "target_date",
}


def direction_for(baseline: float, target: float) -> str:
    return "decrease" if target < baseline else "increase"


@transaction.atomic
def create_indicator(access: Access, **fields: Any) -> Indicator:
    """A new indicator; its direction follows from baseline and target unless given."""
    access.require("write")
    refuse_unknown(fields, INDICATOR_FIELDS)
    if "direction" not in fields and "baseline" in fields and "target" in fields:
        fields["direction"] = direction_for(fields["baseline"], fields["target"])
    return add_record(access, Indicator(organization=access.organization, **fields))


INDICATORS = RecordWrites[Indicator](editable=INDICATOR_FIELDS)
update_indicator = INDICATORS.update
delete_indicator = INDICATORS.delete


@transaction.atomic
def record_reading(
    access: Access,
    indicator: Indicator,
    *,
    value: float,
    recorded_at: dt.datetime | None = None,
    source: str = "",
    confidence: int | None = None,
    note: str = "",
) -> Reading:
    """Append one reading (a check-in when it carries confidence and a note)."""
    access.require("write")
    now = timezone.now()
    when = recorded_at or now
    if when > now + dt.timedelta(minutes=5):
        raise Invalid(
            "A reading cannot be recorded in the future.",
            fields={"recorded_at": "Must not be later than now."},
        )
    reading = add_record(
        access,
        Reading(
            organization=access.organization,
            indicator=indicator,
            value=value,
            recorded_at=when,
            source=source,
            confidence=confidence,
            note=note,
            author=access.user,
        ),
    )
    reading_recorded.send(sender=Reading, reading=reading, indicator=indicator)
    return reading
