"""Goals in a real browser: the cascade on the demo's quarter, and an inline check-in.

Each test leaves a screenshot in test-artifacts/screenshots/ (see the ``page`` fixture).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.goals.models import KeyResult
from northline.orgs.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STALLED = "Applications abandoned before submission"


@pytest.fixture
def demo(transactional_db) -> None:
    load_demo()


def test_it_shows_the_cascade_and_what_needs_attention(page, demo):
    sign_in(page, "amara", DEMO_PASSWORD)
    # Amara belongs to the ministry and (to initial agreements) the lab: pick the ministry.
    page.goto("/o/ministry-of-coast/")
    nav = page.get_by_role("navigation", name="Ministry of Coastal Affairs")
    nav.get_by_role("link", name="Goals").click()
    expect(page.get_by_role("heading", name="Goals", level=1)).to_be_visible()
    assert nav.get_by_role("link", name="Goals").get_attribute("aria-current") == "page"
    # A team objective sits inside the organization-level objective it serves.
    parent = page.locator(".tree-node", has_text="Make applying online the easiest way")
    child = parent.locator(".tree .node-title", has_text="Take dock and mooring permits online")
    expect(child).to_be_visible()
    attention = page.get_by_role("complementary")
    expect(attention.get_by_role("link", name=STALLED)).to_be_visible()
    expect(
        attention.get_by_role("link", name="Applications waiting longer than 60 days")
    ).to_be_visible()
    # Filter to one team: its objectives only, still with their progress.
    page.get_by_label("Team").select_option(label="Contact Centre")
    page.get_by_role("button", name="Show").click()
    # Web-first assertions: they wait for the page the click loads (a plain count could read
    # the page being left, and did once in CI: 0 nodes).
    expect(page.locator(".node-title")).to_have_text(
        ["Answer permit questions on the first contact"]
    )
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator(".node-title")).to_have_count(7)


def test_it_checks_in_inline_without_reloading_the_page(page, demo):
    key_result = KeyResult.objects.get(title=STALLED)
    sign_in(page, "amara", DEMO_PASSWORD)
    url = f"/o/ministry-of-coast/goals/key-results/{key_result.pk}/"
    page.goto(url)
    expect(page.get_by_text("Not moving.")).to_be_visible()
    points_before = page.locator("circle.chart-point").count()
    # A marker that a page load would wipe out.
    page.evaluate("window.stillHere = true")

    page.get_by_label("Value").fill("20")
    page.get_by_label("Confidence (%)").fill("70")
    page.get_by_label("Note").fill("The simpler upload step is live.")
    page.get_by_role("button", name="Record check-in").click()

    # baseline 40, target 15: (20 − 40) / (15 − 40) = 0.8 → 80 %
    progress = page.locator("[data-progress]")
    progress.filter(has_text="80 %").wait_for()
    assert page.evaluate("window.stillHere") is True
    assert page.url.endswith(url)
    assert page.locator("circle.chart-point").count() == points_before + 1
    expect(page.get_by_text("Not moving.")).to_be_hidden()
    expect(page.get_by_role("cell", name="The simpler upload step is live.")).to_be_visible()
    assert re.search(r"Progress is 80 %", page.locator("#kr-announce").inner_text())
    # The form is ready for the next check-in.
    assert page.get_by_label("Value").input_value() == ""


def test_it_shows_a_refused_inline_check_in_at_the_top_of_the_form(page, demo):
    key_result = KeyResult.objects.get(title=STALLED)
    sign_in(page, "amara", DEMO_PASSWORD)
    page.goto(f"/o/ministry-of-coast/goals/key-results/{key_result.pk}/")
    page.evaluate("window.stillHere = true")
    page.get_by_label("Value").fill("21")
    page.get_by_label("Confidence (%)").fill("140")
    page.get_by_role("button", name="Record check-in").click()
    # The reasons at the top of the form, with the focus moved there; and beside the field.
    refusal = page.locator("form[data-inline-check-in] > [data-check-in-refusal]")
    expect(refusal).to_be_focused()
    expect(refusal).to_have_text(
        "The check-in was not saved. "
        "Confidence (%): Ensure this value is less than or equal to 100."
    )
    field = page.locator(".field.has-error", has=page.get_by_label("Confidence (%)"))
    expect(field).to_contain_text("Ensure this value is less than or equal to 100.")
    assert page.locator("[data-check-in-saved]").count() == 0
    assert page.evaluate("window.stillHere") is True
    assert key_result.indicator.readings.count() == 4


def test_it_checks_in_from_the_keyboard_with_a_visible_confirmation(page, demo):
    key_result = KeyResult.objects.get(title=STALLED)
    sign_in(page, "amara", DEMO_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/o/ministry-of-coast/goals/key-results/{key_result.pk}/")
    page.evaluate("window.stillHere = true")
    page.get_by_label("Value").focus()
    page.keyboard.type("20")
    page.keyboard.press("Tab")
    page.keyboard.type("70")
    page.keyboard.press("Tab")
    page.keyboard.type("Typed, not clicked.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Record check-in")).to_be_focused()
    page.keyboard.press("Enter")

    # baseline 40, target 15: (20 − 40) / (15 − 40) = 0.8 → 80 %; shown above the form, on
    # screen where the focus is, and read out by the status region.
    check_in = page.locator("section", has=page.get_by_role("heading", name="Check in"))
    saved = check_in.locator("[data-check-in-saved]")
    expect(saved).to_contain_text("Check-in saved. Progress is 80 %")
    expect(saved).to_be_in_viewport()
    assert page.locator("#kr-announce").inner_text() == saved.inner_text()
    expect(page.get_by_label("Value")).to_be_focused()
    # The new state without a reload: the progress and the check-in row.
    assert page.locator("[data-progress]").inner_text() == "80 %"
    expect(page.get_by_role("cell", name="Typed, not clicked.")).to_be_visible()
    assert page.evaluate("window.stillHere") is True
    assert key_result.indicator.readings.count() == 5
    screenshot(page, "check_in_keyboard_saved_390")


def test_it_reads_well_on_a_phone(page, demo):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, "amara", DEMO_PASSWORD)
    page.goto("/o/ministry-of-coast/goals/")
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_it_opens_an_objective_with_its_key_results_and_aligned_objectives(page, demo):
    sign_in(page, "amara", DEMO_PASSWORD)
    page.goto("/o/ministry-of-coast/goals/")
    page.get_by_role(
        "link", name="Decide permit applications faster without cutting corners"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Decide permit applications faster without cutting corners"
    )
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    assert page.get_by_role("link", name="Clear the backlog of applications waiting for a decision")
    page.get_by_role("link", name="Align a new objective to this one").click()
    assert (
        page.get_by_label("Aligned to objective")
        .locator("option:checked")
        .inner_text()
        .startswith("Decide permit applications faster")
    )
    page.go_back()
