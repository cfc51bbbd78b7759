"""Books: the domain (model, rules) and its DynamoDB repository."""

from flask import Flask, current_app, has_app_context

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


def init_app(app: Flask) -> None:
    """Build the one repository this app uses, from configuration, at start-up."""
    repository = BookRepository(
        table_name=app.config["BOOKS_TABLE"], region_name=app.config["AWS_REGION"], on_change=_books_changed(app)
    )
    app.extensions["book_repository"] = repository
    if app.config.get("BENCHMARK_MODE"):
        from bookapp.books import metering

        metering.init_app(app, [repository.client])


def _books_changed(app: Flask):
    """What the repository calls after each write: count up the reader's books revision in the
    users database, which every process and instance shares, so that no process serves a board
    page it cached before the change (blueprints/books/board_cache.py)."""
    from bookapp.users import repository as users  # here: bookapp.users.accounts imports this package

    def books_changed(user_id: str) -> None:
        if not user_id.isdigit():
            return  # not a user's partition (books_key is the user's numeric id)
        if has_app_context():
            users.record_books_changed(int(user_id))
        else:  # a script or test using the repository directly
            with app.app_context():
                users.record_books_changed(int(user_id))

    return books_changed


def get_book_repository() -> BookRepository:
    return current_app.extensions["book_repository"]
