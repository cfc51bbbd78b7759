"""Books added and read in batches (imports): what DynamoDB leaves unprocessed is sent again, with
growing pauses, and the counters count each book once."""

from __future__ import annotations

import datetime as dt

import pytest

from bookapp.books import BookRepository, BooksUnavailable, Status
from bookapp.books.bulk import BATCH_TRIES
from bookapp.books.model import Book, new_book_id, new_column_rank


class BusyTable(BookRepository):
    """The real table, as DynamoDB answers when busy: each batch write processes only its first
    `processed` items and hands the rest back as unprocessed."""

    def __init__(self, *args, processed: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.processed = processed
        self.pauses: list[float] = []
        self.sleep = self.pauses.append

    def _write_batch(self, request):
        ((table, puts),) = request.items()
        done, left = puts[: self.processed], puts[self.processed :]
        if done:
            super()._write_batch({table: done})
        return {"UnprocessedItems": {table: left}} if left else {}


def new_books(count: int, status: Status = Status.NOT_STARTED) -> list[Book]:
    return [
        Book("1", new_book_id(), f"Book {i}", "Author", status, new_column_rank(), 1, tags=("imported",))
        for i in range(count)
    ]


def test_unprocessed_items_are_sent_again_after_growing_pauses(app, books):
    busy = BusyTable(table_name=app.config["BOOKS_TABLE"], region_name="us-east-1", processed=10)
    added = new_books(25)
    busy.add_many("1", added)
    assert busy.pauses == [0.05, 0.1]  # 25 items: 10, then 10, then the last 5
    assert busy.get_many("1", [book.book_id for book in added]) == {book.book_id: book for book in added}
    assert books.counts("1")[Status.NOT_STARTED] == 25
    assert books.reader_tags("1") == ("imported",)


def test_a_table_that_never_catches_up_is_unavailable(app):
    stuck = BusyTable(table_name=app.config["BOOKS_TABLE"], region_name="us-east-1", processed=0)
    with pytest.raises(BooksUnavailable):
        stuck.add_many("1", new_books(3))
    assert len(stuck.pauses) == BATCH_TRIES - 1


def test_reading_many_books_finds_the_readers_own_only(books):
    mine = books.add("1", "Mine", "A", Status.READING, dt.date(2026, 1, 1))
    theirs = books.add("2", "Theirs", "B", Status.READING, dt.date(2026, 1, 1))
    ids = [mine.book_id, theirs.book_id, new_book_id()] + [new_book_id() for _ in range(150)]
    assert list(books.get_many("1", ids)) == [mine.book_id]
