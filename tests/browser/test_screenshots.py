"""Screenshots of the main pages with a realistic board, for the docs and for looking at a change.

They go to the folder named by SCREENSHOTS_DIR (default `test-artifacts/screenshots`, ignored by
git). `SCREENSHOTS_DIR=docs/screenshots pytest tests/browser/test_screenshots.py` refreshes the committed
ones in docs/screenshots/."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import struct
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from bookapp.books import Status
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import BookFormat, PartialDate
from tests.browser.board_helpers import READING_LIST, shelve_reading_list
from tests.browser.test_board_flow import expect_counts, sign_in
from tests.browser.test_stats_flow import shelve_read_books
from tests.conftest import ROOT

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
NAMES = [
    "login",
    "board-light",
    "board-dark",
    "board-mobile",
    "admin-users",
    "audit-log",
    "book-light",
    "book-dark",
    "search",
    "stats",
]


def screenshots_dir() -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or "test-artifacts/screenshots")
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page: Page, folder: Path, name: str, full_page: bool = True, height: int | None = None) -> Path:
    """A PNG of the page: all of it, the viewport, or its top `height` pixels."""
    path = folder / f"{name}.png"
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height} if height else None
    page.screenshot(path=path, full_page=full_page, clip=clip, animations="disabled", caret="hide")
    return path


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def record_the_hobbit(books, user_id: str) -> str:
    """The Hobbit, finished, with a whole record: facts, rating, notes, tags and an earlier read."""
    (card,) = [book for book in books.list_column(user_id, Status.FINISHED, 10).books if book.title == "The Hobbit"]
    book = books.get(user_id, card.book_id)  # the whole record, not what its card shows
    books.save(
        dataclasses.replace(
            book,
            isbn13="9780547928227",
            pages=300,
            year_published=1937,
            series="Middle-earth",
            series_number=Decimal("1"),
            format=BookFormat.PAPER,
            owned=True,
            rating=Decimal("4.5"),
            notes="Read aloud to the kids, a chapter a night.\nThe riddles in the dark are still the best part.",
            tags=("fantasy", "read aloud", "classics"),
            reads=(
                *book.reads,
                ReadThrough(Outcome.FINISHED, started=PartialDate(1998), ended=PartialDate(1998, 8)),
                ReadThrough(Outcome.DID_NOT_FINISH, started=PartialDate(1991, 3), ended=PartialDate(1991, 4)),
            ),
        ),
        book.version,
    )
    return book.book_id


# Books finished this year, month by month (a few books a month, up to the current one).
A_YEAR_OF_READING = [
    ("Middlemarch", "George Eliot", 880),
    ("Beloved", "Toni Morrison", 324),
    ("The Remains of the Day", "Kazuo Ishiguro", 258),
    ("Things Fall Apart", "Chinua Achebe", 209),
    ("Wolf Hall", "Hilary Mantel", 653),
    ("The Left Hand of Darkness", "Ursula K. Le Guin", 304),
    ("Pedro Páramo", "Juan Rulfo", 124),
    ("Kindred", "Octavia E. Butler", 264),
    ("The Leopard", "Giuseppe Tomasi di Lampedusa", 320),
    ("Never Let Me Go", "Kazuo Ishiguro", 288),
    ("Gilead", "Marilynne Robinson", 247),
    ("The Name of the Rose", "Umberto Eco", 536),
    ("Rebecca", "Daphne du Maurier", 410),
    ("Stoner", "John Williams", 288),
]


def shelve_a_year_of_reading(books, user_id: str, today: dt.date) -> None:
    shelve_read_books(books, user_id)
    for index, (title, author, pages) in enumerate(A_YEAR_OF_READING):
        month = 1 + index * today.month // len(A_YEAR_OF_READING)
        book = books.add(user_id, title, author, Status.NOT_STARTED, today)
        finished = ReadThrough(Outcome.FINISHED, ended=PartialDate(today.year, month, 10))
        rating = Decimal(3 + index % 5) / 2 + 2 if index % 3 else Decimal(4)
        books.save(
            dataclasses.replace(
                book, status=Status.FINISHED, reads=(finished,), pages=pages, rating=min(rating, Decimal(5))
            ),
            book.version,
        )


def test_screenshots(new_page, make_user, books):
    folder = screenshots_dir()
    grace = make_user("grace", is_admin=True)
    readers = {username: make_user(username) for username in ("ada", "margaret", "linus", "barbara")}
    shelve_reading_list(books, grace.books_key)
    shelve_reading_list(books, readers["ada"].books_key, READING_LIST[2:6])  # the admin list counts them

    login = new_page(viewport=DESKTOP, color_scheme="light", reduced_motion="reduce")
    login.goto("/login")
    expect(login.get_by_role("button", name="Sign in")).to_be_visible()
    shoot(login, folder, "login", full_page=False)

    for scheme in ("light", "dark"):
        page = new_page(viewport=DESKTOP, color_scheme=scheme, reduced_motion="reduce")
        sign_in(page, "grace")
        expect_counts(page, 3, 2, 4)
        expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
        shoot(page, folder, f"board-{scheme}")

    phone = new_page(viewport=PHONE, color_scheme="light", reduced_motion="reduce", device_scale_factor=2)
    sign_in(phone, "grace")
    expect_counts(phone, 3, 2, 4)
    # The top of the stacked columns: the first one whole, the next one starting below it.
    shoot(phone, folder, "board-mobile", height=1240)

    # The admin list: one disabled account, sign-ins recorded for those who signed in, books per column.
    for username in ("ada", "margaret", "barbara"):
        other = new_page()
        sign_in(other, username)
    admin = new_page(viewport=DESKTOP, color_scheme="light", reduced_motion="reduce")
    sign_in(admin, "grace")
    admin.goto("/admin/users")
    admin.get_by_role("button", name="Disable linus").click()
    expect(admin.locator("#messages")).to_contain_text("“linus” is disabled.")
    admin.goto("/admin/users")  # the list without the message
    expect(admin.locator("tbody").get_by_text("Disabled", exact=True)).to_be_visible()
    shoot(admin, folder, "admin-users", full_page=False)

    # The audit log: the accounts made, linus disabled, an invitation made and accepted.
    admin.goto("/admin/invitations")
    admin.get_by_label("Note (optional)").fill("for Edsger, Thursday's book club")
    admin.get_by_role("button", name="Create invitation link").click()
    invitee = new_page()
    invitee.goto(admin.get_by_label("Invitation link").input_value())
    invitee.get_by_label("Username").fill("edsger")
    invitee.get_by_label("Password", exact=True).fill("structured programming 1968")
    invitee.get_by_label("Password again").fill("structured programming 1968")
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee).to_have_title(re.compile(r"^Your board"))
    admin.goto("/admin/audit")
    expect(admin.locator("#audit-entries tbody tr").first).to_contain_text("Invitation accepted")
    shoot(admin, folder, "audit-log", full_page=False)

    # The book page: a whole record, each part with its "Edit" closed.
    hobbit = record_the_hobbit(books, grace.books_key)
    for scheme in ("light", "dark"):
        page = new_page(viewport=DESKTOP, color_scheme=scheme, reduced_motion="reduce")
        sign_in(page, "grace")
        page.goto(f"/books/{hobbit}")
        expect(page.get_by_role("region", name="Read-throughs")).to_contain_text("Started March 1991")
        expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
        shoot(page, folder, f"book-{scheme}")

    # A search from the board's box: a title and a book's notes matched, grouped by column.
    page = new_page(viewport=DESKTOP, color_scheme="light", reduced_motion="reduce")
    sign_in(page, "grace")
    page.get_by_role("searchbox", name="Search your books").fill("dark")
    page.keyboard.press("Enter")
    expect(page.locator(".search-snippet")).to_contain_text("riddles in the dark")
    expect(page).to_have_url(re.compile(r"/search\?q=dark$"))
    shoot(page, folder, "search", full_page=False)

    # The stats page: this year's reading, with a goal.
    today = dt.datetime.now(dt.UTC).date()
    shelve_a_year_of_reading(books, grace.books_key, today)
    page = new_page(viewport=DESKTOP, color_scheme="light", reduced_motion="reduce")
    sign_in(page, "grace")
    page.goto("/stats")
    page.get_by_text(f"Set a goal for {today.year}").click()
    page.get_by_label("Books", exact=True).fill("20")
    page.get_by_label("Pages (optional)").fill("7000")
    page.get_by_role("button", name="Save goal").click()
    expect(page.locator("#messages")).to_contain_text(f"Your goal for {today.year}: 20 books and 7,000 pages.")
    page.goto("/stats")  # the page without the message
    expect(page.locator("#goal-standing-books")).to_be_visible()
    shoot(page, folder, "stats")

    for name in NAMES:
        width, height = png_size(folder / f"{name}.png")
        assert width >= 375 and height >= 600, f"{name}.png is {width}×{height}"
