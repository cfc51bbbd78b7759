"""What moving a whole library in and out asks of the books table: the reader's books a page at a
time (exports stream them), and many books written at once (an import of our own JSON export).

Part of `BookRepository`; request-path operations, so Query pages and batch writes, never a Scan."""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from boto3.dynamodb.conditions import Key

from bookapp.books.bulk import BulkWrites
from bookapp.books.items import READER_ITEM_KEYS, from_item
from bookapp.books.model import Book

# How long the reading thread waits for a slow consumer (a slow download) before looking again whether
# the consumer has gone.
_HANDOVER_SECONDS = 1.0
_DONE = object()

# Books written (in batches of 25, `add_many`) before their counts are: one UpdateItem per this many books.
COUNTED_TOGETHER = 250


class LibraryTransfer(BulkWrites):
    def library_pages(self, user_id: str, page_size: int) -> Iterator[list[Book]]:
        """Every book of a reader, `page_size` (or what fits in DynamoDB's 1 MB) per Query, in the
        order of their ids (the order they were first added).

        A thread reads ahead while the caller uses a page (the Query's wait and its parse overlap the
        caller's writing): at most three pages are held (the one in use, one handed over and waiting,
        one read after it), never the library.
        Closing the iterator early (a download cancelled) stops the thread within a second."""
        handover: queue.Queue = queue.Queue(maxsize=1)
        stopped = threading.Event()

        def hand_over(value: Any) -> bool:
            while not stopped.is_set():
                try:
                    handover.put(value, timeout=_HANDOVER_SECONDS)
                    return True
                except queue.Full:
                    continue
            return False

        def read_pages() -> None:
            try:
                for page in self._pages_in_order(user_id, page_size):
                    if not hand_over(page):
                        return
                hand_over(_DONE)
            except Exception as error:  # BooksUnavailable and the like: raised where the pages are used
                hand_over(error)

        threading.Thread(target=read_pages, name="library-pages", daemon=True).start()
        try:
            while (page := handover.get()) is not _DONE:
                if isinstance(page, Exception):
                    raise page
                yield page
        finally:
            stopped.set()

    def _pages_in_order(self, user_id: str, page_size: int) -> Iterator[list[Book]]:
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("user_id").eq(user_id),
            "Limit": page_size,
            "ConsistentRead": True,
        }
        while True:
            with self._errors("query library page"):
                response = self._table.query(**query)
            page = [from_item(item) for item in response["Items"] if item["book_id"] not in READER_ITEM_KEYS]
            if page:
                yield page
            if "LastEvaluatedKey" not in response:
                return
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def book_ids(self, user_id: str) -> set[str]:
        """The ids of every book a reader has (keys only: about 60 bytes a book read)."""
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("user_id").eq(user_id),
            "ProjectionExpression": "book_id",
            "ConsistentRead": True,
        }
        ids: set[str] = set()
        while True:
            with self._errors("query book ids"):
                response = self._table.query(**query)
            ids.update(item["book_id"] for item in response["Items"] if item["book_id"] not in READER_ITEM_KEYS)
            if "LastEvaluatedKey" not in response:
                return ids
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def add_books(self, user_id: str, books: Iterable[Book]) -> int:
        """Store books of this reader as they are (ids, ranks, versions and read-throughs included)
        with batch writes, and count them in the reader's column and tag counters; returns how many.

        The caller leaves out books the reader has already (`book_ids`): a batch write replaces an
        item whole, and has no condition to refuse it with. Counted every COUNTED_TOGETHER books, so
        that an import cut short (a worker killed) leaves at most that many books uncounted, for
        `flask recount-books` to repair, like any write whose counter write was lost."""
        added = 0
        remaining = iter(books)
        while chunk := tuple(itertools.islice(remaining, COUNTED_TOGETHER)):
            if any(book.user_id != user_id for book in chunk):
                raise ValueError("add_books stores one reader's books")
            self.add_many(user_id, chunk)
            added += len(chunk)
        return added
