"""The book page in a real browser: reached from the card's title, each part edited in place with
htmx (one after the other, without reloading), the rating with the keyboard alone, the plain-form
path without JavaScript, and axe-core's verdict in the light and the dark colour mode."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from bookapp.books import Status
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import BookFormat, PartialDate
from tests.browser.accessibility import assert_accessible
from tests.browser.board_helpers import tab_to
from tests.browser.test_board_flow import card_in, sign_in, utc_today


def add_dune(books, user, status: Status = Status.READING):
    return books.add(user.books_key, "Dune", "Frank Herbert", status, utc_today())


def record_dune(books, user):
    """Dune with a record worth looking at: facts, a rating, notes, tags, two read-throughs."""
    book = add_dune(books, user, Status.FINISHED)
    return books.save(
        dataclasses.replace(
            book,
            isbn13="9780441172719",
            pages=412,
            year_published=1965,
            series="Dune",
            series_number=Decimal("1"),
            format=BookFormat.PAPER,
            owned=True,
            rating=Decimal("4.5"),
            notes="The spice must flow.\nRe-read every few years.",
            tags=("science fiction", "classics"),
            reads=(*book.reads, ReadThrough(Outcome.DID_NOT_FINISH, started=PartialDate(2009, 6))),
        ),
        book.version,
    )


def part(page: Page, name: str) -> Locator:
    """A part of the page, by its heading: "Facts", "Rating", "Notes", "Tags", "Read-throughs"."""
    return page.get_by_role("region", name=name, exact=True)


def messages(page: Page) -> Locator:
    return page.locator("#messages")


def open_book_page(page: Page, title: str = "Dune", column: str = "reading") -> None:
    card_in(page, column, title).get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_title(re.compile(rf"^{title} "))
    expect(part(page, "Facts")).to_be_visible()


def mark_the_page(page: Page) -> None:
    """A marker that a reload would wipe: proves that what follows happens in place."""
    page.evaluate("window.__marker = 1")


def expect_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of updated in place"


def test_each_part_is_edited_in_place_one_after_the_other(page: Page, make_user, books):
    user = make_user("alice")
    book = add_dune(books, user)
    sign_in(page, "alice")
    open_book_page(page)
    mark_the_page(page)

    facts = part(page, "Facts")
    facts.get_by_text("Edit facts").click()
    facts.get_by_label("ISBN").fill("0-441-17271-7")
    facts.get_by_label("Pages").fill("412")
    facts.get_by_label("Format").select_option("Paper")
    facts.get_by_role("button", name="Save facts").click()
    expect(messages(page)).to_contain_text("Saved the facts of “Dune”.")
    expect(facts).to_contain_text("978-0441172719 (ISBN-10 0441172717)")
    expect(facts.locator("summary")).to_be_focused()

    notes = part(page, "Notes")
    notes.get_by_text("Write notes").click()
    notes.get_by_label("Notes").fill("Line one\n<b>not bold</b>")
    notes.get_by_role("button", name="Save notes").click()
    expect(messages(page)).to_contain_text("Saved your notes on “Dune”.")
    expect(notes.locator(".book-notes")).to_have_text("Line one\n<b>not bold</b>")

    tags = part(page, "Tags")
    tags.get_by_label("Add tags").fill("sci-fi, Classics")
    tags.get_by_label("Add tags").press("Enter")
    expect(messages(page)).to_contain_text("Tags of “Dune”: sci-fi, Classics.")
    tags.get_by_role("button", name="Remove the tag sci-fi").click()
    expect(tags.get_by_role("button", name=re.compile("Remove the tag"))).to_have_count(1)
    expect(tags.get_by_label("Add tags")).to_be_focused()

    reads = part(page, "Read-throughs")
    reads.get_by_text("Add a past read-through").click()
    reads.get_by_label("How it ended").select_option("Did not finish")
    reads.get_by_label("Started").last.fill("2019-07")
    reads.get_by_label("Finished or stopped").last.fill("2019-08-14")
    reads.get_by_role("button", name="Add read-through").click()
    expect(messages(page)).to_contain_text("Added a read-through of “Dune”.")
    expect(reads.locator(".book-read")).to_have_count(2)
    expect(reads.locator(".book-read").last).to_contain_text("Started July 2019, stopped 14 August 2019")

    # The card at the top follows: the tags it shows, and the version its moves send.
    card = page.locator("#book-card").get_by_role("article", name="Dune")
    expect(card.locator(".book-tags")).to_have_text("Classics")
    expect_not_reloaded(page)
    stored = books.get(user.books_key, book.book_id)
    assert stored.version == book.version + 5
    with page.expect_navigation():
        card.get_by_role("button", name="Move to Finished").click()  # the card's own, plain form
    expect(messages(page)).to_contain_text("Moved “Dune” to Finished.")
    assert books.get(user.books_key, book.book_id).status is Status.FINISHED


def test_the_rating_is_set_with_the_keyboard_alone(page: Page, make_user, books):
    user = make_user("alice")
    book = add_dune(books, user)
    sign_in(page, "alice")
    page.goto(f"/books/{book.book_id}")
    rating = part(page, "Rating")
    no_rating = rating.get_by_role("radio", name="No rating")
    expect(no_rating).to_be_checked()
    tab_to(page, no_rating)  # the group is one stop: its checked radio button
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    three_and_a_half = rating.get_by_role("radio", name="3.5 stars")
    expect(three_and_a_half).to_be_focused()
    expect(three_and_a_half).to_be_checked()
    page.keyboard.press("Tab")
    expect(rating.get_by_role("button", name="Save rating")).to_be_focused()
    page.keyboard.press("Enter")
    expect(messages(page)).to_contain_text("Rated “Dune” 3.5 of 5.")
    expect(rating.get_by_role("radio", name="3.5 stars")).to_be_focused()  # back where the reader was
    assert books.get(user.books_key, book.book_id).rating == Decimal("3.5")
    # Enter on the group itself submits it too, and "No rating" clears the rating.
    for _ in range(7):
        page.keyboard.press("ArrowLeft")
    expect(no_rating).to_be_checked()
    page.keyboard.press("Enter")
    expect(messages(page)).to_contain_text("“Dune” has no rating now.")
    assert books.get(user.books_key, book.book_id).rating is None


def test_the_stars_show_the_rating_chosen(page: Page, make_user, books):
    user = make_user("alice")
    book = add_dune(books, user)
    sign_in(page, "alice")
    page.goto(f"/books/{book.book_id}")
    rating = part(page, "Rating")

    def colours() -> list[str]:
        return rating.locator(".rating-star").evaluate_all("labels => labels.map(l => getComputedStyle(l).color)")

    empty = set(colours())
    assert len(empty) == 1
    rating.locator("label[for=rating-2-5]").click()  # a click on the left half of the third star
    expect(rating.get_by_role("radio", name="2.5 stars")).to_be_checked()
    filled = colours()
    assert filled[:5] == [filled[0]] * 5 and filled[0] not in empty  # up to and with the half star
    assert set(filled[5:]) == empty


def test_a_stale_page_is_told_and_shows_the_book_as_it_is_now(new_page, make_user, books, page_problems):
    page_problems.allow_status(409)
    user = make_user("alice")
    book = add_dune(books, user)
    first, second = new_page(), new_page()
    for tab in (first, second):
        sign_in(tab, "alice")
        tab.goto(f"/books/{book.book_id}")
    part(first, "Notes").get_by_text("Write notes").click()
    part(first, "Notes").get_by_label("Notes").fill("From the first tab.")
    part(first, "Notes").get_by_role("button", name="Save notes").click()
    expect(messages(first)).to_contain_text("Saved your notes")

    rating = part(second, "Rating")
    rating.locator("label[for=rating-4]").click()
    rating.get_by_role("button", name="Save rating").click()
    expect(messages(second)).to_contain_text("was changed in another tab or device meanwhile")
    expect(part(second, "Notes")).to_contain_text("From the first tab.")
    # The page now carries the current version: the rating saves.
    part(second, "Rating").locator("label[for=rating-4]").click()
    part(second, "Rating").get_by_role("button", name="Save rating").click()
    expect(messages(second)).to_contain_text("Rated “Dune” 4 of 5.")


def test_a_read_through_is_deleted_after_the_question(page: Page, make_user, books):
    user = make_user("alice")
    book = record_dune(books, user)
    sign_in(page, "alice")
    page.goto(f"/books/{book.book_id}")
    reads = part(page, "Read-throughs")
    expect(reads.locator(".book-read")).to_have_count(2)
    reads.get_by_role("button", name="Delete (Did not finish, started June 2009)").click()
    dialog = page.get_by_role("dialog", name="Are you sure?")
    expect(dialog).to_contain_text("Delete this read-through (Did not finish, started June 2009)?")
    dialog.get_by_role("button", name="Delete").click()
    expect(messages(page)).to_contain_text("Deleted a read-through of “Dune”.")
    expect(reads.locator(".book-read")).to_have_count(1)
    assert len(books.get(user.books_key, book.book_id).reads) == 1


def test_refused_input_is_shown_beside_its_field_with_htmx(page: Page, make_user, books, page_problems):
    page_problems.allow_status(422)
    user = make_user("alice")
    book = add_dune(books, user)
    sign_in(page, "alice")
    page.goto(f"/books/{book.book_id}")
    facts = part(page, "Facts")
    facts.get_by_text("Edit facts").click()
    facts.get_by_label("ISBN").fill("978-0-306-40615-8")
    facts.get_by_label("Pages").fill("412")
    facts.get_by_role("button", name="Save facts").click()
    isbn = facts.get_by_label("ISBN")
    expect(isbn).to_have_attribute("aria-invalid", "true")
    expect(isbn).to_be_focused()
    expect(isbn).to_have_value("978-0-306-40615-8")
    expect(facts.get_by_label("Pages")).to_have_value("412")
    expect(facts.locator("#facts-isbn-errors")).to_have_text("That ISBN’s check digit is wrong: check for a typo.")
    assert books.get(user.books_key, book.book_id) == book
    isbn.fill("978-0-306-40615-7")
    facts.get_by_role("button", name="Save facts").click()
    expect(messages(page)).to_contain_text("Saved the facts of “Dune”.")


# -- without JavaScript ------------------------------------------------------------------------------


def submit(page: Page, scope: Locator, button: str) -> None:
    with page.expect_navigation():
        scope.get_by_role("button", name=button).click()


def test_facts_and_a_read_through_without_javascript(new_page, make_user, books, page_problems):
    page_problems.allow_status(422)
    page = new_page(java_script_enabled=False)
    user = make_user("alice")
    book = add_dune(books, user, Status.FINISHED)
    sign_in(page, "alice")
    with page.expect_navigation():
        card_in(page, "finished", "Dune").get_by_role("link", name="Dune", exact=True).click()

    facts = part(page, "Facts")
    facts.get_by_text("Edit facts").click()  # a <details>: opens without JavaScript
    facts.get_by_label("ISBN").fill("0-441-17271-X")
    facts.get_by_label("Year first published").fill("1965")
    submit(page, facts, "Save facts")
    facts = part(page, "Facts")
    expect(facts.get_by_label("ISBN")).to_have_attribute("aria-invalid", "true")
    expect(facts.get_by_label("ISBN")).to_have_value("0-441-17271-X")
    expect(facts.get_by_label("Year first published")).to_have_value("1965")
    expect(facts).to_contain_text("That ISBN’s check digit is wrong")
    facts.get_by_label("ISBN").fill("0-441-17271-7")
    submit(page, facts, "Save facts")
    expect(messages(page)).to_contain_text("Saved the facts of “Dune”.")
    assert page.url.endswith(f"/books/{book.book_id}#book-facts")
    expect(part(page, "Facts")).to_contain_text("978-0441172719")

    reads = part(page, "Read-throughs")
    reads.get_by_text("Add a past read-through").click()
    reads.get_by_label("Started").last.fill("2019-07-14")
    reads.get_by_label("Finished or stopped").last.fill("2019-06")
    submit(page, reads, "Add read-through")
    reads = part(page, "Read-throughs")
    ended = reads.locator("#new-read-ended")
    expect(ended).to_have_attribute("aria-invalid", "true")
    expect(reads).to_contain_text("The finish date (June 2019) is before the start date (14 July 2019)")
    ended.fill("2019-08")
    submit(page, reads, "Add read-through")
    expect(messages(page)).to_contain_text("Added a read-through of “Dune”.")
    expect(part(page, "Read-throughs")).to_contain_text("Started 14 July 2019, finished August 2019")

    rating = part(page, "Rating")
    rating.locator("label[for=rating-5]").click()
    submit(page, rating, "Save rating")
    expect(messages(page)).to_contain_text("Rated “Dune” 5 of 5.")
    stored = books.get(user.books_key, book.book_id)
    assert (stored.isbn13, stored.year_published, stored.rating, stored.times_finished) == (
        "9780441172719",
        1965,
        Decimal("5"),
        2,
    )


# -- accessibility -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_book_page_is_accessible(new_page, make_user, books, page_problems, scheme):
    page_problems.allow_status(422)
    user = make_user("alice")
    book = record_dune(books, user)
    page = new_page(color_scheme=scheme, reduced_motion="reduce")
    sign_in(page, "alice")
    page.goto(f"/books/{book.book_id}")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    assert_accessible(page, f"the book page ({scheme})")

    for summary in page.locator("details > summary").all():
        summary.click()
    assert_accessible(page, f"the book page with every form open ({scheme})")

    facts = part(page, "Facts")
    facts.get_by_label("ISBN").fill("12345")
    facts.get_by_role("button", name="Save facts").click()
    expect(facts.get_by_label("ISBN")).to_have_attribute("aria-invalid", "true")
    rating = part(page, "Rating")
    page.evaluate("document.querySelector('#rating-4').value = '4.3'")  # what no star sends
    rating.locator("label[for=rating-4]").click()
    rating.get_by_role("button", name="Save rating").click()
    expect(rating.locator("#rating-errors")).to_be_visible()
    tags = part(page, "Tags")
    tags.get_by_label("Add tags").fill("x" * 41)
    tags.get_by_role("button", name="Add", exact=True).click()
    expect(tags.get_by_label("Add tags")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"the book page with errors ({scheme})")

    phone = new_page(color_scheme=scheme, reduced_motion="reduce", viewport={"width": 375, "height": 740})
    sign_in(phone, "alice")
    phone.goto(f"/books/{book.book_id}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "the page is wider than the phone"
    assert_accessible(phone, f"the book page on a phone ({scheme})")
