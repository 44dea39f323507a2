"""The Strategy home in a real browser, on an organization with a believable strategy.

The screenshot lands in test-artifacts/screenshots/ (see the ``page`` fixture).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from northline.measures import services as measures
from northline.orgs import services as org_services
from northline.strategy import services
from northline.testing import PASSWORD, Cast, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_cast(transactional_db) -> Cast:
    cast = make_cast()
    fill_strategy(cast)
    return cast


def fill_strategy(cast: Cast) -> None:
    access = cast.owner_access
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=120), today + dt.timedelta(days=240)
    services.revise_identity(
        access,
        mission="We help residents get building permits without the paperwork.",
        vision="Every permit decided online within ten days.",
        values=[
            {"name": "Openness", "meaning": "Plans and results are public."},
            {"name": "Users first", "meaning": "Every change is tested with applicants."},
        ],
        based_on=0,
    )
    themes = []
    rows: list[tuple[str, float, float, list[float]]] = [
        ("Permits online", 10, 80, [20, 32, 41]),
        ("Faster decisions", 60, 10, [58, 57, 56]),
        ("Trusted service", 3.0, 4.5, [3.1, 3.1, 3.1]),
    ]
    for name, baseline, target, readings in rows:
        theme = services.create_theme(access, name=name, starts_on=start, ends_on=end)
        indicator = services.add_theme_indicator(
            access, theme, name=f"{name}: outcome", baseline=baseline, target=target
        )
        for position, value in enumerate(readings):
            measures.record_reading(
                access,
                indicator,
                value=value,
                recorded_at=timezone.now() - dt.timedelta(days=100 - 40 * position),
            )
        investment = services.create_investment(
            access,
            theme=theme,
            period_start=start,
            period_end=end,
            planned_amount=Decimal(100_000),
        )
        services.record_spend(
            access, investment, amount=Decimal(30_000), spent_on=today - dt.timedelta(days=30)
        )
        themes.append(theme)
    for kind, statement in [
        ("strength", "Experienced permit officers."),
        ("strength", "Leadership backs the change."),
        ("weakness", "Paper forms and manual checks."),
        ("weakness", "No shared view of queues."),
        ("opportunity", "Shared government payment service."),
        ("opportunity", "A lab offering coaching."),
        ("threat", "Summer peaks in applications."),
        ("threat", "Legacy case system near end of life."),
    ]:
        services.create_swot_item(access, kind=kind, statement=statement)
    services.create_value_stream(access, name="Get a building permit")
    rosa = org_services.create_person(access, name="Rosa Fischer")
    lace = services.create_body(
        access,
        name="Agile Centre",
        kind="LACE",
        authorities=["change_process", "staff_teams", "waive_gates"],
        members=[rosa],
    )
    services.add_responsibility(access, lace, kind="lab_program")
    vmo = services.create_body(access, name="Value Office", kind="VMO", authorities=["fund_epics"])
    services.add_responsibility(access, vmo, kind="outcome", theme=themes[0])
    services.log_decision(access, title="Adopt three themes", topic="strategy", status="accepted")
    services.log_decision(access, title="Build a mobile app", topic="portfolio", status="rejected")


def test_it_shows_the_strategy_home_with_the_swot_board_and_the_flag(page, browser_cast):
    page.goto("/login/?next=/o/acme/strategy/")
    page.get_by_label("Username").fill("victor")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/o/acme/strategy/")
    expect(page.get_by_role("heading", name="Strategy", level=1)).to_be_visible()
    assert (
        page.get_by_role("link", name="Strategy", exact=True).first.get_attribute("aria-current")
        == "page"
    )
    # The SWOT is a 2×2 board: strengths beside weaknesses, opportunities beside threats.
    quadrants = page.locator(".swot-board > .quadrant")
    assert quadrants.count() == 4
    boxes = [quadrants.nth(index).bounding_box() for index in range(4)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]
    assert boxes[2]["y"] > boxes[0]["y"] and boxes[2]["x"] == boxes[0]["x"]
    flag = page.locator(".flag")
    assert flag.count() == 1
    assert "Value Office" in flag.inner_text()
    assert "Change process" in flag.inner_text()
    assert page.locator(".theme-card").count() == 3
