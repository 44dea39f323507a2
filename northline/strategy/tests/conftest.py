"""A small strategy in ``cast.org`` for the tests of this app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from northline.orgs import services as org_services
from northline.strategy import services
from northline.testing import Cast

START = dt.date(2026, 1, 1)
END = dt.date(2026, 12, 31)


def make_strategy(cast: Cast) -> dict[str, Any]:
    access = cast.owner_access
    revision = services.revise_identity(
        access,
        mission="Issue permits.",
        values=[{"name": "Openness", "meaning": "We publish."}],
        based_on=0,
    )
    theme = services.create_theme(access, name="Online permits", starts_on=START, ends_on=END)
    indicator = services.add_theme_indicator(
        access, theme, name="Share applied online", unit="%", baseline=10, target=90
    )
    item = services.create_swot_item(
        access, kind="weakness", statement="Paper forms.", themes=[theme]
    )
    stream = services.create_value_stream(access, name="Get a permit")
    investment = services.create_investment(
        access,
        theme=theme,
        period_start=START,
        period_end=dt.date(2026, 6, 30),
        planned_amount=Decimal("1000.00"),
    )
    spend = services.record_spend(
        access, investment, amount=Decimal("250.00"), spent_on=dt.date(2026, 2, 1)
    )
    person = org_services.create_person(access, name="Rosa Fischer")
    body = services.create_body(
        access, name="Value Office", kind="VMO", authorities=["fund_epics"], members=[person]
    )
    responsibility = services.add_responsibility(access, body, kind="outcome", theme=theme)
    decision = services.log_decision(
        access, title="Pilot with one team", topic="portfolio", links=[theme]
    )
    return {
        "revision": revision,
        "theme": theme,
        "indicator": indicator,
        "item": item,
        "stream": stream,
        "investment": investment,
        "spend": spend,
        "person": person,
        "body": body,
        "responsibility": responsibility,
        "decision": decision,
        "link": decision.links.get(),
    }


@pytest.fixture
def strategy(cast: Cast) -> dict[str, Any]:
    return make_strategy(cast)
