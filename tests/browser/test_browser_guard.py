"""The browser fixtures' guard itself: a CDN reference or a script error must not pass unnoticed."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.problems import PageProblems, watched_page

CDN_STYLESHEET = "https://cdn.jsdelivr.net/npm/bootstrap@5/dist/css/bootstrap.min.css"


def test_guard_records_other_origins_script_errors_and_http_errors(chromium, live_server):
    problems = PageProblems(live_server)
    with watched_page(chromium, live_server, problems) as page:
        page.goto("/login")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert problems.problems == [], "the sign-in page itself is clean"

        # A stylesheet from a CDN: recorded as leaving the live server, and it fails to resolve.
        with page.expect_event("requestfailed"):
            page.evaluate(
                """href => {
                    const link = document.createElement("link");
                    link.rel = "stylesheet";
                    link.href = href;
                    document.head.append(link);
                }""",
                CDN_STYLESHEET,
            )
        with page.expect_event("pageerror"):
            page.evaluate("setTimeout(() => { throw new Error('boom from the page'); }, 0)")
        with page.expect_console_message(lambda message: "logged by the page" in message.text):
            page.evaluate("console.error('logged by the page')")
        with page.expect_response("**/no-such-page"):
            page.evaluate("fetch('/no-such-page')")

    recorded = "\n".join(problems.problems)
    assert f"request to another origin: GET {CDN_STYLESHEET}" in recorded
    assert f"request failed: GET {CDN_STYLESHEET}" in recorded
    assert "uncaught exception: " in recorded and "boom from the page" in recorded
    assert "console error: logged by the page" in recorded
    assert "HTTP 404: GET " in recorded and "/no-such-page" in recorded


def test_guard_lets_announced_statuses_through(chromium, live_server):
    problems = PageProblems(live_server)
    problems.allow_status(404)
    with watched_page(chromium, live_server, problems) as page:
        page.goto("/login")
        # Chromium's "Failed to load resource ... 404" line is what the guard lets through here.
        with page.expect_console_message(lambda message: "status of 404" in message.text):
            assert page.evaluate("fetch('/no-such-page').then(response => response.status)") == 404
    assert problems.problems == []
