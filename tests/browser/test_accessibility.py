"""axe-core finds no WCAG 2.0/2.1 A or AA violation on any page or state the app shows, in the light
and the dark colour mode: sign-in, the board (empty, full, editing, asking, with errors, on a
phone), the pages of a book and a column, one's password, the admin's pages and the error pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.board_helpers import shelve_reading_list
from tests.browser.test_board_flow import PASSWORD, add_form, card_in, expect_counts, move_button, sign_in

SCHEMES = ["light", "dark"]


@pytest.fixture(params=SCHEMES)
def scheme(request) -> str:
    return request.param


@pytest.fixture
def open_page(new_page, scheme):
    """A page in the colour mode under test. Reduced motion: Bootstrap then skips its fades, so
    axe measures colours as they end up, not halfway through a transition."""

    def open_(**options) -> Page:
        page = new_page(color_scheme=scheme, reduced_motion="reduce", **options)
        return page

    return open_


def check(page: Page, label: str, scheme: str) -> None:
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    assert_accessible(page, f"{label} ({scheme})")


def test_sign_in_pages_are_accessible(open_page, scheme, make_user):
    make_user("alice")
    page = open_page()
    page.goto("/login")
    check(page, "the sign-in page", scheme)

    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    check(page, "the sign-in page with empty fields", scheme)

    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#login-error")).to_be_visible()
    check(page, "the sign-in page with its error", scheme)

    sign_in(page, "alice")
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#messages")).to_contain_text("You are signed out.")
    check(page, "the sign-in page after signing out", scheme)


def test_board_and_book_pages_are_accessible(open_page, scheme, make_user, books, page_problems):
    page_problems.allow_status(404, 422)
    user = make_user("alice")
    page = open_page()
    sign_in(page, "alice")
    expect(page.locator("#cards-not_started .empty-state")).to_be_visible()
    check(page, "the empty board", scheme)

    add_form(page).get_by_label("Title").fill("Half of a Yellow Sun")
    add_form(page).get_by_role("button", name="Add").click()
    expect(add_form(page).get_by_label("Author")).to_have_attribute("aria-invalid", "true")
    check(page, "the board with the add form's errors", scheme)

    shelve_reading_list(books, user.books_key)
    page.reload()
    expect_counts(page, 3, 2, 4)
    check(page, "the full board", scheme)

    card = card_in(page, "not_started", "Middlemarch")
    move_button(card, "Reading").click()
    expect(page.locator("#messages .alert")).to_contain_text("Moved “Middlemarch” to Reading.")
    check(page, "the board with a message", scheme)

    card = card_in(page, "reading", "Middlemarch")
    card.get_by_role("link", name=re.compile(r"^Edit\b")).click()
    edit_form = page.get_by_role("form", name="Edit Middlemarch")
    expect(edit_form).to_be_visible()
    check(page, "the board with an inline edit form", scheme)
    edit_form.get_by_label("Author").fill("")
    edit_form.get_by_role("button", name="Save").click()
    expect(edit_form.get_by_label("Author")).to_have_attribute("aria-invalid", "true")
    check(page, "the board with an inline edit form's errors", scheme)
    edit_form.get_by_role("link", name="Cancel").click()
    expect(card).to_be_visible()

    card.get_by_role("link", name=re.compile(r"^Delete\b")).click()
    dialog = page.get_by_role("dialog", name="Are you sure?")
    expect(dialog).to_be_visible()
    check(page, "the board with the confirmation dialog", scheme)
    dialog.get_by_role("button", name="Cancel").last.click()
    expect(dialog).to_be_hidden()

    book_id = card.get_attribute("id").removeprefix("book-")
    for path, heading in [
        (f"/books/{book_id}/edit", "Edit book"),
        (f"/books/{book_id}/delete", "Delete “Middlemarch”?"),
        (f"/books/{book_id}", None),
        ("/columns/finished", "Finished: more books"),
        ("/account/password", "Change password"),
    ]:
        page.goto(path)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check(page, f"the page {path}", scheme)

    page.get_by_label("Current password").fill("not it")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password again").fill("different")
    with page.expect_navigation():
        page.get_by_role("button", name="Change password").click()
    expect(page.get_by_label("New password again")).to_have_attribute("aria-invalid", "true")
    check(page, "the password page with errors", scheme)

    response = page.goto("/books/01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert response is not None and response.status == 404
    check(page, "the 404 page", scheme)


def test_admin_and_error_pages_are_accessible(open_page, scheme, make_user, page_problems):
    page_problems.allow_status(403, 404, 422)
    make_user("boss", is_admin=True)
    make_user("alice")
    carol = make_user("carol")
    page = open_page()
    sign_in(page, "boss")
    page.goto("/admin/users")
    page.get_by_role("button", name="Disable carol").click()
    expect(page.locator("#messages")).to_contain_text("“carol” is disabled.")
    expect(page.locator("tbody").get_by_text("Disabled", exact=True)).to_be_visible()
    check(page, "the users list with a disabled user", scheme)

    page.goto("/admin/users/new")
    check(page, "the new user page", scheme)
    page.get_by_label("Username").fill("-bad name-")
    page.get_by_label("Password").fill("password")
    with page.expect_navigation():
        page.get_by_role("button", name="Create user").click()
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    check(page, "the new user page with errors", scheme)

    page.goto(f"/admin/users/{carol.id}/password")
    check(page, "the new password page", scheme)
    with page.expect_navigation():
        page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_label("New password")).to_have_attribute("aria-invalid", "true")
    check(page, "the new password page with errors", scheme)

    page.goto(f"/admin/users/{carol.id}/delete")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete “carol”?")
    check(page, "the delete user page", scheme)

    response = page.goto("/admin/users/999999/delete")
    assert response is not None and response.status == 404
    check(page, "the 404 page of the admin", scheme)

    reader = open_page()
    sign_in(reader, "alice", PASSWORD)
    response = reader.goto("/admin/users")
    assert response is not None and response.status == 403
    expect(reader.get_by_role("heading", level=1)).to_have_text("Not allowed")
    check(reader, "the 403 page", scheme)

    anonymous = open_page()
    response = anonymous.goto("/no-such-page")
    assert response is not None and response.status == 404
    check(anonymous, "the 404 page for someone signed out", scheme)


def test_phone_board_is_accessible(open_page, scheme, make_user, books):
    user = make_user("alice")
    shelve_reading_list(books, user.books_key)
    page = open_page(viewport={"width": 375, "height": 740})
    sign_in(page, "alice")
    expect_counts(page, 3, 2, 4)
    check(page, "the board on a phone", scheme)
    card_in(page, "finished", "The Hobbit").get_by_role("link", name=re.compile(r"^Delete\b")).click()
    expect(page.get_by_role("dialog", name="Are you sure?")).to_be_visible()
    check(page, "the confirmation dialog on a phone", scheme)
