"""Everything through plain forms and links, with JavaScript switched off in the browser: signing in
(and its errors), the board's actions, "Show more", the admin's account pages, one's own password
and signing out. (Add, edit, move and delete are in test_board_flow.py's no-JavaScript test.)"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from bookapp.books import Status
from tests.browser.board_helpers import expect_titles
from tests.browser.test_board_flow import (
    PASSWORD,
    add_form,
    card_in,
    cards,
    dates_around,
    expect_counts,
    expect_dates,
    move_button,
    sign_in,
)

CAROL_PASSWORD = "plum orchard lantern 73"
CAROL_NEW_PASSWORD = "tulip harbour compass 58"
ALICE_NEW_PASSWORD = "quiet meadow kettle 41"


@pytest.fixture
def no_js(new_page) -> Page:
    page = new_page(java_script_enabled=False)
    assert page.evaluate("1 + 1") == 2  # Playwright still evaluates; the page's own scripts do not run
    return page


def submit(page: Page, button_name: str, exact: bool = False) -> None:
    """Press a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=button_name, exact=exact).click()


def flash(page: Page):
    return page.locator("#messages")


def sign_in_fails(page: Page, username: str, password: str) -> str:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    submit(page, "Sign in")
    expect(page).to_have_title(re.compile(r"^Sign in"))
    return page.locator("#login-error").inner_text()


def test_sign_in_errors_without_javascript(no_js: Page, make_user):
    page = no_js
    make_user("alice")
    page.goto("/")
    expect(page).to_have_title(re.compile(r"^Sign in"))
    expect(flash(page)).to_contain_text("Please sign in to continue.")
    assert page.evaluate("document.documentElement.dataset.bsTheme ?? null") is None  # color-mode.js did not run

    # Nothing typed: each field says what is missing, tied to it for screen readers.
    submit(page, "Sign in")
    username = page.get_by_label("Username")
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(username).to_have_accessible_description("Enter your username.")
    expect(page.get_by_label("Password")).to_have_accessible_description("Enter your password.")

    generic = sign_in_fails(page, "alice", "not the password")
    assert generic.startswith("That username and password do not match an account.")
    assert sign_in_fails(page, "nobody", PASSWORD) == generic  # the same words: no hint which was wrong
    expect(page.get_by_label("Username")).to_have_value("nobody")

    sign_in(page, "alice")
    expect(page.get_by_text("Signed in as")).to_contain_text("alice")


def test_board_without_javascript(no_js: Page, make_user, books, page_problems):
    page_problems.allow_status(422)  # the board comes back with the add form's errors
    page = no_js
    user = make_user("alice")
    day = dt.date(2024, 5, 1)
    for number in range(1, 11):
        books.add(user.books_key, f"Volume {number}", "Marcel Proust", Status.NOT_STARTED, day)
    sign_in(page, "alice")
    expect_counts(page, 10, 0, 0)

    # The add form's errors come back on the whole page, the input kept.
    add_form(page).get_by_label("Title").fill("Swann's Way")
    submit(page, "Add", exact=True)
    expect(page).to_have_title(re.compile(r"^Your board"))
    author = add_form(page).get_by_label("Author")
    expect(author).to_have_attribute("aria-invalid", "true")
    expect(author).to_have_accessible_description("Enter the author.")
    expect(add_form(page).get_by_label("Title")).to_have_value("Swann's Way")
    author.fill("Marcel Proust")
    submit(page, "Add", exact=True)
    expect(flash(page)).to_contain_text("Added “Swann's Way” to Not started.")
    expect_counts(page, 11, 0, 0)

    # "Show more" is a link to the next page of the column; its cards work from there.
    expect(cards(page, "not_started")).to_have_count(5)
    page.get_by_role("link", name="Show more in Not started").click()
    expect(page).to_have_title(re.compile(r"^Not started"))
    expect(page.get_by_role("heading", name="Not started: more books")).to_be_visible()
    expect_titles(page, "not_started", ["Volume 6", "Volume 5", "Volume 4", "Volume 3", "Volume 2"])
    page.get_by_role("link", name="Show more in Not started").click()
    expect_titles(page, "not_started", ["Volume 1"])
    expect(page.get_by_role("link", name=re.compile(r"^Show more"))).to_have_count(0)
    with dates_around() as started:
        move_button(card_in(page, "not_started", "Volume 1"), "Reading").click()
        expect(page).to_have_title(re.compile(r"^Your board"))
    expect(flash(page)).to_contain_text("Moved “Volume 1” to Reading.")
    expect_dates(card_in(page, "reading", "Volume 1"), started)
    expect_counts(page, 10, 1, 0)

    # ▲ and ▼ are form buttons too.
    for title in ("Volume 10", "Volume 9"):
        move_button(card_in(page, "not_started", title), "Reading").click()
        expect(card_in(page, "reading", title)).to_be_visible()
    expect_titles(page, "reading", ["Volume 9", "Volume 10", "Volume 1"])
    card_in(page, "reading", "Volume 9").get_by_role("button", name="Move down", exact=True).click()
    expect(flash(page)).to_contain_text("Moved “Volume 9” down, below “Volume 10”.")
    expect_titles(page, "reading", ["Volume 10", "Volume 9", "Volume 1"])
    card_in(page, "reading", "Volume 1").get_by_role("button", name="Move up", exact=True).click()
    expect(flash(page)).to_contain_text("Moved “Volume 1” up, above “Volume 9”.")
    expect_titles(page, "reading", ["Volume 10", "Volume 1", "Volume 9"])
    card_in(page, "reading", "Volume 10").get_by_role("button", name="Move up", exact=True).click()
    expect(flash(page)).to_contain_text("“Volume 10” is already at the top of Reading.")
    expect_titles(page, "reading", ["Volume 10", "Volume 1", "Volume 9"])

    # Edit on a page of its own; delete through the confirmation page (Cancel first).
    card_in(page, "reading", "Volume 1").get_by_role("link", name=re.compile(r"^Edit\b")).click()
    expect(page).to_have_title(re.compile(r"^Edit Volume 1"))
    page.get_by_label("Title").fill("")
    submit(page, "Save")
    expect(page.get_by_label("Title")).to_have_accessible_description("Enter the book’s title.")
    page.get_by_label("Title").fill("Sodom and Gomorrah")
    submit(page, "Save")
    expect(flash(page)).to_contain_text("Saved “Sodom and Gomorrah”.")
    expect_titles(page, "reading", ["Volume 10", "Sodom and Gomorrah", "Volume 9"])

    card_in(page, "reading", "Volume 9").get_by_role("link", name=re.compile(r"^Delete\b")).click()
    expect(page.get_by_role("heading", name="Delete “Volume 9”?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(card_in(page, "reading", "Volume 9")).to_be_visible()
    card_in(page, "reading", "Volume 9").get_by_role("link", name=re.compile(r"^Delete\b")).click()
    submit(page, "Delete book")
    expect(flash(page)).to_contain_text("Deleted “Volume 9”.")
    expect_titles(page, "reading", ["Volume 10", "Sodom and Gomorrah"])
    expect_counts(page, 8, 2, 0)


def test_admin_manages_accounts_without_javascript(no_js: Page, new_page, make_user, page_problems):
    page_problems.allow_status(422)  # forms with errors
    page = no_js
    make_user("boss", is_admin=True)
    sign_in(page, "boss")
    page.get_by_role("link", name="Admin").click()
    expect(page).to_have_title(re.compile(r"^Users"))

    # Create: errors first, then a reader.
    page.get_by_role("link", name="Create user").click()
    submit(page, "Create user")
    expect(page.get_by_label("Username")).to_have_accessible_description(re.compile("Enter a username."))
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill(CAROL_PASSWORD)
    submit(page, "Create user")
    expect(flash(page)).to_contain_text("Created reader “carol”.")
    row = page.locator("tr", has=page.get_by_role("rowheader", name="carol"))
    expect(row).to_contain_text("Reader")
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("Never")

    # Disable: carol cannot sign in; enable: she can.
    row.get_by_role("button", name="Disable carol").click()
    expect(flash(page)).to_contain_text("“carol” is disabled.")
    expect(row.get_by_text("Disabled", exact=True)).to_be_visible()
    carol = new_page(java_script_enabled=False)
    assert sign_in_fails(carol, "carol", CAROL_PASSWORD) == "This account is disabled. Ask your group’s admin."
    row.get_by_role("button", name="Enable carol").click()
    expect(flash(page)).to_contain_text("“carol” is enabled.")
    expect(row).to_contain_text("Active")
    sign_in(carol, "carol", CAROL_PASSWORD)

    # A new password: her session ends, the new password works.
    row.get_by_role("link", name="New password for carol").click()
    expect(page.get_by_role("heading", name="New password for “carol”")).to_be_visible()
    submit(page, "Set new password")
    expect(page.get_by_label("New password")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("New password").fill(CAROL_NEW_PASSWORD)
    submit(page, "Set new password")
    expect(flash(page)).to_contain_text("New password set for “carol”. Give it to them privately.")
    carol.reload()
    expect(carol).to_have_title(re.compile(r"^Sign in"))
    sign_in(carol, "carol", CAROL_NEW_PASSWORD)

    # Delete through the confirmation page: Cancel keeps her, confirming deletes her and her books.
    add_form(carol).get_by_label("Title").fill("Jane Eyre")
    add_form(carol).get_by_label("Author").fill("Charlotte Brontë")
    submit(carol, "Add", exact=True)
    row.get_by_role("link", name="Delete carol").click()
    expect(page.get_by_role("heading", name="Delete “carol”?")).to_be_visible()
    expect(page.get_by_text("all of its books (1)")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(row).to_be_visible()
    row.get_by_role("link", name="Delete carol").click()
    submit(page, "Delete user and books")
    expect(flash(page)).to_contain_text("Deleted “carol” and 1 book.")
    expect(page.get_by_role("rowheader", name="carol")).to_have_count(0)
    # The admin's own row offers neither disable nor delete.
    own = page.locator("tr", has=page.get_by_role("rowheader", name=re.compile(r"^boss")))
    expect(own.get_by_role("button")).to_have_count(0)
    expect(own.get_by_role("link", name=re.compile(r"^Delete"))).to_have_count(0)
    carol.reload()
    expect(carol).to_have_title(re.compile(r"^Sign in"))


def test_own_password_and_log_out_without_javascript(no_js: Page, make_user, page_problems):
    page_problems.allow_status(422)  # the password form with errors
    page = no_js
    make_user("alice")
    sign_in(page, "alice")

    page.get_by_role("link", name="Change password").click()
    expect(page).to_have_title(re.compile(r"^Change password"))
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill(ALICE_NEW_PASSWORD)
    page.get_by_label("New password again").fill(ALICE_NEW_PASSWORD)
    submit(page, "Change password")
    expect(page.get_by_label("Current password")).to_have_accessible_description("The current password is not right.")

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(ALICE_NEW_PASSWORD)
    page.get_by_label("New password again").fill(ALICE_NEW_PASSWORD + "!")
    submit(page, "Change password")
    expect(page.get_by_label("New password again")).to_have_accessible_description("The two new passwords differ.")

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(ALICE_NEW_PASSWORD)
    page.get_by_label("New password again").fill(ALICE_NEW_PASSWORD)
    submit(page, "Change password")
    expect(page).to_have_title(re.compile(r"^Your board"))
    expect(flash(page)).to_contain_text("Your password is changed. Other devices are signed out.")

    submit(page, "Log out")
    expect(page).to_have_title(re.compile(r"^Sign in"))
    expect(flash(page)).to_contain_text("You are signed out.")
    page.goto("/")
    expect(page).to_have_title(re.compile(r"^Sign in"))
    assert sign_in_fails(page, "alice", PASSWORD).startswith("That username and password do not match an account.")
    sign_in(page, "alice", ALICE_NEW_PASSWORD)
