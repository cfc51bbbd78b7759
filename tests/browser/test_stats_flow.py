"""The stats page in the browser: reached from the navigation, years moved between, a goal set (a
refusal shown beside its field first), changed and cleared, and no accessibility violation in light and
dark mode, with and without a goal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from bookapp.books import Status
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import PartialDate, Progress
from tests.browser.accessibility import assert_accessible
from tests.browser.test_board_flow import sign_in
from tests.browser.test_layout_and_color_mode import PHONE, expect_no_horizontal_scroll

TODAY = dt.datetime.now(dt.UTC).date()


def shelve_read_books(books, user_key: str) -> None:
    """A few years of reading: re-reads, a year without a month, a date unknown, a book given up, one being read."""

    def add(title, author, status, reads, **record):
        book = books.add(user_key, title, author, Status.NOT_STARTED, TODAY)
        books.save(dataclasses.replace(book, status=status, reads=tuple(reads), **record), book.version)

    def done(year, month=None, day=None):
        return ReadThrough(Outcome.FINISHED, ended=PartialDate(year, month, day))

    add(
        "The Hobbit", "J. R. R. Tolkien", Status.FINISHED, [done(2024, 8, 14), done(2019)], pages=310, rating=Decimal(5)
    )
    add("Dune", "Frank Herbert", Status.FINISHED, [done(2024, 3, 2)], pages=612, rating=Decimal("4.5"))
    add("Emma", "Jane Austen", Status.FINISHED, [done(2024, 3, 30), ReadThrough(Outcome.FINISHED)], pages=474, rating=4)
    add("Persuasion", "Jane Austen", Status.FINISHED, [done(2024, 11, 5)], pages=249, rating=Decimal("3.5"))
    add("Middlemarch", "George Eliot", Status.FINISHED, [done(2025, 1, 20)], pages=880, rating=Decimal("4.5"))
    add("Ulysses", "James Joyce", Status.DID_NOT_FINISH, [
        ReadThrough(Outcome.DID_NOT_FINISH, started=PartialDate(2024, 5), ended=PartialDate(2024, 6))
    ])  # fmt: skip
    add(
        "Piranesi",
        "Susanna Clarke",
        Status.READING,
        [ReadThrough(Outcome.READING, started=PartialDate.from_date(TODAY), progress=Progress(page=120))],
        pages=272,
    )


def test_stats_from_the_navigation_years_and_a_goal(page: Page, make_user, books, page_problems):
    page_problems.allow_status(422)  # the refused goal
    user = make_user("alice")
    shelve_read_books(books, user.books_key)
    sign_in(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stats").click()
    expect(page).to_have_title(re.compile(rf"^Stats {TODAY.year}"))
    expect(page.get_by_role("link", name="Stats")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Reading now")).to_be_visible()
    expect(page.locator(".stats-reading")).to_contain_text("Piranesi")
    expect(page.locator(".stats-reading")).to_contain_text("page 120 of 272")

    page.get_by_label("Go to year").fill("2024")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/stats/2024$"))
    months = page.get_by_role("table", name="Books finished per month, 2024: the numbers")
    expect(months.get_by_role("row", name=re.compile(r"^March"))).to_have_text(re.compile(r"March\s*2\s*1,086"))
    expect(page.get_by_role("img", name=re.compile("^Books finished per month, 2024"))).to_be_visible()
    expect(page.get_by_text("Given up in 2024")).to_be_visible()

    # A refused goal: the message beside the field, what was typed kept, the form open.
    page.get_by_text("Set a goal for 2024").click()
    page.get_by_label("Books", exact=True).fill("lots")
    page.get_by_label("Pages (optional)").fill("2000")
    page.get_by_role("button", name="Save goal").click()
    books_field = page.get_by_label("Books", exact=True)
    expect(books_field).to_have_attribute("aria-invalid", "true")
    expect(books_field).to_have_accessible_description(re.compile("whole number from 1 to 10,000"))
    expect(page.get_by_label("Pages (optional)")).to_have_value("2000")

    books_field.fill("4")
    page.get_by_role("button", name="Save goal").click()
    expect(page).to_have_url(re.compile(r"/stats/2024#goal$"))
    expect(page.locator("#goal-standing-books")).to_contain_text("4 of 4 books · goal reached")
    expect(page.locator("#goal-standing-pages")).to_contain_text("1,645 of 2,000 pages · goal not reached")

    page.get_by_role("link", name="2025", exact=True).click()
    expect(page.get_by_role("heading", name="Your reading in 2025")).to_be_visible()
    expect(page.locator("#goal-standing-books")).to_have_count(0)  # a goal is for its own year
    page.get_by_role("link", name="Previous year: 2024").click()
    page.get_by_role("button", name="Clear the goal for 2024").click()
    expect(page.get_by_text("No goal for 2024.")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_stats_page_is_accessible(new_page, make_user, books, scheme, page_problems):
    page_problems.allow_status(422)
    user = make_user("alice")
    shelve_read_books(books, user.books_key)
    page = new_page(color_scheme=scheme, reduced_motion="reduce")
    sign_in(page, "alice")
    page.goto("/stats/2024")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    assert_accessible(page, f"stats without a goal, {scheme}")
    page.get_by_text("Set a goal for 2024").click()
    page.get_by_label("Books", exact=True).fill("0")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_label("Books", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"stats with a refused goal, {scheme}")
    page.get_by_label("Books", exact=True).fill("12")
    page.get_by_role("button", name="Save goal").click()
    expect(page.locator("#goal-standing-books")).to_be_visible()
    assert_accessible(page, f"stats with a goal, {scheme}")


def test_the_charts_follow_the_colour_mode(new_page, make_user, books):
    user = make_user("alice")
    shelve_read_books(books, user.books_key)
    fills = {}
    for scheme in ("light", "dark"):
        page = new_page(color_scheme=scheme)
        sign_in(page, "alice")
        page.goto("/stats/2024")
        bar = page.locator("#chart-months-table").locator("xpath=../..").locator(".chart-bar").first
        label = page.locator(".chart-label").first
        fills[scheme] = (
            bar.evaluate("element => getComputedStyle(element).fill"),
            label.evaluate("element => getComputedStyle(element).fill"),
            page.evaluate("getComputedStyle(document.body).backgroundColor"),
        )
    assert fills["light"][0] != fills["dark"][0]
    # The labels are drawn in the page's text colour: dark on light, light on dark.
    assert fills["light"][1] == "rgb(33, 37, 41)" and fills["dark"][1] == "rgb(222, 226, 230)"


def test_the_stats_page_fits_a_phone_in_dark_mode(new_page, make_user, books):
    user = make_user("alice")
    shelve_read_books(books, user.books_key)
    for index in range(30):  # thirty years of reading: the years chart labels every third bar
        book = books.add(user.books_key, f"Book of {1990 + index} " + "W" * 60, "Author", Status.NOT_STARTED, TODAY)
        read = ReadThrough(Outcome.FINISHED, ended=PartialDate(1990 + index))
        books.save(dataclasses.replace(book, status=Status.FINISHED, reads=(read,)), book.version)
    page = new_page(viewport=PHONE, color_scheme="dark", reduced_motion="reduce")
    sign_in(page, "alice")
    page.goto("/stats/2024")
    page.get_by_text("Set a goal for 2024").click()
    expect_no_horizontal_scroll(page, "the stats page")
    years = page.get_by_role("img", name="Books finished per year")
    assert years.locator(".chart-label").count() == 11  # 32 years, every third labelled
