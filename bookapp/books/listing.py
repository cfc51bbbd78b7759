"""A reader's books in the board's order, a page at a time: the columns in board order, then the Did
not finish shelf, each from the top; optionally one place only, or only books with a tag.

A position is (the place, the column's cursor within it): a page goes on into the next place when
one ends, so a page is short only at the end of the list, or when a tag is rare (a page reads at
most `MAX_QUERIES_PER_PAGE` column pages and then says where it stopped)."""

from __future__ import annotations

import dataclasses

from bookapp.books.items import encode_cursor
from bookapp.books.model import Book, MalformedCursor, Status
from bookapp.books.record import tag_key
from bookapp.books.repository import BookRepository

PLACES_IN_ORDER = tuple(Status)  # the three columns in board order, then the shelf
# A page with a tag filter reads this many column pages at most: a rare tag costs a few short pages,
# never a read of the whole library in one request.
MAX_QUERIES_PER_PAGE = 4
# With a tag, each query reads at least this many books, so a rare tag needs fewer queries.
TAG_FILTER_BATCH = 50


@dataclasses.dataclass(frozen=True)
class Position:
    """Where a listing goes on: at the top of `status` (column_cursor None) or after a book in it."""

    status: Status
    column_cursor: str | None = None


@dataclasses.dataclass(frozen=True)
class BookListPage:
    books: list[Book]
    next_position: Position | None  # None: nothing after this page


def list_books(
    books: BookRepository,
    user_id: str,
    *,
    page_size: int,
    start: Position | None = None,
    status: Status | None = None,
    tag: str | None = None,
) -> BookListPage:
    """One page of the reader's books (whole, every field), from `start` (the top when None).
    Raises MalformedCursor for a start in another place than `status` asks for, and what
    `BookRepository.list_column` raises for a column cursor."""
    places = (status,) if status else PLACES_IN_ORDER
    position = start or Position(places[0])
    if position.status not in places:
        raise MalformedCursor("a position outside the places asked for")
    wanted = tag_key(tag) if tag else None
    found: list[Book] = []
    queries = 0
    while len(found) < page_size and queries < MAX_QUERIES_PER_PAGE:
        remaining = page_size - len(found)
        batch = max(remaining, TAG_FILTER_BATCH) if wanted else remaining
        column = books.list_column(user_id, position.status, batch, position.column_cursor, whole=True)
        queries += 1
        for book in column.books:
            if wanted and wanted not in {tag_key(book_tag) for book_tag in book.tags}:
                continue
            found.append(book)
            if len(found) == page_size:
                break
        last_read = column.books[-1] if column.books else None
        if len(found) == page_size and found[-1] is not last_read:
            # The page filled up before the end of what was read: go on after its last book.
            return BookListPage(found, Position(position.status, encode_cursor(found[-1])))
        if column.next_cursor is not None:
            position = Position(position.status, column.next_cursor)
            continue
        following = places.index(position.status) + 1
        if following == len(places):
            return BookListPage(found, None)
        position = Position(places[following])
    return BookListPage(found, position)
