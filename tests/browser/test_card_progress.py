"""Progress from the card with the keyboard (Enter saves), with and without JavaScript, and giving
up on a book from the card."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from playwright.sync_api import Page, expect

from bookapp.books import Status
from tests.browser.board_helpers import tab_to
from tests.browser.test_board_flow import card_in, expect_counts, move_button, sign_in

TODAY = dt.date(2026, 1, 5)


def reading(books, user, title="Dune", pages=400):
    book = books.add(user.books_key, title, "Frank Herbert", Status.READING, TODAY)
    return books.save(dataclasses.replace(book, pages=pages), book.version)


def test_typing_a_page_and_enter_saves_progress_and_keeps_the_focus(page: Page, page_problems, make_user, books):
    page_problems.allow_status(422)  # the page past the last, answered with the field and its error
    user = make_user("alice")
    reading(books, user)
    sign_in(page, "alice")
    card = card_in(page, "reading", "Dune")
    field = card.get_by_label("Page or %")
    tab_to(page, field)
    page.keyboard.type("120")
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_contain_text("“Dune”: page 120 of 400.")
    bar = card.get_by_role("progressbar", name="Progress")
    expect(bar).to_have_attribute("value", "0.30")
    expect(field).to_be_focused()  # the same field, swapped in place: the reader can type on
    expect(card).to_have_count(1)  # still where it was, not moved
    # A page past the last: the message beside the field, the typed page kept.
    field.fill("500")
    page.keyboard.press("Enter")
    expect(card.locator(".invalid-feedback")).to_have_text("This book has 400 pages: enter a page from 0 to 400.")
    expect(field).to_have_value("500")
    expect(field).to_have_attribute("aria-invalid", "true")
    page.reload()
    expect(card_in(page, "reading", "Dune").get_by_role("progressbar")).to_have_attribute("value", "0.30")


def test_progress_without_javascript(new_page, make_user, books):
    page = new_page(java_script_enabled=False)
    user = make_user("alice")
    reading(books, user)
    sign_in(page, "alice")
    field = card_in(page, "reading", "Dune").get_by_label("Page or %")
    field.fill("45%")
    with page.expect_navigation():
        field.press("Enter")
    expect(page.locator("#messages")).to_contain_text("“Dune”: 45%.")
    expect(card_in(page, "reading", "Dune").get_by_role("progressbar")).to_have_attribute("value", "0.45")


def test_giving_up_from_the_books_page_counts_the_shelf(page: Page, make_user, books):
    user = make_user("alice")
    reading(books, user)
    sign_in(page, "alice")
    card_in(page, "reading", "Dune").get_by_role("link", name="Dune").click()
    move_button(page.get_by_role("article", name="Dune"), "Did not finish").click()
    expect(page.locator("#messages")).to_contain_text("Moved “Dune” to Did not finish.")
    expect(page.locator("#count-did_not_finish")).to_contain_text("1")
    expect(card_in(page, "reading", "Dune")).to_have_count(0)
    expect_counts(page, 0, 0, 0)
    page.get_by_role("link", name="Did not finish").click()
    expect(page.get_by_role("heading", name="Did not finish")).to_be_visible()
    expect(page.get_by_role("article", name="Dune")).to_contain_text("Stopped")


def test_typing_on_while_progress_is_saved_over_a_slow_network_keeps_what_was_typed(page: Page, make_user, books):
    """Enter saves page 12; the reader types a 0 before the answer arrives: the field shows 120 when
    the answer lands (unsaved, as typed), and Enter saves that too."""
    user = make_user("alice")
    reading(books, user)
    sign_in(page, "alice")

    def answer_late(route) -> None:
        response = route.fetch()
        page.wait_for_timeout(800)
        route.fulfill(response=response)

    page.route(re.compile(r"/progress$"), answer_late)
    card = card_in(page, "reading", "Dune")
    field = card.get_by_label("Page or %")
    field.fill("12")
    field.press("Enter")
    field.press("End")
    page.keyboard.type("0")
    expect(page.locator("#messages")).to_contain_text("“Dune”: page 12 of 400.")
    expect(field).to_have_value("120")
    expect(field).to_be_focused()
    field.press("Enter")
    expect(page.locator("#messages")).to_contain_text("“Dune”: page 120 of 400.")
    expect(card.get_by_role("progressbar")).to_have_attribute("value", "0.30")


def test_a_cards_buttons_wait_for_its_answer_over_a_slow_network(page: Page, make_user, books):
    """▲ pressed on a slow network: until the answer lands, the card's buttons are disabled (a second
    press would send the same move again), and one move up is made; then they are back."""
    user = make_user("alice")
    for title in ("Emma", "Dune"):  # newest on top: Dune, then Emma
        books.add(user.books_key, title, "Someone", Status.NOT_STARTED, TODAY)
    sign_in(page, "alice")
    reorders = []

    def answer_late(route) -> None:
        reorders.append(route.request.url)
        response = route.fetch()
        page.wait_for_timeout(800)
        route.fulfill(response=response)

    page.route(re.compile(r"/reorder$"), answer_late)
    card = card_in(page, "not_started", "Emma")
    up = card.get_by_role("button", name="Move up")
    up.click()
    expect(up).to_be_disabled()
    expect(move_button(card, "Reading")).to_be_disabled()
    expect(page.locator("#cards-not_started .card-title")).to_have_text(["Emma", "Dune"])
    expect(card_in(page, "not_started", "Emma").get_by_role("button", name="Move up")).to_be_enabled()
    assert len(reorders) == 1
