"""Sorting a column and filtering the board by a tag, in the browser: with htmx (in place, the focus
kept), without JavaScript (plain forms and links), and no accessibility violation on a sorted and a
filtered board in either colour mode."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from bookapp.books import Status
from tests.browser.accessibility import assert_accessible
from tests.browser.board_helpers import expect_titles
from tests.browser.test_board_flow import card_in, cards, expect_no_reload, mark_window, move_button, sign_in

TODAY = dt.datetime.now(dt.UTC).date()


@pytest.fixture
def shelves(make_user, books):
    """Alice's books: three finished (one unrated), one being read, one waiting; two tagged sci-fi."""
    alice = make_user("alice")

    def add(title, author, status, **record):
        book = books.add(alice.books_key, title, author, status, TODAY)
        if record:
            books.save(dataclasses.replace(book, **record), book.version)

    add("Dune", "Frank Herbert", Status.FINISHED, rating=Decimal("4.5"), tags=("sci-fi",))
    add("Emma", "Jane Austen", Status.FINISHED, rating=Decimal("3"), tags=("classics",))
    add("Beloved", "Toni Morrison", Status.FINISHED)
    add("Solaris", "Stanisław Lem", Status.READING, tags=("sci-fi",))
    add("Middlemarch", "George Eliot", Status.NOT_STARTED, tags=("classics",))
    return alice


def sort_column(page: Page, column: str, label: str, by: str, direction: str) -> None:
    """Open a column's sort control, choose, and press Sort."""
    section = page.locator(f"#column-{column}")
    section.locator("summary").click()
    section.get_by_label("Sort by").select_option(label=by)
    section.get_by_label("Direction").select_option(label=direction)
    section.get_by_role("button", name=f"Sort {label}").click()


def test_sorting_a_column_in_place_and_moving_a_card_into_it(page: Page, shelves):
    sign_in(page, "alice")
    expect_titles(page, "finished", ["Beloved", "Emma", "Dune"])  # as added: newest on top
    mark_window(page)

    sort_column(page, "finished", "Finished", "Rating", "Descending")
    expect_titles(page, "finished", ["Dune", "Emma", "Beloved"])  # unrated: last
    expect(page.locator("#order-finished")).to_have_text(re.compile(r"^Sorted by rating, highest first\."))
    expect(page.locator("#messages")).to_contain_text("Finished is now in rating, highest first.")
    expect(page.locator("#sort-button-finished")).to_be_focused()
    expect(card_in(page, "finished", "Dune").get_by_role("button", name="Move up")).to_be_hidden()
    expect(card_in(page, "reading", "Solaris").get_by_role("button", name="Move up")).to_be_visible()
    expect_no_reload(page)

    # A card moved into the sorted column lands where its order puts it, not on top.
    move_button(card_in(page, "reading", "Solaris"), "Finished").click()
    expect_titles(page, "finished", ["Dune", "Emma", "Beloved", "Solaris"])
    expect(cards(page, "reading")).to_have_count(0)
    expect(card_in(page, "finished", "Solaris")).to_be_focused()
    expect_no_reload(page)

    page.reload()  # kept across pages (and sign-ins: the HTTP tests)
    expect_titles(page, "finished", ["Dune", "Emma", "Beloved", "Solaris"])
    sort_column(page, "finished", "Finished", "Manual order", "Ascending")
    expect_titles(page, "finished", ["Solaris", "Beloved", "Emma", "Dune"])
    expect(page.locator("#order-finished")).to_have_count(0)


def test_a_tag_filters_the_board_until_cleared(page: Page, shelves):
    sign_in(page, "alice")
    card_in(page, "finished", "Dune").get_by_role("link", name="sci-fi").click()
    expect(page).to_have_url(re.compile(r"/\?tag=sci-fi$"))
    expect(page.locator(".board-filter")).to_contain_text("Filtered: only books tagged sci-fi.")
    expect_titles(page, "finished", ["Dune"])
    expect_titles(page, "reading", ["Solaris"])
    expect(page.locator("#count-finished")).to_have_text("1 of 3 in this column have the tag")
    expect(card_in(page, "reading", "Solaris").get_by_role("button", name="Move up")).to_be_hidden()
    mark_window(page)

    move_button(card_in(page, "reading", "Solaris"), "Finished").click()
    expect(page.locator("#count-finished")).to_have_text("2 of 4 in this column have the tag")
    expect_titles(page, "finished", ["Solaris", "Dune"])
    expect(page.locator("#count-reading")).to_have_text("0 of 0 in this column have the tag")
    expect_no_reload(page)

    page.get_by_role("link", name="Clear filter").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect_titles(page, "finished", ["Solaris", "Beloved", "Emma", "Dune"])
    expect(page.locator(".board-filter")).to_have_count(0)


def test_sorting_and_filtering_without_javascript(new_page, shelves):
    page = new_page(java_script_enabled=False)
    sign_in(page, "alice")
    with page.expect_navigation():
        sort_column(page, "finished", "Finished", "Title", "Descending")
    expect(page).to_have_url(re.compile(r"/$"))
    expect_titles(page, "finished", ["Emma", "Dune", "Beloved"])
    expect(page.locator("#messages")).to_contain_text("Finished is now in title, Z to A.")

    with page.expect_navigation():
        card_in(page, "not_started", "Middlemarch").get_by_role("link", name="classics").click()
    expect_titles(page, "finished", ["Emma"])  # filtered, and still sorted
    expect_titles(page, "not_started", ["Middlemarch"])
    with page.expect_navigation():
        move_button(card_in(page, "not_started", "Middlemarch"), "Reading").click()
    expect(page).to_have_url(re.compile(r"/\?tag=classics$"))  # back to the filtered board
    expect_titles(page, "reading", ["Middlemarch"])

    with page.expect_navigation():
        page.get_by_role("link", name="Clear filter").click()
    expect_titles(page, "reading", ["Middlemarch", "Solaris"])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_sorted_and_a_filtered_board_are_accessible(new_page, shelves, scheme):
    page = new_page(color_scheme=scheme, reduced_motion="reduce")
    sign_in(page, "alice")
    sort_column(page, "finished", "Finished", "Date added", "Descending")
    expect(page.locator("#order-finished")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    assert_accessible(page, f"a sorted board with its sort control open ({scheme})")
    page.goto("/?tag=sci-fi")
    expect(page.locator(".board-filter")).to_be_visible()
    assert_accessible(page, f"a board filtered by a tag ({scheme})")
