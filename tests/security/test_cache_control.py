"""No browser or proxy may keep a response that depends on the session: every route the URL map has,
for an anonymous visitor, a reader and an admin, with and without htmx, answers `Cache-Control:
no-store`, and so do the sign-in page, form answers and every error page. Static files keep their
long lifetimes (WhiteNoise answers them before the app)."""

from __future__ import annotations

import datetime as dt

import pytest

from bookapp import create_app
from bookapp.books import Status
from bookapp.config import TestingConfig
from bookapp.static_files import HASHED_CACHE_CONTROL, ORIGINAL_MAX_AGE
from bookapp.users import repository as users
from tests.conftest import Browser, make_import_job, make_invitation

NO_SUCH_BOOK = "01JABCDEFGHJKMNPQRSTVWXYZ0"


def directives(response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


def storable(response) -> str | None:
    """Why a browser or proxy could keep this response, or None when it may not."""
    found = directives(response)
    if "no-store" not in found:
        return f"Cache-Control: {response.headers.get('Cache-Control')!r}"
    if found & {"public", "immutable"} or any(part.startswith(("max-age", "s-maxage")) for part in found):
        return f"no-store beside {response.headers.get('Cache-Control')!r}"
    return None


def build(rule, values: dict) -> str:
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: no test value for {sorted(missing)}; add one to this test"
    return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


@pytest.fixture
def visitors(app, reader, admin, books):
    """Who asks, with the URL values that reach their own things: alice (a reader) and boss (an admin)
    each with a book, and alice's account for the admin routes."""
    values = {}
    for name in ("alice", "boss"):
        with app.app_context():
            user = users.find_by_username(name)
            user_id, books_key = user.id, user.books_key
        book = books.add(books_key, f"{name}’s book", "Author", Status.READING, dt.date(2026, 1, 1))
        values[name] = {
            "book_id": book.book_id,
            "user_id": user_id,
            "status": Status.READING.value,
            "index": 0,
            "token_id": 1,
            "year": 2024,
            "job_id": make_import_job(app, user_id),
            "line": 3,
            **dict(zip(("invitation_id", "secret"), make_invitation(app), strict=True)),
        }
    values["boss"]["user_id"] = values["alice"]["user_id"]
    return {
        "anonymous": (Browser(app), values["alice"]),
        "reader": (reader, values["alice"]),
        "admin": (admin, values["boss"]),
    }


@pytest.mark.parametrize("who", ["anonymous", "reader", "admin"])
def test_no_get_route_may_be_stored_by_a_browser_or_proxy(app, visitors, who):
    browser, values = visitors[who]
    rules = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"]
    assert len(rules) >= 13
    problems, statuses = {}, set()
    for rule in rules:
        for htmx in (False, True):
            response = browser.get(build(rule, values), htmx=htmx)
            statuses.add(response.status_code)
            if reason := storable(response):
                problems[f"GET {rule.rule}{' (htmx)' if htmx else ''} {response.status_code}"] = reason
    assert problems == {}
    assert statuses & {200, 302} and (who != "reader" or 403 in statuses)  # pages, redirects, refusals


def test_no_form_answer_may_be_stored(app, visitors):
    """Every POST route, as an admin who owns the book in the URL, with an empty form (a form error
    shows the form again, with the session's CSRF token) and plainly or for htmx; sign-out last."""
    browser, values = visitors["admin"]
    rules = sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in rule.methods),
        key=lambda rule: rule.endpoint == "auth.logout",
    )
    assert len(rules) >= 12
    problems = {}
    for rule in rules:
        for htmx in (False, True):
            response = browser.post(build(rule, values), {}, htmx=htmx)
            if reason := storable(response):
                problems[f"POST {rule.rule}{' (htmx)' if htmx else ''} {response.status_code}"] = reason
    assert problems == {}


def test_the_sign_in_page_and_its_answers_may_not_be_stored(app, make_user):
    make_user("alice")
    browser = Browser(app)

    page = browser.get("/login")
    refused = browser.post("/login", {"username": "alice", "password": "not the password"})
    signed_in = browser.post("/login", {"username": "alice", "password": "correct horse battery staple"})

    assert 'name="csrf_token"' in page.get_data(as_text=True)  # tied to this visitor's session
    assert [(response.status_code, storable(response)) for response in (page, refused, signed_in)] == [
        (200, None),
        (200, None),
        (303, None),
    ]


def test_no_error_page_may_be_stored(app, reader, books):
    with app.app_context():
        alice_key = users.find_by_username("alice").books_key
    book = books.add(alice_key, "Dune", "Frank Herbert", Status.NOT_STARTED, dt.date(2026, 1, 1))
    reader.post(f"/books/{book.book_id}/move", {"status": "reading", "version": "1"})
    answers = {
        "404 page": reader.get("/no/such/page"),
        "404 message (htmx)": reader.get(f"/books/{NO_SUCH_BOOK}", htmx=True),
        "403 page": reader.get("/admin/users"),
        "405 page": reader.get(f"/books/{book.book_id}/move"),
        "400 form refused": reader.post("/books", {"title": "Dune"}, csrf=False),
        "409 changed meanwhile (htmx)": reader.post(
            f"/books/{book.book_id}/move", {"status": "finished", "version": "1"}, htmx=True
        ),
        "413 too large": reader.post("/books", {"title": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)}),
        "422 form errors": reader.post("/books", {"title": "", "author": "", "status": "reading"}),
    }
    assert {name: response.status_code for name, response in answers.items()} == {
        "404 page": 404,
        "404 message (htmx)": 404,
        "403 page": 403,
        "405 page": 405,
        "400 form refused": 400,
        "409 changed meanwhile (htmx)": 409,
        "413 too large": 413,
        "422 form errors": 422,
    }
    assert {name: storable(response) for name, response in answers.items()} == dict.fromkeys(answers)


def test_an_unexpected_error_page_may_not_be_stored(app, make_user):
    """A 500 (a view that fails) and a 503 (DynamoDB not answering) are error pages like the others."""
    make_user("alice")
    failing = create_app(
        TestingConfig,
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "BOOKS_TABLE": "no-such-table"},
    )

    @failing.get("/fails")
    def fails():
        raise RuntimeError("a bug")

    reader = Browser(failing)
    reader.login("alice")

    unexpected, unavailable = reader.get("/fails"), reader.get("/")

    assert (unexpected.status_code, storable(unexpected)) == (500, None)
    assert (unavailable.status_code, storable(unavailable)) == (503, None)


def test_static_files_keep_their_cache_lifetimes(app):
    client = app.test_client()
    hashed = client.get("/static/" + app.extensions["static_files"]["app.css"], headers={"Accept-Encoding": "gzip"})
    original = client.get("/static/app.css")

    assert hashed.status_code == original.status_code == 200
    assert hashed.headers["Cache-Control"] == HASHED_CACHE_CONTROL
    assert "accept-encoding" in hashed.headers.get("Vary", "").lower()
    assert f"max-age={ORIGINAL_MAX_AGE}" in directives(original)
    assert "no-store" not in directives(original)


def test_pages_still_vary_on_htmx_and_the_session(reader):
    """Two answers share each URL (a page, and a fragment for htmx), and each depends on the
    session cookie: `Vary` says so to anything that would key a copy on the URL alone."""
    for htmx in (False, True):
        vary = {part.strip().lower() for part in reader.get("/", htmx=htmx).headers.get("Vary", "").split(",")}
        assert {"hx-request", "cookie"} <= vary
