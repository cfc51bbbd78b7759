"""What readers do with their books, independent of the web: the board, moves and edits."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bookapp.books.model import Book, BookChanged, Status
from bookapp.books.repository import BookRepository, ColumnPage


@dataclasses.dataclass(frozen=True)
class Board:
    columns: list[ColumnPage]
    counts: dict[Status, int]


def load_board(books: BookRepository, user_id: str, page_size: int) -> Board:
    """The first page of every column and the column counts.

    A column read to its end gives its exact count; when the stored counter disagrees (a process
    died between a book write and its counter write), the counter is healed here."""
    counts = books.counts(user_id)
    columns = [books.list_column(user_id, status, page_size) for status in Status]
    for column in columns:
        if column.next_cursor is None and counts[column.status] != len(column.books):
            books.repair_count(user_id, column.status, len(column.books))
            counts[column.status] = len(column.books)
    return Board(columns=columns, counts=counts)


def move_book(
    books: BookRepository,
    user_id: str,
    book_id: str,
    to_status: Status,
    expected_version: int,
    today: dt.date,
) -> Book:
    """Move a book to another column, applying the date rules of `Book.moved_to`.

    Raises BookNotFound, or BookChanged when the reader's copy (expected_version) is stale."""
    book = books.get(user_id, book_id)
    if book.version != expected_version:
        raise BookChanged(book)
    moved = book.moved_to(to_status, today)
    if moved is book:
        return book
    return books.save(moved, expected_version)


def edit_book(
    books: BookRepository,
    user_id: str,
    book_id: str,
    title: str,
    author: str,
    expected_version: int,
) -> Book:
    book = books.get(user_id, book_id)
    if book.version != expected_version:
        raise BookChanged(book)
    if (book.title, book.author) == (title, author):
        return book
    return books.save(book.edited(title, author), expected_version)
