"""Admins disable, re-enable and reset accounts; everyone can change their own password."""

import datetime as dt

from bookapp.books import Status
from bookapp.users import repository as users
from tests.conftest import PASSWORD, Browser

NEW_PASSWORD = "a brand new passphrase"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_disabled_user_cannot_sign_in_and_keeps_their_books(admin, app, make_user, books):
    alice = make_user("alice")
    books.add(alice.books_key, "Dune", "Frank Herbert", Status.READING, dt.date(2026, 1, 1))
    admin.post(f"/admin/users/{alice.id}/disable")
    assert "“alice” is disabled." in text(admin.get("/admin/users"))
    refused = Browser(app).post("/login", {"username": "alice", "password": PASSWORD})
    assert "This account is disabled." in text(refused) and refused.status_code == 200
    assert books.counts(alice.books_key)[Status.READING] == 1

    admin.post(f"/admin/users/{alice.id}/enable")
    assert "“alice” is enabled." in text(admin.get("/admin/users"))
    browser = Browser(app)
    browser.login("alice")
    assert ">Dune</a></h3>" in text(browser.get("/"))


def test_a_wrong_password_for_a_disabled_account_says_nothing_about_it(admin, app, make_user):
    alice = make_user("alice")
    admin.post(f"/admin/users/{alice.id}/disable")
    refused = Browser(app).post("/login", {"username": "alice", "password": "not her password!"})
    assert "do not match an account" in text(refused) and "disabled" not in text(refused)


def test_an_admin_cannot_disable_themselves_nor_the_last_active_admin(admin, app, make_user):
    with app.app_context():
        me = users.find_by_username("boss")
    admin.post(f"/admin/users/{me.id}/disable")
    assert "You cannot disable your own account." in text(admin.get("/admin/users"))
    other = make_user("second", is_admin=True)
    admin.post(f"/admin/users/{other.id}/disable")
    with app.app_context():
        assert users.find_by_username("second").is_disabled
        assert not users.find_by_username("boss").is_disabled


def test_admin_resets_a_forgotten_password(admin, app, make_user):
    alice = make_user("alice")
    page = text(admin.get(f"/admin/users/{alice.id}/password"))
    assert "New password for “alice”" in page
    weak = admin.post(f"/admin/users/{alice.id}/password", {"new_password": "short"})
    assert weak.status_code == 422 and "Use at least 12 characters." in text(weak)
    assert admin.post(f"/admin/users/{alice.id}/password", {"new_password": NEW_PASSWORD}).status_code == 303
    assert Browser(app).post("/login", {"username": "alice", "password": PASSWORD}).status_code == 200
    Browser(app).login("alice", NEW_PASSWORD)


def test_changing_ones_own_password_needs_the_current_one(reader, app):
    page = text(reader.get("/account/password"))
    assert "Current password" in page and "New password again" in page
    cases = [
        (
            {"current_password": "not the password!", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
            "The current password is not right.",
        ),
        (
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"},
            "The two new passwords differ.",
        ),
        (
            {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
            "Use at least 12 characters.",
        ),
    ]
    for data, message in cases:
        response = reader.post("/account/password", data)
        assert response.status_code == 422 and message in text(response)
        assert all(value not in text(response) for value in data.values())  # passwords are never echoed
    Browser(app).login("alice")  # unchanged
    ok = reader.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert ok.status_code == 303
    assert "Your password is changed." in text(reader.get("/"))


def test_change_password_is_linked_from_every_page(reader):
    assert 'href="/account/password">Change password</a>' in text(reader.get("/"))
