"""Books as the rest of the app sees them, and the rules for moving them between columns."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import threading
import time

from ulid import ULID

TITLE_MAX_LENGTH = 300
AUTHOR_MAX_LENGTH = 200

# Book ids are ULIDs: 26 characters of Crockford base32, sortable by creation time.
BOOK_ID_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


class Status(enum.StrEnum):
    """The three board columns, in board order."""

    NOT_STARTED = "not_started"
    READING = "reading"
    FINISHED = "finished"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Status.NOT_STARTED: "Not started",
    Status.READING: "Reading",
    Status.FINISHED: "Finished",
}


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


class DateChange(enum.Enum):
    """What arriving in a column does to one reading date."""

    CLEAR = "clear"
    TODAY = "today"
    TODAY_IF_MISSING = "today if missing"


# The date rules of a move to another column, in one place: `Book.moved_to` applies them to a book,
# and the repository turns them into the move's single DynamoDB update expression.
# - to Not started: both dates are cleared (a book not started has no start date);
# - to Reading: today becomes the start date unless one is set; the finish date is cleared;
# - to Finished: today becomes the finish date, and the start date if none is set.
DATES_ON_ARRIVAL: dict[Status, dict[str, DateChange]] = {
    Status.NOT_STARTED: {"started_on": DateChange.CLEAR, "finished_on": DateChange.CLEAR},
    Status.READING: {"started_on": DateChange.TODAY_IF_MISSING, "finished_on": DateChange.CLEAR},
    Status.FINISHED: {"started_on": DateChange.TODAY_IF_MISSING, "finished_on": DateChange.TODAY},
}


@dataclasses.dataclass(frozen=True)
class Book:
    user_id: str
    book_id: str
    title: str
    author: str
    status: Status
    column_rank: str
    version: int
    started_on: dt.date | None = None
    finished_on: dt.date | None = None
    # New each time the book is added and never changed: (id, creation, version) names one state of
    # one book for good, where (id, version) may come back after a delete (see `new_creation`).
    creation: str = dataclasses.field(default_factory=new_creation)

    def moved_to(self, status: Status, today: dt.date, rank: str | None = None) -> Book:
        """The same book in another column, with the reading dates that arriving there implies
        (`DATES_ON_ARRIVAL`). `rank` places it within the column (default: on top); moving within its
        own column only changes its place."""
        if status == self.status:
            return self.placed(rank) if rank else self
        dates = {"started_on": self.started_on, "finished_on": self.finished_on}
        for field, change in DATES_ON_ARRIVAL[status].items():
            if change is DateChange.CLEAR:
                dates[field] = None
            elif change is DateChange.TODAY or dates[field] is None:
                dates[field] = today
        return dataclasses.replace(self, status=status, column_rank=rank or new_column_rank(), **dates)

    def placed(self, rank: str) -> Book:
        """The same book at another place in its column."""
        return self if rank == self.column_rank else dataclasses.replace(self, column_rank=rank)

    def edited(self, title: str, author: str) -> Book:
        return dataclasses.replace(self, title=title, author=author)


@dataclasses.dataclass(frozen=True)
class MoveResult:
    outcome: MoveOutcome
    book: Book  # as it is now
    counts: dict[Status, int] | None = None  # every column's count after a move to another column

    def __post_init__(self) -> None:
        if (self.counts is not None) != (self.outcome is MoveOutcome.MOVED):
            raise ValueError("a move to another column comes with the new counts, and only such a move")
