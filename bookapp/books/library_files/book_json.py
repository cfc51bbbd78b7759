"""One book as a JSON object: its stored item, with the JSON types people and other programs read.

The same shape in the operator's whole-site backup (bookapp/backup.py) and in a reader's own export
(library_json.py), so that one book reads the same in both files."""

from __future__ import annotations

import datetime as dt
import json
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


def _book_fields(book: Book) -> dict[str, Any]:
    item = to_item(book)
    if book.tags:
        item["tags"] = list(book.tags)  # a list in the file, as people read it (the item's string works too)
    for key in BOOK_KEYS_LEFT_OUT:
        del item[key]
    return item


def book_to_json(book: Book) -> dict[str, Any]:
    return {key: to_json_value(value) for key, value in _book_fields(book).items()}


def _json_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return to_json_value(value)
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def book_json_text(book: Book) -> str:
    """`book_to_json` as JSON text, keys sorted, on one line; the encoder converts the numbers itself
    (an export writes 10,000 of these, and walking each item in Python first costs a third more)."""
    return json.dumps(_book_fields(book), default=_json_number, ensure_ascii=False, sort_keys=True)
