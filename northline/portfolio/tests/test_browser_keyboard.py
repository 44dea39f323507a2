"""The board from the keyboard alone: a card moves to another column and changes its place with
keys only (no mouse), the focus stays on the card, and what happened shows on the card itself:
the move, the "manual" badge after a re-rank, and a refusal with the picker back on the card's
real column. Each test leaves a screenshot in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from northline.conftest import screenshot, sign_in
from northline.portfolio.models import Epic
from northline.portfolio.tests.conftest import Board
from northline.testing import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def column(page, state: str):
    return page.locator(f'[data-column="{state}"]')


def card(page, title: str):
    return page.locator(".epic-card", has_text=title)


def focused_card_title(page) -> str | None:
    return page.evaluate(
        "document.activeElement.closest('.epic-card')?.dataset.title ?? null",
    )


def open_move_controls(page, title: str) -> None:
    """Focus the card's Move summary and open it with Enter, as a keyboard user does."""
    card(page, title).locator("summary").focus()
    page.keyboard.press("Enter")


def move_to_todo_with_keys(page, picker) -> None:
    """From the focused column picker: one step down (Funnel → To do), Tab to Move, Enter."""
    expect(picker).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(picker).to_have_value("todo")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")


def test_it_reranks_and_moves_a_card_with_keys_only(page, cast: Cast, board: Board):
    board.epic("First in funnel", wsjf=(20, 20, 20, 1))
    board.epic("Second in funnel", wsjf=(1, 1, 1, 20))
    board.epic("Ready to plan", state="todo")
    sign_in(page, "edith")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/o/acme/portfolio/")
    second = card(page, "Second in funnel")
    assert second.locator(".badge.manual").count() == 0

    # Re-rank: Tab past the column picker and the Move button to "Up", then Enter.
    open_move_controls(page, "Second in funnel")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    up = second.get_by_role("button", name="Up: rank “Second in funnel” higher")
    expect(up).to_be_focused()
    page.keyboard.press("Enter")
    note = second.locator(".card-note")
    expect(note).to_have_text("Placed “Second in funnel” by hand.")
    assert column(page, "funnel").locator(".epic-title").all_inner_texts() == [
        "Second in funnel",
        "First in funnel",
    ]
    # The badge shows at once, without a reload, and the focus is still on the Up button.
    expect(second.locator(".badge.manual")).to_have_text("manual")
    expect(up).to_be_focused()
    assert page.locator("[data-board-status]").inner_text() == "Placed “Second in funnel” by hand."
    screenshot(page, "board_keyboard_reranked")

    # Move: back to the column picker (Shift+Tab twice), one step down to To do, then "Move".
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    picker = second.get_by_label("Column for “Second in funnel”")
    move_to_todo_with_keys(page, picker)
    moved = column(page, "todo").locator(".epic-card", has_text="Second in funnel")
    expect(moved.locator(".card-note")).to_have_text("Moved “Second in funnel” to To do.")
    expect(moved.locator(".card-note")).to_be_visible()
    assert focused_card_title(page) == "Second in funnel"
    assert column(page, "todo").locator("[data-count-text]").inner_text() == "2"
    assert column(page, "funnel").locator("[data-count-text]").inner_text() == "1"
    # One note at a time: the re-rank's note went with the move's.
    assert page.locator(".card-note").count() == 1
    assert Epic.objects.get(title="Second in funnel").state == "todo"
    screenshot(page, "board_keyboard_moved")


def test_a_refused_keyboard_move_resets_the_picker_and_says_why_on_the_card(
    page, cast: Cast, board: Board
):
    half = board.epic("Half-written case", why="", lagging=False, stories=0)
    sign_in(page, "edith")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/o/acme/portfolio/")
    open_move_controls(page, "Half-written case")
    page.keyboard.press("Tab")
    picker = card(page, "Half-written case").get_by_label("Column for “Half-written case”")
    move_to_todo_with_keys(page, picker)

    refused = column(page, "funnel").locator(".epic-card", has_text="Half-written case")
    note = refused.locator(".card-note.refused")
    expect(note).to_contain_text("“Half-written case” was not moved to To do:")
    text = note.inner_text().lower()
    assert "why" in text
    assert "lagging indicator" in text
    expect(note).to_be_visible()
    # The picker shows the column the card is really in, and the focus stayed on the card.
    expect(picker).to_have_value("funnel")
    assert focused_card_title(page) == "Half-written case"
    # A screen reader hears the same refusal.
    assert "was not moved" in page.get_by_role("alert").inner_text()
    stored = Epic.objects.get(pk=half.pk)
    assert (stored.state, stored.version) == ("funnel", half.version)
    screenshot(page, "board_keyboard_refused_390")
