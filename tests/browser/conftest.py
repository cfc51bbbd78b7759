"""Browser fixtures: the real app served over HTTP, driven by Debian's headless Chromium.

- `live_server`: the test's `app` (fresh table, no users) behind werkzeug on 127.0.0.1, in a thread;
- `chromium`: one browser for the session (Playwright never downloads a browser here);
- `new_page()`: a page in a fresh context (its own cookies), `page`: the first one;
- `page_problems`: everything that went wrong in any of the test's pages (console errors, uncaught
  exceptions, failed requests, HTTP errors, requests leaving the live server). The test fails at
  teardown if anything was recorded that the test did not announce with `allow_status`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from local_services import free_port
from tests.browser.problems import PageProblems

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Nothing but the live server resolves: a CDN reference fails loudly instead of reaching out.
ONLY_LOOPBACK_RESOLVES = "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
# Playwright's own limits, lowered so a broken page fails in seconds rather than half a minute.
ACTION_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder drives a browser (`-m "not browser"` leaves them out)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test's app served over real HTTP; yields its base URL (no trailing slash)."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        # A missing service is a failure, never a skip: scripts/test installs it with apt.
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (or run scripts/test)", pytrace=False)
    with sync_playwright() as instance:
        yield instance


def launch_chromium(playwright: Playwright, host_resolver_rules: str = ONLY_LOOPBACK_RESOLVES) -> Browser:
    """Debian's Chromium, headless; `host_resolver_rules` may map more names, always to loopback."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules={host_resolver_rules}"],
    )


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright)
    yield browser
    browser.close()


@pytest.fixture
def page_problems(live_server: str) -> Iterator[PageProblems]:
    problems = PageProblems(live_server)
    yield problems
    # The pages are closed by now (new_page depends on this fixture), so every event has arrived.
    assert not problems.problems, "the browser reported problems:\n" + "\n".join(problems.problems)


@pytest.fixture
def new_page(chromium: Browser, live_server: str, page_problems: PageProblems) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (its own cookies, so its own sign-in); keyword
    arguments go to `new_context` (e.g. `java_script_enabled=False`).
    `page.goto("/login")` works: paths are relative to the live server."""
    contexts: list[BrowserContext] = []

    def open_page(**context_options) -> Page:
        context = chromium.new_context(base_url=live_server, **context_options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page_problems.watch(context)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        with contextlib.suppress(PlaywrightError):  # already gone with the browser
            context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()
