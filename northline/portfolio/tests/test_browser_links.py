"""Linking a key result from the epic page in a real browser: with 120 key results the chooser
asks for a search, and typing offers the matches the JSON endpoint answers (chooser.js)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.portfolio.models import Epic
from northline.portfolio.tests.conftest import Board
from northline.portfolio.tests.test_links import key_results
from northline.testing import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_links_a_key_result_found_by_typing_in_the_chooser(page, cast: Cast, board: Board):
    epic = board.epic("Mooring permits online")
    key_results(board.access, *(f"Result {number:03}" for number in range(119)))
    (median,) = key_results(board.access, "Median days to decide", objective_title="Decide")
    sign_in(page, "edith")
    page.goto(f"/o/acme/portfolio/epics/{epic.pk}/")
    expect(page.get_by_text("Too many to list")).to_be_visible()
    choice = page.locator("#link-key-result-choice")
    assert choice.locator("option").count() == 50

    page.get_by_label("Search key results").press_sequentially("median")
    # The 50 listed first include it too (titles in order): wait for the answer to leave it alone.
    expect(choice.locator("option")).to_have_count(1)
    expect(choice.locator("option")).to_have_text("Median days to decide (Decide)")
    expect(page.get_by_text("Showing 1 match of “median”.")).to_be_visible()
    expect(page.get_by_text("Too many to list")).to_be_hidden()
    screenshot(page, "epic_key_result_chooser")
    with page.expect_navigation():
        page.get_by_role("button", name="Link key result").click()

    expect(page.get_by_role("link", name="Median days to decide")).to_be_visible()
    assert list(epic.key_results.all()) == [median]


def test_the_key_result_page_links_an_epic_found_by_typing(page, cast: Cast, board: Board):
    for number in range(105):
        board.epic(f"Quay works {number:03}", wsjf=None, stories=0, lagging=False)
    epic = board.epic("Mooring permits online")
    (median,) = key_results(board.access, "Median days to decide")
    sign_in(page, "edith")
    page.goto(f"/o/acme/goals/key-results/{median.pk}/")
    section = page.locator("section", has=page.locator("#driven-by"))
    expect(section.get_by_text("No epic drives this key result yet")).to_be_visible()
    choice = page.locator("#link-epic-choice")
    assert choice.locator("option").count() == 50

    page.get_by_label("Search open epics").press_sequentially("mooring")
    expect(choice.locator("option")).to_have_count(1)
    expect(choice.locator("option")).to_have_text("Mooring permits online")
    with page.expect_navigation():
        page.get_by_role("button", name="Link epic").click()

    expect(page.get_by_text("“Mooring permits online” now drives the key result.")).to_be_visible()
    expect(section.get_by_role("link", name="Mooring permits online")).to_be_visible()
    screenshot(page, "key_result_driven_by")
    assert list(epic.key_results.all()) == [median]

    with page.expect_navigation():
        section.get_by_role("button", name="Unlink Mooring permits online").click()
    expect(page.get_by_text("no longer drives the key result")).to_be_visible()
    assert list(epic.key_results.all()) == []

    page.get_by_role("link", name="Write a new epic for this key result").click()
    expect(page.get_by_text("It will drive the key result")).to_be_visible()
    page.get_by_label("Title").fill("Decide moorings in a day")
    screenshot(page, "epic_new_for_key_result")
    with page.expect_navigation():
        page.get_by_role("button", name="Create epic").click()
    expect(page.get_by_role("link", name="Median days to decide")).to_be_visible()
    new = Epic.objects.get(title="Decide moorings in a day")
    assert list(new.key_results.all()) == [median]
