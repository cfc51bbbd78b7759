"""A reader makes an access token, copies it from the page, uses it, and revokes it: with the
keyboard-reachable forms of the page, and no WCAG A/AA violation in either colour mode, the API's
reference page included."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.test_board_flow import sign_in


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_reader_makes_uses_and_revokes_a_token(new_page, live_server, make_user, page_problems, scheme):
    page_problems.allow_status(201, 422)
    make_user("alice")
    page = new_page(color_scheme=scheme, reduced_motion="reduce")
    sign_in(page, "alice")
    page.get_by_role("link", name="Access tokens").click()
    expect(page).to_have_title("Access tokens · Book Tracking Online")
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    assert_accessible(page, f"the access tokens page ({scheme})")

    with page.expect_navigation():
        page.get_by_role("button", name="Create token").click()
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"the access tokens page with an error ({scheme})")

    page.get_by_label("Name").fill("Kobo sync")
    page.get_by_label("Expires").select_option("90")
    page.get_by_label("Read and write").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("New access token").input_value()
    assert token.startswith("bt_") and len(token) == 46
    expect(page.locator("#access-tokens")).to_contain_text("Kobo sync")
    assert_accessible(page, f"the access tokens page with a new token ({scheme})")

    request = urllib.request.Request(f"{live_server}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["token"]["name"] == "Kobo sync"

    page.reload()  # the form sent again: no second token, and this one is not shown again
    expect(page.locator("#made-already")).to_contain_text("This form made the token “Kobo sync” already")
    expect(page.get_by_label("New access token")).to_have_count(0)
    expect(page.locator("#access-tokens tbody tr")).to_have_count(1)
    page.goto("/account/tokens")  # shown once: gone when the page is shown again
    expect(page.get_by_label("New access token")).to_have_count(0)
    page.get_by_role("link", name="Revoke Kobo sync").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke “Kobo sync”?")
    assert_accessible(page, f"the revoke token page ({scheme})")
    page.get_by_role("button", name="Revoke token").click()
    expect(page.locator("#messages")).to_contain_text("Revoked the token “Kobo sync”.")
    expect(page.get_by_text("You have no tokens.")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_api_reference_page_is_accessible(new_page, live_server, scheme):
    page = new_page(color_scheme=scheme, reduced_motion="reduce")
    page.goto("/api/docs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book Tracking Online API")
    page.get_by_role("link", name="PATCH /api/v1/books/{book_id}").click()
    expect(page.locator("#change_your_book")).to_be_in_viewport()
    assert_accessible(page, f"the API reference ({scheme})")
