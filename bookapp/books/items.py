"""The books table's shape, and how a `Book` becomes a DynamoDB item and back: no requests here.

Table layout (docs/architecture.md has the whole picture):
- base table: partition `user_id`, sort `book_id` (a ULID);
- GSI `by_column`: partition `user_status` ("<user_id>#<status>"), sort `column_rank`, all attributes
  projected, so one Query with a limit reads one page of one board column, highest rank first;
- one counter item per reader (sort key `#counts`, never a valid ULID) holding the number of books in
  each column, so the board shows counts without reading whole columns. The counter has no
  `user_status`, so it never appears in the index.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from bookapp.books.model import Book, MalformedCursor, Status, is_valid_book_id

COLUMN_INDEX = "by_column"
COUNTS_SORT_KEY = "#counts"
# A book's stored attributes that a change may remove (the others are always set).
OPTIONAL_DATES = ("started_on", "finished_on")
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
    }
    if book.started_on:
        item["started_on"] = book.started_on.isoformat()
    if book.finished_on:
        item["finished_on"] = book.finished_on.isoformat()
    return item


def from_item(item: dict[str, Any]) -> Book:
    def date(name: str) -> dt.date | None:
        value = item.get(name)
        return dt.date.fromisoformat(value) if value else None

    return Book(
        user_id=item["user_id"],
        book_id=item["book_id"],
        title=item["title"],
        author=item["author"],
        status=Status(item["status"]),
        column_rank=item["column_rank"],
        version=int(item["version"]),  # DynamoDB numbers arrive as Decimal
        started_on=date("started_on"),
        finished_on=date("finished_on"),
        # Books stored before `creation` existed have none; one added again gets one.
        creation=item.get("creation", ""),
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
