"""The API's requests and responses, defined once: the routes validate with these models and the
OpenAPI document (openapi.py) is generated from them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bookapp.books.items import MAX_CURSOR_LENGTH
from bookapp.books.model import AUTHOR_MAX_LENGTH, BOOK_ID_PATTERN, TITLE_MAX_LENGTH, Book
from bookapp.books.reads import MAX_READ_THROUGHS, Outcome, ReadThrough
from bookapp.books.record import (
    MAX_TAGS,
    NOTES_MAX_LENGTH,
    PAGES_MAX,
    RATING_MAX,
    RATING_MIN,
    SERIES_MAX_LENGTH,
    SERIES_NUMBER_MAX,
    TAG_MAX_LENGTH,
    YEAR_PUBLISHED_MIN,
    BookFormat,
)
from bookapp.books.status import Status
from bookapp.users.access_tokens import Scope

# Versions count up from 1; DynamoDB numbers have at most 38 digits, so bound them well below.
MAX_VERSION = 2**63 - 1
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50

BookId = Annotated[str, StringConstraints(pattern=BOOK_ID_PATTERN.pattern)]
Version = Annotated[int, Field(ge=1, le=MAX_VERSION, description="The version of the book you saw (its ETag).")]
PartialDateText = Annotated[str, Field(pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$", examples=["2026-03"])]


# Every model builds its validator and serializer at its first use rather than at import: a worker
# that serves no API request does not pay for them (about 1 MB).


class RequestModel(BaseModel):
    """A request body or query: names not defined here are refused, never ignored. (Bodies are
    validated strictly: "1" is not a number.)"""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class ResponseModel(BaseModel):
    model_config = ConfigDict(defer_build=True)


# -- books ------------------------------------------------------------------------------------------


class ProgressOut(ResponseModel):
    page: int | None = Field(description="The page the reader is on (or stopped at).")
    percent: int | None = Field(description="How far, when the book's pages are unknown.")


class ReadThroughOut(ResponseModel):
    outcome: Outcome
    started: PartialDateText | None
    ended: PartialDateText | None
    progress: ProgressOut | None

    @classmethod
    def of(cls, read: ReadThrough) -> ReadThroughOut:
        progress = read.progress
        return cls(
            outcome=read.outcome,
            started=read.started.iso() if read.started else None,
            ended=read.ended.iso() if read.ended else None,
            progress=ProgressOut(page=progress.page, percent=progress.percent) if progress else None,
        )


class BookOut(ResponseModel):
    """A book with its whole record. `version` counts up with every change: send it back with a write."""

    id: BookId
    title: str
    author: str
    status: Status = Field(description="The board column, or the Did not finish shelf.")
    version: Version
    isbn13: str | None
    pages: int | None
    year_published: int | None = Field(description="Negative for BCE.")
    series: str | None
    series_number: float | None
    format: BookFormat | None
    owned: bool
    rating: float | None
    notes: str
    tags: list[str]
    progress: ProgressOut | None = Field(description="Where the reader is, while the book is in Reading.")
    reads: list[ReadThroughOut] = Field(description="Read-throughs, newest first; the open one first.")

    @classmethod
    def of(cls, book: Book) -> BookOut:
        progress = book.progress
        return cls(
            id=book.book_id,
            title=book.title,
            author=book.author,
            status=book.status,
            version=book.version,
            isbn13=book.isbn13 or None,
            pages=book.pages,
            year_published=book.year_published,
            series=book.series or None,
            series_number=float(book.series_number) if book.series_number is not None else None,
            format=book.format,
            owned=book.owned,
            rating=float(book.rating) if book.rating is not None else None,
            notes=book.notes,
            tags=list(book.tags),
            progress=ProgressOut(page=progress.page, percent=progress.percent) if progress else None,
            reads=[ReadThroughOut.of(read) for read in book.reads],
        )


class BookList(ResponseModel):
    books: list[BookOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null after the last.")


class ListBooksQuery(RequestModel):
    status: Status | None = Field(default=None, description="Only the books in this column (or on the shelf).")
    tag: Annotated[str, StringConstraints(min_length=1, max_length=TAG_MAX_LENGTH)] | None = Field(
        default=None, description="Only books with this tag, whatever its case."
    )
    # URL-safe base64, as `next_cursor` is made: a cursor of other characters is no cursor, and the
    # pattern keeps a valid one within the request line any server in front accepts (gunicorn: 4 KB).
    cursor: (
        Annotated[str, StringConstraints(min_length=1, max_length=MAX_CURSOR_LENGTH * 2, pattern=r"^[A-Za-z0-9_-]+$")]
        | None
    ) = Field(default=None, description="`next_cursor` of the page before.")
    limit: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Books per page.")


Title = Annotated[str, StringConstraints(min_length=1, max_length=TITLE_MAX_LENGTH)]
Author = Annotated[str, StringConstraints(min_length=1, max_length=AUTHOR_MAX_LENGTH)]


class NewBook(RequestModel):
    """A book to add, on top of its column. Send the same `id` (a ULID you make) or the same
    `Idempotency-Key` header again, and the book is added once."""

    id: BookId | None = Field(default=None, description="A ULID you chose: the book's id.")
    title: Title
    author: Author
    status: Status = Status.NOT_STARTED


# Progress is sent as a page or a percentage; the other may be left out or null, so that progress
# as a book answers it ({"page": null, "percent": 100}) can be sent back as it is.


class PageProgress(RequestModel):
    page: int = Field(ge=0, le=PAGES_MAX, description="The page the reader is on.")
    percent: None = None


class PercentProgress(RequestModel):
    page: None = None
    percent: int = Field(ge=0, le=100, description="How far the reader is, in percent.")


class ReadThroughIn(RequestModel):
    """One read-through, as `reads` of a book answers it: `reading` is the one under way (only in
    Reading, with no end); dates may be a year, a month or a day, or null when unknown."""

    outcome: Outcome
    started: PartialDateText | None = None
    ended: PartialDateText | None = Field(default=None, description="When it was finished or given up.")
    progress: PageProgress | PercentProgress | None = Field(
        default=None, description="Where the reader is (or stopped), within the book's pages."
    )


class BookChangeIn(RequestModel):
    """The fields to change; the others stay. `null` clears an optional field. A new `status` moves
    the book as the board does (starting, finishing or giving up a read-through today); `reads`
    replaces the history as it is after that move."""

    version: Version | None = Field(default=None, description="Or the `If-Match` header.")
    title: Title = None  # type: ignore[assignment]  (absent: kept; null is refused)
    author: Author = None  # type: ignore[assignment]
    status: Status = None  # type: ignore[assignment]
    isbn: Annotated[str, StringConstraints(max_length=40)] | None = Field(default=None, description="ISBN-10 or -13.")
    pages: int | None = Field(default=None, ge=1, le=PAGES_MAX)
    year_published: int | None = Field(default=None, ge=YEAR_PUBLISHED_MIN, le=9999)
    series: Annotated[str, StringConstraints(max_length=SERIES_MAX_LENGTH)] | None = None
    series_number: float | None = Field(default=None, ge=0, le=SERIES_NUMBER_MAX)
    format: BookFormat | None = None
    owned: bool = None  # type: ignore[assignment]
    rating: float | None = Field(default=None, ge=float(RATING_MIN), le=float(RATING_MAX), multiple_of=0.5)
    notes: Annotated[str, StringConstraints(max_length=NOTES_MAX_LENGTH)] | None = None
    tags: list[Annotated[str, StringConstraints(max_length=TAG_MAX_LENGTH)]] | None = Field(
        default=None, max_length=MAX_TAGS
    )
    reads: list[ReadThroughIn] = Field(  # type: ignore[assignment]  (absent: kept; null is refused, [] clears)
        default=None,
        max_length=MAX_READ_THROUGHS + 1,
        description=(
            "The whole history of read-throughs, replacing the one the book has (after the move, if `status` "
            "moves it): in Reading, exactly one with outcome `reading`; elsewhere none. Kept newest first."
        ),
    )
    progress: PageProgress | PercentProgress | None = Field(
        default=None,
        description="A page or a percentage, while the book is in Reading; null clears it. Set after `reads`.",
    )


# -- the reader ---------------------------------------------------------------------------------------


class TokenOut(ResponseModel):
    name: str
    scope: Scope
    created_at: dt.datetime
    expires_at: dt.datetime | None


class Me(ResponseModel):
    username: str
    token: TokenOut = Field(description="The token this request was made with.")
    counts: dict[Status, int] = Field(description="How many books each column and the shelf hold.")


# -- errors -------------------------------------------------------------------------------------------


class FieldError(ResponseModel):
    field: str
    reason: str


class Problem(ResponseModel):
    """An error, as RFC 9457 problem details (`application/problem+json`)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = Field(default=None, description="What is wrong with each field.")
    book: BookOut | None = Field(default=None, description="On 409: the book as it is now.")


class DeleteQuery(RequestModel):
    version: int | None = Field(default=None, ge=1, le=MAX_VERSION, description="Or the `If-Match` header.")
