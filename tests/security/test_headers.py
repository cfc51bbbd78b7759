"""Browser protections on every page the suite can reach: the strict CSP and the other headers, and
HTML that the CSP will not break (no inline scripts, styles or event handlers; htmx without eval)."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from werkzeug.exceptions import NotFound

from bookapp import create_app
from bookapp.books import Status
from bookapp.books.items import encode_cursor
from bookapp.config import ProductionConfig
from bookapp.users import repository as users
from tests.api_helpers import make_token
from tests.conftest import Browser, make_import_job, make_invitation

ONE_YEAR = 31536000

# Every GET page and fragment the suite reaches: (who asks, URL with {placeholders}, htmx).
PAGES = {
    "login page (anonymous)": ("anonymous", "/login", False),
    "board": ("reader", "/", False),
    "book page": ("reader", "/books/{book_id}", False),
    "book card (htmx)": ("reader", "/books/{book_id}", True),
    "edit page": ("reader", "/books/{book_id}/edit", False),
    "inline edit form (htmx)": ("reader", "/books/{book_id}/edit", True),
    "confirm delete": ("reader", "/books/{book_id}/delete", False),
    "column page": ("reader", "/columns/not_started?after={cursor}", False),
    "show more (htmx)": ("reader", "/columns/not_started?after={cursor}", True),
    "search page": ("reader", "/search?q=book", False),
    "search results (htmx)": ("reader", "/search?q=book", True),
    "search refused": ("reader", "/search?q=%3F%21", False),
    "stats page": ("reader", "/stats", False),
    "stats of a year": ("reader", "/stats/2024", False),
    "change password": ("reader", "/account/password", False),
    "export page": ("reader", "/export", False),
    "Goodreads CSV download": ("reader", "/export/goodreads.csv", False),
    "library JSON download": ("reader", "/export/library.json", False),
    "import upload page": ("reader", "/import", False),
    "import preview": ("reader", "/import/{job_id}", False),
    "import report (CSV)": ("reader", "/import/{job_id}/report.csv", False),
    "admin index (redirect)": ("admin", "/admin/", False),
    "admin user list": ("admin", "/admin/users", False),
    "admin new user": ("admin", "/admin/users/new", False),
    "admin reset password": ("admin", "/admin/users/{alice_id}/password", False),
    "admin confirm delete user": ("admin", "/admin/users/{alice_id}/delete", False),
    "admin confirm revoke tokens": ("admin", "/admin/users/{alice_id}/tokens/revoke", False),
    "admin invitations": ("admin", "/admin/invitations", False),
    "admin confirm revoke invitation": ("admin", "/admin/invitations/{invitation_id}/revoke", False),
    "admin audit log": ("admin", "/admin/audit?account=alice&action=create", False),
    "invitation page": ("anonymous", "/invite/{invitation_secret}", False),
    "invitation page, link not valid": ("anonymous", "/invite/not-a-link", False),
    "access tokens": ("reader", "/account/tokens", False),
    "confirm revoke token": ("reader", "/account/tokens/{token_id}/revoke", False),
    "API reference": ("anonymous", "/api/docs", False),
    "API description": ("anonymous", "/api/v1/openapi.json", False),
    "API me, no token": ("reader", "/api/v1/me", False),
    "API books, no token": ("reader", "/api/v1/books", False),
    "API book, no token": ("reader", "/api/v1/books/{book_id}", False),
    "403 page": ("reader", "/admin/users", False),
    "404 page": ("reader", "/no/such/page", False),
    "404 message (htmx)": ("reader", "/books/01JABCDEFGHJKMNPQRSTVWXYZ0", True),
    "healthz": ("anonymous", "/healthz", False),
    "static file": ("anonymous", "/static/app.css", False),
    "static file, hashed copy": ("anonymous", "/static/{app_css}", False),
}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def site(app, reader, admin, books):
    """alice (a reader) with a few books, boss (an admin), and the values the page URLs need."""
    with app.app_context():
        alice = users.find_by_username("alice")
        alice_id, alice_key = alice.id, alice.books_key
    added = [books.add(alice_key, f"Book {i}", "Author", Status.NOT_STARTED, dt.date(2026, 1, 1)) for i in range(3)]
    browsers = {"anonymous": Browser(app), "reader": reader, "admin": admin}
    make_token(app, "alice")
    with app.app_context():
        token_id = users.tokens_of(alice_id)[0].id
    values = {
        "token_id": token_id,
        "book_id": added[0].book_id,
        "alice_id": alice_id,
        "cursor": encode_cursor(added[-1]),
        "app_css": app.extensions["static_files"]["app.css"],
        "job_id": make_import_job(app, alice_id),
    }
    values["invitation_id"], values["invitation_secret"] = make_invitation(app)
    return browsers, values


def fetch(site, name: str):
    browsers, values = site
    who, url, htmx = PAGES[name]
    return browsers[who].get(url.format(**values), htmx=htmx)


@pytest.fixture
def responses(site):
    """Every page of PAGES, fetched once: {name: response}."""
    fetched = {name: fetch(site, name) for name in PAGES}
    assert len(fetched) >= 20
    errors = {name: response.status_code for name, response in fetched.items() if response.status_code >= 500}
    assert errors == {}
    return fetched


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, "no Content-Security-Policy"
    directives = {}
    for part in policy.split(";"):
        if part.strip():
            name, *sources = part.split()
            directives[name.lower()] = sources
    return directives


class InlineCodeFinder(HTMLParser):
    """Everything in a page that a CSP without 'unsafe-inline' would block (or that relies on eval)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.htmx_config: str | None = None
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if not attributes.get("src"):
                self.problems.append(f"inline <script> {attrs}")
            self._in = "script"
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "meta" and attributes.get("name") == "htmx-config":
            self.htmx_config = attributes.get("content")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name.startswith("on") or name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"inline handler {name}= on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL in {name}= on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script" and data.strip():
            self.problems.append("code inside a <script> element")


def inspect_html(page: str) -> InlineCodeFinder:
    finder = InlineCodeFinder()
    finder.feed(page)
    finder.close()
    return finder


def protection_header_problems(response) -> list[str]:
    """What is missing or too weak in a response's CSP and other protection headers."""
    policy = response.headers.get("Content-Security-Policy", "")
    directives = csp_directives(response) if policy else {}
    vary = [value.strip().lower() for value in response.headers.get("Vary", "").split(",")]
    # WhiteNoise serves static files without the app: one file for pages and htmx requests alike.
    static_file = response.request.path.startswith("/static/")
    checks = {
        "no Content-Security-Policy": bool(policy),
        "CSP allows 'unsafe-inline'": "'unsafe-inline'" not in policy,
        "CSP allows 'unsafe-eval'": "'unsafe-eval'" not in policy,
        "CSP has another 'unsafe-…' source": "'unsafe-" not in policy,
        "CSP object-src is not 'none'": directives.get("object-src") == ["'none'"],
        "CSP has no base-uri": "base-uri" in directives,
        "CSP frame-ancestors is not 'none'": directives.get("frame-ancestors") == ["'none'"],
        "CSP limits no scripts": "script-src" in directives or "default-src" in directives,
        "CSP lets scripts or styles come from anywhere or data:": not any(
            source in ("*", "data:", "http:", "https:")
            for name in ("script-src", "style-src", "default-src")
            for source in directives.get(name, [])
        ),
        "X-Content-Type-Options is not nosniff": response.headers.get("X-Content-Type-Options") == "nosniff",
        "no Referrer-Policy": bool(response.headers.get("Referrer-Policy")),
        "Vary lacks HX-Request": static_file or "hx-request" in vary,
        # Every page depends on the session (tests/security/test_cache_control.py checks every route).
        "a page without Cache-Control: no-store": static_file
        or "no-store" in response.headers.get("Cache-Control", "").lower(),
        "compressed without Vary: Accept-Encoding": "Content-Encoding" not in response.headers
        or "accept-encoding" in vary,
    }
    return [problem for problem, fine in checks.items() if not fine]


# -- every page ----------------------------------------------------------------------------------------


def test_every_get_route_is_among_the_pages_checked(app, site):
    """A new GET route must be added to PAGES: the checks below would not see it otherwise."""
    browsers, values = site
    adapter = app.url_map.bind("localhost")
    covered = set()
    for name, (_who, url, _htmx) in PAGES.items():
        path = url.format(**values).split("?")[0]
        try:
            covered.add(adapter.match(path, method="GET")[0])
        except NotFound:
            assert name == "404 page", f"{name}: {url} matches no route"
    get_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert len(get_endpoints) >= 14
    assert get_endpoints - covered == set()


def test_every_page_sends_a_strict_csp_and_the_other_protection_headers(responses):
    problems = {name: protection_header_problems(response) for name, response in responses.items()}
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_testing_app_sends_no_hsts_on_any_page(responses):
    assert [name for name, response in responses.items() if "Strict-Transport-Security" in response.headers] == []


def test_no_html_page_has_an_inline_script_style_or_event_handler(responses):
    html_pages = {name: text(response) for name, response in responses.items() if response.mimetype == "text/html"}
    json_answers = {"API description", "API me, no token", "API books, no token", "API book, no token"}
    downloads = {"Goodreads CSV download", "library JSON download", "import report (CSV)"}
    expected = {"healthz", "static file", "static file, hashed copy", *json_answers, *downloads}
    assert set(responses) - set(html_pages) == expected
    problems = {}
    for name, page in html_pages.items():
        found = inspect_html(page).problems
        # The same rules as plain text searches, in case the parser reads a broken page differently.
        if re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page, re.IGNORECASE):
            found.append("regex: <script> without src")
        if re.search(r"<[a-z][^>]*\sstyle\s*=", page, re.IGNORECASE):
            found.append("regex: style= attribute")
        if re.search(r"<style\b", page, re.IGNORECASE):
            found.append("regex: <style> element")
        if found:
            problems[name] = found
    assert problems == {}


def test_every_full_page_configures_htmx_without_eval_or_injected_styles(responses):
    full_pages = {
        name: text(response)
        for name, response in responses.items()
        if response.mimetype == "text/html" and not PAGES[name][2] and response.status_code != 302
    }
    assert len(full_pages) >= 13
    problems = {}
    for name, page in full_pages.items():
        config = json.loads(inspect_html(page).htmx_config or "{}")
        checks = {
            'no "allowEval":false': '"allowEval":false' in page and config.get("allowEval") is False,
            'no "includeIndicatorStyles":false': '"includeIndicatorStyles":false' in page
            and config.get("includeIndicatorStyles") is False,
        }
        if missing := [problem for problem, fine in checks.items() if not fine]:
            problems[name] = missing
    assert problems == {}


# -- production --------------------------------------------------------------------------------------


@pytest.fixture
def production_app(app, database_url):
    """The production configuration, on the suite's database and this test's books table."""
    return create_app(
        ProductionConfig,
        {
            "SECRET_KEY": "a-production-like-secret-key-of-47-characters!!",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "BOOKS_TABLE": app.config["BOOKS_TABLE"],
        },
    )


@pytest.mark.parametrize(
    "url", ["/login", "/healthz", "/static/app.css", "/static/{app_css}", "/no/such/page", "/", "/admin/users"]
)
def test_production_sends_hsts_for_a_year_with_the_same_protections(production_app, url):
    url = url.format(app_css=production_app.extensions["static_files"]["app.css"])
    response = production_app.test_client().get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code < 500
    hsts = response.headers.get("Strict-Transport-Security")
    assert hsts, f"no HSTS on {url}"
    max_age = re.search(r"max-age=(\d+)", hsts)
    assert max_age and int(max_age.group(1)) >= ONE_YEAR
    assert protection_header_problems(response) == []
