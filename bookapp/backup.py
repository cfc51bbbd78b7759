"""Export every user and book to one JSON file, and restore such a file into an empty deployment.

The file holds password hashes (argon2id, never passwords): keep it as safe as the database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from bookapp.books import Book, BookRepository, Status
from bookapp.books.model import new_creation
from bookapp.extensions import db
from bookapp.users import User
from bookapp.users import repository as users
from bookapp.users.models import new_session_token

FORMAT = "bookapp-export"
FORMAT_VERSION = 1
USER_FIELDS = ("id", "username", "password_hash", "is_admin", "is_disabled", "created_at", "last_sign_in_at")


class RestoreRefused(Exception):
    """The file or the deployment is not fit for a restore; the message says why."""


def _to_json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def export_data(books: BookRepository) -> dict[str, Any]:
    exported_users = []
    for user in users.all_users():
        record = {field: _to_json_value(getattr(user, field)) for field in USER_FIELDS}
        record["books"] = [
            {key: _to_json_value(value) for key, value in dataclasses.asdict(book).items() if key != "user_id"}
            for book in sorted(books.all_for_user(user.books_key), key=lambda book: book.book_id)
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


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def import_data(data: dict[str, Any], books: BookRepository) -> tuple[int, int]:
    """Restore an export into a deployment that has no users yet; returns (users, books)."""
    if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
        raise RestoreRefused(f"Not a {FORMAT} file of version {FORMAT_VERSION}.")
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
        for book in record["books"]:
            restored_books.append(
                Book(
                    user_id=user.books_key,
                    book_id=book["book_id"],
                    title=book["title"],
                    author=book["author"],
                    status=Status(book["status"]),
                    column_rank=book["column_rank"],
                    version=book["version"],
                    started_on=_date(book["started_on"]),
                    finished_on=_date(book["finished_on"]),
                    # An export made before books had a creation has none: the book gets a new one.
                    creation=book.get("creation") or new_creation(),
                )
            )
    db.session.commit()
    books.restore(restored_books)
    return len(data["users"]), len(restored_books)
