"""An admin invites someone in the browser: makes a link, copies it with the button, and the invitee,
in a browser of their own, chooses a name and a password and lands on their board. The invitations
page, the accept page and the audit log have no WCAG A/AA violation in either colour mode."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.test_board_flow import sign_in

ADA_PASSWORD = "maple violin harbour 26"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_admin_invites_and_the_invitee_lands_on_their_board(new_page, make_user, page_problems, scheme):
    page_problems.allow_status(201, 422, 410)
    make_user("boss", is_admin=True)
    admin = new_page(color_scheme=scheme, reduced_motion="reduce", permissions=["clipboard-read", "clipboard-write"])
    sign_in(admin, "boss")
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Invitations").click()
    expect(admin).to_have_title(re.compile(r"^Invitations"))
    expect(admin.get_by_text("No pending invitations.")).to_be_visible()
    assert_accessible(admin, f"the invitations page ({scheme})")

    admin.get_by_label("Link expires in").select_option("3d")
    admin.get_by_label("Note (optional)").fill("for Ada")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Create invitation link").click()
    link = admin.get_by_label("Invitation link")
    expect(link).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/invite/[\w-]{43}$"))
    admin.get_by_role("button", name="Copy link").click()
    expect(admin.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    copied = admin.evaluate("navigator.clipboard.readText()")
    assert copied == link.input_value()
    expect(admin.locator("#pending-invitations")).to_contain_text("for Ada")
    assert_accessible(admin, f"the invitations page with a new link ({scheme})")

    invitee = new_page(color_scheme=scheme, reduced_motion="reduce")
    invitee.goto(copied)
    expect(invitee).to_have_title(re.compile(r"^Join Book Tracking Online"))
    assert_accessible(invitee, f"the accept page ({scheme})")
    invitee.get_by_label("Username").fill("ada")
    invitee.get_by_label("Password", exact=True).fill("short")
    invitee.get_by_label("Password again").fill("short")
    with invitee.expect_navigation():
        invitee.get_by_role("button", name="Create my account").click()
    expect(invitee.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(invitee.get_by_label("Username")).to_have_value("ada")
    assert_accessible(invitee, f"the accept page with an error ({scheme})")
    invitee.get_by_label("Password", exact=True).fill(ADA_PASSWORD)
    invitee.get_by_label("Password again").fill(ADA_PASSWORD)
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee).to_have_title(re.compile(r"^Your board"))
    expect(invitee.locator("#messages")).to_contain_text("Welcome, ada!")
    expect(invitee.get_by_text("Signed in as")).to_contain_text("ada")

    closed = new_page(color_scheme=scheme, reduced_motion="reduce")
    closed.goto(copied)
    expect(closed.get_by_role("heading", level=1)).to_have_text("This invitation has been used")
    assert_accessible(closed, f"a used link's page ({scheme})")

    admin.goto("/admin/invitations")
    expect(admin.locator("#used-invitations")).to_contain_text("ada")
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Audit log").click()
    expect(admin).to_have_title(re.compile(r"^Audit log"))
    expect(admin.locator("#audit-entries tbody tr").first).to_contain_text("Invitation accepted")
    assert_accessible(admin, f"the audit log ({scheme})")
    admin.get_by_label("Action").select_option("invite")
    admin.get_by_role("button", name="Filter").click()
    expect(admin.locator("#audit-entries tbody tr")).to_have_count(1)
    expect(admin.locator("#audit-entries")).to_contain_text("for Ada")


def test_without_javascript_the_link_is_there_to_select_and_revoking_asks_first(new_page, make_user, page_problems):
    page_problems.allow_status(201, 410)
    make_user("boss", is_admin=True)
    admin = new_page(java_script_enabled=False)
    sign_in(admin, "boss")
    admin.goto("/admin/invitations")
    admin.get_by_role("button", name="Create invitation link").click()
    link = admin.get_by_label("Invitation link").input_value()
    expect(admin.get_by_role("button", name="Copy link")).to_be_hidden()
    admin.reload()  # the form sent again: no second link, and this one is not shown again
    expect(admin.locator("#made-already")).to_contain_text("This form made an invitation already")
    expect(admin.get_by_label("Invitation link")).to_have_count(0)
    expect(admin.locator("#pending-invitations tbody tr")).to_have_count(1)

    admin.get_by_role("link", name=re.compile(r"^Revoke")).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Revoke the invitation?")
    admin.get_by_role("button", name="Revoke invitation").click()
    expect(admin.locator("#messages")).to_contain_text("Invitation revoked")
    expect(admin.get_by_text("No pending invitations.")).to_be_visible()

    invitee = new_page(java_script_enabled=False)
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("This invitation was revoked")
