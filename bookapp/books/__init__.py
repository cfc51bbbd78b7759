"""Books: the domain (model, rules) and its DynamoDB repository."""

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


def init_app(app: Flask) -> None:
    """Build the one repository this app uses, from configuration, at start-up."""
    repository = BookRepository(table_name=app.config["BOOKS_TABLE"], region_name=app.config["AWS_REGION"])
    app.extensions["book_repository"] = repository
    if app.config.get("BENCHMARK_MODE"):
        from bookapp.books import metering

        metering.init_app(app, [repository.client])


def get_book_repository() -> BookRepository:
    return current_app.extensions["book_repository"]
