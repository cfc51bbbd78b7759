"""Signing in over plain HTTP, the way a home server is first tried (http://192.168.1.20:8000): the app in
production configuration under gunicorn, as the Procfile runs it, opened as http://bookclub.test:PORT.

Chromium counts 127.0.0.1 and localhost as secure origins and keeps Secure cookies there, so those
addresses would hide the problem; a named host over plain HTTP is not secure, just as an address on a
home network is not. The browser's resolver maps the name to 127.0.0.1: the traffic stays on loopback."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Playwright, expect

from local_services import BIN, free_port, start_gunicorn, stop, wait_for_port
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import ONLY_LOOPBACK_RESOLVES, launch_chromium
from tests.browser.problems import PageProblems, watched_page
from tests.conftest import PASSWORD

HOME_SERVER = "bookclub.test"
EXPIRED_FORM = "Your form expired"
STARTUP_WARNING = re.compile(r"WARNING bookapp\.\S+: .*SESSION_COOKIE_SECURE.*PROXY_X_PROTO")
# Chromium's console note on every page of a plain-HTTP origin that is not loopback: the app's
# Cross-Origin-Opener-Policy header only applies over HTTPS. Expected here, and harmless.
COOP_IGNORED = "The Cross-Origin-Opener-Policy header has been ignored, because the URL's origin was untrustworthy"


@pytest.fixture(scope="module")
def home_network_chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright, f"MAP {HOME_SERVER} 127.0.0.1 , {ONLY_LOOPBACK_RESOLVES}")
    yield browser
    browser.close()


@contextlib.contextmanager
def served_by_gunicorn(app: Flask, log_path: Path, **settings: str) -> Iterator[str]:
    """gunicorn in production configuration on the test app's database and table, with the operator's
    `settings` (environment variables); yields the address a browser on the home network opens."""
    port = free_port()
    environment = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "BOOKAPP_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "BOOKS_TABLE": app.config["BOOKS_TABLE"],
        "PORT": str(port),
        "GUNICORN_WORKERS": "1",
        "PROXY_X_FOR": "0",
        "PROXY_X_PROTO": "0",  # nothing in front: gunicorn serves the browser itself
    }
    environment.pop("SESSION_COOKIE_SECURE", None)  # production's default unless the test sets it
    gunicorn = start_gunicorn({**environment, **settings}, log_path)
    try:
        wait_for_port(port, timeout=30)
        yield f"http://{HOME_SERVER}:{port}"
    finally:
        stop(gunicorn)


def unexpected(problems: PageProblems) -> list[str]:
    return [problem for problem in problems.problems if COOP_IGNORED not in problem]


def test_sign_in_over_plain_http_explains_that_it_needs_https(app, make_user, home_network_chromium, tmp_path):
    make_user("alice")
    log_path = tmp_path / "gunicorn.log"
    with served_by_gunicorn(app, log_path) as base_url:
        problems = PageProblems(base_url)
        problems.allow_status(400)  # the sign-in itself is refused: the browser never kept the cookie
        with watched_page(home_network_chromium, base_url, problems) as page:
            page.goto("/login")
            notice = page.get_by_role("alert")
            expect(notice).to_contain_text("plain HTTP")
            expect(notice).to_contain_text("https://")
            expect(notice).to_contain_text("SESSION_COOKIE_SECURE=0")
            assert_accessible(page, "the sign-in page over plain HTTP (light)")
            page.emulate_media(color_scheme="dark", reduced_motion="reduce")
            page.reload()
            expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
            assert_accessible(page, "the sign-in page over plain HTTP (dark)")

            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_title(re.compile(r"^Sign in"))
            expect(page.get_by_role("alert")).to_contain_text("plain HTTP")
            expect(page.get_by_label("Username")).to_have_value("alice")
            expect(page.get_by_text(EXPIRED_FORM)).to_have_count(0)
    assert not unexpected(problems), "the browser reported problems:\n" + "\n".join(unexpected(problems))
    assert len(STARTUP_WARNING.findall(log_path.read_text())) == 1  # one worker: one warning


def test_sign_in_over_plain_http_works_once_secure_cookies_are_switched_off(
    app, make_user, home_network_chromium, tmp_path
):
    make_user("alice")
    log_path = tmp_path / "gunicorn.log"
    with served_by_gunicorn(app, log_path, SESSION_COOKIE_SECURE="0") as base_url:
        problems = PageProblems(base_url)
        with watched_page(home_network_chromium, base_url, problems) as page:
            page.goto("/login")
            expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
            expect(page.get_by_role("alert")).to_have_count(0)

            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_title(re.compile(r"^Your board"))
            expect(page.get_by_text("Signed in as alice")).to_be_visible()
    assert not unexpected(problems), "the browser reported problems:\n" + "\n".join(unexpected(problems))
    assert not STARTUP_WARNING.search(log_path.read_text())
