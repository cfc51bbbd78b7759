"""An admin manages accounts in the browser, with JavaScript on; a reader is kept out of /admin."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_board_flow import sign_in

DORA_PASSWORD = "maple violin harbour 26"


def users_row(page: Page, username: str):
    return page.locator("tbody tr", has=page.get_by_role("rowheader", name=re.compile(rf"^{re.escape(username)}\b")))


def test_admin_creates_disables_enables_and_deletes_a_user(page: Page, new_page, make_user, page_problems):
    page_problems.allow_status(422)  # the create form with errors
    make_user("boss", is_admin=True)
    sign_in(page, "boss")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page).to_have_title(re.compile(r"^Users"))
    expect(page.get_by_role("link", name="Admin")).to_have_attribute("aria-current", "page")
    expect(users_row(page, "boss")).to_contain_text("(you)")

    page.get_by_role("link", name="Create user").click()
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Password").fill("short")
    with page.expect_navigation():
        page.get_by_role("button", name="Create user").click()
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Username")).to_have_value("dora")
    password.fill(DORA_PASSWORD)
    page.get_by_label("Admin (can create and delete accounts)").check()
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#messages")).to_contain_text("Created admin “dora”.")
    row = users_row(page, "dora")
    expect(row.get_by_role("cell").nth(1)).to_have_text("Admin")  # after the checkbox
    expect(row).to_contain_text("Never")
    expect(page.locator("h1 .badge")).to_have_text("2")

    # dora signs in elsewhere; disabling her ends that session at once.
    dora = new_page()
    sign_in(dora, "dora", DORA_PASSWORD)
    row.get_by_role("button", name="Disable dora").click()
    expect(page.locator("#messages")).to_contain_text("“dora” is disabled.")
    expect(row.get_by_text("Disabled", exact=True)).to_be_visible()
    dora.reload()
    expect(dora).to_have_title(re.compile(r"^Sign in"))

    row.get_by_role("button", name="Enable dora").click()
    expect(page.locator("#messages")).to_contain_text("“dora” is enabled.")
    expect(row.get_by_text("Disabled", exact=True)).to_have_count(0)
    sign_in(dora, "dora", DORA_PASSWORD)
    page.reload()
    expect(users_row(page, "dora")).to_contain_text("UTC")

    users_row(page, "dora").get_by_role("link", name="Delete dora").click()
    expect(page).to_have_title(re.compile(r"^Delete dora\?"))
    expect(page.get_by_text("all of its books (0)")).to_be_visible()
    page.get_by_role("button", name="Delete user and books").click()
    expect(page.locator("#messages")).to_contain_text("Deleted “dora” and 0 books.")
    expect(users_row(page, "dora")).to_have_count(0)
    expect(page.locator("h1 .badge")).to_have_text("1")
    dora.reload()
    expect(dora).to_have_title(re.compile(r"^Sign in"))


def test_a_reader_is_kept_out_of_admin(page: Page, make_user, page_problems):
    page_problems.allow_status(403)
    make_user("alice")
    sign_in(page, "alice")
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    response = page.goto("/admin/users")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    page.get_by_role("link", name="Back to the board").click()
    expect(page).to_have_title(re.compile(r"^Your board"))
