"""Many items at once: books of one reader, for imports, read by id in batches and added in
batches; and the column counters of many readers, for the admin's list of accounts.

DynamoDB's batch requests may leave part of the work undone when the table is busy
(`UnprocessedKeys`, `UnprocessedItems`): that part is sent again after a pause that doubles each
time, and a batch that still has work left after all the tries is `BooksUnavailable` (the import's
next chunk tries again: the same rows write the same books)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from bookapp.books.items import COUNTS_SORT_KEY, counts_from_item, from_item, tag_count_changes, to_item
from bookapp.books.model import Book, BooksUnavailable, Status
from bookapp.books.table import BookTable

BATCH_GET_LIMIT = 100  # keys per BatchGetItem, DynamoDB's own limit
BATCH_WRITE_LIMIT = 25  # items per BatchWriteItem, likewise
BATCH_TRIES = 8
FIRST_PAUSE_SECONDS = 0.05


class BulkWrites(BookTable):
    """The batch operations of `BookRepository`."""

    # Replaceable in tests and the benchmark; the pauses between tries of unprocessed work.
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def get_many(self, user_id: str, book_ids: Sequence[str]) -> dict[str, Book]:
        """The reader's books among `book_ids`, by id (those that do not exist are left out);
        strongly consistent, so a book written a moment ago is found."""
        found: dict[str, Book] = {}
        unique = list(dict.fromkeys(book_ids))
        for start in range(0, len(unique), BATCH_GET_LIMIT):
            keys = [{"user_id": user_id, "book_id": book_id} for book_id in unique[start : start + BATCH_GET_LIMIT]]
            request: dict[str, Any] = {self.table_name: {"Keys": keys, "ConsistentRead": True}}
            for items in self._batches("get books", request, "UnprocessedKeys", self._get_batch):
                found.update((item["book_id"], from_item(item)) for item in items)
        return found

    def counts_of_many(self, user_ids: Sequence[str]) -> dict[str, dict[Status, int]]:
        """Each reader's books per column, from their counter items: one BatchGetItem for up to 100
        readers, never a Query per reader. A reader without a counter item (no book yet) has zeros.
        Eventually consistent (half the read units): a count a moment old is good enough for a list."""
        counts = {user_id: counts_from_item({}) for user_id in user_ids}
        unique = list(counts)
        for start in range(0, len(unique), BATCH_GET_LIMIT):
            keys = [
                {"user_id": user_id, "book_id": COUNTS_SORT_KEY} for user_id in unique[start : start + BATCH_GET_LIMIT]
            ]
            request: dict[str, Any] = {self.table_name: {"Keys": keys}}
            for items in self._batches("get counts of readers", request, "UnprocessedKeys", self._get_batch):
                counts.update((item["user_id"], counts_from_item(item)) for item in items)
        return counts

    def add_many(self, user_id: str, books: Sequence[Book]) -> None:
        """Store new books of one reader (ids that no stored book has: the caller checked with
        `get_many`), then count them in the reader's column and tag counters, one write each."""
        if not books:
            return
        with self._changing(user_id, [book.book_id for book in books]):
            for start in range(0, len(books), BATCH_WRITE_LIMIT):
                puts = [{"PutRequest": {"Item": to_item(book)}} for book in books[start : start + BATCH_WRITE_LIMIT]]
                for _ in self._batches("add books", {self.table_name: puts}, "UnprocessedItems", self._write_batch):
                    pass
            columns: dict[Status, int] = {}
            tags: dict[str, int] = {}
            for book in books:
                columns[book.status] = columns.get(book.status, 0) + 1
                for tag, change in tag_count_changes((), book.tags).items():
                    tags[tag] = tags.get(tag, 0) + change
            self._adjust_counts(user_id, columns)
            self._adjust_tag_counts(user_id, tags)

    def _get_batch(self, request: dict[str, Any]) -> dict[str, Any]:
        response = self._dynamodb.batch_get_item(RequestItems=request)
        response["found"] = response.get("Responses", {}).get(self.table_name, [])
        return response

    def _write_batch(self, request: dict[str, Any]) -> dict[str, Any]:
        return self._dynamodb.batch_write_item(RequestItems=request)

    def _batches(self, operation: str, request: dict[str, Any], unprocessed: str, send: Callable) -> Any:
        """Send `request`, and what is left unprocessed again after a growing pause; yields what
        each answer found (for gets)."""
        pause = FIRST_PAUSE_SECONDS
        for attempt in range(BATCH_TRIES):
            with self._errors(operation):
                response = send(request)
            yield response.get("found", [])
            request = response.get(unprocessed) or {}
            if not request:
                return
            if attempt < BATCH_TRIES - 1:
                self.sleep(pause)
                pause *= 2
        raise BooksUnavailable(f"{operation}: work left unprocessed after {BATCH_TRIES} tries")
