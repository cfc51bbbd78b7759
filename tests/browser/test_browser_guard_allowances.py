"""The guard's allowances are narrow: a test announces the failures it causes, and only those pass."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.problems import PageProblems, watched_page


def test_announced_failed_requests_pass_and_others_do_not(chromium, live_server):
    problems = PageProblems(live_server)
    problems.allow_failed_requests(r"/books/[^/]+/move$")
    with watched_page(chromium, live_server, problems) as page:
        page.route("**/move", lambda route: route.abort())
        page.route("**/other", lambda route: route.abort())
        page.goto("/login")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        for path in ("/books/abc/move", "/other"):
            with page.expect_event("requestfailed"):
                page.evaluate("path => fetch(path, {method: 'POST'}).catch(() => null)", path)
        # htmx's own lines about a request that got no answer (they name no URL).
        with page.expect_console_message(lambda message: "htmx:sendError" in message.text):
            page.evaluate("console.error('htmx:sendError, [object HTMLElement]')")

    recorded = "\n".join(problems.problems)
    assert "/books/abc/move" not in recorded
    assert "request failed: POST " in recorded and "/other: net::ERR_FAILED" in recorded
    assert "htmx:sendError" not in recorded


def test_htmx_send_errors_are_problems_unless_a_failure_was_announced(chromium, live_server):
    problems = PageProblems(live_server)
    with watched_page(chromium, live_server, problems) as page:
        page.goto("/login")
        with page.expect_console_message(lambda message: "htmx:sendError" in message.text):
            page.evaluate("console.error('htmx:sendError, [object HTMLElement]')")
    assert any(problem.startswith("console error: htmx:sendError") for problem in problems.problems)


def test_announced_statuses_cover_htmx_lines_and_dropped_static_files_pass(app, chromium, live_server):
    icon, script = (app.extensions["static_files"][name] for name in ("favicon.svg", "app.js"))  # hashed copies
    problems = PageProblems(live_server)
    problems.allow_status(503)
    with watched_page(chromium, live_server, problems) as page:
        # A page left before its files arrived: Chromium drops them (ERR_ABORTED), the guard lets that be.
        dropped: list[str] = []

        def drop(route):
            dropped.append(route.request.url)
            route.abort("aborted")

        page.route(f"**/static/{icon}", drop)
        # A static file that fails for real is still a problem.
        page.route(f"**/static/{script}", lambda route: route.abort("failed"))
        with page.expect_event("requestfailed", lambda request: request.url.endswith(icon)):
            page.goto("/login")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        with page.expect_console_message(lambda message: "Error Code 500" in message.text):
            page.evaluate("console.error('Response Status Error Code 503 from /books/x/move')")
            page.evaluate("console.error('Response Status Error Code 500 from /books/x/move')")

    recorded = "\n".join(problems.problems)
    assert "Error Code 503" not in recorded
    assert "console error: Response Status Error Code 500 from /books/x/move" in recorded
    assert f"/static/{script}: net::ERR_FAILED" in recorded
    assert dropped, "the icon was asked for"
    assert "favicon" not in recorded
