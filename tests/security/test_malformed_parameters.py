"""Every parameter a request carries, made malformed, negative, huge or of the wrong type, gets an
answer from the 4xx family (or the first page), never a server error.

What is probed is found, not listed: the routes and their path arguments from the URL map (as in
test_route_discovery.py), the query parameters from the code that reads `request.args`, and the form
fields from the app's form classes. Each route is sent a form that it would accept (VALID_FORMS) with
a few fields swapped for hostile values, so a hostile value gets past the other fields' checks to
whatever parses it; path arguments are either the real ones (a book the admin owns, another account)
or hostile. Every example goes to a signed-in admin and to an anonymous visitor. The classic
malformations (CLASSIC_VALUES) are explicit examples, tried on every run; hypothesis adds its own.
"""

from __future__ import annotations

import base64
import datetime as dt
import inspect
import json
import re
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

import bookapp
from bookapp.blueprints.admin.user_list import LAST_PAGE_NUMBER
from bookapp.books import Status
from bookapp.books.items import MAX_CURSOR_LENGTH
from bookapp.extensions import limiter
from bookapp.users import repository as users
from bookapp.users.accounts import set_password
from bookapp.users.audit import Actor
from tests.api_helpers import make_token
from tests.conftest import PASSWORD, Browser, make_import_job, make_invitation
from tests.security.test_route_discovery import RULES, VALID_FORMS, build

TODAY = dt.date(2026, 1, 1)

# About a second per route; no example database written into the working tree.
SETTINGS = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# -- what there is to probe, found from the app --------------------------------------------------------

SOURCE = Path(bookapp.__file__).parent
QUERY_READ = re.compile(r"""request\.args(?:\.get\(|\.getlist\(|\[)\s*["'](\w+)["']""")


def _query_parameters() -> set[str]:
    """Every name the app reads from a query string, in Python code and in templates."""
    files = [*SOURCE.rglob("*.py"), *SOURCE.rglob("*.html")]
    return {name for path in files for name in QUERY_READ.findall(path.read_text(encoding="utf-8"))}


def _form_classes(base: type = FlaskForm) -> list[type]:
    """The app's form classes (building the app for RULES imported every blueprint's forms)."""
    found = []
    for subclass in base.__subclasses__():
        if subclass.__module__.startswith("bookapp."):
            found.append(subclass)
        found.extend(_form_classes(subclass))
    return found


def _form_fields() -> set[str]:
    """Every field of every form the app defines (the CSRF token is checked elsewhere)."""
    return {
        name
        for form in _form_classes()
        for name, _ in inspect.getmembers(form, lambda member: isinstance(member, UnboundField))
    }


QUERY_PARAMETERS = sorted(_query_parameters())
FORM_FIELDS = sorted(_form_fields())
CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")  # "<int:user_id>" → ("int", "user_id")


def _converters(rule) -> dict[str, str]:
    return {name: converter or "default" for converter, name in CONVERTER.findall(rule.rule)}


CASES = [
    pytest.param(method, rule, id=f"{method} {rule.rule}")
    for rule in RULES
    for method in ("GET", "POST")
    if method in rule.methods
]


# -- hostile values ------------------------------------------------------------------------------------


def any_of(*strategies: st.SearchStrategy) -> st.SearchStrategy:
    """One of `strategies`, each as likely as the others (`st.one_of` favours the first)."""
    return st.sampled_from(strategies).flatmap(lambda strategy: strategy)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


# Numbers of every size, the huge ones as likely as the small: a database's integer overflows at 2**63.
HUGE_INTEGERS = any_of(
    st.integers(min_value=-1000, max_value=1000),
    st.integers(min_value=0, max_value=100).map(lambda exponent: 10**exponent),
    st.integers(min_value=0, max_value=100).map(lambda exponent: -(10**exponent)),
    st.sampled_from([2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64]),
)
NUMBER_LIKE = st.sampled_from(["", " ", "1e9", "1.5", "-0", "+1", "NaN", "inf", "0x10", "1_000", "١", "9" * 5000])
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
LONG = st.builds(
    lambda piece, times: piece * times, st.sampled_from(["9", "A", "[", "%", "é", "\x00"]), st.integers(1000, 5000)
)
JSON = st.recursive(
    st.none() | st.booleans() | HUGE_INTEGERS | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
CURSOR_KEYS = ["user_id", "book_id", "user_status", "column_rank"]
DEPTHS = st.sampled_from([2, 50, 500, 1000, 3000, 10_000])  # around the interpreter's limit of 1,000
# What a "Show more" cursor might be made into: deeply nested JSON (the RecursionError of the
# outside scan), any JSON, a key with the right names and the wrong values, raw bytes.


CURSORS = any_of(
    DEPTHS.map(lambda depth: _b64(b"[" * depth + b"]" * depth)),
    DEPTHS.map(lambda depth: _b64(b'{"a":' * depth + b"1" + b"}" * depth)),
    JSON.map(lambda value: _b64(json.dumps(value).encode())),
    st.fixed_dictionaries({key: JSON for key in CURSOR_KEYS}).map(lambda key: _b64(json.dumps(key).encode())),
    st.binary(max_size=200).map(_b64),
)
HOSTILE = any_of(HUGE_INTEGERS.map(str), NUMBER_LIKE, TEXT, LONG, CURSORS, CURSORS)

REAL = object()  # stands for the real value of a path argument (the admin's book, another account)
PATH_VALUES = {
    "int": HUGE_INTEGERS.map(abs),
    "default": st.one_of(TEXT.filter(bool), LONG),
    "path": st.one_of(TEXT.filter(bool), LONG),
}


@st.composite
def requests_for(draw, rule, method: str) -> dict:
    """A request to `rule`: its path arguments real or (one time in three) hostile, every query
    parameter the app reads hostile, and for POST the form the route accepts with one or two fields
    replaced or added, so that the hostile value gets past the other fields' checks."""
    path = {
        name: draw(any_of(st.just(REAL), st.just(REAL), PATH_VALUES[converter]))
        for name, converter in _converters(rule).items()
    }
    query = {name: draw(HOSTILE) for name in QUERY_PARAMETERS}
    form = None
    if method == "POST":
        valid = VALID_FORMS.get(rule.endpoint, {})
        fields = st.sampled_from(sorted(set(valid) | set(FORM_FIELDS)))
        # A field may also come twice: the first value and the last both reach some parser.
        values = st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=2))
        form = {**valid, **draw(st.dictionaries(fields, values, min_size=1, max_size=2))}
    return {"path": path, "query": query, "form": form, "htmx": draw(st.booleans())}


# The malformations an outside scan sends first, tried on every parameter of every route before the
# generated ones: each is an explicit example, so these run every time, whatever hypothesis draws.
CLASSIC_VALUES = [
    "",
    "-1",
    "0",
    "99999999999999999999",
    str(2**63),
    "1e9",
    "abc",
    "\x00",
    "A" * 5000,
    _b64(b"[" * 1000 + b"]" * 1000),
    _b64(b"[" * 10_000 + b"]" * 10_000),
]
CLASSIC_PATH_VALUES = {"int": [0, 2**31, 2**63, 10**20], "default": ["x", "%", "A" * 5000], "path": ["..", "A" * 5000]}


def classic_requests(rule, method: str) -> list[dict]:
    """Every classic value in every query parameter (and the form the route accepts), then in every
    path argument."""
    converters = _converters(rule)
    real_path = dict.fromkeys(converters, REAL)
    form = dict(VALID_FORMS.get(rule.endpoint, {})) if method == "POST" else None
    probes = [
        {"path": real_path, "query": dict.fromkeys(QUERY_PARAMETERS, value), "form": form, "htmx": False}
        for value in CLASSIC_VALUES
    ]
    for name, converter in converters.items():
        for value in CLASSIC_PATH_VALUES[converter]:
            probes.append({"path": {**real_path, name: value}, "query": {}, "form": form, "htmx": True})
    return probes


# -- the requests --------------------------------------------------------------------------------------


@pytest.fixture
def real_values(app, admin, books, make_user) -> dict:
    """A book the signed-in admin owns (finished, so that its first read-through is there to edit),
    another account to act on, a column and a static file."""
    with app.app_context():
        boss = users.find_by_username("boss")
    book = books.add(boss.books_key, "Boss’s book", "Boss", Status.FINISHED, TODAY)
    carol = make_user("carol")
    return {
        "book_id": book.book_id,
        "user_id": carol.id,
        "status": Status.NOT_STARTED.value,
        "filename": "app.css",
        "index": 0,
        "token_id": boss_token_id(app),
        "year": 2024,
        "job_id": make_import_job(app, boss.id),
        "line": 3,
        **dict(zip(("invitation_id", "secret"), make_invitation(app), strict=True)),
    }


def boss_token_id(app) -> int:
    make_token(app, "boss")
    with app.app_context():
        return users.tokens_of(users.find_by_username("boss").id)[0].id


def send(browser: Browser, method: str, url: str, probe: dict):
    headers = {"HX-Request": "true"} if probe["htmx"] else {}
    if method == "GET":
        return browser.client.get(url, query_string=probe["query"], headers=headers)
    form = {**probe["form"], "csrf_token": browser.token()}
    return browser.client.post(url, query_string=probe["query"], data=form, headers=headers)


def keep_signed_in(app, admin: Browser) -> None:
    """Sign the admin in again after an example that signed them out (sign out, a new password)."""
    admin.csrf_token = None  # signing in again (POST /login) starts a new session
    if admin.client.get("/account/password").status_code == 200:
        return
    with app.app_context():
        set_password(Actor.command_line(), users.find_by_username("boss"), PASSWORD)
        limiter.reset()  # these sign-ins are the test's, not an attack's
    admin.login("boss")


@pytest.mark.parametrize(("method", "rule"), CASES)
def test_no_malformed_parameter_causes_a_server_error(app, admin, real_values, method, rule):
    def probe_route(probe):
        path = {name: real_values[name] if value is REAL else value for name, value in probe["path"].items()}
        url = build(rule, **path)
        for browser in (admin, Browser(app)):  # signed in, and an anonymous visitor
            response = send(browser, method, url, probe)
            assert response.status_code < 500, f"{method} {url} {probe}: {response.status_code}"
        if method == "POST":
            keep_signed_in(app, admin)

    for probe in classic_requests(rule, method):
        probe_route = example(probe=probe)(probe_route)
    SETTINGS(given(probe=requests_for(rule, method))(probe_route))()


def test_discovery_finds_the_parameters_the_outside_scan_sent():
    assert {"page", "after", "next"} <= set(QUERY_PARAMETERS)
    assert {"version", "status", "direction", "above", "below", "from_status", "book_id"} <= set(FORM_FIELDS)
    assert {"int", "default"} <= {converter for rule in RULES for converter in _converters(rule).values()}


# -- the answers the outside scan should have had ------------------------------------------------------


@pytest.mark.parametrize("depth", [10, 400, 1000, 100_000])
def test_show_more_with_deeply_nested_json_is_a_bad_request(reader, depth):
    cursor = _b64(b"[" * depth + b"]" * depth)

    response = reader.get(f"/columns/not_started?after={cursor}")

    assert response.status_code == 400


@settings(SETTINGS, max_examples=50)
@given(cursor=st.one_of(CURSORS, TEXT, LONG).filter(bool))  # an empty `after` is the first page
def test_show_more_with_a_cursor_no_page_made_is_a_bad_request(reader, cursor):
    response = reader.get("/columns/not_started", query_string={"after": cursor})

    assert response.status_code == 400


def test_cursors_the_board_makes_stay_well_under_the_length_limit(reader, books):
    with reader.app.app_context():
        key = users.find_by_username("alice").books_key
    for i in range(6):
        books.add(key, f"Book {i}", "Author", Status.NOT_STARTED, TODAY)
    cursor = books.list_column(key, Status.NOT_STARTED, page_size=5).next_cursor
    longest_rank = "9" * 200  # the longest rank a book may have

    assert len(cursor) + len(longest_rank) * 4 // 3 < MAX_CURSOR_LENGTH


def _is_a_page_number(value: str) -> bool:
    try:
        return 1 <= int(value) <= LAST_PAGE_NUMBER
    except ValueError:
        return False


@pytest.mark.parametrize("page", ["99999999999999999999", str(2**63), "-5", "0", "abc", "1.5", ""])
def test_admin_user_list_with_a_page_number_that_is_not_one_shows_the_first_page(admin, page):
    response = admin.get(f"/admin/users?page={page}")

    assert response.status_code == 200
    assert "boss" in response.get_data(as_text=True)


@settings(SETTINGS, max_examples=50)
@given(page=st.one_of(HUGE_INTEGERS.map(str), NUMBER_LIKE, TEXT).filter(lambda value: not _is_a_page_number(value)))
def test_admin_user_list_shows_the_first_page_for_any_page_that_is_not_one(admin, page):
    response = admin.get("/admin/users", query_string={"page": page})

    assert response.status_code == 200
    assert "boss" in response.get_data(as_text=True)


@pytest.mark.parametrize("user_id", [2**31, 2**63, 10**20])
@pytest.mark.parametrize("action", ["delete", "disable", "enable", "password"])
def test_admin_routes_for_an_account_number_beyond_any_account_are_not_found(admin, user_id, action):
    rule = next(rule for rule in RULES if rule.rule == f"/admin/users/<int:user_id>/{action}")

    assert admin.get(build(rule, user_id=user_id)).status_code in (404, 405)
    assert admin.post(build(rule, user_id=user_id), {"confirm": "yes"}).status_code == 404
