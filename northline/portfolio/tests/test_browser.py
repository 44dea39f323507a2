"""The board in a real browser: drag-and-drop, refusals that snap back, the keyboard controls
and more cards on scroll. Each test leaves a screenshot in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from northline.conftest import sign_in
from northline.portfolio import services
from northline.portfolio.models import Epic
from northline.portfolio.tests.conftest import Board
from northline.portfolio.tests.test_board import add_cards
from northline.testing import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def column(page, state: str):
    return page.locator(f'[data-column="{state}"]')


def card(page, title: str):
    return page.locator(".epic-card", has_text=title)


def test_it_drags_a_ready_card_into_doing(page, cast: Cast, board: Board):
    ready = board.epic("Mooring permits online", state="todo")
    board.epic("Harbour dues online", state="doing")
    board.epic("Dredging schedule", state="funnel")
    sign_in(page, "edith")
    page.goto("/o/acme/portfolio/")
    card(page, "Mooring permits online").drag_to(column(page, "doing").locator("[data-cards]"))
    moved = column(page, "doing").locator(".epic-card", has_text="Mooring permits online")
    moved.wait_for()
    page.locator(".epic-card.just-moved").wait_for()
    assert column(page, "doing").locator("[data-count-text]").inner_text() == "2"
    assert column(page, "todo").locator("[data-count-text]").inner_text() == "0"
    assert page.locator("[data-board-alert]").inner_text() == ""
    assert Epic.objects.get(pk=ready.pk).state == "doing"
    page.reload()
    expect(
        column(page, "doing").locator(".epic-card", has_text="Mooring permits online")
    ).to_be_visible()


def test_a_refused_drag_snaps_back_and_names_the_rules(page, cast: Cast, board: Board):
    half = board.epic("Half-written case", why="", lagging=False, stories=0)
    board.epic("Ready to plan", state="todo")
    sign_in(page, "edith")
    page.goto("/o/acme/portfolio/")
    card(page, "Half-written case").drag_to(column(page, "todo").locator("[data-cards]"))
    alert = page.get_by_role("alert")
    alert.filter(has_text="was not moved").wait_for()
    text = alert.inner_text()
    assert "why" in text.lower()
    assert "lagging indicator" in text.lower()
    # Back where it was, counts as they were, and nothing changed in the database.
    expect(
        column(page, "funnel").locator(".epic-card", has_text="Half-written case")
    ).to_be_visible()
    assert column(page, "todo").locator(".epic-card").count() == 1
    assert column(page, "todo").locator("[data-count-text]").inner_text() == "1"
    stored = Epic.objects.get(pk=half.pk)
    assert (stored.state, stored.version) == ("funnel", half.version)


def test_it_moves_and_reranks_with_the_keyboard(page, cast: Cast, board: Board):
    board.epic("First in funnel", wsjf=(20, 20, 20, 1))
    board.epic("Second in funnel", wsjf=(1, 1, 1, 20))
    board.epic("Ready to plan", state="todo")
    sign_in(page, "edith")
    page.goto("/o/acme/portfolio/")
    # Up: the second card goes above the first, with keys only.
    second = card(page, "Second in funnel")
    second.locator("summary").focus()
    page.keyboard.press("Enter")
    second.get_by_role("button", name="Up: rank “Second in funnel” higher").focus()
    page.keyboard.press("Enter")
    page.locator(".epic-card.just-moved").wait_for()
    titles = column(page, "funnel").locator(".epic-title").all_inner_texts()
    assert titles == ["Second in funnel", "First in funnel"]
    # Move: choose a column in the select.
    ready = card(page, "Ready to plan")
    ready.locator("summary").focus()
    page.keyboard.press("Enter")
    ready.get_by_label("Column for “Ready to plan”").select_option("doing")
    ready.get_by_role("button", name="Move", exact=True).press("Enter")
    column(page, "doing").locator(".epic-card.just-moved", has_text="Ready to plan").wait_for()
    assert Epic.objects.get(title="Ready to plan").state == "doing"
    assert list(
        Epic.objects.filter(state="funnel").order_by("rank", "id").values_list("title", flat=True)
    ) == ["Second in funnel", "First in funnel"]


def test_scrolling_a_long_column_loads_more_cards(page, cast: Cast, board: Board):
    add_cards(board, 4 * 130)
    sign_in(page, "victor")
    page.goto("/o/acme/portfolio/")
    todo = column(page, "todo").locator("[data-cards]")
    assert todo.locator(".epic-card").count() == 50
    todo.locator(".more-item").scroll_into_view_if_needed()
    # 50 more, then the last 30: each page asked for as its "More" link scrolls into view.
    todo.locator(".epic-card").nth(129).wait_for()
    assert todo.locator(".epic-card").count() == 130
    assert todo.locator(".more-item").count() == 0
    assert column(page, "funnel").locator(".epic-card").count() == 50


def test_the_board_sends_the_version_and_refuses_a_card_moved_meanwhile(
    page, cast: Cast, board: Board
):
    ready = board.epic("Mooring permits online", state="todo")
    board.epic("Harbour dues online", state="doing")
    sign_in(page, "edith")
    page.goto("/o/acme/portfolio/")
    # Two moves in a row: the second carries the version the first one answered.
    card(page, "Mooring permits online").drag_to(column(page, "doing").locator("[data-cards]"))
    # Wait on this card's own version: the other card in "doing" may hold the same number.
    column(page, "doing").locator(
        f'.epic-card[data-version="{ready.version + 1}"]', has_text="Mooring permits online"
    ).wait_for()
    card(page, "Mooring permits online").drag_to(column(page, "todo").locator("[data-cards]"))
    column(page, "todo").locator(
        f'.epic-card[data-version="{ready.version + 2}"]', has_text="Mooring permits online"
    ).wait_for()
    assert Epic.objects.get(pk=ready.pk).state == "todo"
    # Someone else moves the card; this board still shows the old version.
    seen = Epic.objects.get(pk=ready.pk)
    services.move_epic(board.access, seen, state="doing", version=seen.version)
    card(page, "Mooring permits online").drag_to(column(page, "funnel").locator("[data-cards]"))
    alert = page.get_by_role("alert")
    alert.filter(has_text="changed by someone else").wait_for()
    assert column(page, "todo").locator(".epic-card", has_text="Mooring permits online").count()
    stored = Epic.objects.get(pk=ready.pk)
    assert (stored.state, stored.version) == ("doing", seen.version + 1)
