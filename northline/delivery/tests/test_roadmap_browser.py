"""The roadmap in a real browser at 1440 px and at 390 px: the timeline scrolls inside its own
box while the lane labels stay in view, and print hides the navigation. Screenshots in
test-artifacts/screenshots/roadmap_*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.delivery.tests.conftest import Plan
from northline.portfolio import services as portfolio_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


def fill(plan: Plan) -> None:
    today = timezone.localdate()
    plan.release(-3, name="Overdue release")
    plan.release(45, name="Summer release")
    for n, days in enumerate((-5, 6, 30, 90, 200, 260)):
        portfolio_services.create_epic(
            plan.access,
            title=f"Epic {n}: permits online",
            team=plan.builders if n % 2 else plan.contact,
            target_date=today + dt.timedelta(days=days),
        )


@pytest.mark.parametrize("width", [1440, 390])
def test_the_roadmap_reads_at_desktop_and_phone_width(page, plan: Plan, width: int) -> None:
    fill(plan)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "victor")
    page.goto(f"/o/{plan.access.organization.slug}/delivery/roadmap/")
    expect(page.get_by_role("heading", name="Roadmap", level=1)).to_be_visible()
    expect(page.locator(".flag-late").first).to_be_visible()
    expect(page.locator(".rm-today-mark")).to_be_visible()
    screenshot(page, f"roadmap_{width}")
    # The page itself never scrolls sideways; the timeline does, inside its box.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    label = page.locator(".rm-item .rm-label").first
    before = box(label)["x"]
    page.locator(".roadmap-scroll").evaluate("box => { box.scrollLeft = 2000; }")
    page.wait_for_timeout(100)
    assert box(label)["x"] == pytest.approx(before, abs=2)
    expect(label).to_be_visible()
    screenshot(page, f"roadmap_{width}_scrolled")
    page.emulate_media(media="print")
    expect(page.locator(".roadmap-filters")).to_be_hidden()
    screenshot(page, f"roadmap_{width}_print")


def test_the_roadmap_reads_with_500_epics_and_60_releases(page, plan: Plan) -> None:
    today = timezone.localdate()
    teams = [plan.builders, plan.contact]
    for k in range(500):
        portfolio_services.create_epic(
            plan.access,
            title=f"Epic {k:03}",
            team=teams[k % 2],
            target_date=today + dt.timedelta(days=10 + k % 240),
        )
    for k in range(60):
        plan.release(5 + (k * 7) % 240, name=f"Release {k:03}")
    sign_in(page, "victor")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/o/{plan.access.organization.slug}/delivery/roadmap/")
        assert page.locator(".rm-item").count() == 150  # 50 per lane: two teams, releases
        expect(page.get_by_text("Show 200 more in Epics").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        screenshot(page, f"roadmap_500_{width}")
