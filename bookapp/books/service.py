"""What readers do with their books, independent of the web: the board, moves and edits."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bookapp.books.model import Book, BookChanged, Status, is_valid_rank, new_column_rank, rank_for_place
from bookapp.books.repository import BookRepository, ColumnPage, Moved


@dataclasses.dataclass(frozen=True)
class Board:
    columns: list[ColumnPage]
    counts: dict[Status, int]


def load_board(books: BookRepository, user_id: str, page_size: int) -> Board:
    """The first page of every column and the column counts.

    A column read to its end gives its exact count; when the stored counter disagrees (a process
    died between a book write and its counter write), the counter is healed here."""
    counts = books.counts(user_id)
    columns = [books.list_column(user_id, status, page_size) for status in Status]
    for column in columns:
        if column.next_cursor is None and counts[column.status] != len(column.books):
            books.repair_count(user_id, column.status, len(column.books))
            counts[column.status] = len(column.books)
    return Board(columns=columns, counts=counts)


@dataclasses.dataclass(frozen=True)
class Place:
    """Where a card goes in its column: between the cards whose ranks are `above` and `below`
    (None: no card there). A drop sends both; no place at all means "on top"."""

    above: str | None = None
    below: str | None = None

    def rank(self) -> str | None:
        """The rank for this place, or None (on top) when the neighbours' ranks make no sense
        (stale or forged): a card is never lost over its place in the column."""
        above, below = self.above, self.below
        if any(rank is not None and not is_valid_rank(rank) for rank in (above, below)):
            return None
        if above is not None and below is not None and not below < above:
            return None
        return rank_for_place(above, below)


def move_book(
    books: BookRepository,
    user_id: str,
    book_id: str,
    to_status: Status,
    expected_version: int,
    today: dt.date,
    place: Place | None = None,
    from_status: Status | None = None,
) -> Moved:
    """Move a book to a column (and a place in it), with the date rules of `DATES_ON_ARRIVAL`.

    The board's forms say which column the reader saw the book in (`from_status`): then the move is
    a single conditional write. Without it (an old page, a hand-made request) the book is read first.

    Raises BookNotFound, or BookChanged when the reader's copy (expected_version) is stale."""
    rank = place.rank() if place else None
    if from_status is None or (from_status == to_status and rank is None):
        book = books.get(user_id, book_id)
        if book.version != expected_version:
            raise BookChanged(book)
        if book.status == to_status and rank is None:
            return Moved(book=book, counts=None)  # already there, and no place asked for: nothing to do
        from_status = book.status
    return books.move(user_id, book_id, from_status, to_status, rank or new_column_rank(), expected_version, today)


@dataclasses.dataclass(frozen=True)
class Nudge:
    book: Book
    neighbour: Book | None  # the card it now stands before ("up") or after ("down"); None: no move


def nudge_book(books: BookRepository, user_id: str, book_id: str, direction: str, expected_version: int) -> Nudge:
    """Move a card one place up or down in its column (keyboard and no-JavaScript reordering)."""
    book = books.get(user_id, book_id)
    if book.version != expected_version:
        raise BookChanged(book)
    nearest = books.neighbours(book, direction)
    if not nearest:
        return Nudge(book=book, neighbour=None)  # already at the top or the bottom
    beyond = nearest[1].column_rank if len(nearest) > 1 else None
    if direction == "up":
        rank = rank_for_place(above=beyond, below=nearest[0].column_rank)
    else:
        rank = rank_for_place(above=nearest[0].column_rank, below=beyond)
    moved = books.save(book.placed(rank), expected_version)
    return Nudge(book=moved, neighbour=nearest[0])


def edit_book(
    books: BookRepository,
    user_id: str,
    book_id: str,
    title: str,
    author: str,
    expected_version: int,
) -> Book:
    book = books.get(user_id, book_id)
    if book.version != expected_version:
        raise BookChanged(book)
    if (book.title, book.author) == (title, author):
        return book
    return books.save(book.edited(title, author), expected_version)
