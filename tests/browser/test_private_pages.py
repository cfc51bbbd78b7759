"""Signed-in pages in a real browser: none is kept in the browser's cache (`Cache-Control: no-store`),
where anyone at the same computer could read it, and coming back to the board is still an ordinary
view (served from the app's own page cache), not a hard reload."""

from __future__ import annotations

from playwright.sync_api import Page, Request, expect

from tests.browser.test_board_flow import add_book, sign_in


def test_the_browser_keeps_no_signed_in_page(page: Page, make_user):
    make_user("alice")
    sign_in(page, "alice")
    add_book(page, "My private diary", "Alice")
    # Chromium's own record of where each response came from (Playwright does not say "disk cache").
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    pages: list[tuple[str, bool]] = []

    def record(event: dict) -> None:
        if event["type"] == "Document":
            pages.append((event["response"]["url"], event["response"].get("fromDiskCache", False)))

    devtools.on("Network.responseReceived", record)

    page.goto("/account/password")
    page.go_back()
    expect(page.get_by_role("article", name="My private diary")).to_be_visible()
    page.go_forward()
    expect(page.get_by_label("Current password")).to_be_visible()

    assert len(pages) == 3
    assert [url for url, from_disk in pages if from_disk] == []


def test_coming_back_to_the_board_is_an_ordinary_view_not_a_hard_reload(page: Page, make_user):
    make_user("alice")
    sign_in(page, "alice")
    add_book(page, "Dune", "Frank Herbert")
    board_requests: list[Request] = []
    page.on("request", lambda request: request.is_navigation_request() and board_requests.append(request))

    page.goto("/account/password")
    page.go_back()
    expect(page.get_by_role("article", name="Dune")).to_be_visible()
    page.reload()
    expect(page.get_by_role("article", name="Dune")).to_be_visible()

    came_back = [request for request in board_requests if request.url.endswith("/")]
    assert len(came_back) == 2  # not kept by the browser: asked for again, after back and on reload
    for request in came_back:
        headers = request.all_headers()
        # What the board's page cache takes for a hard reload (board_cache.py, `_hard_reload`).
        assert "no-cache" not in headers.get("cache-control", "") and headers.get("pragma") != "no-cache", headers
