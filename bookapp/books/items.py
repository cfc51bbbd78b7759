"""The books table's shape, and how a `Book` becomes a DynamoDB item and back: no requests here.

Table layout (docs/architecture.md has the whole picture):
- base table: partition `user_id`, sort `book_id` (a ULID);
- GSI `by_column`: partition `user_status` ("<user_id>#<status>"), sort `column_rank`, all attributes
  projected, so one Query with a limit reads one page of one board column, highest rank first;
- one counter item per reader (sort key `#counts`, never a valid ULID) holding the number of books in
  each column, so the board shows counts without reading whole columns. The counter has no
  `user_status`, so it never appears in the index;
- one tags item per reader (sort key `#tags`) counting the reader's books per tag spelling, so the
  book page suggests the reader's tags without reading their whole library.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from bookapp.books.model import Book, MalformedCursor, Status, is_valid_book_id
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import BookFormat, PartialDate, Progress, tag_key

COLUMN_INDEX = "by_column"
COUNTS_SORT_KEY = "#counts"
# Apart from the counters, so that the board's read of its counts does not grow with the tags: a
# GetItem costs by the size of the whole item, whatever it asks for.
TAGS_SORT_KEY = "#tags"
# A reader's own items beside their books; none is a valid ULID, so no book id names one.
READER_ITEM_KEYS = (COUNTS_SORT_KEY, TAGS_SORT_KEY)
# A tag's count is the attribute "tag:<tag as spelled>" (the prefix keeps a tag called "user_id"
# from naming the key).
TAG_ATTRIBUTE_PREFIX = "tag:"
# A book's stored attributes that a change may remove (the others are always set): the record's
# optional fields, and the start and finish dates of books stored before read-throughs.
OPTIONAL_ATTRIBUTES = (
    "isbn13",
    "pages",
    "year_published",
    "series",
    "series_number",
    "format",
    "owned",
    "rating",
    "notes",
    "tags",
    "finished_reads",
    "started_on",
    "finished_on",
)
# What identifies a book's item, and with it one adding of the book: never changed by an update.
SET_ONCE = ("user_id", "book_id", "creation")
_CURSOR_KEYS = {"user_id", "book_id", "user_status", "column_rank"}
# Well above the longest cursor `encode_cursor` makes (about 450 characters with a 200-digit rank), and
# short enough that nothing sent in its place costs much to decode.
MAX_CURSOR_LENGTH = 1024


def table_definition(table_name: str) -> dict[str, Any]:
    """The CreateTable request: the single source of the table's keys and indexes."""
    return {
        "TableName": table_name,
        "KeySchema": [
            {"AttributeName": "user_id", "KeyType": "HASH"},
            {"AttributeName": "book_id", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "user_id", "AttributeType": "S"},
            {"AttributeName": "book_id", "AttributeType": "S"},
            {"AttributeName": "user_status", "AttributeType": "S"},
            {"AttributeName": "column_rank", "AttributeType": "S"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": COLUMN_INDEX,
                "KeySchema": [
                    {"AttributeName": "user_status", "KeyType": "HASH"},
                    {"AttributeName": "column_rank", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }


def user_status(user_id: str, status: Status) -> str:
    """The index partition of one reader's column."""
    return f"{user_id}#{status.value}"


def count_attribute(status: Status) -> str:
    return f"count_{status.value}"


def counts_from_item(item: dict[str, Any]) -> dict[Status, int]:
    # Counters are separate writes: one left off by a crash never shows as a negative count.
    return {status: max(0, int(item.get(count_attribute(status), 0))) for status in Status}


def tag_attribute(tag: str) -> str:
    return TAG_ATTRIBUTE_PREFIX + tag


def tags_from_item(item: dict[str, Any]) -> tuple[str, ...]:
    """The tags a reader's books have, from their tags item: one spelling per tag (the one most
    books have; of as many, the first in code point order), in alphabetical order whatever the case."""
    counted: dict[str, tuple[int, str]] = {}
    for name in sorted(item):
        count = item[name]
        if not name.startswith(TAG_ATTRIBUTE_PREFIX) or int(count) <= 0:
            continue  # a count left at 0 (or below, by a lost write) is a tag no book has
        tag = name.removeprefix(TAG_ATTRIBUTE_PREFIX)
        if int(count) > counted.get(tag_key(tag), (0, ""))[0]:
            counted[tag_key(tag)] = (int(count), tag)
    return tuple(sorted((tag for _, tag in counted.values()), key=lambda tag: (tag_key(tag), tag)))


def tag_count_changes(before: Iterable[str], after: Iterable[str]) -> dict[str, int]:
    """What a change of a book's tags from `before` to `after` does to the reader's tag counts."""
    old, new = set(before), set(after)
    return {**dict.fromkeys(sorted(old - new), -1), **dict.fromkeys(sorted(new - old), +1)}


def read_to_map(read: ReadThrough) -> dict[str, Any]:
    """A read-through as it is stored: a map in the book's `reads` list (attributes left out when empty)."""
    stored: dict[str, Any] = {"outcome": read.outcome.value}
    if read.started:
        stored["started"] = read.started.iso()
    if read.ended:
        stored["ended"] = read.ended.iso()
    if read.progress and read.progress.page is not None:
        stored["page"] = read.progress.page
    if read.progress and read.progress.percent is not None:
        stored["percent"] = read.progress.percent
    return stored


@functools.lru_cache(maxsize=4096)
def _stored_date(text: str) -> PartialDate:
    """A stored date, parsed once per process: whole libraries are read at once (an export), their
    dates repeat, and a `PartialDate` is immutable."""
    return PartialDate.parse(text)


def read_from_map(stored: dict[str, Any]) -> ReadThrough:
    def date(name: str) -> PartialDate | None:
        return _stored_date(stored[name]) if stored.get(name) else None

    progress = None
    if "page" in stored:
        progress = Progress(page=int(stored["page"]))
    elif "percent" in stored:
        progress = Progress(percent=int(stored["percent"]))
    return ReadThrough(Outcome(stored["outcome"]), started=date("started"), ended=date("ended"), progress=progress)


def _reads_before_read_throughs(item: dict[str, Any]) -> tuple[ReadThrough, ...]:
    """The history of a book stored with only a start and a finish date: those dates are its one
    read-through (open if the book is in Reading)."""
    started = PartialDate.parse(item["started_on"]) if item.get("started_on") else None
    finished = PartialDate.parse(item["finished_on"]) if item.get("finished_on") else None
    if item["status"] == Status.READING.value:
        return (ReadThrough(Outcome.READING, started=started),)
    if started or finished:
        return (ReadThrough(Outcome.FINISHED, started=started, ended=finished),)
    return ()


# What a board card shows of a book, and so all a column's Query asks for: the first read-through
# only (the open one, or the latest), the count of finished ones kept beside it, and no notes or
# facts (and the dates of a book stored before read-throughs). Big records cost the board nothing
# to parse (`from_item(..., card_only=True)`).
# The reader and the column are the query's own, so they are not read back (every attribute
# costs the parse of a typed value: `list_column` fills them in).
CARD_PROJECTION = (
    "book_id, column_rank, title, author, version, creation, "
    "#reads[0], finished_reads, rating, tags, pages, started_on, finished_on"
)
CARD_PROJECTION_NAMES = {"#reads": "reads"}


# A book's tags are stored as one string, one tag per line (a tag never holds a line break: the
# record's rules fold whitespace): a list would cost the board's parse one typed value per tag.
TAG_SEPARATOR = "\n"


def stored_tags(item: dict[str, Any]) -> tuple[str, ...]:
    """A stored item's tags (one string, or a list as exports write them)."""
    value = item.get("tags") or ()
    return tuple(value.split(TAG_SEPARATOR)) if isinstance(value, str) else tuple(value)


def to_item(book: Book) -> dict[str, Any]:
    item: dict[str, Any] = {
        "user_id": book.user_id,
        "book_id": book.book_id,
        "title": book.title,
        "author": book.author,
        "status": book.status.value,
        "user_status": user_status(book.user_id, book.status),
        "column_rank": book.column_rank,
        "version": book.version,
        "creation": book.creation,
        "reads": [read_to_map(read) for read in book.reads],
    }
    optional = {
        "isbn13": book.isbn13,
        "pages": book.pages,
        "year_published": book.year_published,
        "series": book.series,
        "series_number": book.series_number,
        "format": book.format.value if book.format else None,
        "owned": book.owned or None,
        "finished_reads": book.times_finished or None,
        "rating": book.rating,
        "notes": book.notes,
        "tags": TAG_SEPARATOR.join(book.tags),
    }
    item.update({name: value for name, value in optional.items() if value not in (None, "", [])})
    return item


def from_item(item: dict[str, Any], card_only: bool = False) -> Book:
    """The book an item holds; `card_only`: an item read with CARD_PROJECTION, whose book has only
    its first read-through and no notes or facts (it can be shown, never saved)."""

    def number(name: str) -> int | None:
        return int(item[name]) if name in item else None  # DynamoDB numbers arrive as Decimal

    def decimal(name: str) -> Decimal | None:
        return Decimal(str(item[name])) if name in item else None

    stored_before_reads = "reads" not in item
    reads = (
        _reads_before_read_throughs(item)
        if stored_before_reads
        else tuple(read_from_map(read) for read in item["reads"])
    )
    return Book(
        user_id=item["user_id"],
        book_id=item["book_id"],
        title=item["title"],
        author=item["author"],
        status=Status(item["status"]),
        column_rank=item["column_rank"],
        version=int(item["version"]),
        reads=reads,
        isbn13=item.get("isbn13", ""),
        pages=number("pages"),
        year_published=number("year_published"),
        series=item.get("series", ""),
        series_number=decimal("series_number"),
        format=BookFormat(item["format"]) if item.get("format") else None,
        owned=bool(item.get("owned", False)),
        rating=decimal("rating"),
        notes=item.get("notes", ""),
        tags=stored_tags(item),
        # Books stored before `creation` existed have none; one added again gets one.
        creation=item.get("creation", ""),
        stored_before_reads=stored_before_reads,
        card_only=card_only,
        # In the current shape an absent count is none; before read-throughs there was none stored.
        stored_times_finished=int(item.get("finished_reads", 0)) if not stored_before_reads else None,
    )


def encode_cursor(book: Book) -> str:
    key = {
        "user_id": book.user_id,
        "book_id": book.book_id,
        "user_status": user_status(book.user_id, book.status),
        "column_rank": book.column_rank,
    }
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str, user_id: str, status: Status) -> dict[str, str] | None:
    """The ExclusiveStartKey a cursor stands for, or None when it names another reader's column: a
    reader cannot page into someone else's partition by editing the URL. Raises MalformedCursor when
    it is not a cursor `encode_cursor` could have made."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise MalformedCursor("too long")
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeError, RecursionError) as error:
        # RecursionError: JSON nested deeper than the interpreter's stack allows ("[[[[...").
        raise MalformedCursor(type(error).__name__) from None
    if not isinstance(key, dict) or set(key) != _CURSOR_KEYS:
        raise MalformedCursor("not a key")
    if not all(isinstance(value, str) for value in key.values()):
        raise MalformedCursor("not a key")
    if not is_valid_book_id(key["book_id"]):
        raise MalformedCursor("not a key")
    if key["user_id"] != user_id or key["user_status"] != user_status(user_id, status):
        return None
    return key
