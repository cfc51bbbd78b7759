"""The password policy, for admin-created, admin-reset and self-changed passwords."""

import pytest

from bookapp.users.passwords import COMMON_PASSWORDS_FILE, common_passwords, password_problem
from tests.conftest import PASSWORD, Browser


def create(admin, username, password):
    return admin.post("/admin/users/new", {"username": username, "password": password})


def test_a_password_needs_12_characters(admin):
    assert "Use at least 12 characters." in create(admin, "carol", "x7#kQ2!mZp9").get_data(as_text=True)
    assert create(admin, "carol", "x7#kQ2!mZp9w").status_code == 303


def test_128_characters_are_accepted_and_not_truncated(admin, app):
    long_password = "Lorem ipsum dolor sit amet " * 4 + "x" * 20
    long_password = long_password[:128]
    assert len(long_password) == 128
    assert create(admin, "carol", long_password).status_code == 303
    assert Browser(app).post("/login", {"username": "carol", "password": long_password[:127]}).status_code == 200
    Browser(app).login("carol", long_password)
    assert "Use at most 128 characters." in create(admin, "dave", long_password + "y").get_data(as_text=True)


def test_any_characters_are_allowed(admin, app):
    password = "pässwörd 🐉 with spaces\tand ☃ 中文 ‮rtl"
    assert create(admin, "carol", password).status_code == 303
    Browser(app).login("carol", password)


def test_the_common_password_list_has_at_least_10000_entries_and_says_where_it_comes_from():
    assert len(common_passwords()) >= 10_000
    header = COMMON_PASSWORDS_FILE.read_text().splitlines()[:4]
    assert any("zxcvbn" in line for line in header) and any("MIT" in line for line in header)


def test_every_common_password_is_refused():
    refused = [p for p in common_passwords() if password_problem(p)]
    assert len(refused) == len(common_passwords())
    long_ones = [p for p in common_passwords() if len(p) >= 12]
    assert len(long_ones) > 100
    assert all("common passwords" in password_problem(p) for p in long_ones)
    assert all("common passwords" in password_problem(p.upper()) for p in long_ones)  # case does not help


@pytest.mark.parametrize("password", ["1qaz2wsx3edc", "QWERTY123456", "qazwsxedcrfv"])
def test_common_passwords_are_refused_in_every_form(admin, app, make_user, password):
    assert password.lower() in common_passwords()
    assert "common passwords" in create(admin, "carol", password).get_data(as_text=True)
    alice = make_user("alice")
    reset = admin.post(f"/admin/users/{alice.id}/password", {"new_password": password})
    assert reset.status_code == 422 and "common passwords" in reset.get_data(as_text=True)
    reader = Browser(app)
    reader.login("alice")
    change = reader.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": password, "confirm_password": password},
    )
    assert change.status_code == 422 and "common passwords" in change.get_data(as_text=True)


def test_the_username_cannot_be_the_password(admin):
    assert "Do not use the username" in create(admin, "carolyn", "carolyn-2026-xyz").get_data(as_text=True)
