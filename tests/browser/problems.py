"""What went wrong in a test's browser pages; the `page_problems` fixture fails the test on any of it."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Response

# Chromium's console line for an HTTP error answer, e.g. "... responded with a status of 409 (CONFLICT)".
HTTP_ERROR_CONSOLE = re.compile(r"Failed to load resource: the server responded with a status of (\d{3})")
# htmx's console line for an error answer it handles, e.g. "Response Status Error Code 503 from /books/…/move".
HTMX_ERROR_CONSOLE = re.compile(r"^Response Status Error Code (\d{3}) from ")
# Chromium's console line for a request that got no answer (its location is the request's URL).
NETWORK_ERROR_CONSOLE = re.compile(r"^Failed to load resource: net::ERR_")
# htmx's console lines for a request that got no answer; they name the event, not the URL.
HTMX_SEND_ERROR_CONSOLE = re.compile(r"^htmx:(afterRequest|sendError)\b")
STATIC_PREFIX = "/static/"


class PageProblems:
    """What went wrong in a test's pages. HTTP error answers a test expects (a 409 for a stale
    card, a 422 for a form with errors) are announced with `allow_status` and then not problems;
    requests a test makes fail on purpose (`route.abort()`) are announced with `allow_failed_requests`."""

    def __init__(self, base_url: str):
        self.origin = _origin(base_url)
        self.problems: list[str] = []
        self.allowed_statuses: set[int] = set()
        self.allowed_failures: list[re.Pattern[str]] = []

    def allow_status(self, *statuses: int) -> None:
        """These HTTP error answers are expected: neither they, Chromium's console line about them,
        nor htmx's ("Response Status Error Code 503 from …") are problems."""
        self.allowed_statuses.update(statuses)

    def allow_failed_requests(self, url_pattern: str) -> None:
        """Requests to URLs matching this regex are made to fail on purpose (e.g. `route.abort()`):
        their failure, Chromium's "net::ERR_…" console line for them and htmx's console lines about
        a request that got no answer are not problems. Failures of any other URL still are."""
        self.allowed_failures.append(re.compile(url_pattern))

    def _failure_allowed(self, url: str | None) -> bool:
        return bool(url) and any(pattern.search(url) for pattern in self.allowed_failures)

    def watch(self, context: BrowserContext) -> None:
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught exception: {error.error}"))
        context.on("request", self._on_request)
        context.on("requestfailed", self._on_request_failed)
        context.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        http_error = HTTP_ERROR_CONSOLE.search(message.text) or HTMX_ERROR_CONSOLE.search(message.text)
        if http_error and int(http_error.group(1)) in self.allowed_statuses:
            return
        if NETWORK_ERROR_CONSOLE.search(message.text) and self._failure_allowed(message.location.get("url")):
            return
        if HTMX_SEND_ERROR_CONSOLE.search(message.text) and self.allowed_failures:
            return
        self.problems.append(f"console error: {message.text} (at {message.location.get('url')})")

    def _on_request(self, request: Request) -> None:
        scheme = urlsplit(request.url).scheme
        if scheme in ("data", "blob", "about"):
            return
        if _origin(request.url) != self.origin:
            self.problems.append(f"request to another origin: {request.method} {request.url}")

    def _on_request_failed(self, request: Request) -> None:
        if self._failure_allowed(request.url):
            return
        if request.failure == "net::ERR_ABORTED" and request.method == "GET" and _is_static(request.url):
            # The test went on to the next page before this one had all its files (the deferred
            # scripts, the icon Chromium fetches after the load): Chromium drops those downloads.
            # A file that is really missing is answered with a 404, which is still a problem.
            return
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and response.status not in self.allowed_statuses:
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")


@contextlib.contextmanager
def watched_page(browser: Browser, base_url: str, problems: PageProblems) -> Iterator[Page]:
    """A page in a fresh context whose problems `problems` records (for the guard's own tests, which
    read them instead of failing on them). The context is closed on leaving, so every event is in."""
    context = browser.new_context(base_url=base_url)
    problems.watch(context)
    try:
        yield context.new_page()
    finally:
        context.close()


def _is_static(url: str) -> bool:
    return urlsplit(url).path.startswith(STATIC_PREFIX)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
