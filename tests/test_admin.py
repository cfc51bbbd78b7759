"""Admin pages: accounts are created and deleted by admins only."""

import datetime as dt
import re

from bookapp.books import Status
from bookapp.users import repository as users
from tests.conftest import PASSWORD, Browser

NEW_PASSWORD = "a long enough password"


def text(response) -> str:
    return response.get_data(as_text=True)


def user_id(app, username: str) -> int:
    with app.app_context():
        user = users.find_by_username(username)
        return user.id if user else None


def admin_urls(app):
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            for method in sorted(rule.methods & {"GET", "POST"}):
                urls.append((method, rule.build({arg: 1 for arg in rule.arguments}, append_unknown=False)[1]))
    return urls


def test_admin_lists_users(admin, make_user):
    make_user("alice")
    page = text(admin.get("/admin/users"))
    assert "<title>Users · Book Tracking Online</title>" in page
    assert ">alice</th>" in page and ">boss <span" in page
    assert "Reader" in page and "Admin" in page


def test_user_list_is_paginated(admin, make_user, app):
    with app.app_context():
        for i in range(26):
            users.add_user(f"reader{i:02}", "x" * 12, False)
    first = text(admin.get("/admin/users"))
    assert first.count('<tr id="user-') == 25
    assert 'aria-label="User pages"' in first
    second = text(admin.get("/admin/users?page=2"))
    assert second.count('<tr id="user-') == 2


def test_admin_creates_a_reader_who_can_sign_in(admin, app):
    response = admin.post("/admin/users/new", {"username": "Carol", "password": NEW_PASSWORD})
    assert response.status_code == 303
    assert "Created reader “carol”." in text(admin.get("/admin/users"))
    carol = Browser(app)
    carol.login("carol", NEW_PASSWORD)
    assert "Admin</a>" not in text(carol.get("/"))


def test_admin_creates_an_admin(admin, app):
    admin.post("/admin/users/new", {"username": "dave", "password": NEW_PASSWORD, "is_admin": "y"})
    dave = Browser(app)
    dave.login("dave", NEW_PASSWORD)
    assert dave.get("/admin/users").status_code == 200


def test_create_user_errors_keep_the_input(admin, make_user):
    make_user("alice")
    cases = [
        ({"username": "alice", "password": NEW_PASSWORD}, "The username “alice” is taken."),
        ({"username": "a b", "password": NEW_PASSWORD}, "Usernames are 3 to 64 characters"),
        ({"username": "erin", "password": "short"}, "Use at least 12 characters."),
        ({"username": "erin", "password": "p" * 129}, "Use at most 128 characters."),
        ({"username": "", "password": NEW_PASSWORD}, "Enter a username."),
    ]
    for data, message in cases:
        response = admin.post("/admin/users/new", data)
        assert response.status_code == 422, data
        assert message in text(response), data
        assert f'value="{data["username"]}"' in text(response) or not data["username"]
        assert data["password"] not in text(response)  # passwords are never echoed back


def test_deleting_a_user_asks_first_then_removes_them_and_all_their_books(admin, app, make_user, books):
    alice = make_user("alice")
    for i in range(30):
        books.add(str(alice.id), f"Book {i}", "Author", Status.READING, dt.date(2026, 1, 1))
    page = text(admin.get(f"/admin/users/{alice.id}/delete"))
    assert "Delete “alice”?" in page and "all of its books (30)" in page
    assert user_id(app, "alice") == alice.id
    response = admin.post(f"/admin/users/{alice.id}/delete")
    assert response.status_code == 303
    assert "Deleted “alice” and 30 books." in text(admin.get("/admin/users"))
    assert user_id(app, "alice") is None
    assert books.list_column(str(alice.id), Status.READING, 50).books == []
    assert books.counts(str(alice.id)) == dict.fromkeys(Status, 0)


def test_an_admin_cannot_delete_themselves(admin, app):
    me = user_id(app, "boss")
    page = text(admin.get("/admin/users"))
    assert f'href="/admin/users/{me}/delete"' not in page
    response = admin.post(f"/admin/users/{me}/delete")
    assert response.status_code == 303
    assert "You cannot delete your own account." in text(admin.get("/admin/users"))
    assert user_id(app, "boss") == me


def test_the_last_admin_cannot_be_deleted(app, make_user):
    from bookapp.books import get_book_repository
    from bookapp.users.accounts import AccountError, delete_account
    from bookapp.users.audit import Actor

    only_admin = make_user("boss", is_admin=True)
    reader = make_user("alice")
    with app.app_context():
        try:
            delete_account(
                Actor.of(users.get_user(reader.id), "127.0.0.1"), users.get_user(only_admin.id), get_book_repository()
            )
        except AccountError as error:
            assert str(error) == "The last admin cannot be deleted."
        else:
            raise AssertionError("the last admin was deleted")
        assert users.get_user(only_admin.id) is not None


def test_one_admin_can_delete_another(admin, app, make_user):
    other = make_user("second", is_admin=True)
    admin.post(f"/admin/users/{other.id}/delete")
    assert user_id(app, "second") is None


def test_readers_get_403_on_every_admin_route(reader, app):
    urls = admin_urls(app)
    assert len(urls) >= 5
    for method, url in urls:
        response = reader.get(url) if method == "GET" else reader.post(url, {"username": "x", "password": NEW_PASSWORD})
        assert response.status_code == 403, (method, url)
        assert "You do not have permission" in text(response)
    assert user_id(app, "x") is None


def test_anonymous_visitors_are_sent_to_login_from_admin(browser, app):
    for method, url in admin_urls(app):
        response = browser.get(url) if method == "GET" else browser.post(url)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)


def test_admin_link_shows_for_admins_only(admin, reader):
    assert re.search(r'href="/admin/users">Admin</a>', text(admin.get("/")))
    assert 'href="/admin/users"' not in text(reader.get("/"))


def test_new_users_sign_in_with_the_password_the_admin_set(admin, app):
    admin.post("/admin/users/new", {"username": "frank", "password": NEW_PASSWORD})
    assert Browser(app).post("/login", {"username": "frank", "password": PASSWORD}).status_code == 200


def test_an_admin_makes_a_reader_an_admin_and_back(admin, app, make_user):
    from tests.test_audit_log import entries

    alice = make_user("alice")
    alices_browser = Browser(app)
    alices_browser.login("alice")
    assert alices_browser.get("/admin/users").status_code == 403
    board = text(alices_browser.get("/"))  # kept in the page cache from here on
    assert 'href="/admin/' not in board

    response = admin.post(f"/admin/users/{alice.id}/role", {"role": "admin"})
    assert response.status_code == 303
    assert "“alice” is an admin." in text(admin.get("/admin/users"))
    assert alices_browser.get("/admin/users").status_code == 200  # at her next request, no new sign-in
    assert 'href="/admin/' in text(alices_browser.get("/"))  # her kept board is not served again

    admin.post(f"/admin/users/{alice.id}/role", {"role": "reader"})
    assert "“alice” is a reader." in text(admin.get("/admin/users"))
    assert alices_browser.get("/admin/users").status_code == 403
    changes = [(entry["action"], entry["target_name"], entry["detail"]) for entry in entries(app)]
    assert changes[-2:] == [("role-change", "alice", "to admin"), ("role-change", "alice", "to reader")]


def test_an_admin_cannot_change_their_own_role_and_a_bad_role_is_refused(admin, app, make_user):
    me = user_id(app, "boss")
    admin.post(f"/admin/users/{me}/role", {"role": "reader"})
    assert "You cannot change your own role." in text(admin.get("/admin/users"))
    assert admin.get("/admin/users").status_code == 200  # still an admin
    alice = make_user("alice")
    assert admin.post(f"/admin/users/{alice.id}/role", {"role": "owner"}).status_code == 400
    assert admin.post("/admin/users/999999/role", {"role": "admin"}).status_code == 404


def test_the_last_active_admin_cannot_become_a_reader(app, make_user):
    from bookapp.users.accounts import AccountError, set_role
    from bookapp.users.audit import Actor

    only_admin = make_user("boss", is_admin=True)
    with app.app_context():
        try:
            set_role(Actor.command_line(), users.get_user(only_admin.id), is_admin=False)
        except AccountError as error:
            assert str(error) == "The last active admin cannot become a reader."
        else:
            raise AssertionError("the last admin became a reader")
        assert users.get_user(only_admin.id).is_admin
