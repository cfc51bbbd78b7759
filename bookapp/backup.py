"""Export every user and book to one JSON file, and restore such a file into an empty deployment.

The file holds password hashes (argon2id, never passwords): keep it as safe as the database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from bookapp.books import Book, BookRepository
from bookapp.books.items import from_item
from bookapp.books.library_files.book_json import BOOK_KEYS_LEFT_OUT, book_to_json, from_json_value, to_json_value
from bookapp.books.model import new_creation
from bookapp.extensions import db
from bookapp.users import User
from bookapp.users import repository as users
from bookapp.users.models import ReadingGoal, new_session_token

FORMAT = "bookapp-export"
# Version 2 holds each book as its stored item (read-throughs and the whole record); version 1 files,
# with a start and a finish date per book, are still restored (their dates become a read-through).
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
USER_FIELDS = ("id", "username", "password_hash", "is_admin", "is_disabled", "created_at", "last_sign_in_at")


class RestoreRefused(Exception):
    """The file or the deployment is not fit for a restore; the message says why."""


def _book_from_record(record: dict[str, Any], user_id: str) -> Book:
    item = {key: from_json_value(value) for key, value in record.items() if key not in BOOK_KEYS_LEFT_OUT}
    book = from_item({**item, "user_id": user_id})
    # An export made before books had a creation has none: the book gets a new one. One made before
    # read-throughs is stored in the new shape.
    return dataclasses.replace(book, creation=book.creation or new_creation(), stored_before_reads=False)


def export_data(books: BookRepository) -> dict[str, Any]:
    exported_users = []
    for user in users.all_users():
        record = {field: to_json_value(getattr(user, field)) for field in USER_FIELDS}
        record["books"] = [
            book_to_json(book) for book in sorted(books.all_for_user(user.books_key), key=lambda book: book.book_id)
        ]
        goals = users.reading_goals(user.id)
        record["reading_goals"] = [
            {"year": year, "books": goals[year].books, "pages": goals[year].pages} for year in sorted(goals)
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
        )
        db.session.add(user)
        # Files written before reading goals existed have none.
        for goal in record.get("reading_goals", []):
            db.session.add(
                ReadingGoal(user_id=record["id"], year=goal["year"], books=goal["books"], pages=goal["pages"])
            )
        restored_books.extend(_book_from_record(book, user.books_key) for book in record["books"])
    db.session.commit()
    books.restore(restored_books)
    return len(data["users"]), len(restored_books)
