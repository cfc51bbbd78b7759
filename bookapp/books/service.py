"""What readers do with their books, independent of the web: the board, moves and edits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from functools import partial

from bookapp.books.column_order import MANUAL_ORDER, ColumnSort, has_tag, sort_books
from bookapp.books.concurrent_reads import results, start_read
from bookapp.books.model import (
    BOARD_COLUMNS,
    Book,
    BookChanged,
    MoveOutcome,
    MoveResult,
    Status,
    is_valid_rank,
    new_column_rank,
    rank_for_place,
)
from bookapp.books.record import RecordError, parse_progress
from bookapp.books.repository import BookRepository, ColumnPage


@dataclasses.dataclass(frozen=True)
class Board:
    columns: list[ColumnPage]
    counts: dict[Status, int]
    tag: str | None = None  # shows only the books with this tag

    @property
    def arranged(self) -> bool:
        return any(column.arranged for column in self.columns)


def load_board(
    books: BookRepository,
    user_id: str,
    page_size: int,
    *,
    sorts: Mapping[Status, ColumnSort] | None = None,
    tag: str | None = None,
    library: Callable[[], Iterable[Book]] | None = None,
) -> Board:
    """The first page of every column and the column counts. A column in manual order is one Query
    of its index partition; a sorted one, or any with a `tag` filter, is cut from `library()`, every
    book of the reader (kept by the caller: no index holds another order, or a tag).

    A column read to its end gives its exact count; when the stored counter disagrees (a process
    died between a book write and its counter write), the counter is healed here.

    The counts and the manual columns are read together (`concurrent_reads`), while this thread
    cuts the sorted or filtered columns from the library: the board waits for about one DynamoDB
    round trip. Any read that fails fails the board (BooksUnavailable): never a partial board."""
    order = {status: (sorts or {}).get(status, MANUAL_ORDER) for status in BOARD_COLUMNS}
    manual = [status for status in BOARD_COLUMNS if order[status].is_manual and tag is None]
    if len(manual) < len(BOARD_COLUMNS) and library is None:
        raise ValueError("a sorted or filtered column is cut from the reader's library")
    counts_read = start_read(partial(books.counts, user_id))
    column_reads = [start_read(partial(books.list_column, user_id, status, page_size)) for status in manual]
    arranged = {}
    if library is not None and len(manual) < len(BOARD_COLUMNS):
        whole_library = list(library())
        for status in BOARD_COLUMNS:
            if status not in manual:
                arranged[status] = arranged_column(
                    whole_library, status, sort=order[status], tag=tag, start=0, page_size=page_size
                )
    counts, *read_columns = results([counts_read, *column_reads])
    for column in read_columns:
        if column.next_cursor is None and counts[column.status] != len(column.books):
            books.repair_count(user_id, column.status, len(column.books))
            counts[column.status] = len(column.books)
    columns_read = {column.status: column for column in read_columns}
    columns = [columns_read[status] if status in columns_read else arranged[status] for status in BOARD_COLUMNS]
    return Board(columns=columns, counts=counts, tag=tag)


def arranged_column(
    books: Iterable[Book], status: Status, *, sort: ColumnSort, tag: str | None, start: int, page_size: int
) -> ColumnPage:
    """One page of a column in `sort` order, of the books with `tag` (None: all), from `start`."""
    in_column = [book for book in books if book.status == status and (tag is None or has_tag(book, tag))]
    ordered = sort_books(in_column, sort)
    end = start + page_size
    return ColumnPage(
        status=status,
        books=ordered[start:end],
        next_cursor=None,
        order=sort,
        tag=tag,
        next_start=end if len(ordered) > end else None,
        matching=len(ordered) if tag is not None else None,
    )


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


@dataclasses.dataclass(frozen=True)
class Move:
    """A reader's request to move a book, as their page sent it."""

    to_status: Status
    expected_version: int  # the version of the book the reader saw
    place: Place | None = None  # a drop says where in the column; otherwise on top
    # The column the reader saw the book in. The board's forms send it, and then the move is a single
    # conditional write; without it (an old page, a hand-made request) the book is read first.
    from_status: Status | None = None


def move_book(books: BookRepository, *, user_id: str, book_id: str, move: Move, today: dt.date) -> MoveResult:
    """Move a book to a column (and a place in it), with the date rules of `DATES_ON_ARRIVAL`.

    Raises BookNotFound, or BookChanged when the reader's copy is stale."""
    rank = move.place.rank() if move.place else None
    from_status = move.from_status
    if from_status is None or (from_status == move.to_status and rank is None):
        book = books.get_as_seen(user_id, book_id, move.expected_version)
        if book.status == move.to_status and rank is None:
            return MoveResult(MoveOutcome.ALREADY_THERE, book)
        from_status = book.status
    return books.move(
        user_id,
        book_id,
        from_status=from_status,
        to_status=move.to_status,
        rank=rank or new_column_rank(),
        expected_version=move.expected_version,
        today=today,
    )


@dataclasses.dataclass(frozen=True)
class Nudge:
    book: Book
    neighbour: Book | None  # the card it now stands before ("up") or after ("down"); None: no move


def nudge_book(books: BookRepository, *, user_id: str, book_id: str, direction: str, expected_version: int) -> Nudge:
    """Move a card one place up or down in its column (keyboard and no-JavaScript reordering)."""
    book = books.get_as_seen(user_id, book_id, expected_version)
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
    books: BookRepository, *, user_id: str, book_id: str, title: str, author: str, expected_version: int
) -> Book:
    book = books.get_as_seen(user_id, book_id, expected_version)
    if (book.title, book.author) == (title, author):
        return book
    return books.save(book.edited(title, author), expected_version)


class ProgressOutOfRange(Exception):
    """A page past the book's last page (the error is the record's, with the book's page count)."""

    def __init__(self, error: RecordError, book: Book):
        super().__init__(str(error))
        self.error = error
        self.book = book


def update_progress(
    books: BookRepository, *, user_id: str, book_id: str, progress_text: str, expected_version: int
) -> Book:
    """Set where the reader is in the book they are reading, from what they typed ("120", "45%",
    or nothing to clear it): one conditional write, which also checks the page against the book's
    pages. Raises RecordError for what no book allows, ProgressOutOfRange for what this book does
    not, BookChanged, BookNotFound."""
    progress = parse_progress(progress_text, pages=None)
    try:
        return books.set_progress(user_id, book_id, progress, expected_version)
    except BookChanged as changed:
        current = changed.current
        if current.version != expected_version or current.status is not Status.READING:
            raise
        try:
            parse_progress(progress_text, pages=current.pages)
        except RecordError as error:
            raise ProgressOutOfRange(error, current) from None
        raise
