"""Adding books one after another, as fast as a reader types: what is typed while an add is saved
stays in the form, an Add pressed meanwhile is sent after it (with a book id of its own), and a double
click adds one book. A slow connection is played by holding each add's answer back for a while."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Route, expect

from tests.browser.test_board_flow import (
    add_form,
    card_in,
    cards,
    expect_counts,
    expect_no_reload,
    mark_window,
    sign_in,
)

ADD_URL = re.compile(r"/books$")


def answer_adds_late(page: Page, delay_ms: int = 1000) -> None:
    """Every add is saved at once, and its answer reaches the page `delay_ms` later (the rest of the
    test goes on meanwhile: Playwright runs this handler beside it)."""

    def hold_back(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch()
        page.wait_for_timeout(delay_ms)
        route.fulfill(response=response)

    page.route(ADD_URL, hold_back)


def type_book(page: Page, title: str, author: str) -> None:
    form = add_form(page)
    form.get_by_label("Title").fill(title)
    form.get_by_label("Author").fill(author)


def press_add(page: Page) -> None:
    add_form(page).get_by_role("button", name="Add").click()


def expect_no_field_invalid(page: Page) -> None:
    form = add_form(page)
    expect(form.locator(".is-invalid")).to_have_count(0)
    expect(form.locator("[aria-invalid=true]")).to_have_count(0)
    expect(form.locator(".invalid-feedback")).to_have_count(0)


def expect_titles_after_reload(page: Page, titles: list[str]) -> None:
    page.reload()
    expect(cards(page, "not_started").locator(".card-title")).to_have_text(titles)


def test_three_adds_pressed_back_to_back_all_land(page: Page, make_user):
    make_user("alice")
    sign_in(page, "alice")
    mark_window(page)
    answer_adds_late(page, delay_ms=300)

    books = [("Kindred", "Octavia E. Butler"), ("Dawn", "Octavia E. Butler"), ("Parable of the Sower", "Butler")]
    for title, author in books:
        type_book(page, title, author)
        press_add(page)

    for title, author in books:
        expect(card_in(page, "not_started", title)).to_contain_text(author)
    expect(cards(page, "not_started")).to_have_count(3)
    expect_counts(page, 3, 0, 0)
    # Once the last answer is in, the form is empty again and ready for the next book.
    expect(add_form(page).get_by_label("Title")).to_have_value("")
    expect(add_form(page).get_by_label("Author")).to_have_value("")
    expect(add_form(page).get_by_label("Title")).to_be_focused()
    expect_no_reload(page)
    expect_titles_after_reload(page, ["Parable of the Sower", "Dawn", "Kindred"])
    expect_counts(page, 3, 0, 0)


def test_what_is_typed_while_an_add_is_saved_is_kept(page: Page, make_user):
    make_user("alice")
    sign_in(page, "alice")
    mark_window(page)
    answer_adds_late(page)

    type_book(page, "Beloved", "Toni Morrison")
    press_add(page)
    title = add_form(page).get_by_label("Title")
    title.fill("Jazz")
    title.press_sequentially(" (1992)")
    assert cards(page, "not_started").count() == 0, "the first add was answered before the reader typed"

    expect(card_in(page, "not_started", "Beloved")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Added “Beloved” to Not started.")
    expect(add_form(page).get_by_label("Title")).to_have_value("Jazz (1992)")
    expect(add_form(page).get_by_label("Title")).to_be_focused()
    expect(add_form(page).get_by_label("Author")).to_have_value("Toni Morrison")

    press_add(page)
    expect(card_in(page, "not_started", "Jazz (1992)")).to_contain_text("Toni Morrison")
    expect(cards(page, "not_started")).to_have_count(2)
    expect_counts(page, 2, 0, 0)
    expect(add_form(page).get_by_label("Title")).to_have_value("")
    expect_no_field_invalid(page)
    expect_no_reload(page)
    expect_titles_after_reload(page, ["Jazz (1992)", "Beloved"])


def test_no_field_shows_invalid_after_a_failed_add_is_fixed_and_added(page: Page, page_problems, make_user):
    page_problems.allow_status(422)  # the add without a title is answered with the form and its errors
    make_user("alice")
    sign_in(page, "alice")
    mark_window(page)
    answer_adds_late(page)

    # Add pressed before the title was typed: the title typed meanwhile stays, beside the error.
    type_book(page, "", "Ursula K. Le Guin")
    press_add(page)
    add_form(page).get_by_label("Title").fill("The Dispossessed")
    title = add_form(page).get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(add_form(page).get_by_text("Enter the book’s title.")).to_be_visible()
    expect(title).to_have_value("The Dispossessed")
    expect(add_form(page).get_by_label("Author")).to_have_value("Ursula K. Le Guin")
    expect(cards(page, "not_started")).to_have_count(0)

    # Added now, and the next title typed while it is saved: no field is outlined in red any more.
    press_add(page)
    add_form(page).get_by_label("Title").fill("The Lathe of Heaven")
    expect(card_in(page, "not_started", "The Dispossessed")).to_contain_text("Ursula K. Le Guin")
    expect(add_form(page).get_by_label("Title")).to_have_value("The Lathe of Heaven")
    expect_no_field_invalid(page)
    # And still none once htmx has settled the swap (it keeps the old classes on for a moment).
    page.wait_for_timeout(200)
    expect_no_field_invalid(page)

    press_add(page)
    expect(card_in(page, "not_started", "The Lathe of Heaven")).to_be_visible()
    expect_no_field_invalid(page)
    expect_counts(page, 2, 0, 0)
    expect_no_reload(page)


def test_a_double_click_on_add_adds_one_book(page: Page, make_user):
    make_user("alice")
    sign_in(page, "alice")
    mark_window(page)
    answer_adds_late(page, delay_ms=300)

    # The second click while the first add is saved.
    type_book(page, "Piranesi", "Susanna Clarke")
    add_form(page).get_by_role("button", name="Add").dblclick()
    expect(card_in(page, "not_started", "Piranesi")).to_be_visible()
    page.wait_for_timeout(700)  # time for a second add to land, if one was sent
    expect(cards(page, "not_started")).to_have_count(1)
    expect_no_field_invalid(page)

    # A slow double click, whose second click comes after the answer: it does not send the empty form.
    page.unroute(ADD_URL)
    type_book(page, "Jonathan Strange & Mr Norrell", "Susanna Clarke")
    button = add_form(page).get_by_role("button", name="Add")
    button.hover()
    page.mouse.down(click_count=1)
    page.mouse.up(click_count=1)
    expect(card_in(page, "not_started", "Jonathan Strange & Mr Norrell")).to_be_visible()
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)
    page.wait_for_timeout(500)
    expect(cards(page, "not_started")).to_have_count(2)
    expect_no_field_invalid(page)
    expect(add_form(page).get_by_label("Title")).to_have_value("")
    expect_counts(page, 2, 0, 0)
    expect_no_reload(page)
    expect_titles_after_reload(page, ["Jonathan Strange & Mr Norrell", "Piranesi"])


def test_the_book_after_an_add_whose_answer_was_lost_is_added_too(page: Page, page_problems, make_user):
    """The first add is saved but its answer never arrives, so the form keeps that book's id; the
    next book, typed into the same form, must still be added (and not taken for a resend)."""
    page_problems.allow_failed_requests(r"/books$")
    make_user("alice")
    sign_in(page, "alice")
    mark_window(page)

    def save_and_lose_the_answer(route: Route) -> None:
        route.fetch()
        page.wait_for_timeout(300)
        route.abort()

    page.route(ADD_URL, save_and_lose_the_answer, times=1)
    type_book(page, "Kindred", "Octavia E. Butler")
    with page.expect_event("requestfailed"):
        press_add(page)
        type_book(page, "Dawn", "Octavia E. Butler")
        press_add(page)  # waits for the first; not sent, as the first was not answered
    expect(page.locator("#messages")).to_contain_text("Not added yet: “Dawn” (the book before could not be added).")
    expect(add_form(page).get_by_label("Title")).to_have_value("Dawn")

    press_add(page)
    expect(card_in(page, "not_started", "Dawn")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Added “Dawn” to Not started.")
    expect_titles_after_reload(page, ["Dawn", "Kindred"])
    expect_counts(page, 2, 0, 0)
