"""The matrix in a real browser at a phone's width and a desktop's: a bottom row's details
open where the eye is, acknowledging from a cell and from the feature page shows the new
state at once, and the page never scrolls sideways. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.delivery import services
from northline.delivery.models import Impact
from northline.delivery.tests.conftest import Plan
from northline.delivery.tests.generated import big_matrix
from northline.testing import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


def assert_inside(inner: dict, outer: dict) -> None:
    assert inner["x"] >= outer["x"] - 1, (inner, outer)
    assert inner["y"] >= outer["y"] - 1, (inner, outer)
    assert inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1, (inner, outer)
    assert inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1, (inner, outer)


def visible_area(page) -> dict:
    """The part of the matrix's box that is on the screen."""
    return page.evaluate(
        """() => {
          const box = document.querySelector('.matrix-wrap').getBoundingClientRect();
          const top = Math.max(box.top, 0), left = Math.max(box.left, 0);
          const bottom = Math.min(box.top + document.querySelector('.matrix-wrap').clientHeight,
                                  innerHeight);
          const right = Math.min(box.left + document.querySelector('.matrix-wrap').clientWidth,
                                 innerWidth);
          return {x: left, y: top, width: right - left, height: bottom - top};
        }"""
    )


def assert_no_sideways_scroll(page) -> None:
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1440"])
def test_a_bottom_row_cell_opens_its_details_in_view(page, cast: Cast, viewport):
    big_matrix(cast.owner_access, teams=14, features=40)
    page.set_viewport_size(viewport)
    sign_in(page, "victor")
    page.goto("/o/acme/delivery/")
    assert_no_sideways_scroll(page)
    # The last row of the last release, its last cell.
    last_row = page.locator(".matrix tbody").last.locator("tr").last
    cell = last_row.locator("details[data-cell] summary").last
    cell.scroll_into_view_if_needed()
    cell.click()
    pop = page.locator("details[data-cell][open] .pop")
    pop.wait_for()
    page.wait_for_timeout(300)  # smooth scrolling, if any, settles
    assert_inside(box(pop), visible_area(page))
    # The cell that opened it is still in view too.
    assert_inside(box(cell), visible_area(page))
    assert_no_sideways_scroll(page)
    screenshot(page, f"delivery_matrix_bottom_row_{viewport['width']}")


def test_the_matrix_page_never_scrolls_sideways(page, cast: Cast):
    big_matrix(cast.owner_access, teams=60, features=120)
    sign_in(page, "victor")
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto("/o/acme/delivery/")
        assert_no_sideways_scroll(page)
        frame = page.locator(".matrix-frame")
        # More lies to the right, and the box says so; the feature column stays readable.
        assert "more-right" in (frame.get_attribute("class") or "")
        expect(page.get_by_text("The matrix scrolls inside its box")).to_be_visible()
        feature = page.locator(".matrix .feature-head").first
        before = box(feature)
        assert before["width"] >= 120
        page.locator(".matrix-wrap").evaluate("wrap => { wrap.scrollLeft = wrap.scrollWidth; }")
        page.wait_for_function(
            "() => !document.querySelector('.matrix-frame').classList.contains('more-right')"
        )
        assert box(feature)["x"] == pytest.approx(before["x"], abs=2)
        assert "more-right" not in (frame.get_attribute("class") or "")
        screenshot(page, f"delivery_matrix_scrolled_right_{viewport['width']}")


def test_acknowledging_from_a_matrix_cell(page, cast: Cast, plan: Plan):
    feature = plan.feature(plan.release(30), "Online mooring permits")
    impact = services.add_impact(
        plan.access, feature, team=plan.contact, role="impactee", what_changes="New calls."
    )
    page.set_viewport_size(PHONE)
    sign_in(page, "edith")  # on the Contact Centre
    page.goto("/o/acme/delivery/")
    page.locator(f"#impact-{impact.pk} summary").click()
    pop = page.locator(f"#impact-{impact.pk} .pop")
    assert "not acknowledged yet" in pop.inner_text()
    screenshot(page, "delivery_matrix_cell_acknowledge_before")
    with page.expect_navigation():
        pop.get_by_role("button", name="Acknowledge").click()
    done = page.locator(f"#impact-{impact.pk} .ack-done")
    done.wait_for()
    assert done.inner_text().strip() == "✓ Acknowledged in time."
    assert_inside(box(done), visible_area(page))
    assert page.evaluate("() => document.activeElement.classList.contains('ack-done')")
    label = page.locator(f"#impact-{impact.pk} summary").inner_text()
    assert label.splitlines()[0].strip() == "Impactee ✓"
    assert "Contact Centre: acknowledged" in label
    assert_no_sideways_scroll(page)
    screenshot(page, "delivery_matrix_cell_acknowledged")
    assert Impact.objects.get(pk=impact.pk).acknowledged_by == cast.editor


def test_acknowledging_from_the_feature_page(page, cast: Cast, plan: Plan):
    feature = plan.feature(plan.release(5, "Hotfix"), "Fee table correction")
    impact = services.add_impact(plan.access, feature, team=plan.contact, role="impactee")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "edith")
    page.goto(f"/o/acme/delivery/features/{feature.pk}/")
    card = page.locator(f"#impact-{impact.pk}")
    with page.expect_navigation():
        card.get_by_role("button", name="Acknowledge").click()
    done = page.locator(f"#impact-{impact.pk} .ack-done")
    done.wait_for()
    assert "Acknowledged, but late" in done.inner_text()
    expect(done).to_be_visible()
    top = box(done)["y"]
    assert 0 <= top <= DESKTOP["height"] - 20
    assert "Acknowledged by Edith on" in page.locator(f"#impact-{impact.pk}").inner_text()
    screenshot(page, "delivery_feature_acknowledged")
    assert Impact.objects.get(pk=impact.pk).acknowledged_by == cast.editor


def test_the_paged_matrix_warns_about_every_team_and_pages_on(page, cast: Cast):
    big_matrix(cast.owner_access, teams=60, features=200)
    sign_in(page, "victor")
    page.set_viewport_size(DESKTOP)
    page.goto("/o/acme/delivery/")
    assert_no_sideways_scroll(page)
    info = page.locator("#matrix-page-info")
    assert info.inner_text() == "Features 1–25 of 200 · page 1 of 8, 25 features a page."
    assert page.locator(".matrix .feature-head").count() == 25
    warnings = page.locator(".matrix-warnings")
    expect(warnings).to_be_visible()
    # Teams whose warnings lie on later pages are listed on the first one too.
    assert warnings.locator("li").count() == 60
    screenshot(page, "delivery_matrix_paged_1440")
    with page.expect_navigation():
        page.get_by_role("link", name="Next →").first.click()
    assert "page 2 of 8" in page.locator("#matrix-page-info").inner_text()
    assert page.locator(".matrix .feature-head").first.inner_text().startswith("Feature ")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    screenshot(page, "delivery_matrix_paged_390")
