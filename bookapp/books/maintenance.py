"""What operators run against the books table (CLI commands, backups, tests' set-up), never a
web request: creating the table, recounting, restoring, exporting, and scanning for orphans."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from bookapp.books.items import (
    COLUMN_INDEX,
    READER_ITEM_KEYS,
    TAGS_SORT_KEY,
    from_item,
    stored_tags,
    table_definition,
    tag_attribute,
    to_item,
    user_status,
)
from bookapp.books.model import Book, Status
from bookapp.books.table import BookTable


class Maintenance(BookTable):
    """The operator-only operations of `BookRepository`."""

    def create_table(self) -> bool:
        """Create the table and its index if missing; True when it was created now."""
        client = self._dynamodb.meta.client
        try:
            client.create_table(**table_definition(self.table_name))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceInUseException":
                return False
            raise
        client.get_waiter("table_exists").wait(TableName=self.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        return True

    def recount(self, user_id: str) -> dict[Status, int]:
        """Count every column exactly by reading the reader's whole index partitions, and the books
        per tag by reading all their books' tags (CLI repair).

        Setting the counters reports a change to the reader's items, so the app shows their board
        afresh at the next view: this is also the way to refresh a board after a write made outside
        the app."""
        exact = {}
        for status in Status:
            total = 0
            query: dict[str, Any] = {
                "IndexName": COLUMN_INDEX,
                "KeyConditionExpression": Key("user_status").eq(user_status(user_id, status)),
                "Select": "COUNT",
            }
            while True:
                with self._errors("recount"):
                    response = self._table.query(**query)
                total += response["Count"]
                if "LastEvaluatedKey" not in response:
                    break
                query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
            self._set_count(user_id, status, total)
            exact[status] = total
        self._recount_tags(user_id)
        return exact

    def _recount_tags(self, user_id: str) -> None:
        """Write the reader's tags item afresh from their books' tags."""
        counts: dict[str, int] = {}
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("user_id").eq(user_id),
            "ProjectionExpression": "book_id, tags",
        }
        while True:
            with self._errors("recount tags"):
                response = self._table.query(**query)
            for item in response["Items"]:
                if item["book_id"] not in READER_ITEM_KEYS:
                    for tag in stored_tags(item):
                        counts[tag] = counts.get(tag, 0) + 1
            if "LastEvaluatedKey" not in response:
                break
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        item = {"user_id": user_id, "book_id": TAGS_SORT_KEY} | {tag_attribute(tag): n for tag, n in counts.items()}
        with self._changing(user_id, ()), self._errors("set tag counts"):
            self._table.put_item(Item=item)

    def restore(self, books: list[Book]) -> None:
        """Write books exactly as they were (import into an empty table), then count them."""
        with self._errors("restore books"), self._table.batch_writer() as batch:
            for book in books:
                batch.put_item(Item=to_item(book))
        for user_id in {book.user_id for book in books}:
            self.recount(user_id)

    def all_for_user(self, user_id: str, consistent: bool = False) -> Iterator[Book]:
        """Every book of a reader, in no particular order (export); Query pages, never a Scan.
        `consistent`: strongly consistent reads (twice the read units), for a copy that is kept while
        the reader's books revision holds, and must not miss the change that counted it up."""
        query: dict[str, Any] = {"KeyConditionExpression": Key("user_id").eq(user_id), "ConsistentRead": consistent}
        while True:
            with self._errors("query all books"):
                response = self._table.query(**query)
            yield from (from_item(item) for item in response["Items"] if item["book_id"] not in READER_ITEM_KEYS)
            if "LastEvaluatedKey" not in response:
                return
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def user_ids_with_books(self) -> set[str]:
        """Every reader id that has items in the table. A Scan of the whole table: for operator
        commands only (`flask purge-orphans`), never in a request path."""
        user_ids: set[str] = set()
        scan: dict[str, Any] = {"ProjectionExpression": "user_id"}
        while True:
            with self._errors("scan user ids"):
                response = self._table.scan(**scan)
            user_ids.update(item["user_id"] for item in response["Items"])
            if "LastEvaluatedKey" not in response:
                return user_ids
            scan["ExclusiveStartKey"] = response["LastEvaluatedKey"]
