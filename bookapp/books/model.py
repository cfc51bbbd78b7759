"""Books as the rest of the app sees them: the `Book`, its place in a column, and what can go wrong."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import threading
import time
from decimal import Decimal

from ulid import ULID

from bookapp.books.reads import Outcome, ReadThrough, apply_read_change, read_change
from bookapp.books.record import BookFormat, Progress
from bookapp.books.status import BOARD_COLUMNS, Status  # noqa: F401  (the app imports them from here)

TITLE_MAX_LENGTH = 300
AUTHOR_MAX_LENGTH = 200

# Book ids are ULIDs: 26 characters of Crockford base32, sortable by creation time.
BOOK_ID_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


class BookNotFound(LookupError):
    """No such book for this reader (it may exist for another reader: that is the same answer)."""


class MalformedCursor(ValueError):
    """A "Show more" cursor that no page of ours made (edited, cut short, or built to hurt): a bad
    request, where a well-formed cursor for another reader's column is a book not found."""


class BookChanged(Exception):
    """The book was changed by another request since the reader loaded it."""

    def __init__(self, current: Book):
        super().__init__(f"book {current.book_id} is now at version {current.version}")
        self.current = current


class BooksUnavailable(Exception):
    """The book store did not answer (outage, throttling, timeout)."""


class MoveOutcome(enum.Enum):
    """What a move did, as the reader is told it."""

    MOVED = "moved"  # to another column (its counts changed)
    PLACED = "placed"  # to another place within its own column
    ALREADY_THERE = "already there"  # asked for the column it is in, and no place: nothing changed


def new_book_id() -> str:
    return str(ULID())


def new_creation() -> str:
    """What tells one adding of a book from another: the add form carries the book's id, so a book
    deleted and then added again from the same form has its old id, and starts at version 1 again."""
    return str(ULID())


_rank_lock = threading.Lock()
_last_rank_ns = 0


RANK_PATTERN = re.compile(r"^[0-9]{1,200}$")  # a GSI sort key may hold 1,024 bytes


def new_column_rank() -> str:
    """A rank that sorts after every rank this process handed out before it (nanoseconds, made
    strictly increasing); columns list the highest first, so a book added or moved lands on top.

    Ranks are digit strings compared as text, i.e. as decimal fractions 0.<rank>; none ends in "0",
    so there is always room for another rank between two (see `rank_between`)."""
    global _last_rank_ns
    with _rank_lock:
        _last_rank_ns = max(_last_rank_ns + 1, time.time_ns())
        return f"{_last_rank_ns:020d}5"


def rank_between(lower: str, upper: str | None) -> str:
    """A rank strictly between `lower` ("" for none) and `upper` (None for none), as text.

    Fractional indexing in base 10 (after David Greenspan's "Implementing Fractional Indexing"):
    the result is as short as possible and never ends in "0"."""
    if upper is not None:
        common = 0
        while common < len(upper) and (lower[common] if common < len(lower) else "0") == upper[common]:
            common += 1
        if common:
            return upper[:common] + rank_between(lower[common:], upper[common:])
    digit_lower = int(lower[0]) if lower else 0
    digit_upper = int(upper[0]) if upper is not None else 10
    if digit_upper - digit_lower > 1:
        return str((digit_lower + digit_upper + 1) // 2)
    if upper is not None and len(upper) > 1:
        return upper[0]
    return str(digit_lower) + rank_between(lower[1:], None)


def rank_for_place(above: str | None, below: str | None) -> str:
    """The rank of a card put between the card `above` it and the card `below` it (their ranks;
    None where there is no card). On top of a column it takes a fresh time rank, so that books added
    later still land above it."""
    if above is None:
        fresh = new_column_rank()
        return fresh if below is None or fresh > below else rank_between(below, None)
    return rank_between(below or "", above)


def is_valid_rank(rank: str) -> bool:
    return bool(RANK_PATTERN.match(rank)) and not rank.endswith("0")


def is_valid_book_id(book_id: str) -> bool:
    return bool(BOOK_ID_PATTERN.match(book_id))


@dataclasses.dataclass(frozen=True)
class Book:
    """One reader's book: where it is on the board, its history of reads, and its record. Every
    field of the record is optional."""

    user_id: str
    book_id: str
    title: str
    author: str
    status: Status
    column_rank: str
    version: int
    # Newest first; while the book is in Reading the first is open (reads.py).
    reads: tuple[ReadThrough, ...] = ()
    isbn13: str = ""
    pages: int | None = None
    year_published: int | None = None
    series: str = ""
    series_number: Decimal | None = None
    format: BookFormat | None = None
    owned: bool = False
    rating: Decimal | None = None
    notes: str = ""
    tags: tuple[str, ...] = ()
    # New each time the book is added and never changed: (id, creation, version) names one state of
    # one book for good, where (id, version) may come back after a delete (see `new_creation`).
    creation: str = dataclasses.field(default_factory=new_creation)
    # Read from an item stored before books had read-throughs (its history was made from its start
    # and finish dates); its next write stores the new shape.
    stored_before_reads: bool = dataclasses.field(default=False, compare=False, repr=False)
    # Read for a board card only (items.CARD_PROJECTION): the first read-through and no notes or
    # facts. Such a book is shown, never saved (the repository refuses it).
    card_only: bool = dataclasses.field(default=False, compare=False, repr=False)
    # The count of finished read-throughs as stored beside them (what a card-only book has).
    stored_times_finished: int | None = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def open_read(self) -> ReadThrough | None:
        return self.reads[0] if self.reads and self.reads[0].is_open else None

    @property
    def latest_read(self) -> ReadThrough | None:
        return self.reads[0] if self.reads else None

    @property
    def times_finished(self) -> int:
        if self.card_only and self.stored_times_finished is not None:
            return self.stored_times_finished
        return sum(1 for read in self.reads if read.outcome is Outcome.FINISHED)

    @property
    def progress(self) -> Progress | None:
        return self.open_read.progress if self.open_read else None

    def moved_to(self, status: Status, today: dt.date, rank: str | None = None) -> Book:
        """The same book in another column, with what arriving there does to its read-throughs
        (`reads.read_change`). `rank` places it within the column (default: on top); moving within
        its own column only changes its place."""
        if status == self.status:
            return self.placed(rank) if rank else self
        reads = apply_read_change(self.reads, read_change(self.status, status), today)
        return dataclasses.replace(self, status=status, column_rank=rank or new_column_rank(), reads=reads)

    def placed(self, rank: str) -> Book:
        """The same book at another place in its column."""
        return self if rank == self.column_rank else dataclasses.replace(self, column_rank=rank)

    def edited(self, title: str, author: str) -> Book:
        return dataclasses.replace(self, title=title, author=author)

    def with_progress(self, progress: Progress | None) -> Book:
        """The book with the open read-through at `progress` (the book must be in Reading)."""
        if self.open_read is None:
            raise ValueError("only a book being read has progress")
        return dataclasses.replace(self, reads=(dataclasses.replace(self.reads[0], progress=progress), *self.reads[1:]))


@dataclasses.dataclass(frozen=True)
class MoveResult:
    outcome: MoveOutcome
    book: Book  # as it is now
    counts: dict[Status, int] | None = None  # every column's count after a move to another column

    def __post_init__(self) -> None:
        if (self.counts is not None) != (self.outcome is MoveOutcome.MOVED):
            raise ValueError("a move to another column comes with the new counts, and only such a move")
