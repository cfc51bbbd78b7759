"""All DynamoDB access for books. Views speak in `Book`s; only this module knows boto3.

Table layout (see DESIGN.md):
- base table: partition `user_id`, sort `book_id` (a ULID);
- GSI `by_column`: partition `user_status` ("<user_id>#<status>"), sort `column_rank`, all attributes
  projected, so one Query with a limit reads one page of one board column, highest rank first;
- one counter item per reader (sort key `#counts`, never a valid ULID) holding the number of books in
  each column, so the board shows counts without reading whole columns. The counter has no
  `user_status`, so it never appears in the index.

Every write that changes an existing book is conditional on its `version`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from bookapp.books.model import (
    DATES_ON_ARRIVAL,
    Book,
    BookChanged,
    BookNotFound,
    BooksUnavailable,
    DateChange,
    Status,
    is_valid_book_id,
    new_book_id,
    new_column_rank,
)

log = logging.getLogger(__name__)

COLUMN_INDEX = "by_column"
COUNTS_SORT_KEY = "#counts"
_CURSOR_KEYS = {"user_id", "book_id", "user_status", "column_rank"}

# Standard retries (with backoff) and short timeouts: a hung endpoint holds a web worker for at most
# about 2 × 3 s before the reader gets the "try again" page; DynamoDB answers in milliseconds.
BOTO_CONFIG = BotoConfig(
    retries={"mode": "standard", "max_attempts": 2},
    connect_timeout=2,
    read_timeout=3,
)
# The health check answers within about two seconds whatever DynamoDB does: one try, short timeouts.
HEALTH_BOTO_CONFIG = BotoConfig(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=1, read_timeout=1)


def table_definition(table_name: str) -> dict[str, Any]:
    """The CreateTable request: the single source of the table's keys and indexes."""
    return {
        "TableName": table_name,
        "KeySchema": [
            {"AttributeName": "user_id", "KeyType": "HASH"},
            {"AttributeName": "book_id", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "user_id", "AttributeType": "S"},
            {"AttributeName": "book_id", "AttributeType": "S"},
            {"AttributeName": "user_status", "AttributeType": "S"},
            {"AttributeName": "column_rank", "AttributeType": "S"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": COLUMN_INDEX,
                "KeySchema": [
                    {"AttributeName": "user_status", "KeyType": "HASH"},
                    {"AttributeName": "column_rank", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }


@dataclasses.dataclass(frozen=True)
class Moved:
    book: Book
    counts: dict[Status, int] | None  # the column counts after the move; None when it kept its column


@dataclasses.dataclass(frozen=True)
class ColumnPage:
    status: Status
    books: list[Book]
    next_cursor: str | None  # opaque; pass back to `list_column` for the next page


def _user_status(user_id: str, status: Status) -> str:
    return f"{user_id}#{status.value}"


def _count_attribute(status: Status) -> str:
    return f"count_{status.value}"


def _counts_from_item(item: dict[str, Any]) -> dict[Status, int]:
    # Counters are separate writes: one left off by a crash never shows as a negative count.
    return {status: max(0, int(item.get(_count_attribute(status), 0))) for status in Status}


def _to_item(book: Book) -> dict[str, Any]:
    item: dict[str, Any] = {
        "user_id": book.user_id,
        "book_id": book.book_id,
        "title": book.title,
        "author": book.author,
        "status": book.status.value,
        "user_status": _user_status(book.user_id, book.status),
        "column_rank": book.column_rank,
        "version": book.version,
    }
    if book.started_on:
        item["started_on"] = book.started_on.isoformat()
    if book.finished_on:
        item["finished_on"] = book.finished_on.isoformat()
    return item


def _from_item(item: dict[str, Any]) -> Book:
    def date(name: str) -> dt.date | None:
        value = item.get(name)
        return dt.date.fromisoformat(value) if value else None

    return Book(
        user_id=item["user_id"],
        book_id=item["book_id"],
        title=item["title"],
        author=item["author"],
        status=Status(item["status"]),
        column_rank=item["column_rank"],
        version=int(item["version"]),  # DynamoDB numbers arrive as Decimal
        started_on=date("started_on"),
        finished_on=date("finished_on"),
    )


def encode_cursor(book: Book) -> str:
    key = {
        "user_id": book.user_id,
        "book_id": book.book_id,
        "user_status": _user_status(book.user_id, book.status),
        "column_rank": book.column_rank,
    }
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str, user_id: str, status: Status) -> dict[str, str] | None:
    """The ExclusiveStartKey a cursor stands for, or None when it is malformed or names another
    reader's column: a reader cannot page into someone else's partition by editing the URL."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeError):
        return None
    if not isinstance(key, dict) or set(key) != _CURSOR_KEYS:
        return None
    if not all(isinstance(value, str) for value in key.values()):
        return None
    if key["user_id"] != user_id or key["user_status"] != _user_status(user_id, status):
        return None
    if not is_valid_book_id(key["book_id"]):
        return None
    return key


class BookRepository:
    """One DynamoDB table of books, for all readers."""

    def __init__(
        self,
        table_name: str,
        region_name: str,
        dynamodb_resource: Any | None = None,
        on_change: Callable[[str], None] | None = None,
    ):
        """`on_change(user_id)` is called after every write to a reader's items, even a failed one
        (it may have been partly done): the app counts up the reader's books revision with it, which
        keys their cached board page (blueprints/books/board_cache.py)."""
        self.table_name = table_name
        self._on_change = on_change
        # boto3 reads AWS_ENDPOINT_URL_DYNAMODB itself, so dynalite and AWS need no code difference.
        self._dynamodb = dynamodb_resource or boto3.resource("dynamodb", region_name=region_name, config=BOTO_CONFIG)
        self._table = self._dynamodb.Table(table_name)
        self._health_client = boto3.client("dynamodb", region_name=region_name, config=HEALTH_BOTO_CONFIG)

    @property
    def client(self) -> Any:
        """The low-level boto3 client behind the table (for botocore event hooks)."""
        return self._dynamodb.meta.client

    # -- table management (CLI, tests) -------------------------------------------------------------

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

    def ping(self) -> None:
        """Raise BooksUnavailable unless the table answers."""
        with self._errors("describe table"):
            self._health_client.describe_table(TableName=self.table_name)

    # -- reads -------------------------------------------------------------------------------------

    def get(self, user_id: str, book_id: str) -> Book:
        if not is_valid_book_id(book_id):
            raise BookNotFound(book_id)
        with self._errors("get book"):
            item = self._table.get_item(Key={"user_id": user_id, "book_id": book_id}, ConsistentRead=True).get("Item")
        if item is None:
            raise BookNotFound(book_id)
        return _from_item(item)

    def list_column(self, user_id: str, status: Status, page_size: int, cursor: str | None = None) -> ColumnPage:
        """One page of one column, top of the column first. Raises BookNotFound for a bad cursor."""
        query: dict[str, Any] = {
            "IndexName": COLUMN_INDEX,
            "KeyConditionExpression": Key("user_status").eq(_user_status(user_id, status)),
            "ScanIndexForward": False,
            # One more than a page tells whether "Show more" has anything to show.
            "Limit": page_size + 1,
        }
        if cursor is not None:
            start_key = decode_cursor(cursor, user_id, status)
            if start_key is None:
                raise BookNotFound(cursor)
            query["ExclusiveStartKey"] = start_key
        with self._errors("query column"):
            response = self._table.query(**query)
        books = [_from_item(item) for item in response["Items"]]
        # A 1 MB response can also stop a page early: DynamoDB then says there is more.
        has_more = len(books) > page_size or "LastEvaluatedKey" in response
        page = books[:page_size]
        next_cursor = encode_cursor(page[-1]) if has_more and page else None
        return ColumnPage(status=status, books=page, next_cursor=next_cursor)

    def neighbours(self, book: Book, direction: str, count: int = 2) -> list[Book]:
        """The `count` cards nearest to `book` in its column, "up" (above it) or "down", nearest first."""
        rank_key = Key("column_rank")
        query: dict[str, Any] = {
            "IndexName": COLUMN_INDEX,
            "KeyConditionExpression": Key("user_status").eq(_user_status(book.user_id, book.status))
            & (rank_key.gt(book.column_rank) if direction == "up" else rank_key.lt(book.column_rank)),
            "ScanIndexForward": direction == "up",
            "Limit": count,
        }
        with self._errors("query neighbours"):
            response = self._table.query(**query)
        return [_from_item(item) for item in response["Items"]]

    def counts(self, user_id: str) -> dict[Status, int]:
        with self._errors("get counts"):
            item = self._table.get_item(Key={"user_id": user_id, "book_id": COUNTS_SORT_KEY}, ConsistentRead=True).get(
                "Item", {}
            )
        return _counts_from_item(item)

    def repair_count(self, user_id: str, status: Status, exact: int) -> None:
        """Set a column's counter to a count known to be exact (the column was read to its end).

        Counters are kept by separate writes (dynalite has no transactions), so a process that dies
        between a book write and its counter write leaves the counter off by one; this heals it."""
        with self._changing(user_id), self._errors("repair count"):
            self._table.update_item(
                Key={"user_id": user_id, "book_id": COUNTS_SORT_KEY},
                UpdateExpression="SET #count = :exact",
                ExpressionAttributeNames={"#count": _count_attribute(status)},
                ExpressionAttributeValues={":exact": exact},
            )

    def recount(self, user_id: str) -> dict[Status, int]:
        """Count every column exactly by reading the reader's whole index partitions (CLI repair)."""
        exact = {}
        for status in Status:
            total = 0
            query: dict[str, Any] = {
                "IndexName": COLUMN_INDEX,
                "KeyConditionExpression": Key("user_status").eq(_user_status(user_id, status)),
                "Select": "COUNT",
            }
            while True:
                with self._errors("recount"):
                    response = self._table.query(**query)
                total += response["Count"]
                if "LastEvaluatedKey" not in response:
                    break
                query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
            self.repair_count(user_id, status, total)
            exact[status] = total
        return exact

    # -- writes ------------------------------------------------------------------------------------

    def add(
        self, user_id: str, title: str, author: str, status: Status, today: dt.date, book_id: str | None = None
    ) -> Book:
        """A new book on top of `status`, with the dates that arriving in that column implies.

        `book_id` makes the add idempotent: the add form carries an id made when it was shown, so a
        double submit (double click, a retry after a network error) finds the book already there and
        returns it, instead of adding a second one."""
        blank = Book(
            user_id=user_id,
            book_id=book_id if book_id and is_valid_book_id(book_id) else new_book_id(),
            title=title,
            author=author,
            status=Status.NOT_STARTED,
            column_rank=new_column_rank(),
            version=1,
        )
        book = blank.moved_to(status, today) if status != Status.NOT_STARTED else blank
        with self._changing(user_id):
            try:
                with self._errors("add book", translate_conditional=False):
                    self._table.put_item(Item=_to_item(book), ConditionExpression="attribute_not_exists(book_id)")
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                return self.get(user_id, book.book_id)  # added already, by the first of the submits
            self._adjust_counts(user_id, {status: +1})
        return book

    def save(self, book: Book, expected_version: int) -> Book:
        """Store `book`'s fields if the stored item is still at `expected_version`.

        Raises BookChanged (with the stored book) when someone else changed it first, and
        BookNotFound when it is gone."""
        stored = dataclasses.replace(book, version=expected_version + 1)
        item = _to_item(stored)
        fields = {name: value for name, value in item.items() if name not in ("user_id", "book_id")}
        removed = [name for name in ("started_on", "finished_on") if name not in item]
        names = {f"#{name}": name for name in [*fields, *removed]}
        values = {f":{name}": value for name, value in fields.items()}
        values[":expected"] = expected_version
        update = "SET " + ", ".join(f"#{name} = :{name}" for name in fields)
        if removed:
            update += " REMOVE " + ", ".join(f"#{name}" for name in removed)
        with self._changing(book.user_id):
            response = self._update_book_as_seen(
                "save book",
                book.user_id,
                book.book_id,
                UpdateExpression=update,
                ConditionExpression="attribute_exists(book_id) AND #version = :expected",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="UPDATED_OLD",
            )
            old_status = Status(response["Attributes"].get("status", stored.status.value))
            if old_status != stored.status:
                self._adjust_counts(book.user_id, {old_status: -1, stored.status: +1})
        return stored

    def move(
        self,
        user_id: str,
        book_id: str,
        from_status: Status,
        to_status: Status,
        rank: str,
        expected_version: int,
        today: dt.date,
    ) -> Moved:
        """Move a book the reader saw in `from_status` at `expected_version` to `rank` in `to_status`,
        in one conditional UpdateItem (no read first): the date rules (`DATES_ON_ARRIVAL`) are part of
        the update expression, and the condition holds only for the book exactly as the reader saw it.
        A move to another column then adjusts the counter, which answers with the new counts.

        Raises BookChanged (with the stored book) or BookNotFound, like `save`."""
        sets = ["#status = :status", "#user_status = :user_status", "#column_rank = :rank", "#version = :next"]
        removes = []
        names = {f"#{name}": name for name in ("status", "user_status", "column_rank", "version")}
        values: dict[str, Any] = {
            ":status": to_status.value,
            ":user_status": _user_status(user_id, to_status),
            ":rank": rank,
            ":next": expected_version + 1,
            ":expected": expected_version,
            ":from": from_status.value,
        }
        if to_status != from_status:
            for field, change in DATES_ON_ARRIVAL[to_status].items():
                names[f"#{field}"] = field
                if change is DateChange.CLEAR:
                    removes.append(f"#{field}")
                    continue
                values[":today"] = today.isoformat()
                if change is DateChange.TODAY:
                    sets.append(f"#{field} = :today")
                else:
                    sets.append(f"#{field} = if_not_exists(#{field}, :today)")
        update = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        with self._changing(user_id):
            response = self._update_book_as_seen(
                "move book",
                user_id,
                book_id,
                UpdateExpression=update,
                ConditionExpression="attribute_exists(book_id) AND #version = :expected AND #status = :from",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
            book = _from_item(response["Attributes"])
            if to_status == from_status:
                return Moved(book=book, counts=None)
            return Moved(book=book, counts=self._adjust_counts(user_id, {from_status: -1, to_status: +1}))

    def delete(self, user_id: str, book_id: str) -> Book:
        """Delete one book; BookNotFound when it is not this reader's."""
        if not is_valid_book_id(book_id):
            raise BookNotFound(book_id)
        with self._changing(user_id):
            try:
                with self._errors("delete book", translate_conditional=False):
                    response = self._table.delete_item(
                        Key={"user_id": user_id, "book_id": book_id},
                        ConditionExpression="attribute_exists(book_id)",
                        ReturnValues="ALL_OLD",
                    )
            except ClientError as error:
                if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                    raise BookNotFound(book_id) from None
                raise
            book = _from_item(response["Attributes"])
            self._adjust_counts(user_id, {book.status: -1})
        return book

    def delete_all_for_user(self, user_id: str) -> int:
        """Delete every item of a reader (books and counters); returns how many books went.

        Safe to run again after an interruption: it deletes whatever is still there."""
        deleted = 0
        with self._changing(user_id), self._errors("delete all books"), self._table.batch_writer() as batch:
            for key in self._keys_of_user(user_id):
                batch.delete_item(Key=key)
                if key["book_id"] != COUNTS_SORT_KEY:
                    deleted += 1
        return deleted

    def all_for_user(self, user_id: str) -> Iterator[Book]:
        """Every book of a reader, in no particular order (export); Query pages, never a Scan."""
        query: dict[str, Any] = {"KeyConditionExpression": Key("user_id").eq(user_id)}
        while True:
            with self._errors("query all books"):
                response = self._table.query(**query)
            yield from (_from_item(item) for item in response["Items"] if item["book_id"] != COUNTS_SORT_KEY)
            if "LastEvaluatedKey" not in response:
                return
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def restore(self, books: list[Book]) -> None:
        """Write books exactly as they were (import into an empty table), then count them."""
        with self._errors("restore books"), self._table.batch_writer() as batch:
            for book in books:
                batch.put_item(Item=_to_item(book))
        for user_id in {book.user_id for book in books}:
            self.recount(user_id)

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

    def _keys_of_user(self, user_id: str) -> Iterator[dict[str, str]]:
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("user_id").eq(user_id),
            "ProjectionExpression": "user_id, book_id",
        }
        while True:
            response = self._table.query(**query)
            yield from response["Items"]
            if "LastEvaluatedKey" not in response:
                return
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _adjust_counts(self, user_id: str, deltas: dict[Status, int]) -> dict[Status, int]:
        """Add `deltas` to the reader's column counters; returns all the counts after the change."""
        names = {f"#c{i}": _count_attribute(status) for i, status in enumerate(deltas)}
        values = {f":d{i}": delta for i, delta in enumerate(deltas.values())}
        with self._errors("adjust counts"):
            response = self._table.update_item(
                Key={"user_id": user_id, "book_id": COUNTS_SORT_KEY},
                UpdateExpression="ADD " + ", ".join(f"#c{i} :d{i}" for i in range(len(deltas))),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        return _counts_from_item(response["Attributes"])

    def _update_book_as_seen(self, operation: str, user_id: str, book_id: str, **update: Any) -> dict[str, Any]:
        """One conditional UpdateItem of a book (the condition says "as the reader saw it").

        Raises BookChanged with the stored book when the condition fails, or BookNotFound when the
        book is gone: the read happens only then."""
        try:
            with self._errors(operation, translate_conditional=False):
                return self._table.update_item(Key={"user_id": user_id, "book_id": book_id}, **update)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise BookChanged(self.get(user_id, book_id)) from None

    @contextlib.contextmanager
    def _changing(self, user_id: str) -> Iterator[None]:
        """Around a write to a reader's items: report the change however the write ends."""
        try:
            yield
        finally:
            if self._on_change is not None:
                self._on_change(user_id)

    # -- errors ------------------------------------------------------------------------------------

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
