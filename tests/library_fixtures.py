"""A library with every field a book can hold, for the export and import tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from bookapp.books import Book, BookRepository, Status
from bookapp.books.model import new_book_id, new_column_rank
from bookapp.books.reads import READ_TO_THE_END, Outcome, ReadThrough
from bookapp.books.record import BookFormat, PartialDate, Progress

FORMULA_TITLE = '=HYPERLINK("http://evil.example", "Click")'
FORMULA_NOTES = '+1 surprising twist\n=SUM(A1:A9)\n\n\tthird line, with a comma and "quotes"'


def _book(user_key: str, title: str, author: str, status: Status, **record) -> Book:
    return Book(
        user_id=user_key,
        book_id=new_book_id(),
        title=title,
        author=author,
        status=status,
        column_rank=new_column_rank(),
        version=record.pop("version", 1),
        **record,
    )


def full_library(user_key: str) -> list[Book]:
    """Five books, together using every field: partial dates, several read-throughs, progress, a book
    given up, half stars, notes with line breaks and formula-like text, tags, series, formats."""
    return [
        _book(
            user_key,
            "Dune",
            "Frank Herbert",
            Status.FINISHED,
            version=7,
            reads=(
                ReadThrough(Outcome.FINISHED, PartialDate(2024, 3, 2), PartialDate(2024, 4, 10), READ_TO_THE_END),
                ReadThrough(Outcome.FINISHED, PartialDate(2019), PartialDate(2019, 7)),
                ReadThrough(Outcome.DID_NOT_FINISH, PartialDate(2015, 5), None, Progress(page=80)),
            ),
            isbn13="9780306406157",
            pages=412,
            year_published=1965,
            series="Dune",
            series_number=Decimal(1),
            format=BookFormat.PAPER,
            owned=True,
            rating=Decimal("4.5"),
            notes="Spice.\n\n  Indented second paragraph, with a comma.",
            tags=("book club", "Sci-Fi", "-minus"),
        ),
        _book(
            user_key,
            "The Hobbit",
            "J. R. R. Tolkien",
            Status.READING,
            reads=(
                ReadThrough(Outcome.READING, PartialDate(2026, 1), progress=Progress(page=120)),
                ReadThrough(Outcome.FINISHED),
            ),
            pages=310,
        ),
        _book(
            user_key,
            FORMULA_TITLE,
            "@Mallory",
            Status.NOT_STARTED,
            isbn13="9791234567896",
            notes=FORMULA_NOTES,
            format=BookFormat.EBOOK,
        ),
        _book(
            user_key,
            '三体, «quoted» "twice" and كتاب (Remembrance, #1)',
            "Liu Cixin",
            Status.DID_NOT_FINISH,
            reads=(
                ReadThrough(
                    Outcome.DID_NOT_FINISH, PartialDate(2023, 5, 1), PartialDate(2023, 6), Progress(percent=40)
                ),
            ),
            series="Remembrance of Earth's Past",
            series_number=Decimal("4.5"),
            format=BookFormat.AUDIOBOOK,
            year_published=-500,
            rating=Decimal("2"),
            tags=("translated",),
        ),
        _book(
            user_key,
            "Tiny",
            "Anonymous",
            Status.FINISHED,
            reads=(
                ReadThrough(Outcome.FINISHED, None, PartialDate(2020, 2, 29)),
                ReadThrough(Outcome.FINISHED, PartialDate(2001)),
            ),
            rating=Decimal("0.5"),
        ),
    ]


def shelve(books: BookRepository, user_key: str) -> list[Book]:
    """Store the full library for a reader, counted as the app counts it."""
    library = full_library(user_key)
    books.restore(library)
    return library


def comparable(books: BookRepository, user_key: str) -> dict:
    """A reader's whole library, field by field, without the reader's id; with the board's order,
    counts and tag suggestions."""
    stored = sorted(books.all_for_user(user_key), key=lambda book: book.book_id)
    return {
        "books": [dataclasses.replace(book, user_id="") for book in stored],
        "columns": {
            status: [book.book_id for book in books.list_column(user_key, status, 100).books] for status in Status
        },
        "counts": books.counts(user_key),
        "tags": books.reader_tags(user_key),
    }


TODAY = dt.datetime.now(dt.UTC).date()
