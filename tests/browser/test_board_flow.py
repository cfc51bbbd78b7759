"""A reader's board in a real browser: sign in, add, move, edit, delete, page through a column.

Everything goes through what a reader sees (labels, button names, dialogs); htmx partial updates are
proven to happen without a page load by a marker on `window` that a reload would wipe.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Locator, Page, expect

from bookapp.books import Status
from bookapp.books.record import PartialDate
from tests.conftest import PASSWORD

COLUMNS = {
    "not_started": "Not started",
    "reading": "Reading",
    "finished": "Finished",
}
EMPTY_NOT_STARTED = "Nothing waiting. Add a book you want to read."


# -- helpers ---------------------------------------------------------------------------------------


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Your board"))


def add_form(page: Page) -> Locator:
    return page.get_by_role("form", name="Add a book")


def add_book(page: Page, title: str, author: str) -> Locator:
    form = add_form(page)
    form.get_by_label("Title").fill(title)
    form.get_by_label("Author").fill(author)
    form.get_by_role("button", name="Add").click()
    card = card_in(page, "not_started", title)
    expect(card).to_be_visible()
    return card


def cards(page: Page, column: str) -> Locator:
    return page.locator(f"#cards-{column} > .book-card")


def card_in(page: Page, column: str, title: str) -> Locator:
    return page.locator(f"#cards-{column}").get_by_role("article", name=title, exact=True)


def any_card(page: Page, title: str) -> Locator:
    return page.get_by_role("article", name=title, exact=True)


def count_badge(page: Page, column: str) -> Locator:
    return page.locator(f"#count-{column}")


def expect_counts(page: Page, not_started: int, reading: int, finished: int) -> None:
    for column, number in zip(COLUMNS, (not_started, reading, finished), strict=True):
        # The badge reads "1 book" / "3 books" to screen readers; the number is what is shown.
        expect(count_badge(page, column)).to_have_text(re.compile(rf"^{number} books?$"))


def move_button(card: Locator, column_label: str) -> Locator:
    return card.get_by_role("button", name=re.compile(rf"^Move to {column_label}\b"))


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@contextmanager
def dates_around() -> Iterator[list[str]]:
    """The UTC dates the server may have used for an action (two around midnight, else one), as a
    card shows them ("30 November 2026")."""
    days: list[str] = [PartialDate.from_date(utc_today()).display()]
    yield days
    after = PartialDate.from_date(utc_today()).display()
    if after not in days:
        days.append(after)


def one_of(days: list[str]) -> str:
    return "(" + "|".join(map(re.escape, days)) + ")"


def expect_dates(card: Locator, started: list[str], finished: list[str] | None = None) -> None:
    """The card's dates line says exactly this: a start date, and a finish date when finished."""
    pattern = rf"^Started {one_of(started)}"
    pattern += rf"\s*Finished {one_of(finished)}$" if finished else "$"
    expect(card.locator(".book-dates")).to_have_text(re.compile(pattern))


def mark_window(page: Page) -> None:
    page.evaluate("window.__marker = 1")


def expect_no_reload(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of updated in place"


# -- tests -----------------------------------------------------------------------------------------


def test_reader_adds_a_book_and_moves_it_through_the_board(page: Page, make_user):
    make_user("alice")
    sign_in(page, "alice")
    expect(page.locator("#cards-not_started .empty-state")).to_have_text(EMPTY_NOT_STARTED)
    expect(page.locator("#cards-not_started .empty-state")).to_be_visible()
    expect_counts(page, 0, 0, 0)

    mark_window(page)
    form = add_form(page)
    form.get_by_label("Title").fill("The Left Hand of Darkness")
    form.get_by_label("Author").fill("Ursula K. Le Guin")
    form.get_by_role("button", name="Add").click()

    card = card_in(page, "not_started", "The Left Hand of Darkness")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Ursula K. Le Guin")
    expect(cards(page, "not_started")).to_have_count(1)
    expect(page.locator("#cards-not_started .empty-state")).to_be_hidden()
    expect_counts(page, 1, 0, 0)
    expect(page.locator("#messages")).to_contain_text("Added “The Left Hand of Darkness” to Not started.")
    # A fresh, empty add form came back in place of the one just sent.
    expect(add_form(page).get_by_label("Title")).to_have_value("")
    expect_no_reload(page)

    with dates_around() as started:
        move_button(card, "Reading").click()
        reading_card = card_in(page, "reading", "The Left Hand of Darkness")
        expect(reading_card).to_be_visible()
    expect_dates(reading_card, started)
    expect(cards(page, "not_started")).to_have_count(0)
    expect(page.locator("#cards-not_started .empty-state")).to_be_visible()
    expect_counts(page, 0, 1, 0)
    expect(page.locator("#messages")).to_contain_text("Moved “The Left Hand of Darkness” to Reading.")
    expect_no_reload(page)

    with dates_around() as finished:
        move_button(reading_card, "Finished").click()
        finished_card = card_in(page, "finished", "The Left Hand of Darkness")
        expect(finished_card).to_be_visible()
    expect_dates(finished_card, started, finished)
    expect(cards(page, "reading")).to_have_count(0)
    expect_counts(page, 0, 0, 1)
    expect_no_reload(page)

    page.reload()
    finished_card = card_in(page, "finished", "The Left Hand of Darkness")
    expect_dates(finished_card, started, finished)
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.locator("#cards-not_started .empty-state")).to_be_visible()
    expect(page.locator("#column-not_started")).to_contain_text(EMPTY_NOT_STARTED)
    expect_counts(page, 0, 0, 1)


def test_wrong_password_shows_one_generic_message_and_keeps_username(page: Page, make_user):
    make_user("alice")
    generic = "That username and password do not match an account."

    page.goto("/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not the password")
    with page.expect_navigation():  # the same page comes back: wait for it, not for the old one
        page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile(r"^Sign in"))
    expect(page.get_by_text(generic)).to_have_count(1)
    expect(page.locator(".alert")).to_have_count(1)
    expect(page.locator(".invalid-feedback")).to_have_count(0)  # no hint about which field was wrong
    expect(page.get_by_label("Username")).to_have_value("alice")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    wrong_password_message = page.locator("#login-error").inner_text()

    # An unknown username gets the very same message.
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Username")).to_have_value("nobody")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.locator("#login-error")).to_have_text(wrong_password_message)
    expect(page.locator(".alert")).to_have_count(1)

    # And the right password still works afterwards.
    sign_in(page, "alice")
    expect(page.get_by_text("Signed in as")).to_contain_text("alice")


def test_edit_inline_and_delete_with_confirmation(page: Page, make_user):
    make_user("alice")
    sign_in(page, "alice")
    add_book(page, "Dune", "Frank Herbert")
    add_book(page, "Emma", "Jane Austen")
    expect_counts(page, 2, 0, 0)
    mark_window(page)

    card = card_in(page, "not_started", "Dune")
    card.get_by_role("link", name=re.compile(r"^Edit\b")).click()
    edit_form = page.get_by_role("form", name="Edit Dune")
    expect(edit_form).to_be_visible()
    expect(card).to_have_count(0)  # the form took the card's place
    expect(edit_form.get_by_label("Title")).to_have_value("Dune")
    expect(edit_form.get_by_label("Author")).to_have_value("Frank Herbert")
    edit_form.get_by_label("Title").fill("Dune Messiah")
    edit_form.get_by_role("button", name="Save").click()

    edited = card_in(page, "not_started", "Dune Messiah")
    expect(edited).to_be_visible()
    expect(edited).to_contain_text("Frank Herbert")
    expect(edit_form).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Saved “Dune Messiah”.")
    expect(cards(page, "not_started")).to_have_count(2)
    expect_no_reload(page)

    # Dismissing the confirmation keeps the card and sends nothing.
    delete_posts: list[str] = []
    page.on("request", lambda request: delete_posts.append(request.url) if request.url.endswith("/delete") else None)
    dialog = page.get_by_role("dialog", name="Are you sure?")
    delete_link = edited.get_by_role("link", name=re.compile(r"^Delete\b"))
    delete_link.click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Delete “Dune Messiah” by Frank Herbert? This cannot be undone.")
    dialog.get_by_role("button", name="Cancel").last.click()
    expect(dialog).to_be_hidden()
    expect(delete_link).to_be_focused()  # focus goes back where it was
    expect(edited).to_be_visible()
    expect_counts(page, 2, 0, 0)

    # Confirming deletes the card (with one request: the dismissed one sent none) and the count drops.
    delete_link.click()
    with page.expect_response(lambda response: response.url.endswith("/delete")):
        dialog.get_by_role("button", name="Delete").click()
    assert len(delete_posts) == 1, f"expected one delete request, saw {delete_posts}"
    expect(edited).to_have_count(0)
    expect_counts(page, 1, 0, 0)
    expect(page.locator("#messages")).to_contain_text("Deleted “Dune Messiah”.")
    expect(card_in(page, "not_started", "Emma")).to_be_visible()
    expect_no_reload(page)

    page.reload()
    expect(any_card(page, "Dune Messiah")).to_have_count(0)
    expect(any_card(page, "Dune")).to_have_count(0)
    expect(card_in(page, "not_started", "Emma")).to_be_visible()
    expect_counts(page, 1, 0, 0)


def test_edit_can_be_cancelled_inline(page: Page, make_user):
    make_user("alice")
    sign_in(page, "alice")
    card = add_book(page, "Middlemarch", "George Eliot")
    mark_window(page)

    card.get_by_role("link", name=re.compile(r"^Edit\b")).click()
    edit_form = page.get_by_role("form", name="Edit Middlemarch")
    edit_form.get_by_label("Title").fill("Something else")
    edit_form.get_by_role("link", name="Cancel").click()

    expect(card_in(page, "not_started", "Middlemarch")).to_be_visible()
    expect(edit_form).to_have_count(0)
    expect(any_card(page, "Something else")).to_have_count(0)
    expect_no_reload(page)


def test_inline_edit_errors_keep_the_form_and_the_input(page: Page, page_problems, make_user):
    page_problems.allow_status(422)  # the edit form with errors comes back as 422
    make_user("alice")
    sign_in(page, "alice")
    card = add_book(page, "Possession", "A. S. Byatt")
    mark_window(page)

    card.get_by_role("link", name=re.compile(r"^Edit\b")).click()
    edit_form = page.get_by_role("form", name="Edit Possession")
    edit_form.get_by_label("Title").fill("Possession: A Romance")
    edit_form.get_by_label("Author").fill("")
    edit_form.get_by_role("button", name="Save").click()

    author = edit_form.get_by_label("Author")
    expect(author).to_have_attribute("aria-invalid", "true")
    expect(author).to_have_accessible_description("Enter the author.")
    expect(edit_form.get_by_label("Title")).to_have_value("Possession: A Romance")
    # The add form's fields are not touched by the edit form's errors (ids are distinct).
    expect(add_form(page).get_by_label("Author")).not_to_have_attribute("aria-invalid", "true")

    # The corrected form still carries the version the reader started from, so it saves.
    author.fill("A. S. Byatt")
    edit_form.get_by_role("button", name="Save").click()
    expect(card_in(page, "not_started", "Possession: A Romance")).to_be_visible()
    expect(edit_form).to_have_count(0)
    expect_no_reload(page)
    page.reload()
    expect(card_in(page, "not_started", "Possession: A Romance")).to_contain_text("A. S. Byatt")


def test_board_works_without_javascript(new_page, make_user):
    """Every action is a real form: with JavaScript off, add, edit, move and delete still work."""
    make_user("alice")
    page = new_page(java_script_enabled=False)
    sign_in(page, "alice")

    add_book(page, "Gilead", "Marilynne Robinson")
    expect_counts(page, 1, 0, 0)

    card_in(page, "not_started", "Gilead").get_by_role("link", name=re.compile(r"^Edit\b")).click()
    expect(page).to_have_title(re.compile(r"^Edit Gilead"))
    page.get_by_label("Title").fill("Home")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"^Your board"))
    expect(page.locator("#messages")).to_contain_text("Saved “Home”.")

    with dates_around() as started:
        move_button(card_in(page, "not_started", "Home"), "Reading").click()
        expect(card_in(page, "reading", "Home")).to_be_visible()
    expect_dates(card_in(page, "reading", "Home"), started)
    expect_counts(page, 0, 1, 0)

    card_in(page, "reading", "Home").get_by_role("link", name=re.compile(r"^Delete\b")).click()
    expect(page.get_by_role("heading", name="Delete “Home”?")).to_be_visible()
    page.get_by_role("button", name="Delete book").click()
    expect(page.locator("#messages")).to_contain_text("Deleted “Home”.")
    expect(page.get_by_role("article")).to_have_count(0)
    expect_counts(page, 0, 0, 0)


def test_add_form_errors_are_shown_and_input_kept(page: Page, page_problems, make_user):
    page_problems.allow_status(422)  # the add form with errors comes back as 422
    make_user("alice")
    sign_in(page, "alice")
    mark_window(page)

    form = add_form(page)
    form.get_by_label("Title").fill("Beloved")
    form.get_by_role("button", name="Add").click()

    author = add_form(page).get_by_label("Author")
    expect(author).to_have_attribute("aria-invalid", "true")
    expect(add_form(page).get_by_text("Enter the author.")).to_be_visible()
    # The error is tied to the field for screen readers.
    expect(author).to_have_accessible_description(re.compile("Enter the author."))
    expect(add_form(page).get_by_label("Title")).to_have_value("Beloved")
    expect(add_form(page).get_by_label("Title")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("article")).to_have_count(0)
    expect_counts(page, 0, 0, 0)
    expect_no_reload(page)

    # Fixing the error adds the book and clears the form.
    author.fill("Toni Morrison")
    add_form(page).get_by_role("button", name="Add").click()
    expect(card_in(page, "not_started", "Beloved")).to_be_visible()
    expect(add_form(page).get_by_label("Title")).to_have_value("")
    expect(add_form(page).get_by_label("Author")).not_to_have_attribute("aria-invalid", "true")
    expect_counts(page, 1, 0, 0)
    expect_no_reload(page)


def test_stale_tab_gets_changed_meanwhile_message(page: Page, page_problems, make_user):
    page_problems.allow_status(409)  # the stale move is answered with 409 and the fresh card
    make_user("alice")
    sign_in(page, "alice")
    add_book(page, "Kindred", "Octavia E. Butler")
    tab_a = page
    tab_b = page.context.new_page()  # a second tab of the same signed-in browser
    tab_b.goto("/")
    stale_card = card_in(tab_b, "not_started", "Kindred")
    expect(stale_card).to_be_visible()
    mark_window(tab_b)

    with dates_around() as started:
        move_button(card_in(tab_a, "not_started", "Kindred"), "Reading").click()
        expect(card_in(tab_a, "reading", "Kindred")).to_be_visible()

    # Tab B still shows the card in Not started; finishing it from there is refused.
    move_button(stale_card, "Finished").click()
    expect(tab_b.locator("#messages")).to_contain_text("changed")
    expect(tab_b.locator("#messages")).to_contain_text("“Kindred” was changed in another tab or device meanwhile")
    fresh = card_in(tab_b, "reading", "Kindred")
    expect(fresh).to_be_visible()
    expect_dates(fresh, started)
    expect(cards(tab_b, "not_started")).to_have_count(0)
    expect(cards(tab_b, "finished")).to_have_count(0)
    expect(tab_b.get_by_role("article", name="Kindred")).to_have_count(1)
    expect_counts(tab_b, 0, 1, 0)
    expect_no_reload(tab_b)

    # Nothing lost: after a reload both tabs show the same board.
    for tab in (tab_a, tab_b):
        tab.reload()
        card = card_in(tab, "reading", "Kindred")
        expect(card).to_be_visible()
        expect_dates(card, started)
        expect(tab.get_by_role("article")).to_have_count(1)
        expect_counts(tab, 0, 1, 0)

    # The fresh card in tab B works: it can now be finished from there.
    move_button(card_in(tab_b, "reading", "Kindred"), "Finished").click()
    expect(card_in(tab_b, "finished", "Kindred")).to_be_visible()
    expect_counts(tab_b, 0, 0, 1)


def test_show_more_loads_next_page(page: Page, make_user, books):
    user = make_user("alice")
    day = dt.date(2024, 5, 1)
    titles = [f"Book {number}" for number in range(1, 8)]
    for title in titles:
        books.add(str(user.id), title, "Some Author", Status.NOT_STARTED, day)
    sign_in(page, "alice")

    # Page size is 5 in tests: the newest five first, then "Show more".
    expect(cards(page, "not_started")).to_have_count(5)
    expect_counts(page, 7, 0, 0)
    mark_window(page)
    show_more = page.locator("#column-not_started").get_by_role("link", name=re.compile(r"^Show more"))
    expect(show_more).to_have_accessible_name("Show more in Not started")
    show_more.click()

    expect(cards(page, "not_started")).to_have_count(7)
    expect(show_more).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^Show more"))).to_have_count(0)
    shown = cards(page, "not_started").locator(".card-title").all_inner_texts()
    assert sorted(shown) == sorted(titles), "every book once, none twice"
    assert shown == list(reversed(titles)), "top of the column is the newest book, also across pages"
    expect_no_reload(page)

    # The loaded cards are real cards: moving one from the second page works in place.
    move_button(card_in(page, "not_started", "Book 1"), "Reading").click()
    expect(card_in(page, "reading", "Book 1")).to_be_visible()
    expect(cards(page, "not_started")).to_have_count(6)
    expect_counts(page, 6, 1, 0)
    expect_no_reload(page)


def test_a_books_own_page_moves_it_and_comes_back_to_the_board(page: Page, make_user):
    """The card on /books/<id> has no board around it: its forms work as plain ones."""
    make_user("alice")
    sign_in(page, "alice")
    card = add_book(page, "Solaris", "Stanisław Lem")
    page.goto(page.url.rstrip("/") + "/books/" + card.get_attribute("id").removeprefix("book-"))
    expect(page.get_by_role("article", name="Solaris")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Move to Reading\b")).click()
    expect(page).to_have_title(re.compile(r"^Your board"))
    expect(page.locator("#messages")).to_contain_text("Moved “Solaris” to Reading.")
    expect(card_in(page, "reading", "Solaris")).to_be_visible()
