"""Books: the domain (model, rules) and its DynamoDB repository."""

from collections.abc import Callable, Collection

from flask import Flask, current_app

from bookapp.books.model import Book, BookChanged, BookNotFound, BooksUnavailable, Status
from bookapp.books.repository import BookRepository

__all__ = [
    "Book",
    "BookChanged",
    "BookNotFound",
    "BookRepository",
    "BooksUnavailable",
    "Status",
    "get_book_repository",
    "init_app",
]


def init_app(app: Flask, on_change: Callable[[str, Collection[str] | None], None] | None = None) -> None:
    """Build the one repository this app uses, from configuration, at start-up. `on_change(user_id,
    book_ids)` hears of every write to a reader's books (the factory wires what keeps cached boards
    and kept libraries right)."""
    app.extensions["book_repository"] = BookRepository(
        table_name=app.config["BOOKS_TABLE"], region_name=app.config["AWS_REGION"], on_change=on_change
    )


def get_book_repository() -> BookRepository:
    return current_app.extensions["book_repository"]
