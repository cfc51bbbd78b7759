"""Security checks driven by the app's own URL map, so a route added later cannot be forgotten.

- IDOR: every route that takes a `book_id` (and "Show more" with another reader's cursor) answers
  404 to a reader who does not own the book, and leaves the book as it was;
- admin: every /admin route refuses readers (403) and sends anonymous visitors to sign in;
- CSRF: every route that accepts POST refuses a request without a valid token, and accepts the
  token in the `X-CSRFToken` header, the way htmx sends it.

The routes are read at collection time from an app built like the fixture's (no service is
contacted to build it); `test_discovery_sees_the_same_routes_as_the_app_under_test` checks that
it is the same map the tests then run against.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from bookapp import create_app
from bookapp.books import Status
from bookapp.books.items import encode_cursor
from bookapp.config import TestingConfig
from bookapp.extensions import db
from bookapp.users import User
from bookapp.users import repository as users
from tests.api_helpers import make_token
from tests.conftest import PASSWORD, Browser, make_import_job, make_invitation

TODAY = dt.date(2026, 1, 1)
NEW_PASSWORD = "a brand new passphrase"
CSRF_MESSAGE = "Your form expired or was sent from elsewhere."
NO_SUCH_BOOK = "01JABCDEFGHJKMNPQRSTVWXYZ0"  # a well-formed id that no reader has


def _discovered_rules():
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


RULES = _discovered_rules()


def _cases(rules, methods=("GET", "POST")):
    """(method, rule) for each of `methods` the rule accepts; ids read like "POST /books/<book_id>/move"."""
    return [
        pytest.param(method, rule, id=f"{method} {rule.rule}")
        for rule in rules
        for method in methods
        if method in rule.methods
    ]


# The JSON API takes tokens, never the session cookie: its routes are checked apart, with tokens.
API_RULES = [rule for rule in RULES if rule.rule.startswith("/api/")]
BOOK_RULES = [rule for rule in RULES if "book_id" in rule.arguments and rule not in API_RULES]
ADMIN_RULES = [rule for rule in RULES if rule.rule.startswith("/admin")]
POST_RULES = [rule for rule in RULES if "POST" in rule.methods]

# What an attacker would send to someone else's book: a complete, valid-looking form.
HOSTILE_BOOK_FORM = {
    "title": "Pwned",
    "author": "Mallory",
    "status": "finished",
    "version": "1",
    "confirm": "yes",
}


def _book_cases():
    """GET as is; POST with a complete form and with an empty one, since a form error must not tell
    that the book exists either (someone else's book is 404 before it is 400 or 422)."""
    cases = []
    for rule in BOOK_RULES:
        if "GET" in rule.methods:
            cases.append(pytest.param("GET", rule, None, id=f"GET {rule.rule}"))
        if "POST" in rule.methods:
            cases.append(pytest.param("POST", rule, HOSTILE_BOOK_FORM, id=f"POST {rule.rule} complete form"))
            cases.append(pytest.param("POST", rule, {}, id=f"POST {rule.rule} empty form"))
    return cases


BOOK_CASES = _book_cases()
ADMIN_CASES = _cases(ADMIN_RULES)
POST_CASES = _cases(POST_RULES, methods=("POST",))

# Routes the CSRF checks leave out, each with the reason. Empty: every POST route is checked.
# (A name here that is no longer a route fails `test_csrf_exclusions_are_explicit_and_current`.)
CSRF_EXCLUDED: dict[str, str] = {
    "api.add_book": "the API takes a bearer token and ignores cookies: a forged request carries no token",
}

# A form each POST route would accept, so that what refuses a request is the CSRF check and
# nothing else. A new POST route without an entry is sent an empty form: if that gets a 400,
# the acceptance test fails and says so, and its entry belongs here.
VALID_FORMS = {
    "auth.login": {"username": "boss", "password": PASSWORD},
    "auth.logout": {},
    "auth.password": {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    "books.add": {"title": "Dune", "author": "Frank Herbert", "status": "reading"},
    "books.move": {"status": "reading", "version": "1"},
    "books.reorder": {"direction": "up", "version": "1"},
    "books.progress": {"progress": "12", "version": "1"},
    "books.edit": {"title": "Dune Messiah", "author": "Frank Herbert", "version": "1"},
    "books.delete": {"confirm": "yes"},
    "books.edit_facts": {
        "isbn": "978-0-306-40615-7",
        "pages": "300",
        "year_published": "1965",
        "series": "Dune",
        "series_number": "1",
        "format": "paper",
        "owned": "y",
        "version": "1",
    },
    "books.rate": {"rating": "4.5", "version": "1"},
    "books.edit_notes": {"notes": "Spice.", "version": "1"},
    "books.edit_tags": {"add": "sci-fi", "version": "1"},
    "books.add_read": {"outcome": "finished", "started": "2019-07", "ended": "2019-08-14", "version": "1"},
    "books.edit_read": {"outcome": "did_not_finish", "started": "2019", "ended": "2020", "version": "1"},
    "books.delete_read": {"version": "1"},
    "books.sort_column": {"key": "title", "direction": "desc"},
    "stats.set_goal": {"books": "12", "pages": "4000"},
    "stats.clear_goal": {},
    "admin.create_user": {"username": "mallory", "password": NEW_PASSWORD, "is_admin": "y"},
    "admin.delete_user": {"confirm": "yes"},
    "admin.disable_user": {"confirm": "yes"},
    "admin.enable_user": {"confirm": "yes"},
    "admin.change_role": {"role": "admin"},
    "admin.reset_password": {"new_password": NEW_PASSWORD},
    "admin.revoke_tokens": {"confirm": "yes"},
    # Account 1 is the signed-in admin's own (skipped by the rules) or no account (the list again, 422).
    "admin.confirm_bulk_action": {"user_ids": "1", "action": "disable"},
    "admin.apply_bulk_action": {"user_ids": "1", "action": "disable"},
    "admin.invitations": {"expiry": "7d", "note": "for Ada", "as_admin": "y"},
    "admin.revoke_invitation": {"confirm": "yes"},
    "auth.accept_invitation_page": {"username": "newbie", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    "auth.access_tokens": {"name": "script", "expiry": "30", "scope": "read"},
    "auth.revoke_access_token": {"confirm": "yes"},
}


def text(response) -> str:
    return response.get_data(as_text=True)


def build(rule, **values) -> str:
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: no test value for {sorted(missing)}; add one to this test"
    return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


def send(browser: Browser, method: str, url: str, data: dict | None = None, htmx: bool = False):
    if method == "GET":
        return browser.get(url, htmx=htmx)
    return browser.post(url, data, htmx=htmx)


def user_rows(app) -> list[dict]:
    """Every column of every account, to prove that a refused request changed nobody."""
    with app.app_context():
        rows = db.session.query(User).order_by(User.id).all()
        return [{column.name: getattr(row, column.name) for column in User.__table__.columns} for row in rows]


def books_of(books, user_key: str) -> tuple:
    columns = tuple(tuple(books.list_column(user_key, status, 100).books) for status in Status)
    return columns, books.counts(user_key)


def htmx_csrf_token(browser: Browser) -> str:
    """The token exactly as htmx gets it: from `hx-headers` on <body>."""
    page = text(browser.get("/"))
    match = re.search(r"<body[^>]*\shx-headers='([^']*)'", page)
    assert match, "no hx-headers on <body>: htmx would send no CSRF token"
    return json.loads(html.unescape(match.group(1)))["X-CSRFToken"]


# -- discovery ---------------------------------------------------------------------------------------


def test_discovery_sees_the_same_routes_as_the_app_under_test(app):
    def described(rules):
        return sorted((rule.rule, rule.endpoint, tuple(sorted(rule.methods))) for rule in rules)

    assert described(RULES) == described(app.url_map.iter_rules())


def test_discovery_finds_every_kind_of_route_it_checks():
    assert len(RULES) >= 19
    assert {rule.endpoint for rule in BOOK_RULES} >= {"books.show", "books.edit", "books.move", "books.delete"}
    assert len(BOOK_CASES) >= 9  # view, edit GET, delete GET; edit, move, delete POST with two forms each
    assert len(ADMIN_CASES) >= 10
    assert len(POST_CASES) >= 12
    assert any(rule.endpoint == "books.column" for rule in RULES), "the 'Show more' route is gone or renamed"


# -- IDOR: another reader's book ---------------------------------------------------------------------


@pytest.fixture
def bobs_book(app, make_user, books):
    """Bob and one of his books; alice (the `reader` fixture) must not reach it."""
    bob = make_user("bob")
    book = books.add(bob.books_key, "Bob’s private diary", "Bob", Status.NOT_STARTED, TODAY)
    return bob.books_key, book


def without_csrf_tokens(page: str) -> str:
    """The page with its CSRF tokens blanked: a token carries the second it was signed in, so two
    pages a moment apart may differ there and nowhere else."""
    return re.sub(r'(name="csrf_token" value="|"X-CSRFToken": ")[^"]+', r"\1", page)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("method", "rule", "data"), BOOK_CASES)
def test_another_readers_book_is_not_found_on_every_book_route(reader, books, bobs_book, method, rule, data, htmx):
    bob_key, book = bobs_book
    before = books_of(books, bob_key)

    response = send(reader, method, build(rule, book_id=book.book_id, index=0), data, htmx=htmx)
    missing = send(reader, method, build(rule, book_id=NO_SUCH_BOOK, index=0), data, htmx=htmx)

    assert response.status_code == 404, text(response)[:500]
    assert "Bob’s private diary" not in text(response)
    # Someone else's book and a book that does not exist get the very same answer: no oracle.
    assert (missing.status_code, without_csrf_tokens(text(missing))) == (404, without_csrf_tokens(text(response)))
    assert books.get(bob_key, book.book_id) == book
    assert books_of(books, bob_key) == before


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_show_more_with_another_readers_cursor_is_not_found(reader, books, bobs_book, htmx):
    bob_key, book = bobs_book
    for i in range(3):
        books.add(bob_key, f"Bob’s book {i}", "Bob", Status.NOT_STARTED, TODAY)
    before = books_of(books, bob_key)
    (column_rule,) = [rule for rule in RULES if rule.endpoint == "books.column"]
    url = build(column_rule, status=book.status.value) + "?after=" + encode_cursor(book)

    response = reader.get(url, htmx=htmx)

    assert response.status_code == 404
    assert "Bob’s" not in text(response)
    assert books.get(bob_key, book.book_id) == book
    assert books_of(books, bob_key) == before


# -- admin routes ------------------------------------------------------------------------------------


@pytest.fixture
def carol(app, make_user, books):
    """A reader with a book, the target of the admin routes that take a user id."""
    user = make_user("carol")
    books.add(user.books_key, "Carol’s book", "Carol", Status.READING, TODAY)
    return user


ADMIN_FORM = {
    "username": "mallory",
    "password": NEW_PASSWORD,
    "is_admin": "y",
    "new_password": NEW_PASSWORD,
    "confirm": "yes",
}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("method", "rule"), ADMIN_CASES)
def test_every_admin_route_refuses_readers(app, reader, books, carol, method, rule, htmx):
    users_before, books_before = user_rows(app), books_of(books, carol.books_key)

    invitation_id, _ = make_invitation(app)
    response = send(reader, method, build(rule, user_id=carol.id, invitation_id=invitation_id), ADMIN_FORM, htmx=htmx)

    assert response.status_code == 403, text(response)[:500]
    assert "You do not have permission" in text(response)
    assert user_rows(app) == users_before
    assert books_of(books, carol.books_key) == books_before


@pytest.mark.parametrize(("method", "rule"), ADMIN_CASES)
def test_every_admin_route_sends_anonymous_visitors_to_sign_in(app, browser, books, carol, method, rule):
    users_before, books_before = user_rows(app), books_of(books, carol.books_key)

    invitation_id, _ = make_invitation(app)
    response = send(browser, method, build(rule, user_id=carol.id, invitation_id=invitation_id), ADMIN_FORM)

    assert response.status_code == 302
    assert response.headers["Location"].split("?")[0] in ("/login", "http://localhost/login")
    assert user_rows(app) == users_before
    assert books_of(books, carol.books_key) == books_before


# -- GET is safe -------------------------------------------------------------------------------------


def test_no_get_route_changes_anything(app, admin, books, carol):
    """GET requests carry no CSRF token, so none may change state: every GET route, as an admin who
    owns the book in the URL, leaves accounts and books exactly as they were."""
    with app.app_context():
        boss_key = users.find_by_username("boss").books_key
    book = books.add(boss_key, "Boss’s book", "Boss", Status.NOT_STARTED, TODAY)
    values = {
        "book_id": book.book_id,
        "user_id": carol.id,
        "status": Status.NOT_STARTED.value,
        "filename": "app.css",
        "index": 0,
        "token_id": boss_token_id(app),
        "year": 2024,
        "job_id": make_import_job(app, int(boss_key)),
        "line": 3,
    }
    values["invitation_id"], values["secret"] = make_invitation(app)
    get_rules = [rule for rule in RULES if "GET" in rule.methods and rule not in API_RULES]
    assert len(get_rules) >= 14
    before = user_rows(app), books_of(books, boss_key), books_of(books, carol.books_key)

    for rule in get_rules:
        for htmx in (False, True):
            response = admin.get(build(rule, **values), htmx=htmx)
            assert response.status_code < 400, f"GET {rule.rule}: {response.status_code}"

    assert (user_rows(app), books_of(books, boss_key), books_of(books, carol.books_key)) == before


def boss_token_id(app) -> int:
    make_token(app, "boss")
    with app.app_context():
        return users.tokens_of(users.find_by_username("boss").id)[0].id


# -- CSRF --------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_target(app, admin, books, carol):
    """URL values for every POST route: a book of the signed-in admin's own (finished, so it has a
    read-through, the first of its history), and a user to act on."""
    with app.app_context():
        boss_key = users.find_by_username("boss").books_key
    book = books.add(boss_key, "Boss’s book", "Boss", Status.FINISHED, TODAY)
    assert book.version == 1  # VALID_FORMS sends version 1
    return {
        "book_id": book.book_id,
        "user_id": carol.id,
        "status": Status.NOT_STARTED.value,
        "index": 0,
        "year": 2024,
        "boss_key": boss_key,
        "job_id": make_import_job(app, int(boss_key)),
        "line": 3,
        **dict(zip(("invitation_id", "secret"), make_invitation(app), strict=True)),
    }


def post_rule_url(rule, target) -> str:
    names = ("book_id", "user_id", "status", "index", "year", "job_id", "line", "invitation_id", "secret")
    return build(rule, **{name: target[name] for name in names}, token_id=1)


def test_csrf_exclusions_are_explicit_and_current():
    endpoints = {rule.endpoint for rule in POST_RULES}
    assert set(CSRF_EXCLUDED) <= endpoints, "an excluded route no longer exists: remove it from CSRF_EXCLUDED"
    assert all(reason.strip() for reason in CSRF_EXCLUDED.values()), "every exclusion needs a reason"


@pytest.mark.parametrize("token", ["missing", "forged", "from another session"])
@pytest.mark.parametrize(("method", "rule"), POST_CASES)
def test_every_post_route_refuses_a_request_without_a_valid_csrf_token(
    app, admin, books, csrf_target, method, rule, token
):
    if rule.endpoint in CSRF_EXCLUDED:
        pytest.skip(f"excluded from CSRF checks: {CSRF_EXCLUDED[rule.endpoint]}")
    url = post_rule_url(rule, csrf_target)
    data = dict(VALID_FORMS.get(rule.endpoint, {}))
    users_before = user_rows(app)
    books_before = [books_of(books, key) for key in (csrf_target["boss_key"], str(csrf_target["user_id"]))]

    if token == "missing":
        response = admin.post(url, data, csrf=False)
    else:
        value = "forged-token" if token == "forged" else Browser(app).token()  # an anonymous visitor's token
        response = admin.client.post(url, data=data, headers={"HX-Request": "true", "X-CSRFToken": value})

    assert response.status_code == 400, text(response)[:500]
    assert CSRF_MESSAGE in text(response)
    assert user_rows(app) == users_before
    assert [books_of(books, key) for key in (csrf_target["boss_key"], str(csrf_target["user_id"]))] == books_before
    assert admin.get("/account/password").status_code == 200  # still signed in (logout did not happen)


@pytest.mark.parametrize(("method", "rule"), POST_CASES)
def test_every_post_route_accepts_the_csrf_token_in_the_htmx_header(app, admin, csrf_target, method, rule):
    if rule.endpoint in CSRF_EXCLUDED:
        pytest.skip(f"excluded from CSRF checks: {CSRF_EXCLUDED[rule.endpoint]}")
    url = post_rule_url(rule, csrf_target)
    data = dict(VALID_FORMS.get(rule.endpoint, {}))
    assert "csrf_token" not in data
    token = htmx_csrf_token(admin)

    response = admin.client.post(url, data=data, headers={"HX-Request": "true", "X-CSRFToken": token})

    assert response.status_code != 400, f"{rule.endpoint}: {text(response)[:500]}"
    assert CSRF_MESSAGE not in text(response)
    assert response.status_code < 500


# -- the JSON API ------------------------------------------------------------------------------------


def _api_cases(rules):
    return [
        pytest.param(method, rule, id=f"{method} {rule.rule}")
        for rule in rules
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


API_PUBLIC_ENDPOINTS = {"api.openapi", "api.reference"}
API_CASES = _api_cases([rule for rule in API_RULES if rule.endpoint not in API_PUBLIC_ENDPOINTS])
API_BOOK_CASES = _api_cases([rule for rule in API_RULES if "book_id" in rule.arguments])
# A body each API write would accept from the book's owner.
API_BODIES = {"PATCH": {"version": 1, "title": "Pwned"}, "POST": {"title": "Pwned", "author": "Mallory"}}


def test_discovery_finds_the_api_routes():
    assert {rule.endpoint for rule in API_RULES} >= {"api.me", "api.list_your_books", "api.get_book", "api.openapi"}
    assert len(API_BOOK_CASES) >= 3  # GET, PATCH and DELETE of one book


@pytest.mark.parametrize(("method", "rule"), API_CASES)
def test_no_api_route_takes_a_signed_in_browsers_session(app, admin, books, carol, method, rule):
    """A page on another site could make a signed-in reader's browser call the API: the session
    cookie (and a CSRF token with it) opens nothing there."""
    with app.app_context():
        boss_key = users.find_by_username("boss").books_key
    book = books.add(boss_key, "Boss’s book", "Boss", Status.NOT_STARTED, TODAY)
    before = user_rows(app), books_of(books, boss_key)
    url = build(rule, book_id=book.book_id)
    token = htmx_csrf_token(admin)

    response = admin.client.open(url, method=method, json=API_BODIES.get(method), headers={"X-CSRFToken": token})

    assert response.status_code == 401, text(response)[:500]
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (user_rows(app), books_of(books, boss_key)) == before


@pytest.mark.parametrize(("method", "rule"), API_BOOK_CASES)
def test_another_readers_book_is_not_found_on_every_api_book_route(app, reader, books, bobs_book, method, rule):
    bob_key, book = bobs_book
    before = books_of(books, bob_key)
    alice = app.test_client(use_cookies=False)
    headers = {"Authorization": "Bearer " + make_token(app, "alice"), "If-Match": '"1"'}

    response = alice.open(
        build(rule, book_id=book.book_id), method=method, json=API_BODIES.get(method), headers=headers
    )
    missing = alice.open(build(rule, book_id=NO_SUCH_BOOK), method=method, json=API_BODIES.get(method), headers=headers)

    assert response.status_code == 404, text(response)[:500]
    assert "Bob’s private diary" not in text(response)
    assert (missing.status_code, text(missing)) == (404, text(response))
    assert books.get(bob_key, book.book_id) == book
    assert books_of(books, bob_key) == before
