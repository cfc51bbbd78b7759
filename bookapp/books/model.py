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


class BookChanged(Exception):
    """The book was changed by another request since the reader loaded it."""

    def __init__(self, current: Book):
        super().__init__(f"book {current.book_id} is now at version {current.version}")
        self.current = current


class BooksUnavailable(Exception):
    """The book store did not answer (outage, throttling, timeout)."""


def new_book_id() -> str:
    return str(ULID())


_rank_lock = threading.Lock()
_last_rank_ns = 0


def new_column_rank() -> str:
    """A rank that sorts after every rank this process handed out before it (nanoseconds, made
    strictly increasing); columns list the highest first, so a book added or moved lands on top."""
    global _last_rank_ns
    with _rank_lock:
        _last_rank_ns = max(_last_rank_ns + 1, time.time_ns())
        return f"{_last_rank_ns:020d}"


def is_valid_book_id(book_id: str) -> bool:
    return bool(BOOK_ID_PATTERN.match(book_id))


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

    def moved_to(self, status: Status, today: dt.date) -> Book:
        """The same book in another column, with the reading dates that move implies.

        - to Reading: today becomes the start date unless one is already set;
        - to Finished: today becomes the finish date, and the start date if none is set;
        - out of Finished: the finish date is cleared;
        - back to Not started: both dates are cleared (a book not started has no start date).
        """
        if status == self.status:
            return self
        started_on, finished_on = self.started_on, self.finished_on
        if status == Status.NOT_STARTED:
            started_on = finished_on = None
        elif status == Status.READING:
            started_on = started_on or today
            finished_on = None
        elif status == Status.FINISHED:
            started_on = started_on or today
            finished_on = today
        return dataclasses.replace(
            self,
            status=status,
            started_on=started_on,
            finished_on=finished_on,
            column_rank=new_column_rank(),
        )

    def edited(self, title: str, author: str) -> Book:
        return dataclasses.replace(self, title=title, author=author)
