"""Request values never break or steer a response header.

A value a request brings (`next`, a path segment, a query parameter) can reach a header: `next`
becomes the Location after signing in, routing redirects copy the path and query into theirs. Each
is checked on its way: a hostile value gets a safe answer (the board, or a 4xx), never a 5xx, never a
header split by CR/LF, never a Location that leaves the site. The routes come from the URL map, so a
route added later is covered too.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode, urlsplit

import pytest

from bookapp.books import Status
from bookapp.users import repository as users
from tests.conftest import PASSWORD, Browser
from tests.security.test_route_discovery import RULES, send

# What the outside scan and its relatives send: header splitting, control characters, other sites
# written every way a browser accepts, and values far longer than any page of ours.
HOSTILE_VALUES = {
    "CR LF header": "/\r\nX-Injected: 1",
    "LF alone": "/\nX-Injected: 1",
    "tab hiding //": "/\t/evil.example",
    "NUL": "/\x00evil",
    "DEL": "/\x7fevil",
    "C1 next line": "/\x85evil",
    "backslash": "\\evil.example",
    "slash backslash": "/\\evil.example",
    "protocol-relative": "//evil.example/x",
    "three slashes": "///evil.example",
    "javascript:": "javascript:alert(1)",
    "absolute https": "https://evil.example/",
    "scheme without slashes": "http:evil.example",
    "leading space": " /x",
    "very long": "/" + "a" * 5000,
}

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def text(response) -> str:
    return response.get_data(as_text=True)


def location_problem(location: str) -> str | None:
    """Why a Location header could send a browser off this site, or None when it is a plain path."""
    if CONTROL_CHARACTERS.search(location):
        return "control character"
    if not location.startswith("/") or location.startswith("//") or "\\" in location:
        return "not a path on this site"
    if urlsplit(location).netloc:
        return "names a host"
    return None


def header_problems(response) -> list[str]:
    problems = [
        f"{name}: control character in {value!r}"
        for name, value in response.headers.items()
        if CONTROL_CHARACTERS.search(value)
    ]
    location = response.headers.get("Location")
    if location is not None and location_problem(location):
        problems.append(f"Location {location!r}: {location_problem(location)}")
    if "X-Injected" in response.headers:
        problems.append("a header was injected")
    return problems


# -- `next` after signing in -------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_a_hostile_next_signs_the_reader_in_to_the_board(browser, make_user, value):
    make_user("alice")

    response = browser.post("/login?" + urlencode({"next": value}), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 303, text(response)[:300]
    assert response.headers["Location"] == "/"
    assert header_problems(response) == []
    assert browser.get("/").status_code == 200  # signed in


@pytest.mark.parametrize(
    ("value", "location"),
    [
        ("/admin/users", "/admin/users"),
        ("/columns/reading?after=abc", "/columns/reading?after=abc"),
        ("/books/01JABCDEFGHJKMNPQRSTVWXYZ0/edit", "/books/01JABCDEFGHJKMNPQRSTVWXYZ0/edit"),
        ("/caf%C3%A9", "/caf%C3%A9"),
        ("/café", "/caf%C3%A9"),  # sent as the browser would ask for it
    ],
)
def test_a_next_on_this_site_is_kept(browser, make_user, value, location):
    make_user("alice")
    response = browser.post("/login?" + urlencode({"next": value}), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == location


# -- every route, with hostile values in its path and query ------------------------------------------


ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def hostile_url(rule, value: str) -> str:
    """The rule's URL with `value` in every path argument and in the query (`next`, and `after`: the
    "Show more" cursor), encoded as a browser sends it; the server decodes it back."""
    path = ARGUMENT.sub(quote(value, safe=""), rule.rule)
    return path + "?" + urlencode({"next": value, "after": value})


# In a path or a query a percent-encoded CR LF is decoded once, to CR LF; encoded twice it stays text.
URL_VALUES = {**HOSTILE_VALUES, "CR LF encoded twice": "/%0d%0aX-Injected:%201"}

ROUTE_CASES = [
    pytest.param(method, rule, id=f"{method} {rule.rule}")
    for rule in RULES
    if rule.endpoint != "static"  # WhiteNoise answers /static/ before the app
    for method in ("GET", "POST")
    if method in rule.methods
]


def test_hostile_values_reach_every_kind_of_route():
    endpoints = {case.values[1].endpoint for case in ROUTE_CASES}
    assert {"auth.login", "books.move", "books.column", "admin.delete_user", "healthz"} <= endpoints
    assert len(ROUTE_CASES) >= 25


@pytest.mark.parametrize(("method", "rule"), ROUTE_CASES)
def test_no_request_value_breaks_a_header_on_any_route(app, make_user, method, rule):
    """As an anonymous visitor, and as a signed-in admin (who reaches every route, admin pages
    included) from a plain browser and from htmx. (POST /logout signs the admin out at the first value.)"""
    make_user("boss", is_admin=True)
    admin = Browser(app)
    admin.login("boss")
    for name, value in URL_VALUES.items():
        url = hostile_url(rule, value)
        for visitor, htmx in ((Browser(app), False), (admin, False), (admin, True)):
            response = send(visitor, method, url, {"next": value}, htmx=htmx)
            assert response.status_code < 500, f"{name}: {method} {url!r}: {text(response)[:300]}"
            assert header_problems(response) == [], f"{name}: {method} {url!r}"


# -- htmx headers built from book ids ----------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_htmx_headers_name_only_the_stored_book_id(app, reader, books, value):
    """The add form's hidden `book_id` is the client's: a hostile one is replaced by a fresh id, and
    the focus instructions in HX-Trigger-After-Settle (JSON) name only that id, whatever follows."""
    added = reader.post("/books", {"title": "Dune", "author": "Frank Herbert", "status": "reading", "book_id": value})
    assert added.status_code == 303 and header_problems(added) == []
    with app.app_context():
        key = users.find_by_username("alice").books_key
    (book,) = books.list_column(key, Status.READING, 5).books
    assert re.fullmatch(r"[0-9A-Z]{26}", book.book_id)

    answers = [
        reader.post(f"/books/{book.book_id}/move", {"status": "finished", "version": "1"}, htmx=True),
        reader.post(f"/books/{book.book_id}/reorder", {"direction": "up", "version": "2"}, htmx=True),
        reader.post(f"/books/{book.book_id}/delete", {"confirm": "yes"}, htmx=True),
    ]
    for answer in answers:
        assert answer.status_code == 200 and header_problems(answer) == []
        (selector,) = json.loads(answer.headers["HX-Trigger-After-Settle"]).values()
        assert selector.startswith(f"#book-{book.book_id}")
