"""Records for the OpenAPI walk: one of each strategy record that a route names by id."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from northline.orgs.models import Person
from northline.strategy import services
from northline.testing import Cast


def build(cast: Cast, values: dict[str, Any]) -> None:
    access = cast.owner_access
    services.revise_identity(
        access, mission="Make permits simple.", values=[{"name": "Openness"}], based_on=0
    )
    theme = services.create_theme(
        access,
        name="Permits online",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    item = services.create_swot_item(access, kind="strength", statement="Loyal staff.")
    stream = services.create_value_stream(access, name="Apply for a permit")
    investment = services.create_investment(
        access,
        theme=theme,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        planned_amount=Decimal("1000.00"),
    )
    spend = services.record_spend(
        access, investment, amount=Decimal("100.00"), spent_on=dt.date(2026, 2, 1)
    )
    person = Person.objects.get(organization=cast.org, user=cast.owner)
    body = services.create_body(access, name="LACE", kind="LACE", members=[person])
    responsibility = services.add_responsibility(access, body, kind="outcome", theme=theme)
    decision = services.log_decision(
        access, title="Fund the pilot", topic="portfolio", links=[theme]
    )
    values.update(
        revision_number=1,
        swot_item_id=item.pk,
        theme_id=theme.pk,
        value_stream_id=stream.pk,
        investment_id=investment.pk,
        spend_id=spend.pk,
        body_id=body.pk,
        responsibility_id=responsibility.pk,
        decision_id=decision.pk,
        decision_link_id=decision.links.get().pk,
        authority="waive_gates",
    )
