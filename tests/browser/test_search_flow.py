"""Searching from the browser: the box above the board, results as the reader types (htmx), clearing
the search, the same search without JavaScript, and no accessibility violation on the search page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from bookapp.books import Status
from tests.browser.accessibility import assert_accessible
from tests.browser.test_board_flow import sign_in

TODAY = dt.datetime.now(dt.UTC).date()


def shelve(books, user_key: str) -> None:
    books.add(user_key, "The Hobbit", "J. R. R. Tolkien", Status.READING, TODAY)
    books.add(user_key, "Cien años de soledad", "Gabriel García Márquez", Status.FINISHED, TODAY)
    books.add(user_key, "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)


def search_box(page: Page):
    return page.get_by_role("searchbox", name="Search your books")


def test_results_follow_what_is_typed_letter_by_letter(page: Page, make_user, books):
    user = make_user("alice")
    shelve(books, user.books_key)
    sign_in(page, "alice")
    search_box(page).fill("hob")
    with page.expect_navigation():
        search_box(page).press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=hob$"))
    results = page.locator("#search-results")
    expect(results.locator("mark").first).to_have_text("Hob")

    search_box(page).fill("")
    for letter in "garc":
        search_box(page).press_sequentially(letter, delay=60)
    expect(results.locator(".search-match")).to_have_count(1)
    expect(results.locator(".search-match mark").last).to_have_text("Garc")  # "garc" found in "García"
    expect(results.get_by_role("heading", name=re.compile("^Finished"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search\?q=garc$"))  # pushed: bookmarkable

    search_box(page).press_sequentially("zz", delay=60)
    expect(results).to_contain_text("No books match “garczz”.")
    results.get_by_role("link", name="Clear the search").click()
    expect(search_box(page)).to_have_value("")
    expect(results.locator(".search-result")).to_have_count(0)


def test_searching_without_javascript(new_page, make_user, books):
    user = make_user("alice")
    shelve(books, user.books_key)
    page = new_page(java_script_enabled=False)
    sign_in(page, "alice")
    search_box(page).fill("herbert")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".search-match")).to_have_count(1)
    expect(page.locator(".search-match")).to_contain_text("Dune — Frank Herbert")
    expect(search_box(page)).to_have_value("herbert")
    with page.expect_navigation():
        page.get_by_role("button", name="Move to Reading").click()
    expect(page).to_have_title(re.compile(r"^Your board"))  # a move answers with the board


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_is_accessible(new_page, make_user, books, scheme, page_problems):
    page_problems.allow_status(422)
    user = make_user("alice")
    shelve(books, user.books_key)
    page = new_page(color_scheme=scheme, reduced_motion="reduce")
    sign_in(page, "alice")
    page.goto("/search?q=a")
    expect(page.locator(".search-match").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    assert_accessible(page, f"the search page with results ({scheme})")
    page.goto("/search?q=zzyzx")
    assert_accessible(page, f"the search page without results ({scheme})")
    page.goto("/search?q=%3F%21")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, f"the search page refusing a query ({scheme})")


def test_a_card_moved_from_the_results_is_saved_and_the_page_stays(page: Page, make_user, books):
    user = make_user("alice")
    shelve(books, user.books_key)
    sign_in(page, "alice")
    page.goto("/search?q=dune")
    page.get_by_role("button", name="Move to Reading").click()
    expect(page.locator("#messages")).to_contain_text("Dune")
    card = page.locator(".search-result .book-card")
    expect(card.locator(".status-badge")).to_have_text("Reading")  # the card changes where it is
    expect(page).to_have_url(re.compile(r"/search\?q=dune$"))
    (book,) = [book for book in books.all_for_user(user.books_key) if book.title == "Dune"]
    assert book.status == Status.READING
