"""One book as a JSON object: its stored item, with the JSON types people and other programs read.

The same shape in the operator's whole-site backup (bookapp/backup.py) and in a reader's own export
(library_json.py), so that one book reads the same in both files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from bookapp.books.items import to_item
from bookapp.books.model import Book

# Not in the file: the reader is the account around the book, and the index key follows from it.
BOOK_KEYS_LEFT_OUT = ("user_id", "user_status")


def to_json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):  # DynamoDB's numbers: whole ones as integers, halves as decimals
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [to_json_value(element) for element in value]
    if isinstance(value, dict):
        return {key: to_json_value(element) for key, element in value.items()}
    return value


def from_json_value(value: Any) -> Any:
    """Numbers as DynamoDB gives them (Decimal), so a book read back is the book written."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, list):
        return [from_json_value(element) for element in value]
    if isinstance(value, dict):
        return {key: from_json_value(element) for key, element in value.items()}
    return value


def book_to_json(book: Book) -> dict[str, Any]:
    item = to_item(book)
    if book.tags:
        item["tags"] = list(book.tags)  # a list in the file, as people read it (the item's string works too)
    return {key: to_json_value(value) for key, value in item.items() if key not in BOOK_KEYS_LEFT_OUT}
