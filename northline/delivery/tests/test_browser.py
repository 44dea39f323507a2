"""The delivery pages in a real browser: the matrix (sticky headers, a cell's details, the
legend) and acknowledging from a team's page. Each test leaves a screenshot in
test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from northline.conftest import SCREENSHOTS, sign_in
from northline.delivery import services
from northline.delivery.models import Impact
from northline.delivery.tests.conftest import Plan
from northline.delivery.tests.test_views import big_matrix
from northline.testing import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


def test_the_matrix_keeps_its_headers_in_view_and_opens_a_cell(page, cast: Cast):
    big_matrix(cast.owner_access, teams=60, features=200)
    sign_in(page, "victor")
    page.goto("/o/acme/delivery/")
    expect(page.get_by_text("Legend")).to_be_visible()
    matrix = page.locator(".matrix-wrap")
    corner = page.locator(".matrix .corner")
    first_team = page.locator(".matrix .team-head").first
    first_feature = page.locator(".matrix .feature-head").first
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "delivery_matrix_top.png")
    before_team, before_feature = box(first_team), box(first_feature)

    # Scroll the matrix far right and down: the team row and the feature column stay put.
    matrix.evaluate("wrap => { wrap.scrollTop = 2000; wrap.scrollLeft = 2000; }")
    page.wait_for_timeout(100)
    assert box(corner)["y"] == pytest.approx(before_team["y"], abs=2)
    assert box(corner)["x"] == pytest.approx(before_feature["x"], abs=2)
    last_team = page.locator(".matrix .team-head").last
    assert box(last_team)["y"] == pytest.approx(before_team["y"], abs=2)
    expect(last_team).to_be_visible()
    # The page's last feature (the matrix pages 25 features at a time) sits in the same column.
    last_feature = page.locator(".matrix .feature-head").last
    expect(last_feature).to_be_visible()
    assert box(last_feature)["x"] == pytest.approx(before_feature["x"], abs=2)
    page.screenshot(path=SCREENSHOTS / "delivery_matrix_scrolled.png")

    # A cell's details: who, what changes, the lead time, links.
    matrix.evaluate("wrap => { wrap.scrollTop = 0; wrap.scrollLeft = 0; }")
    late = page.locator("summary.cell-late").first
    late.click()
    popover = page.locator("details[data-cell][open] .pop")
    popover.wait_for()
    text = popover.inner_text()
    assert "late notice" in text
    assert "lead time 14 days" in text
    page.screenshot(path=SCREENSHOTS / "delivery_matrix_cell.png")
    page.keyboard.press("Escape")
    assert page.locator("details[data-cell][open]").count() == 0


def test_acknowledging_from_the_team_page(page, cast: Cast, plan: Plan):
    release = plan.release(30, "Spring update")
    feature = plan.feature(release, "A/B test of the permit form", kind="experiment")
    impact = services.add_impact(
        plan.access,
        feature,
        team=plan.contact,
        role="impactee",
        what_changes="Callers may see either form; both need answering.",
        what_is_needed="A call script for each variant.",
    )
    other = plan.feature(plan.release(4, "Hotfix"), "Fee table correction")
    services.add_impact(plan.access, other, team=plan.contact, role="impactee")
    sign_in(page, "edith")  # on the Contact Centre
    page.goto(f"/o/acme/delivery/teams/{plan.contact.pk}/")
    item = page.locator(f"#impact-{impact.pk}")
    assert "30 days left" in item.inner_text()
    assert "not acknowledged yet" in item.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "delivery_team_before.png", full_page=True)
    with page.expect_navigation():
        item.get_by_role("button", name="Acknowledge").click()
    page.get_by_text("Contact Centre acknowledged “A/B test of the permit form”.").wait_for()
    item = page.locator(f"#impact-{impact.pk}")
    assert "Acknowledged by Edith on" in item.inner_text()
    assert item.get_by_role("button", name="Acknowledge").count() == 0
    stored = Impact.objects.get(pk=impact.pk)
    assert stored.acknowledged_by == cast.editor
    assert stored.acknowledged_at is not None
