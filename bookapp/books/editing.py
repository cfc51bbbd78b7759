"""Editing a book's record on its page: one function per part of the page (the facts, the rating,
the notes, the tags, the read-throughs).

Each reads the book as the reader saw it (a stale version is `BookChanged`), checks everything the
reader typed against the record's rules (record.py) and against the book as it is, and only then
writes the whole book once, conditionally on its version. A refused edit (`EditRefused`, with one
`RecordError` per field that broke a rule) writes nothing; an edit that changes nothing writes
nothing either.

The `with_*` functions are the rules alone, without storage: a book in, the edited book out.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Sequence
from typing import TypeVar

from bookapp.books.model import Book
from bookapp.books.reads import MAX_READ_THROUGHS, Outcome, ReadThrough, newest_first
from bookapp.books.record import (
    PartialDate,
    RecordError,
    clean_notes,
    clean_series,
    finish_not_before_start,
    normalize_isbn,
    normalize_tags,
    parse_format,
    parse_pages,
    parse_progress,
    parse_rating,
    parse_series_number,
    parse_tag_list,
    parse_year_published,
    tag_key,
)
from bookapp.books.repository import BookRepository
from bookapp.books.status import Status

T = TypeVar("T")

# The ways a read-through the reader adds or edits on the page can end; the open one (Reading) is
# started and ended by moving the book on the board.
PAST_OUTCOMES = (Outcome.FINISHED, Outcome.DID_NOT_FINISH)


class EditOutcome(enum.Enum):
    SAVED = "saved"
    UNCHANGED = "unchanged"  # what the reader sent is what the book has: nothing written


@dataclasses.dataclass(frozen=True)
class Edit:
    outcome: EditOutcome
    book: Book  # as it is now


class EditRefused(ValueError):
    """What the reader sent breaks rules of the record. `errors` holds one `RecordError` per rule
    broken, each naming its field; `book` is the book as it is (nothing was written)."""

    def __init__(self, errors: list[RecordError], book: Book):
        super().__init__(" ".join(error.message for error in errors))
        self.errors = errors
        self.book = book


class ReadThroughNotFound(LookupError):
    """No read-through at that place in the book's history (a page of ours never sends one: a
    stale page is caught by the book's version first)."""


class _Checks:
    """Runs every parser and gathers what they refuse, so the reader hears of every field at once."""

    def __init__(self, book: Book):
        self.book = book
        self.errors: list[RecordError] = []

    def value(self, parse: Callable[..., T], *args) -> T | None:
        try:
            return parse(*args)
        except RecordError as error:
            self.errors.append(error)
            return None

    def refuse(self, message: str, field: str) -> None:
        self.errors.append(RecordError(message, field))

    def done(self) -> None:
        if self.errors:
            raise EditRefused(self.errors, self.book)


# -- the facts --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Facts:
    """The facts of a book as the reader typed them: text for the record's parsers (record.py)."""

    isbn: str = ""
    pages: str = ""
    year_published: str = ""
    series: str = ""
    series_number: str = ""
    format: str = ""
    owned: bool = False


def with_facts(book: Book, facts: Facts, this_year: int) -> Book:
    checks = _Checks(book)
    isbn13 = checks.value(normalize_isbn, facts.isbn)
    pages = checks.value(parse_pages, facts.pages)
    year_published = checks.value(parse_year_published, facts.year_published, this_year)
    series = checks.value(clean_series, facts.series)
    series_number = checks.value(parse_series_number, facts.series_number)
    book_format = checks.value(parse_format, facts.format)
    progress = book.progress
    if pages and progress and progress.page is not None and progress.page > pages:
        # The same rule as progress from the card (a page within the book's pages), seen from here.
        checks.refuse(
            f"You’re on page {progress.page:,} of this book, so it has at least {progress.page:,} pages: "
            "enter that many or more, or change where you are first.",
            "pages",
        )
    checks.done()
    return dataclasses.replace(
        book,
        isbn13=isbn13,
        pages=pages,
        year_published=year_published,
        series=series,
        series_number=series_number,
        format=book_format,
        owned=facts.owned,
    )


# -- rating, notes, tags ----------------------------------------------------------------------------


def with_rating(book: Book, rating: str) -> Book:
    checks = _Checks(book)
    value = checks.value(parse_rating, rating)
    checks.done()
    return dataclasses.replace(book, rating=value)


def with_notes(book: Book, notes: str) -> Book:
    checks = _Checks(book)
    value = checks.value(clean_notes, notes)
    checks.done()
    return dataclasses.replace(book, notes=value)


def with_tags(book: Book, add: str = "", remove: str = "") -> Book:
    """The book with the tags typed in `add` (one, or several separated by commas) and without the
    tag `remove`; tags are told apart whatever their case, and the first spelling stays."""
    checks = _Checks(book)
    removed = tag_key(" ".join(remove.split()))
    kept = [tag for tag in book.tags if tag_key(tag) != removed] if removed else list(book.tags)
    if not removed and not add.strip(" ,"):
        checks.refuse("Type a tag to add, or several separated by commas.", "tags")
    added = checks.value(parse_tag_list, add) or ()
    checks.done()
    tags = checks.value(normalize_tags, [*kept, *added])
    checks.done()
    return dataclasses.replace(book, tags=tags)


# -- read-throughs ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReadThroughText:
    """A read-through as the reader typed it: how it ended (an `Outcome` value) and partial dates
    (YYYY, YYYY-MM or YYYY-MM-DD; empty when unknown). `progress` is the card's text ("120", "45%",
    empty for none): only a whole history sent at once (`with_reads`) carries it; the page's forms
    leave progress to the card."""

    outcome: str = ""
    started: str = ""
    ended: str = ""
    progress: str = ""


def _date(checks: _Checks, text: str, field: str) -> PartialDate | None:
    return checks.value(PartialDate.parse, text, field) if text.strip() else None


def _past_read(checks: _Checks, text: ReadThroughText) -> ReadThrough | None:
    """A finished or given-up read-through from what the reader typed (None when refused)."""
    outcome = next((outcome for outcome in PAST_OUTCOMES if outcome.value == text.outcome.strip()), None)
    if outcome is None:
        checks.refuse("Choose how it ended: Finished or Did not finish.", "outcome")
    started = _date(checks, text.started, "started")
    ended = _date(checks, text.ended, "ended")
    if started and ended and ended.latest() < started.earliest():
        if outcome is Outcome.DID_NOT_FINISH:
            checks.refuse(
                f"The day you stopped ({ended.display()}) is before the start ({started.display()}): check both dates.",
                "ended",
            )
        else:
            try:
                finish_not_before_start(started, ended)
            except RecordError as error:
                checks.refuse(error.message, "ended")
    if outcome is None or checks.errors:
        return None
    return ReadThrough(outcome, started=started, ended=ended)


def _read_at(book: Book, index: int) -> ReadThrough:
    if not 0 <= index < len(book.reads):
        raise ReadThroughNotFound(index)
    return book.reads[index]


def with_read_added(book: Book, text: ReadThroughText) -> Book:
    """The book with a past read-through added (a re-read, or a read from before the app)."""
    checks = _Checks(book)
    past = sum(1 for read in book.reads if not read.is_open)
    if past >= MAX_READ_THROUGHS:
        checks.refuse(
            f"A book keeps up to {MAX_READ_THROUGHS} read-throughs, and this one has them all: "
            "delete one before adding another.",
            "read",
        )
    read = _past_read(checks, text)
    checks.done()
    return dataclasses.replace(book, reads=newest_first([*book.reads, read]))


def _open_read_started(checks: _Checks, text: ReadThroughText, refused_field: str) -> PartialDate | None:
    """The start of the open read-through from what the reader typed: it has no end, since only
    moving the book out of Reading ends it."""
    if text.outcome.strip() not in ("", Outcome.READING.value) or text.ended.strip():
        checks.refuse("You’re still reading this book: move it on the board to finish it or give up.", refused_field)
    return _date(checks, text.started, "started")


def with_read_edited(book: Book, index: int, text: ReadThroughText) -> Book:
    """The book with the read-through at `index` changed. The open one (the book is being read)
    keeps being open: only its start date can change here; moving the book on the board ends it."""
    current = _read_at(book, index)
    checks = _Checks(book)
    if current.is_open:
        started = _open_read_started(checks, text, "read")
        checks.done()
        edited = dataclasses.replace(current, started=started)
    else:
        edited = _past_read(checks, text)
        checks.done()
        # Where the reader stopped stays with a read given up; a finished one has no use for it.
        kept = current.progress if edited.outcome is Outcome.DID_NOT_FINISH else None
        edited = dataclasses.replace(edited, progress=kept)
    reads = list(book.reads)
    reads[index] = edited
    return dataclasses.replace(book, reads=newest_first(reads))


def with_read_deleted(book: Book, index: int) -> Book:
    current = _read_at(book, index)
    checks = _Checks(book)
    if current.is_open:
        checks.refuse(
            "You’re still reading this book: move it back to Not started on the board to drop this read-through.",
            "read",
        )
    checks.done()
    return dataclasses.replace(book, reads=book.reads[:index] + book.reads[index + 1 :])


def with_reads(book: Book, texts: Sequence[ReadThroughText], pages: int | None) -> Book:
    """The book with its whole history replaced by `texts` (in any order: it is kept newest first).

    The page's rules, over the whole list: each past read-through as one added on the page, the open
    one as the open one edited there; one open read-through while the book is in Reading and none
    elsewhere (moves start and end it); no more past read-throughs than a book keeps, unless it has
    more already; progress as the card takes it, within `pages` (the pages the book will have).
    Errors name the read-through by its place in `texts`: `reads[2].ended`."""
    checks = _Checks(book)
    reads: list[ReadThrough] = []
    open_places = [place for place, text in enumerate(texts) if text.outcome.strip() == Outcome.READING.value]
    for place, text in enumerate(texts):
        read_checks = _Checks(book)
        if place in open_places:
            started = _open_read_started(read_checks, text, "ended")
            read = ReadThrough(Outcome.READING, started=started)
        else:
            read = _past_read(read_checks, text)
        progress = read_checks.value(parse_progress, text.progress, pages)
        checks.errors += [RecordError(error.message, f"reads[{place}].{error.field}") for error in read_checks.errors]
        if read is not None and not read_checks.errors:
            reads.append(dataclasses.replace(read, progress=progress))
    if book.status is not Status.READING:
        for place in open_places:
            checks.refuse(
                "Only a book in Reading is being read: end this read-through (finished or did_not_finish), "
                "or move the book to Reading too.",
                f"reads[{place}].outcome",
            )
    elif not open_places:
        checks.refuse(
            "The book is in Reading, so its history has the read-through being read (outcome reading): "
            "keep it, or move the book out of Reading too.",
            "reads",
        )
    else:
        for place in open_places[1:]:
            checks.refuse(
                "A book is read once at a time: only one read-through can be open.", f"reads[{place}].outcome"
            )
    past = len(texts) - len(open_places)
    if past > MAX_READ_THROUGHS and past > sum(1 for read in book.reads if not read.is_open):
        checks.refuse(
            f"A book keeps up to {MAX_READ_THROUGHS} read-throughs besides the one being read, "
            f"and these are {past}: leave some out.",
            "reads",
        )
    checks.done()
    return dataclasses.replace(book, reads=newest_first(reads))


# -- the edits, stored ------------------------------------------------------------------------------


def edit_record(
    books: BookRepository, *, user_id: str, book_id: str, expected_version: int, change: Callable[[Book], Book]
) -> Edit:
    """Read the book as the reader saw it, apply `change` (one of the `with_…` edits above, which
    refuses or returns the edited book), and store it in one conditional write when it differs."""
    book = books.get_as_seen(user_id, book_id, expected_version)
    edited = change(book)
    if edited == book:
        return Edit(EditOutcome.UNCHANGED, book)
    return Edit(EditOutcome.SAVED, books.save(edited, expected_version))
