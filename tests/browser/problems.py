"""What went wrong in a test's browser pages; the `page_problems` fixture fails the test on any of it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Request, Response

# Chromium's console line for an HTTP error answer, e.g. "... responded with a status of 409 (CONFLICT)".
HTTP_ERROR_CONSOLE = re.compile(r"Failed to load resource: the server responded with a status of (\d{3})")


class PageProblems:
    """What went wrong in a test's pages. HTTP error answers a test expects (a 409 for a stale
    card, a 422 for a form with errors) are announced with `allow_status` and then not problems."""

    def __init__(self, base_url: str):
        self.origin = _origin(base_url)
        self.problems: list[str] = []
        self.allowed_statuses: set[int] = set()

    def allow_status(self, *statuses: int) -> None:
        self.allowed_statuses.update(statuses)

    def watch(self, context: BrowserContext) -> None:
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught exception: {error.error}"))
        context.on("request", self._on_request)
        context.on("requestfailed", self._on_request_failed)
        context.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        http_error = HTTP_ERROR_CONSOLE.search(message.text)
        if http_error and int(http_error.group(1)) in self.allowed_statuses:
            return
        self.problems.append(f"console error: {message.text} (at {message.location.get('url')})")

    def _on_request(self, request: Request) -> None:
        scheme = urlsplit(request.url).scheme
        if scheme in ("data", "blob", "about"):
            return
        if _origin(request.url) != self.origin:
            self.problems.append(f"request to another origin: {request.method} {request.url}")

    def _on_request_failed(self, request: Request) -> None:
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and response.status not in self.allowed_statuses:
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
