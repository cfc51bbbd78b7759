"""The board with the keyboard alone: Tab to a control, Enter or Space to use it. Focus follows the
card that moved, the live region says what happened, and the focused control is always visible."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Locator, Page, expect

from bookapp.books import Status
from tests.browser.board_helpers import expect_titles, focused_element_description, tab_to
from tests.browser.test_board_flow import (
    PASSWORD,
    add_form,
    card_in,
    dates_around,
    expect_counts,
    expect_dates,
    expect_no_reload,
    mark_window,
    move_button,
)

FOCUS_INDICATOR = """element => {
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== "none";
    const description = `outline: ${style.outlineStyle} ${style.outlineWidth}; box-shadow: ${style.boxShadow}`;
    return {outline, shadow, description};
}"""


def expect_focus_visible(locator: Locator) -> None:
    """The element has the keyboard focus and shows it: an outline or a focus shadow."""
    expect(locator).to_be_focused()
    indicator = locator.evaluate(FOCUS_INDICATOR)
    assert indicator["outline"] or indicator["shadow"], f"no visible focus indicator: {indicator['description']}"


def sign_in_with_keyboard(page: Page, username: str) -> None:
    page.goto("/login")
    tab_to(page, page.get_by_label("Username"))
    expect_focus_visible(page.get_by_label("Username"))
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Your board"))


def test_keyboard_moves_a_card_and_the_focus_follows_it(page: Page, make_user, books):
    user = make_user("alice")
    books.add(user.books_key, "Kafka on the Shore", "Haruki Murakami", Status.NOT_STARTED, dt.date(2024, 1, 1))
    books.add(user.books_key, "Norwegian Wood", "Haruki Murakami", Status.NOT_STARTED, dt.date(2024, 1, 1))
    sign_in_with_keyboard(page, "alice")
    mark_window(page)

    # The skip link comes first (the first Tab, unless the browser kept its focus position from the
    # sign-in form), and it is visible when focused.
    skip = page.get_by_role("link", name="Skip to content")
    tab_to(page, skip)
    expect_focus_visible(skip)
    expect(skip).to_be_visible()

    card = card_in(page, "not_started", "Kafka on the Shore")
    card_id = card.get_attribute("id")
    button = move_button(card, "Reading")
    tab_to(page, button)
    expect_focus_visible(button)
    with dates_around() as started:
        page.keyboard.press("Enter")
        moved = card_in(page, "reading", "Kafka on the Shore")
        expect(moved).to_be_visible()
    expect_dates(moved, started)
    expect_counts(page, 1, 1, 0)
    messages = page.locator("#messages")
    expect(messages).to_have_attribute("role", "status")
    expect(messages).to_contain_text("Moved “Kafka on the Shore” to Reading.")
    # The focus is on the moved card, not lost to the page: the next Tab goes on from there.
    _expect_focus_in_card(page, card_id)
    expect_focus_visible(page.locator(f"#{card_id}"))

    page.keyboard.press("Tab")
    expect_focus_visible(moved.get_by_role("link", name="Kafka on the Shore"))  # the title opens its page
    page.keyboard.press("Tab")
    expect_focus_visible(moved.get_by_label("Page or %"))  # a book being read: its progress
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect_focus_visible(move_button(moved, "Not started"))
    page.keyboard.press("Tab")
    finish = move_button(moved, "Finished")
    expect_focus_visible(finish)
    with dates_around() as finished:
        page.keyboard.press("Space")
        done = card_in(page, "finished", "Kafka on the Shore")
        expect(done).to_be_visible()
    expect_dates(done, started, finished)
    expect(messages).to_contain_text("Moved “Kafka on the Shore” to Finished.")
    _expect_focus_in_card(page, card_id)
    expect_counts(page, 1, 0, 1)
    expect_no_reload(page)


def wait_for_focus_in_dialog(page: Page) -> None:
    """The dialog takes the focus once it is shown (after its fade-in)."""
    page.wait_for_function("() => !!document.activeElement?.closest('#confirm-dialog')", timeout=5_000)


def _expect_focus_in_card(page: Page, card_id: str) -> None:
    page.wait_for_function(
        "id => document.activeElement?.closest('.book-card')?.id === id",
        arg=card_id,
        timeout=5_000,
    )


def test_keyboard_reorders_with_the_up_and_down_buttons(page: Page, make_user, books):
    user = make_user("alice")
    for title in ("Mrs Dalloway", "To the Lighthouse", "Orlando"):
        books.add(user.books_key, title, "Virginia Woolf", Status.READING, dt.date(2024, 3, 1))
    sign_in_with_keyboard(page, "alice")
    expect_titles(page, "reading", ["Orlando", "To the Lighthouse", "Mrs Dalloway"])
    mark_window(page)
    messages = page.locator("#messages")

    down = page.get_by_role("article", name="Orlando").get_by_role("button", name="Move down", exact=True)
    tab_to(page, down)
    expect_focus_visible(down)
    page.keyboard.press("Enter")
    expect_titles(page, "reading", ["To the Lighthouse", "Orlando", "Mrs Dalloway"])
    expect(messages).to_contain_text("Moved “Orlando” down, below “To the Lighthouse”.")
    # The same button of the same card keeps the focus: Enter again moves it further.
    expect_focus_visible(down)
    page.keyboard.press("Enter")
    expect_titles(page, "reading", ["To the Lighthouse", "Mrs Dalloway", "Orlando"])
    expect(messages).to_contain_text("Moved “Orlando” down, below “Mrs Dalloway”.")
    expect_focus_visible(down)
    page.keyboard.press("Enter")
    expect(messages).to_contain_text("“Orlando” is already at the bottom of Reading.")
    expect_titles(page, "reading", ["To the Lighthouse", "Mrs Dalloway", "Orlando"])
    expect_focus_visible(down)

    up = page.get_by_role("article", name="Orlando").get_by_role("button", name="Move up", exact=True)
    page.keyboard.press("Shift+Tab")
    expect_focus_visible(up)
    page.keyboard.press("Space")
    expect_titles(page, "reading", ["To the Lighthouse", "Orlando", "Mrs Dalloway"])
    expect(messages).to_contain_text("Moved “Orlando” up, above “Mrs Dalloway”.")
    expect_focus_visible(up)
    page.keyboard.press("Enter")
    expect_titles(page, "reading", ["Orlando", "To the Lighthouse", "Mrs Dalloway"])
    expect_focus_visible(up)
    expect_counts(page, 0, 3, 0)
    expect_no_reload(page)

    page.reload()
    expect_titles(page, "reading", ["Orlando", "To the Lighthouse", "Mrs Dalloway"])


def test_keyboard_adds_and_deletes_a_book_and_signs_out(page: Page, make_user, books):
    user = make_user("alice")
    books.add(user.books_key, "Heart of a Dog", "Mikhail Bulgakov", Status.NOT_STARTED, dt.date(2024, 1, 1))
    sign_in_with_keyboard(page, "alice")
    mark_window(page)

    # Add: type in the fields, Enter submits.
    title = add_form(page).get_by_label("Title")
    tab_to(page, title)
    expect_focus_visible(title)
    page.keyboard.type("The Master and Margarita")
    page.keyboard.press("Tab")
    expect(add_form(page).get_by_label("Author")).to_be_focused()
    page.keyboard.type("Mikhail Bulgakov")
    page.keyboard.press("Enter")
    card = card_in(page, "not_started", "The Master and Margarita")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Mikhail Bulgakov")
    expect(page.locator("#messages")).to_contain_text("Added “The Master and Margarita” to Not started.")
    expect(add_form(page).get_by_label("Title")).to_have_value("")
    # The focus stays in the (fresh) add form, ready for the next book.
    focused = focused_element_description(page)
    assert page.evaluate("!!document.activeElement?.closest('#add-book-form')"), f"focus went to {focused}"

    # Delete: the dialog asks; Escape keeps the book and gives the focus back to the link.
    delete = card.get_by_role("link", name=re.compile(r"^Delete\b"))
    tab_to(page, delete)
    expect_focus_visible(delete)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Are you sure?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Delete “The Master and Margarita” by Mikhail Bulgakov?")
    wait_for_focus_in_dialog(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    expect(card).to_be_visible()

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    wait_for_focus_in_dialog(page)
    confirm = dialog.get_by_role("button", name="Delete")
    tab_to(page, confirm, limit=5)
    expect_focus_visible(confirm)
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(card).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Deleted “The Master and Margarita”.")
    # The focus goes to the card that took its place, not back to the top of the page.
    heart = card_in(page, "not_started", "Heart of a Dog")
    expect_focus_visible(heart)
    expect_counts(page, 1, 0, 0)

    # The last card of a column: the focus goes to the column's heading.
    page.keyboard.press("Tab")
    expect_focus_visible(heart.get_by_role("link", name="Heart of a Dog"))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect_focus_visible(heart.get_by_role("button", name=re.compile(r"^Move to Finished\b")))
    tab_to(page, heart.get_by_role("link", name=re.compile(r"^Delete\b")), limit=5)
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    wait_for_focus_in_dialog(page)
    tab_to(page, confirm, limit=5)
    page.keyboard.press("Enter")
    expect(heart).to_have_count(0)
    expect_focus_visible(page.get_by_role("heading", name=re.compile(r"^Not started")))
    expect_counts(page, 0, 0, 0)
    expect_no_reload(page)

    # Sign out: Tab to "Log out", Enter.
    log_out = page.get_by_role("button", name="Log out")
    tab_to(page, log_out)
    expect_focus_visible(log_out)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Sign in"))
    expect(page.locator("#messages")).to_contain_text("You are signed out.")
    page.goto("/")
    expect(page).to_have_title(re.compile(r"^Sign in"))
