"""The admin's user list in the browser: the search follows typing, "Select all on this page", and a
bulk delete with its one confirmation."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from bookapp.books import Status
from tests.browser.accessibility import assert_accessible
from tests.browser.test_admin_browser import users_row
from tests.browser.test_board_flow import sign_in

TODAY = dt.date(2026, 11, 27)


def test_admin_deletes_two_accounts_after_one_confirmation(page: Page, make_user, books):
    make_user("boss", is_admin=True)
    alice, bob = make_user("alice"), make_user("bob")
    make_user("carol")
    books.add(alice.books_key, "Alice’s book", "Author", Status.READING, TODAY)
    books.add(bob.books_key, "Bob’s book", "Author", Status.FINISHED, TODAY)
    sign_in(page, "boss")
    page.goto("/admin/users")
    expect(users_row(page, "alice").get_by_role("cell").nth(6)).to_have_text("1")  # Reading
    assert_accessible(page, "the user list")

    page.get_by_label("Select alice").check()
    page.get_by_label("Select bob").check()
    page.get_by_role("button", name="Delete selected").click()

    expect(page).to_have_title(re.compile(r"^Delete 2 accounts\?"))
    expect(page.get_by_role("main").get_by_role("listitem")).to_have_text(["alice: 1 book", "bob: 1 book"])
    assert_accessible(page, "the bulk confirmation")
    page.get_by_role("button", name="Delete 2 accounts and their books").click()

    expect(page).to_have_title(re.compile(r"^Users"))
    expect(page.locator("#messages")).to_contain_text(
        "Deleted 2 accounts and all of their books (2), which are gone: “alice”, “bob”."
    )
    expect(users_row(page, "alice")).to_have_count(0)
    expect(users_row(page, "bob")).to_have_count(0)
    expect(users_row(page, "carol")).to_have_count(1)


def test_search_follows_typing_and_select_all_ticks_the_page(page: Page, make_user):
    make_user("boss", is_admin=True)
    for name in ("ada", "adele", "bob"):
        make_user(name)
    sign_in(page, "boss")
    page.goto("/admin/users")

    page.get_by_label("Username contains").fill("ad")

    expect(page).to_have_url(re.compile(r"/admin/users\?q=ad$"))
    expect(page.locator("tbody tr")).to_have_count(2)
    select_all = page.get_by_label("Select all on this page")
    select_all.check()
    expect(page.get_by_label("Select ada", exact=True)).to_be_checked()
    expect(page.get_by_label("Select adele")).to_be_checked()
    page.get_by_label("Select adele").uncheck()
    expect(select_all).not_to_be_checked()
    assert select_all.evaluate("box => box.indeterminate")

    page.get_by_label("Role").select_option("admin")
    expect(page.get_by_text("No account matches these filters.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/users\?q=ad&role=admin$"))
    assert_accessible(page, "the user list, nothing matching")
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("tbody tr")).to_have_count(4)
