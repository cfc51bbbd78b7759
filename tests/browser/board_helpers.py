"""More helpers for the browser tests (the basic ones live in test_board_flow.py): a real mouse drag,
the titles a column shows, pressing Tab until a control has the focus, and a realistic board."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from playwright.sync_api import Locator, Page, expect

from bookapp.books import Status
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import PartialDate, Progress
from tests.browser.test_board_flow import cards, utc_today

# A drag needs room: every card of a short column stays inside this viewport, so the pointer
# never has to leave it.
TALL_VIEWPORT = {"width": 1280, "height": 1600}


def column_titles(page: Page, column: str) -> list[str]:
    return cards(page, column).locator(".card-title").all_inner_texts()


def expect_titles(page: Page, column: str, titles: list[str]) -> None:
    expect(cards(page, column).locator(".card-title")).to_have_text(titles)


def drag_card(page: Page, card: Locator, target: Locator, where: str = "top", steps: int = 12) -> None:
    """Drag `card` with the mouse, the way a reader does, and drop it on `target` (a card or a
    column's list): near its top edge (`where="top"`) or near its bottom edge ("bottom").

    The card is grabbed by its author line (SortableJS ignores drags that start on a button or a
    link), and the pointer travels in small steps: SortableJS decides where the card goes from the
    drag events along the way. Moving up onto a card's top edge puts it before that card; moving
    down onto a card's bottom edge puts it after."""
    # Nothing may still be sliding into place (SortableJS animates cards, Bootstrap fades alerts):
    # the pointer would aim at where things were.
    page.wait_for_function("() => document.getAnimations().length === 0")
    card.locator(".book-author").hover()  # scrolled into view, visible and still
    grip = card.locator(".book-author").bounding_box()
    goal = target.bounding_box()
    assert grip and goal, "the card and the drop target must be on screen"
    start_x, start_y = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
    end_x = goal["x"] + goal["width"] / 2
    end_y = goal["y"] + (8 if where == "top" else goal["height"] - 8)
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    for step in range(1, steps + 1):
        page.mouse.move(start_x + (end_x - start_x) * step / steps, start_y + (end_y - start_y) * step / steps)
        page.wait_for_timeout(15)
    page.mouse.up()


def tab_to(page: Page, target: Locator, limit: int = 80, backwards: bool = False) -> int:
    """Press Tab (Shift+Tab backwards) until `target` has the keyboard focus; returns how many presses.
    Fails if it is not reached within `limit` presses: it is not reachable by keyboard."""
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if target.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{target} was not reached with {limit} presses of {key}")


def focused_element_description(page: Page) -> str:
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            if (!element) return "nothing";
            const name = element.getAttribute("aria-label") || element.textContent.trim().slice(0, 60);
            return `<${element.tagName.toLowerCase()}${element.id ? " id=" + element.id : ""}> ${name}`;
        }"""
    )


# -- a realistic board -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Shelved:
    title: str
    author: str
    status: Status
    started_days_ago: int | None = None
    finished_days_ago: int | None = None
    pages: int | None = None
    at_page: int | None = None
    rating: str | None = None
    tags: tuple[str, ...] = ()
    read_before_in: int | None = None  # a year it was read before: a re-read


# Listed bottom to top of each column (each book added lands on top).
READING_LIST = [
    Shelved("One Hundred Years of Solitude", "Gabriel García Márquez", Status.NOT_STARTED),
    Shelved("The Brothers Karamazov", "Fyodor Dostoevsky", Status.NOT_STARTED),
    Shelved("Middlemarch", "George Eliot", Status.NOT_STARTED),
    Shelved("Moby-Dick", "Herman Melville", Status.READING, started_days_ago=23, pages=635, at_page=212),
    Shelved("The Left Hand of Darkness", "Ursula K. Le Guin", Status.READING, started_days_ago=6, tags=("sci-fi",)),
    Shelved(
        "The Hobbit",
        "J. R. R. Tolkien",
        Status.FINISHED,
        started_days_ago=140,
        finished_days_ago=121,
        rating="5",
        tags=("fantasy", "comfort read"),
        read_before_in=2012,
    ),  # fmt: skip
    Shelved("To Kill a Mockingbird", "Harper Lee", Status.FINISHED, started_days_ago=96, finished_days_ago=80),
    Shelved(
        "Nineteen Eighty-Four",
        "George Orwell",
        Status.FINISHED,
        started_days_ago=61,
        finished_days_ago=47,
        rating="4.5",
        tags=("book club",),
    ),  # fmt: skip
    Shelved("Pride and Prejudice", "Jane Austen", Status.FINISHED, started_days_ago=38, finished_days_ago=25),
]


def shelve_reading_list(books, user_id: str, reading_list: list[Shelved] = READING_LIST) -> None:
    """Store well-known books in all three columns, with start and finish dates in the past."""
    today = utc_today()
    for entry in reading_list:
        if entry.status == Status.NOT_STARTED:
            books.add(user_id, entry.title, entry.author, Status.NOT_STARTED, today)
            continue
        started = today - dt.timedelta(days=entry.started_days_ago or 0)
        book = books.add(user_id, entry.title, entry.author, Status.READING, started)
        if entry.status == Status.FINISHED:
            finished = today - dt.timedelta(days=entry.finished_days_ago or 0)
            book = books.save(book.moved_to(Status.FINISHED, finished, book.column_rank), book.version)
        record = {"pages": entry.pages, "tags": entry.tags, "rating": Decimal(entry.rating) if entry.rating else None}
        if entry.read_before_in:
            earlier = ReadThrough(
                Outcome.FINISHED, PartialDate(entry.read_before_in), PartialDate(entry.read_before_in)
            )
            record["reads"] = (*book.reads, earlier)
        if entry.at_page:
            record["reads"] = (
                dataclasses.replace(book.reads[0], progress=Progress(page=entry.at_page)),
                *book.reads[1:],
            )
        if any(record.values()):
            books.save(
                dataclasses.replace(book, **{key: value for key, value in record.items() if value}), book.version
            )
