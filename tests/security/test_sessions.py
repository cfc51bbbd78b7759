"""Session cookies: their flags, a new session at sign-in, and server-side sign-out."""

from bookapp import create_app
from bookapp.config import ProductionConfig
from bookapp.users import repository as users
from tests.conftest import PASSWORD, Browser

NEW_PASSWORD = "a brand new passphrase"


def session_cookie(browser: Browser) -> str | None:
    cookie = browser.client.get_cookie("session")
    return cookie.value if cookie else None


def replay(app, cookie_value: str):
    """A different browser presenting a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie_value)
    return thief.get("/")


def test_session_cookie_is_httponly_and_samesite_lax(browser, make_user):
    make_user("alice")
    set_cookie = browser.post("/login", {"username": "alice", "password": PASSWORD}).headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie  # the testing app runs on plain HTTP


def test_session_cookie_is_secure_in_production(database_url, make_user, monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "p" * 64)
    app = create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_SSL_STRICT": False})
    make_user("alice")
    client = app.test_client()
    page = client.get("/login", base_url="https://books.example").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token},
        base_url="https://books.example",
    )
    assert response.status_code == 303
    set_cookie = response.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


def test_the_session_changes_at_sign_in_and_planted_values_are_dropped(browser, make_user):
    make_user("alice")
    browser.token()  # an anonymous session exists (it holds the CSRF token)
    with browser.client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = session_cookie(browser)
    browser.login("alice")
    after = session_cookie(browser)
    assert before and after and before != after
    with browser.client.session_transaction() as session:
        assert "planted" not in session


def test_an_old_cookie_replayed_after_log_out_does_not_get_in(reader, app):
    stolen = session_cookie(reader)
    assert replay(app, stolen).status_code == 200  # the copy works while the session lives
    reader.post("/logout")
    response = replay(app, stolen)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_changing_ones_password_signs_out_other_devices_but_not_this_one(reader, app):
    other_device = session_cookie(reader)
    response = reader.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert reader.get("/").status_code == 200
    assert replay(app, other_device).status_code == 302
    Browser(app).login("alice", NEW_PASSWORD)


def test_a_disabled_users_cookie_stops_working_at_the_next_request(reader, admin, app):
    with app.app_context():
        alice = users.find_by_username("alice")
    assert admin.post(f"/admin/users/{alice.id}/disable").status_code == 303
    assert reader.get("/").status_code == 302


def test_a_password_reset_by_an_admin_ends_the_users_sessions(reader, admin, app):
    with app.app_context():
        alice = users.find_by_username("alice")
    assert admin.post(f"/admin/users/{alice.id}/password", {"new_password": NEW_PASSWORD}).status_code == 303
    assert reader.get("/").status_code == 302
    Browser(app).login("alice", NEW_PASSWORD)


def test_a_deleted_users_cookie_stops_working_at_the_next_request(reader, admin, app):
    with app.app_context():
        alice = users.find_by_username("alice")
    admin.post(f"/admin/users/{alice.id}/delete")
    assert reader.get("/").status_code == 302


def test_the_cookie_does_not_carry_the_user_id(reader, app):
    """Flask-Login stores get_id() in the session; it is the rotating token, not the numeric id."""
    with reader.client.session_transaction() as session:
        stored = session["_user_id"]
    with app.app_context():
        alice = users.find_by_username("alice")
    assert stored == alice.session_token and stored != str(alice.id) and len(stored) >= 40
