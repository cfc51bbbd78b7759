"""The layout on a phone (columns stacked, nothing wider than the screen, even with long unbroken
titles) and the colour mode following the operating system's setting."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from bookapp.books import Status
from tests.browser.test_board_flow import COLUMNS, add_form, card_in, expect_counts, sign_in

PHONE = {"width": 375, "height": 740}
LONG_TITLE = "A" * 120
LONG_AUTHOR = "B" * 80


def horizontal_overflow(page: Page) -> dict:
    """How wide the document is against the viewport, and the widest elements sticking out of it."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const outside = [...document.querySelectorAll("body *")]
                .filter(element => {
                    const box = element.getBoundingClientRect();
                    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)
                        && !element.closest(".visually-hidden, .visually-hidden-focusable, .table-responsive");
                })
                .slice(0, 5)
                .map(element => `<${element.tagName.toLowerCase()} class="${element.className}">`);
            return {scrollWidth: document.documentElement.scrollWidth, width, outside};
        }"""
    )


def expect_no_horizontal_scroll(page: Page, label: str) -> None:
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= PHONE["width"], f"{label} scrolls sideways on a phone: {overflow}"
    assert not overflow["outside"], f"{label}: elements stick out of the screen: {overflow}"


@pytest.fixture
def phone(new_page) -> Page:
    return new_page(viewport=PHONE, reduced_motion="reduce")


def test_phone_board_stacks_the_columns_and_never_scrolls_sideways(phone: Page, make_user, books):
    page = phone
    user = make_user("alice")
    day = dt.date(2024, 2, 1)
    for status in Status:
        books.add(user.books_key, LONG_TITLE + status.value, LONG_AUTHOR, status, day)
    books.add(user.books_key, "Beloved", "Toni Morrison", Status.NOT_STARTED, day)
    page.goto("/login")
    expect_no_horizontal_scroll(page, "the sign-in page")
    sign_in(page, "alice")
    expect_counts(page, 2, 1, 1)

    boxes = [page.locator(f"#column-{column}").bounding_box() for column in COLUMNS]
    for column, box in zip(COLUMNS, boxes, strict=True):
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{column} is not on screen: {box}"
        assert box["width"] > PHONE["width"] * 0.8, f"{column} does not take the screen's width: {box}"
    for upper, lower in zip(boxes, boxes[1:], strict=False):
        assert lower["y"] >= upper["y"] + upper["height"], f"columns are not stacked: {boxes}"
    expect_no_horizontal_scroll(page, "the board")

    # A long title in the messages, in the confirmation dialog and on the pages of a book.
    form = add_form(page)
    form.get_by_label("Title").fill("C" * 150)
    form.get_by_label("Author").fill(LONG_AUTHOR)
    form.get_by_role("button", name="Add").click()
    expect(page.locator("#messages")).to_contain_text("C" * 150)
    expect_no_horizontal_scroll(page, "the board with a long title in its message")

    card = card_in(page, "not_started", "C" * 150)
    card.get_by_role("link", name=re.compile(r"^Delete\b")).click()
    dialog = page.get_by_role("dialog", name="Are you sure?")
    expect(dialog).to_be_visible()
    expect_no_horizontal_scroll(page, "the confirmation dialog")
    dialog.get_by_role("button", name="Cancel").last.click()
    expect(dialog).to_be_hidden()

    card.get_by_role("link", name=re.compile(r"^Edit\b")).click()
    expect(page.get_by_role("form", name="Edit " + "C" * 150)).to_be_visible()
    expect_no_horizontal_scroll(page, "the board with an inline edit form")

    book_id = card_in(page, "reading", LONG_TITLE + "reading").get_attribute("id").removeprefix("book-")
    for path, label in [
        (f"/books/{book_id}/edit", "the edit page"),
        (f"/books/{book_id}/delete", "the delete page"),
        (f"/books/{book_id}", "the book's page"),
        ("/columns/not_started", "a column's page"),
        ("/account/password", "the password page"),
    ]:
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        expect_no_horizontal_scroll(page, label)


def test_phone_admin_pages_never_scroll_sideways(phone: Page, make_user):
    page = phone
    make_user("boss", is_admin=True)
    longest = make_user("a" * 64)  # the longest username there can be
    sign_in(page, "boss")
    for path, label in [
        ("/admin/users", "the users list"),
        ("/admin/users/new", "the new user page"),
        (f"/admin/users/{longest.id}/password", "the new password page"),
        (f"/admin/users/{longest.id}/delete", "the delete user page"),
    ]:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        expect_no_horizontal_scroll(page, label)


@pytest.mark.parametrize(
    ("scheme", "background"),
    [("dark", "rgb(33, 37, 41)"), ("light", "rgb(255, 255, 255)")],
)
def test_colour_mode_follows_the_system(new_page, make_user, scheme, background):
    make_user("alice")
    page = new_page(color_scheme=scheme)
    page.goto("/login")
    html = page.locator("html")
    expect(html).to_have_attribute("data-bs-theme", scheme)
    expect(page.locator("body")).to_have_css("background-color", background)
    sign_in(page, "alice")
    expect(html).to_have_attribute("data-bs-theme", scheme)

    # A change of the system's setting applies at once, without a reload.
    other = "light" if scheme == "dark" else "dark"
    page.emulate_media(color_scheme=other)
    expect(html).to_have_attribute("data-bs-theme", other)
    page.emulate_media(color_scheme=scheme)
    expect(html).to_have_attribute("data-bs-theme", scheme)
