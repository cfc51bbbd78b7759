"""Export every user and book to one JSON file, and restore such a file into an empty deployment.

The file holds password hashes (argon2id, never passwords): keep it as safe as the database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from bookapp.books import Book, BookRepository
from bookapp.books.items import from_item, to_item
from bookapp.books.model import new_creation
from bookapp.extensions import db
from bookapp.users import User
from bookapp.users import repository as users
from bookapp.users.models import new_session_token

FORMAT = "bookapp-export"
# Version 2 holds each book as its stored item (read-throughs and the whole record); version 1 files,
# with a start and a finish date per book, are still restored (their dates become a read-through).
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
# Not in the file: the reader is the user record around the book, and the index key follows from it.
BOOK_KEYS_LEFT_OUT = ("user_id", "user_status")
USER_FIELDS = ("id", "username", "password_hash", "is_admin", "is_disabled", "created_at", "last_sign_in_at")
# The reader's settings: optional in a file (older exports have none: manual order).
USER_SETTINGS = ("sort_not_started", "sort_reading", "sort_finished")


class RestoreRefused(Exception):
    """The file or the deployment is not fit for a restore; the message says why."""


def _to_json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):  # DynamoDB's numbers: whole ones as integers, halves as decimals
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_to_json_value(element) for element in value]
    if isinstance(value, dict):
        return {key: _to_json_value(element) for key, element in value.items()}
    return value


def _book_record(book: Book) -> dict[str, Any]:
    item = to_item(book)
    if book.tags:
        item["tags"] = list(book.tags)  # a list in the file, as people read it (the item's string works too)
    return {key: _to_json_value(value) for key, value in item.items() if key not in BOOK_KEYS_LEFT_OUT}


def _book_from_record(record: dict[str, Any], user_id: str) -> Book:
    item = {key: _from_json_value(value) for key, value in record.items() if key not in BOOK_KEYS_LEFT_OUT}
    book = from_item({**item, "user_id": user_id})
    # An export made before books had a creation has none: the book gets a new one. One made before
    # read-throughs is stored in the new shape.
    return dataclasses.replace(book, creation=book.creation or new_creation(), stored_before_reads=False)


def _from_json_value(value: Any) -> Any:
    """Numbers as DynamoDB gives them (Decimal), so a restored book is the book exported."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, list):
        return [_from_json_value(element) for element in value]
    if isinstance(value, dict):
        return {key: _from_json_value(element) for key, element in value.items()}
    return value


def export_data(books: BookRepository) -> dict[str, Any]:
    exported_users = []
    for user in users.all_users():
        record = {field: _to_json_value(getattr(user, field)) for field in USER_FIELDS + USER_SETTINGS}
        record["books"] = [
            _book_record(book) for book in sorted(books.all_for_user(user.books_key), key=lambda book: book.book_id)
        ]
        exported_users.append(record)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "users": exported_users,
    }


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def import_data(data: dict[str, Any], books: BookRepository) -> tuple[int, int]:
    """Restore an export into a deployment that has no users yet; returns (users, books)."""
    if data.get("format") != FORMAT or data.get("format_version") not in READABLE_VERSIONS:
        readable = " or ".join(str(version) for version in READABLE_VERSIONS)
        raise RestoreRefused(f"Not a {FORMAT} file of version {readable}.")
    if users.any_user_exists():
        raise RestoreRefused("This deployment already has users: restore into an empty one.")
    restored_books: list[Book] = []
    for record in data["users"]:
        user = User(
            id=record["id"],
            username=record["username"],
            password_hash=record["password_hash"],
            is_admin=record["is_admin"],
            is_disabled=record["is_disabled"],
            created_at=_datetime(record["created_at"]),
            last_sign_in_at=_datetime(record["last_sign_in_at"]),
            session_token=new_session_token(),  # sessions from before the export do not carry over
            **{setting: record.get(setting) for setting in USER_SETTINGS},
        )
        db.session.add(user)
        restored_books.extend(_book_from_record(book, user.books_key) for book in record["books"])
    db.session.commit()
    books.restore(restored_books)
    return len(data["users"]), len(restored_books)
