"""Sign-ins and refusals are logged once each, with who and from where, never with a password."""

import logging

from tests.conftest import PASSWORD, Browser

SECURITY_LOGGERS = ("bookapp.blueprints.auth.routes", "bookapp.errors")


def security_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name in SECURITY_LOGGERS]


def test_sign_in_success_and_failure_are_logged_once_each(app, make_user, caplog):
    alice = make_user("alice")
    with caplog.at_level(logging.INFO):
        Browser(app).post("/login", {"username": "alice", "password": "wrong password 123"})
        Browser(app).login("alice")
    lines = security_lines(caplog)
    assert lines == [
        "sign-in failed username='alice' ip=127.0.0.1",
        f"sign-in succeeded user_id={alice.id} ip=127.0.0.1",
    ]
    everything = "\n".join(record.getMessage() for record in caplog.records)
    assert "wrong password 123" not in everything and PASSWORD not in everything


def test_an_authorization_failure_is_logged_once_with_user_and_address(reader, app, caplog):
    with caplog.at_level(logging.INFO):
        reader.get("/admin/users")
    (line,) = [m for m in security_lines(caplog) if "authorization failed" in m]
    assert line.startswith("authorization failed user=") and line.endswith("GET /admin/users ip=127.0.0.1")


def test_a_csrf_failure_is_logged_once(reader, caplog):
    with caplog.at_level(logging.INFO):
        reader.post("/books", {"title": "x", "author": "y"}, csrf=False)
    assert len([m for m in security_lines(caplog) if m.startswith("CSRF check failed")]) == 1


def test_a_forced_exception_gives_the_friendly_500_page_without_internals(app, make_user, caplog):
    @app.get("/explode-for-test")
    def explode():
        raise RuntimeError("database password is hunter2")

    make_user("alice")
    browser = Browser(app)
    browser.login("alice")
    with caplog.at_level(logging.ERROR):
        response = browser.get("/explode-for-test")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page and "Back to the board" in page
    for leak in ("hunter2", "RuntimeError", "Traceback", "explode", ".py"):
        assert leak not in page
    assert any("Unhandled error on GET /explode-for-test" in r.getMessage() for r in caplog.records)


def test_a_request_cannot_forge_a_log_line(app, caplog):
    """A path carrying CR/LF (sent as %0d%0a) is written escaped, on its own one line."""
    forged = "2026-11-30 08:00:00,000 INFO bookapp.requests: GET /admin/users 200 1.0ms user=1 ip=10.0.0.1"
    with caplog.at_level(logging.INFO, logger="bookapp"):
        app.test_client().get("/books%0d%0a" + forged.replace(" ", "%20"))
    formatter = logging.getLogger("bookapp").handlers[0].formatter
    (line,) = [formatter.format(record) for record in caplog.records if record.name == "bookapp.requests"]
    assert "\n" not in line and "\r" not in line
    assert "/books\\x0d\\x0a2026-11-30" in line
