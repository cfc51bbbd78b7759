"""What web requests do with books in DynamoDB. Views speak in `Book`s; only the books package
knows boto3. The table's shape is items.py; the connection and counters, table.py; batches of
books (imports), bulk.py; what operators run, maintenance.py. `BookRepository` is all of it, the
one object the app builds.

Every write that changes an existing book is conditional on its `version`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from bookapp.books.column_order import MANUAL_ORDER, ColumnSort
from bookapp.books.items import (
    CARD_PROJECTION,
    CARD_PROJECTION_NAMES,
    COLUMN_INDEX,
    COUNTS_SORT_KEY,
    OPTIONAL_ATTRIBUTES,
    READER_ITEM_KEYS,
    SET_ONCE,
    TAGS_SORT_KEY,
    counts_from_item,
    decode_cursor,
    encode_cursor,
    from_item,
    read_to_map,
    stored_tags,
    tag_count_changes,
    tags_from_item,
    to_item,
    user_status,
)
from bookapp.books.library_transfer import LibraryTransfer
from bookapp.books.maintenance import Maintenance
from bookapp.books.model import (
    Book,
    BookChanged,
    BookNotFound,
    MoveOutcome,
    MoveResult,
    Status,
    is_valid_book_id,
    new_book_id,
    new_column_rank,
)
from bookapp.books.reads import READ_TO_THE_END, Outcome, ReadChange, read_change
from bookapp.books.record import PartialDate, Progress


@dataclasses.dataclass
class _Update:
    """An UpdateItem's expression, built up part by part."""

    sets: list[str]
    names: dict[str, str]
    values: dict[str, Any]
    condition: list[str]
    removes: list[str] = dataclasses.field(default_factory=list)
    adds: list[str] = dataclasses.field(default_factory=list)

    def request(self, return_values: str) -> dict[str, Any]:
        expression = "SET " + ", ".join(self.sets)
        expression += " REMOVE " + ", ".join(self.removes) if self.removes else ""
        expression += " ADD " + ", ".join(self.adds) if self.adds else ""
        return {
            "UpdateExpression": expression,
            "ConditionExpression": " AND ".join(self.condition),
            "ExpressionAttributeNames": self.names,
            "ExpressionAttributeValues": self.values,
            "ReturnValues": return_values,
        }


def _change_reads(update: _Update, change: ReadChange, today: dt.date) -> None:
    """Add to a move's update what `change` does to the stored read-throughs (`apply_read_change`
    does the same to a `Book`). The open read-through, if any, is `reads[0]` (reads.py); the
    condition requires the new shape, which a book stored before read-throughs lacks."""
    update.names["#reads"] = "reads"
    update.condition.append("attribute_exists(#reads)")
    if new_read := change.new_read(today):
        update.sets.append("#reads = list_append(:new_read, #reads)")
        update.values[":new_read"] = [read_to_map(new_read)]
    elif change is ReadChange.DROP_OPEN:
        update.removes.append("#reads[0]")
    elif outcome := change.ends_open_as:
        update.names.update({"#outcome": "outcome", "#ended": "ended"})
        update.values.update({":outcome": outcome.value, ":ended": PartialDate.from_date(today).iso()})
        update.sets.extend(["#reads[0].#outcome = :outcome", "#reads[0].#ended = :ended"])
        if outcome is Outcome.FINISHED:  # read to the end: 100 %, whatever page was entered last
            update.names.update({"#page": "page", "#percent": "percent"})
            update.sets.append("#reads[0].#percent = :all_of_it")
            update.values[":all_of_it"] = READ_TO_THE_END.percent
            update.removes.append("#reads[0].#page")
    if change.finishes:
        update.names["#finished_reads"] = "finished_reads"
        update.values[":one"] = 1
        update.adds.append("#finished_reads :one")


def _move_result(book: Book, counts: dict[Status, int] | None) -> MoveResult:
    return MoveResult(MoveOutcome.MOVED, book, counts) if counts is not None else MoveResult(MoveOutcome.PLACED, book)


@dataclasses.dataclass(frozen=True)
class ColumnPage:
    status: Status
    books: list[Book]
    next_cursor: str | None  # opaque; pass back to `list_column` for the next page
    # A sorted or tag-filtered column is cut from the reader's whole library (service.arranged_column):
    order: ColumnSort = MANUAL_ORDER
    tag: str | None = None  # only books with this tag
    next_start: int | None = None  # where its next page starts, in that order and filter
    matching: int | None = None  # with a tag: how many books of the column have it

    @property
    def arranged(self) -> bool:
        """Whether the column shows another order than its ranks (or only some books): drag and
        drop and ▲/▼, which place a card among its neighbours' ranks, are off."""
        return self.tag is not None or not self.order.is_manual

    def more_arguments(self) -> dict[str, str | int] | None:
        """The "Show more" URL's arguments, or None when this is the last page."""
        if self.next_cursor is not None:
            return {"after": self.next_cursor}
        if self.next_start is not None:
            return {"start": self.next_start} | ({"tag": self.tag} if self.tag is not None else {})
        return None


class BookRepository(LibraryTransfer, Maintenance):
    """The books of all readers: the request-path operations here; whole libraries read out and
    written back from `LibraryTransfer`, with the batch reads and writes of imports it builds on
    (`BulkWrites`); the operator-only ones from `Maintenance`."""

    # -- reads -------------------------------------------------------------------------------------

    def get(self, user_id: str, book_id: str) -> Book:
        if not is_valid_book_id(book_id):
            raise BookNotFound(book_id)
        with self._errors("get book"):
            item = self._table.get_item(Key={"user_id": user_id, "book_id": book_id}, ConsistentRead=True).get("Item")
        if item is None:
            raise BookNotFound(book_id)
        return from_item(item)

    def get_as_seen(self, user_id: str, book_id: str, expected_version: int) -> Book:
        """The book, if it is still at the version the reader saw: BookChanged (with the book as it
        is now) when someone changed it meanwhile, BookNotFound when it is gone."""
        book = self.get(user_id, book_id)
        if book.version != expected_version:
            raise BookChanged(book)
        return book

    def list_column(
        self, user_id: str, status: Status, page_size: int, cursor: str | None = None, *, whole: bool = False
    ) -> ColumnPage:
        """One page of one column, top of the column first, each book as its card shows it
        (`Book.card_only`: to change one, `get` it), or `whole` (the API shows every field). Raises
        MalformedCursor for a cursor that is not one, and BookNotFound for one that names another
        reader's column."""
        query: dict[str, Any] = {
            "IndexName": COLUMN_INDEX,
            "KeyConditionExpression": Key("user_status").eq(user_status(user_id, status)),
            "ScanIndexForward": False,
            # One more than a page tells whether "Show more" has anything to show.
            "Limit": page_size + 1,
        }
        if not whole:
            query.update(ProjectionExpression=CARD_PROJECTION, ExpressionAttributeNames=CARD_PROJECTION_NAMES)
        if cursor is not None:
            start_key = decode_cursor(cursor, user_id, status)
            if start_key is None:
                raise BookNotFound(cursor)
            query["ExclusiveStartKey"] = start_key
        with self._errors("query column"):
            response = self._table.query(**query)
        column = {"user_id": user_id, "status": status.value}
        books = [from_item({**item, **column}, card_only=not whole) for item in response["Items"]]
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
            "KeyConditionExpression": Key("user_status").eq(user_status(book.user_id, book.status))
            & (rank_key.gt(book.column_rank) if direction == "up" else rank_key.lt(book.column_rank)),
            "ScanIndexForward": direction == "up",
            "Limit": count,
        }
        with self._errors("query neighbours"):
            response = self._table.query(**query)
        return [from_item(item) for item in response["Items"]]

    def counts(self, user_id: str) -> dict[Status, int]:
        with self._errors("get counts"):
            item = self._table.get_item(Key={"user_id": user_id, "book_id": COUNTS_SORT_KEY}, ConsistentRead=True).get(
                "Item", {}
            )
        return counts_from_item(item)

    def reader_tags(self, user_id: str) -> tuple[str, ...]:
        """Every tag the reader's books have, one spelling each, alphabetically: one GetItem of the
        tags item (eventually consistent: a tag saved a moment ago may be missing for a moment)."""
        with self._errors("get tags"):
            item = self._table.get_item(Key={"user_id": user_id, "book_id": TAGS_SORT_KEY}).get("Item", {})
        return tags_from_item(item)

    def repair_count(self, user_id: str, status: Status, exact: int) -> None:
        """Set a column's counter to a count known to be exact (the column was read to its end).

        Counters are kept by separate writes (dynalite has no transactions), so a process that dies
        between a book write and its counter write leaves the counter off by one; this heals it."""
        self._set_count(user_id, status, exact)

    # -- writes ------------------------------------------------------------------------------------

    def add(
        self, user_id: str, title: str, author: str, status: Status, today: dt.date, book_id: str | None = None
    ) -> Book:
        """A new book on top of `status`, with the dates that arriving in that column implies.

        `book_id` makes the add idempotent: the add form carries an id made when it was shown, so a
        double submit (double click, a retry after a network error) finds the book already there and
        returns it, instead of adding a second one."""
        return self.add_counted(user_id, title, author, status, today, book_id)[0]

    def add_counted(
        self, user_id: str, title: str, author: str, status: Status, today: dt.date, book_id: str | None = None
    ) -> tuple[Book, dict[Status, int] | None]:
        """`add`, and the reader's counts after it, as the counter's write answered them (so a page
        that shows them needs no read after the add); None when the book was there already."""
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
        with self._changing(user_id, (book.book_id,)):
            try:
                with self._errors("add book", translate_conditional=False):
                    self._table.put_item(Item=to_item(book), ConditionExpression="attribute_not_exists(book_id)")
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                return self.get(user_id, book.book_id), None  # added already, by the first of the submits
            counts = self._adjust_counts(user_id, {status: +1})
        return book, counts

    def save(self, book: Book, expected_version: int) -> Book:
        """Store `book`'s fields if the stored item is still at `expected_version`; a change of its
        tags is counted in the reader's tags item.

        Raises BookChanged (with the stored book) when someone else changed it first, and
        BookNotFound when it is gone."""
        return self._save(book, expected_version)[0]

    def _save(self, book: Book, expected_version: int) -> tuple[Book, dict[Status, int] | None]:
        """`save`, and the new counts when the book changed column."""
        if book.card_only:
            raise ValueError("a book read for its card lacks most of its record: get it before saving it")
        stored = dataclasses.replace(book, version=expected_version + 1, stored_before_reads=False)
        item = to_item(stored)
        fields = {name: value for name, value in item.items() if name not in SET_ONCE}
        removed = [name for name in OPTIONAL_ATTRIBUTES if name not in item]
        names = {f"#{name}": name for name in [*fields, *removed]}
        values = {f":{name}": value for name, value in fields.items()}
        values[":expected"] = expected_version
        update = "SET " + ", ".join(f"#{name} = :{name}" for name in fields)
        if removed:
            update += " REMOVE " + ", ".join(f"#{name}" for name in removed)
        counts = None
        with self._changing(book.user_id, (book.book_id,)):
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
                counts = self._adjust_counts(book.user_id, {old_status: -1, stored.status: +1})
            # UPDATED_OLD holds the old tags whenever the book had some (they are set or removed).
            old_tags = stored_tags(response["Attributes"])
            self._adjust_tag_counts(book.user_id, tag_count_changes(old_tags, stored.tags))
        return stored, counts

    def move(
        self,
        user_id: str,
        book_id: str,
        *,
        from_status: Status,
        to_status: Status,
        rank: str,
        expected_version: int,
        today: dt.date,
    ) -> MoveResult:
        """Move a book the reader saw in `from_status` at `expected_version` to `rank` in `to_status`,
        in one conditional UpdateItem (no read first): what arriving does to the read-throughs
        (`reads.read_change`) is part of the update expression, and the condition holds only for the
        book exactly as the reader saw it. A move to another column then adjusts the counter, which
        answers with the new counts. A book stored before read-throughs is read and stored whole in
        the new shape instead (its first move across columns).

        Raises BookChanged (with the stored book) or BookNotFound, like `save`."""
        update = _Update(
            sets=["#status = :status", "#user_status = :user_status", "#column_rank = :rank", "#version = :next"],
            names={f"#{name}": name for name in ("status", "user_status", "column_rank", "version")},
            values={
                ":status": to_status.value,
                ":user_status": user_status(user_id, to_status),
                ":rank": rank,
                ":next": expected_version + 1,
                ":expected": expected_version,
                ":from": from_status.value,
            },
            condition=["attribute_exists(book_id)", "#version = :expected", "#status = :from"],
        )
        if to_status != from_status:
            _change_reads(update, read_change(from_status, to_status), today)
        try:
            with self._changing(user_id, (book_id,)):
                response = self._update_book_as_seen("move book", user_id, book_id, **update.request("ALL_NEW"))
                book = from_item(response["Attributes"])
                if to_status == from_status:
                    return MoveResult(MoveOutcome.PLACED, book)
                counts = self._adjust_counts(user_id, {from_status: -1, to_status: +1})
                return MoveResult(MoveOutcome.MOVED, book, counts)
        except BookChanged as changed:
            seen = changed.current
            if not (seen.stored_before_reads and seen.version == expected_version and seen.status == from_status):
                raise
        moved, counts = self._save(seen.moved_to(to_status, today, rank), expected_version)
        return _move_result(moved, counts)

    def set_progress(self, user_id: str, book_id: str, progress: Progress | None, expected_version: int) -> Book:
        """Where the reader is in the open read-through of a book in Reading: one conditional
        UpdateItem of the first read-through, which also holds only for a page within the book's
        pages. Raises BookChanged (with the stored book: also for a page past its last) or
        BookNotFound, like `save`."""
        update = _Update(
            sets=["#version = :next"],
            names={
                "#version": "version",
                "#status": "status",
                "#reads": "reads",
                "#page": "page",
                "#percent": "percent",
            },
            values={":next": expected_version + 1, ":expected": expected_version, ":reading": Status.READING.value},
            condition=["attribute_exists(#reads)", "#version = :expected", "#status = :reading"],
        )
        kept = {"page": progress.page, "percent": progress.percent} if progress else {}
        for name in ("page", "percent"):
            if kept.get(name) is not None:
                update.sets.append(f"#reads[0].#{name} = :{name}")
                update.values[f":{name}"] = kept[name]
            else:
                update.removes.append(f"#reads[0].#{name}")
        if progress and progress.page is not None:
            update.names["#pages"] = "pages"
            update.condition.append("(attribute_not_exists(#pages) OR #pages >= :page)")
        try:
            with self._changing(user_id, (book_id,)):
                response = self._update_book_as_seen("set progress", user_id, book_id, **update.request("ALL_NEW"))
                return from_item(response["Attributes"])
        except BookChanged as changed:
            seen = changed.current
            if not (seen.stored_before_reads and seen.version == expected_version and seen.open_read):
                raise
        if progress and progress.page is not None and seen.pages is not None and progress.page > seen.pages:
            raise BookChanged(seen)  # the page is past the book's last: the caller says so
        return self.save(seen.with_progress(progress), expected_version)

    def delete(self, user_id: str, book_id: str) -> Book:
        """Delete one book; BookNotFound when it is not this reader's."""
        if not is_valid_book_id(book_id):
            raise BookNotFound(book_id)
        with self._changing(user_id, (book_id,)):
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
            book = from_item(response["Attributes"])
            self._adjust_counts(user_id, {book.status: -1})
            self._adjust_tag_counts(user_id, tag_count_changes(book.tags, ()))
        return book

    def delete_all_for_user(self, user_id: str) -> int:
        """Delete every item of a reader (books and counters); returns how many books went.

        Safe to run again after an interruption: it deletes whatever is still there."""
        deleted = 0
        with self._changing(user_id, None), self._errors("delete all books"), self._table.batch_writer() as batch:
            for key in self._keys_of_user(user_id):
                batch.delete_item(Key=key)
                if key["book_id"] not in READER_ITEM_KEYS:
                    deleted += 1
        return deleted

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

    def _update_book_as_seen(self, operation: str, user_id: str, book_id: str, **update: Any) -> dict[str, Any]:
        """One conditional UpdateItem of a book (the condition says "as the reader saw it").

        Raises BookChanged with the stored book when the condition fails, or BookNotFound when the
        book is gone: the read happens only then. An id that is no book id is not found without
        asking (DynamoDB would refuse a key that long as a bad request)."""
        if not is_valid_book_id(book_id):
            raise BookNotFound(book_id)
        try:
            with self._errors(operation, translate_conditional=False):
                return self._table.update_item(Key={"user_id": user_id, "book_id": book_id}, **update)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise BookChanged(self.get(user_id, book_id)) from None
