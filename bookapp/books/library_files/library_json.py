"""A reader's whole library as one JSON file (docs/export-format.md), written a page of books at a
time, and read back into an account: everything a book holds, read-throughs with partial dates,
ratings in half stars, the place of each card in its column, and nothing about the account but
its name (no password hash, no session token).

Reading back keeps each book's id: a book already in the account (imported before, or never gone)
is left as it is, so importing the same file twice adds nothing the second time. The file is the
reader's own upload: every value is checked against the record's rules before anything is written,
and a file with one bad book imports nothing, with a message naming the book."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from bookapp.books.items import from_item
from bookapp.books.library_files.book_json import book_json_text, from_json_value
from bookapp.books.library_transfer import LibraryTransfer
from bookapp.books.model import (
    AUTHOR_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Book,
    Status,
    is_valid_book_id,
    is_valid_rank,
    new_creation,
)
from bookapp.books.reads import MAX_READ_THROUGHS, Outcome
from bookapp.books.record import (
    PAGES_MAX,
    SERIES_MAX_LENGTH,
    YEAR_PUBLISHED_MIN,
    BookFormat,
    PartialDate,
    RecordError,
    clean_notes,
    normalize_isbn,
    normalize_tags,
    parse_rating,
    parse_series_number,
)

FORMAT = "book-tracking-online-library"
FORMAT_VERSION = 1
READABLE_VERSIONS = (1,)
# Ids the app makes are ULIDs (26 characters); anything longer in a file is not one of ours.
CREATION_MAX_LENGTH = 26
VERSION_MAX = 10**12


class LibraryFileRefused(ValueError):
    """The file is not a library export this app can read; the message says why, for the reader."""


@dataclasses.dataclass(frozen=True)
class LibraryImport:
    """What an import did: books added, and books left alone because the account has them already
    (or the file has them twice)."""

    added: int
    already_there: int


# -- writing ------------------------------------------------------------------------------------------


def library_json_chunks(pages: Iterable[list[Book]], username: str, exported_at: dt.datetime) -> Iterator[str]:
    """The file as text to send as it is made: the heading, then one chunk per page of books. One book
    per line, so that the file reads well and diffs well."""
    heading = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": exported_at.isoformat(),
        "reader": username,
    }
    yield json.dumps(heading, ensure_ascii=False)[:-1] + ',\n"books": ['
    separator = "\n"
    for page in pages:
        lines = [book_json_text(book) for book in page]
        yield separator + ",\n".join(lines)
        separator = ",\n"
    yield "\n]}\n"


# -- reading ------------------------------------------------------------------------------------------


def parse_library_file(raw: bytes) -> dict[str, Any]:
    """The file's JSON, if it is a library export of a version this app reads."""
    try:
        # From the bytes, with or without a byte order mark: no decoded copy of a 25 MB file beside them.
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise LibraryFileRefused("This file is not UTF-8 text, so it is not a library export.") from None
    except (ValueError, RecursionError):
        raise LibraryFileRefused("This file is not JSON, so it is not a library export.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LibraryFileRefused(f"This JSON file is not a Book Tracking Online library export (“{FORMAT}”).")
    if data.get("format_version") not in READABLE_VERSIONS:
        raise LibraryFileRefused(
            f"This library export is of format version {data.get('format_version')!r}, "
            f"and this app reads version {' or '.join(map(str, READABLE_VERSIONS))}."
        )
    if not isinstance(data.get("books"), list):
        raise LibraryFileRefused("This library export has no list of books.")
    return data


def _text(record: dict, name: str, required: bool = False) -> str:
    value = record.get(name, "")
    if not isinstance(value, str):
        raise RecordError(f"its {name} is not text", name)
    if required and not value.strip():
        raise RecordError(f"it has no {name}", name)
    return value


def _whole(record: dict, name: str, low: int, high: int) -> int | None:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RecordError(f"its {name} is not a whole number from {low} to {high}", name)
    return value


def _checked_reads(value: Any, status: Status) -> list[dict]:
    if not isinstance(value, list) or len(value) > MAX_READ_THROUGHS:
        raise RecordError(f"its read-throughs are not a list of up to {MAX_READ_THROUGHS}", "reads")
    for index, read in enumerate(value):
        if not isinstance(read, dict) or read.get("outcome") not in {outcome.value for outcome in Outcome}:
            raise RecordError(f"read-through {index + 1} has no outcome the app knows", "reads")
        for name in ("started", "ended"):
            if name in read and not isinstance(read[name], str):
                raise RecordError(f"read-through {index + 1} has a {name} date that is not text", "reads")
            if read.get(name):
                PartialDate.parse(read[name], name)
        _whole(read, "page", 0, PAGES_MAX)
        _whole(read, "percent", 0, 100)
        if "page" in read and "percent" in read:
            raise RecordError(f"read-through {index + 1} has both a page and a percentage", "reads")
        # The open read-through is the first, and only a book in Reading has one (reads.py).
        if (read["outcome"] == Outcome.READING.value) != (index == 0 and status is Status.READING):
            raise RecordError("its read-throughs do not match its column", "reads")
    if status is Status.READING and not value:
        raise RecordError("it is in Reading without a read-through", "reads")
    return value


def _checked_item(record: Any, this_year: int) -> dict[str, Any]:
    """The stored item a book's JSON object stands for, every value checked (RecordError when not)."""
    if not isinstance(record, dict):
        raise RecordError("it is not an object", "book")
    book_id = _text(record, "book_id")
    if not is_valid_book_id(book_id):
        raise RecordError("its book_id is not a book id this app makes", "book_id")
    title, author = _text(record, "title", required=True), _text(record, "author", required=True)
    if len(title) > TITLE_MAX_LENGTH or len(author) > AUTHOR_MAX_LENGTH:
        raise RecordError("its title or author is longer than the app allows", "title")
    try:
        status = Status(record.get("status"))
    except ValueError:
        raise RecordError("its status is none of the app’s columns", "status") from None
    if not is_valid_rank(_text(record, "column_rank")):
        raise RecordError("its column_rank is not a place in a column", "column_rank")
    creation = _text(record, "creation")
    if len(creation) > CREATION_MAX_LENGTH:
        raise RecordError("its creation is not one the app makes", "creation")
    if _whole(record, "version", 1, VERSION_MAX) is None:
        raise RecordError("it has no version", "version")
    _checked_reads(record.get("reads", []), status)
    isbn13 = _text(record, "isbn13")
    if isbn13 and normalize_isbn(isbn13) != isbn13:
        raise RecordError("its isbn13 is not 13 digits", "isbn13")
    _whole(record, "pages", 1, PAGES_MAX)
    _whole(record, "year_published", YEAR_PUBLISHED_MIN, this_year + 5)
    if len(_text(record, "series")) > SERIES_MAX_LENGTH:
        raise RecordError(f"its series is longer than {SERIES_MAX_LENGTH} characters", "series")
    for name, parse in (("series_number", parse_series_number), ("rating", parse_rating)):
        value = record.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise RecordError(f"its {name} is not a number", name)
        if value is not None:
            parse(str(value))
    if record.get("format") is not None and record["format"] not in {kind.value for kind in BookFormat}:
        raise RecordError("its format is none of paper, ebook or audiobook", "format")
    if not isinstance(record.get("owned", False), bool):
        raise RecordError("its owned is not true or false", "owned")
    clean_notes(_text(record, "notes"))  # only its length: the notes stay exactly as they were written
    tags = record.get("tags", [])
    all_text = isinstance(tags, list) and all(isinstance(tag, str) for tag in tags)
    if not all_text or normalize_tags(tags) != tuple(tags):
        raise RecordError("its tags are not a list of tags as the app keeps them", "tags")
    # Only what a book holds; the reader, the index key and the finished count follow from the rest.
    names = ("book_id", "title", "author", "status", "column_rank", "version", "creation", "reads", "isbn13")
    names += ("pages", "year_published", "series", "series_number", "format", "owned", "rating", "notes", "tags")
    return {name: from_json_value(record[name]) for name in names if name in record and record[name] is not None}


def book_from_json(record: Any, user_id: str, this_year: int) -> Book:
    """The book a JSON object of the file stands for, as `user_id`'s; RecordError when a value breaks
    the record's rules."""
    item = _checked_item(record, this_year)
    book = from_item({**item, "reads": item.get("reads", []), "user_id": user_id})
    # A book without a creation (none of ours) gets one: it names this adding of the book.
    return dataclasses.replace(book, creation=book.creation or new_creation())


def read_library(data: dict[str, Any], user_id: str, this_year: int) -> list[Book]:
    """Every book of a parsed file (`parse_library_file`), as `user_id`'s; LibraryFileRefused naming
    the first book that breaks a rule."""
    books = []
    for number, record in enumerate(data["books"], 1):
        try:
            books.append(book_from_json(record, user_id, this_year))
        except RecordError as error:
            title = record.get("title") if isinstance(record, dict) else None
            named = f"“{title[:60]}”" if isinstance(title, str) and title else "(no title)"
            reason = error.message.rstrip(".")
            raise LibraryFileRefused(f"Book {number} of the file, {named}, cannot be imported: {reason}.") from None
    return books


def import_library(raw: bytes, user_id: str, books: LibraryTransfer, today: dt.date) -> LibraryImport:
    """Import a library export (the file's bytes) into `user_id`'s account: every book the account
    does not have yet, with its id, place and history; the others are left as they are. Nothing is
    written unless every book of the file can be."""
    library = read_library(parse_library_file(raw), user_id, today.year)
    present = books.book_ids(user_id)
    new: dict[str, Book] = {}
    for book in library:
        if book.book_id not in present:
            new.setdefault(book.book_id, book)
    added = books.add_books(user_id, new.values())
    return LibraryImport(added=added, already_there=len(library) - added)
