"""The connection to the books table: boto3 set-up, error translation, change reports and the
per-reader counters (books per column, books per tag). The operations are in repository.py (what
requests do) and maintenance.py (what operators run)."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Collection, Iterator
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from bookapp.books import raw_items
from bookapp.books.items import COUNTS_SORT_KEY, TAGS_SORT_KEY, count_attribute, counts_from_item, tag_attribute
from bookapp.books.model import BooksUnavailable, Status

log = logging.getLogger(__name__)

# Standard retries (with backoff) and short timeouts: a hung endpoint holds a web worker for at most
# about 2 × 3 s before the reader gets the "try again" page; DynamoDB answers in milliseconds.
# A worker's request threads and its concurrent reads (concurrent_reads.POOL_THREADS) share the
# client's connections: room for all of them at once, so none is opened and thrown away.
BOTO_CONFIG = BotoConfig(
    retries={"mode": "standard", "max_attempts": 2},
    connect_timeout=2,
    read_timeout=3,
    max_pool_connections=16,
)
# Tag counts changed by one UpdateItem: a tag's clause in the expression is about 14 characters
# (`#t12 :t12, `), well within the 4 KB an update expression may be.
TAG_COUNTS_PER_UPDATE = 40
# The health check answers within about two seconds whatever DynamoDB does: one try, short timeouts.
HEALTH_BOTO_CONFIG = BotoConfig(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=1, read_timeout=1)


class BookTable:
    """One DynamoDB table of books, for all readers."""

    def __init__(
        self,
        table_name: str,
        region_name: str,
        dynamodb_resource: Any | None = None,
        on_change: Callable[[str, Collection[str] | None], None] | None = None,
    ):
        """`on_change(user_id, book_ids)` is called after every write to a reader's items, even a
        failed one (it may have been partly done), with the ids of the books the write was about
        (None: it may have touched any); the app factory wires it to what keeps cached boards and
        kept libraries right."""
        self.table_name = table_name
        self.on_change = on_change
        # boto3 reads AWS_ENDPOINT_URL_DYNAMODB itself, so dynalite and AWS need no code difference.
        self._dynamodb = dynamodb_resource or boto3.resource("dynamodb", region_name=region_name, config=BOTO_CONFIG)
        self._tables = threading.local()
        raw_items.register(self._dynamodb.meta.client)
        self._health_client = boto3.client("dynamodb", region_name=region_name, config=HEALTH_BOTO_CONFIG)

    @property
    def _table(self) -> Any:
        """The table, as a resource of this thread's own: boto3's resources are not thread-safe, its
        clients are, so each thread's resource wraps the one client (its connections, its event hooks)."""
        table = getattr(self._tables, "table", None)
        if table is None:
            table = self._tables.table = type(self._dynamodb)(client=self.client).Table(self.table_name)
        return table

    @property
    def client(self) -> Any:
        """The low-level boto3 client behind the table (for botocore event hooks)."""
        return self._dynamodb.meta.client

    def ping(self) -> None:
        """Raise BooksUnavailable unless the table answers."""
        with self._errors("describe table"):
            self._health_client.describe_table(TableName=self.table_name)

    def _set_count(self, user_id: str, status: Status, exact: int) -> None:
        with self._changing(user_id, ()), self._errors("set count"):
            self._table.update_item(
                Key={"user_id": user_id, "book_id": COUNTS_SORT_KEY},
                UpdateExpression="SET #count = :exact",
                ExpressionAttributeNames={"#count": count_attribute(status)},
                ExpressionAttributeValues={":exact": exact},
            )

    def _adjust_counts(self, user_id: str, deltas: dict[Status, int]) -> dict[Status, int]:
        """Add `deltas` to the reader's column counters; returns all the counts after the change."""
        names = {f"#c{i}": count_attribute(status) for i, status in enumerate(deltas)}
        values = {f":d{i}": delta for i, delta in enumerate(deltas.values())}
        with self._errors("adjust counts"):
            response = self._table.update_item(
                Key={"user_id": user_id, "book_id": COUNTS_SORT_KEY},
                UpdateExpression="ADD " + ", ".join(f"#c{i} :d{i}" for i in range(len(deltas))),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        return counts_from_item(response["Attributes"])

    def _adjust_tag_counts(self, user_id: str, changes: dict[str, int]) -> None:
        """Add `changes` ({tag: +1 or -1}) to the reader's count of books per tag. A tag that no
        book has any more leaves the item, so that it holds the tags in use, not every tag ever typed.

        Like the column counters, a separate write: a process that dies before it leaves a count off
        by one, which `recount` (flask recount-books) repairs. Many tags at once (a batch of imported
        books) go TAG_COUNTS_PER_UPDATE to an UpdateItem: an update expression may be at most 4 KB."""
        ordered = sorted(changes.items())
        for start in range(0, len(ordered), TAG_COUNTS_PER_UPDATE):
            self._adjust_some_tag_counts(user_id, dict(ordered[start : start + TAG_COUNTS_PER_UPDATE]))

    def _adjust_some_tag_counts(self, user_id: str, changes: dict[str, int]) -> None:
        if not changes:
            return
        key = {"user_id": user_id, "book_id": TAGS_SORT_KEY}
        names = {f"#t{i}": tag_attribute(tag) for i, tag in enumerate(changes)}
        values = {f":t{i}": delta for i, delta in enumerate(changes.values())}
        with self._errors("adjust tag counts"):
            response = self._table.update_item(
                Key=key,
                UpdateExpression="ADD " + ", ".join(f"#t{i} :t{i}" for i in range(len(changes))),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="UPDATED_NEW",
            )
        new_counts = response.get("Attributes", {})
        unused = {f"#u{i}": name for i, (name, count) in enumerate(new_counts.items()) if count <= 0}
        if not unused:
            return
        try:
            with self._errors("forget unused tags", translate_conditional=False):
                self._table.update_item(
                    Key=key,
                    UpdateExpression="REMOVE " + ", ".join(unused),
                    ConditionExpression=" AND ".join(f"{name} <= :zero" for name in unused),
                    ExpressionAttributeNames=unused,
                    ExpressionAttributeValues={":zero": 0},
                )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            # Another book took one of the tags meanwhile: it stays; a count of 0 is never suggested.

    @contextlib.contextmanager
    def _changing(self, user_id: str, book_ids: Collection[str] | None) -> Iterator[None]:
        """Around a write to a reader's items: report the change however the write ends. `book_ids`:
        the books the write is about (none: only counters; None: it may touch any book)."""
        try:
            yield
        finally:
            if self.on_change is not None:
                self.on_change(user_id, book_ids)

    def _errors(self, operation: str, translate_conditional: bool = True) -> _TranslateErrors:
        return _TranslateErrors(self.table_name, operation, translate_conditional)


class _TranslateErrors:
    """Log a boto3 failure with its context and turn an outage into BooksUnavailable."""

    def __init__(self, table_name: str, operation: str, translate_conditional: bool):
        self.table_name = table_name
        self.operation = operation
        self.translate_conditional = translate_conditional

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None:
            return False
        if isinstance(exc, ClientError):
            code = exc.response["Error"]["Code"]
            if code == "ConditionalCheckFailedException" and not self.translate_conditional:
                return False
            log.error("DynamoDB %s on %s failed: %s", self.operation, self.table_name, code)
            raise BooksUnavailable(self.operation) from exc
        if isinstance(exc, BotoCoreError):
            log.error("DynamoDB %s on %s failed: %s", self.operation, self.table_name, exc)
            raise BooksUnavailable(self.operation) from exc
        return False
