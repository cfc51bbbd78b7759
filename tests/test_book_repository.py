"""The DynamoDB repository against a real dynalite: keys, conditional writes, counts, pages."""

import base64
import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from bookapp.books import Book, BookChanged, BookNotFound, BookRepository, Status
from bookapp.books.items import COLUMN_INDEX, encode_cursor
from bookapp.books.model import MalformedCursor, MoveOutcome, new_book_id, new_column_rank
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import BookFormat, PartialDate, Progress
from bookapp.books.service import Move, Place, load_board, move_book

TODAY = dt.date(2026, 11, 27)


def move(books, book_id, to_status, version, today=TODAY, place=None, from_status=None, user_id="7"):
    """A move as the board's form asks for it (`from_status`: the column the reader saw it in)."""
    request = Move(to_status=to_status, expected_version=version, place=place, from_status=from_status)
    return move_book(books, user_id=user_id, book_id=book_id, move=request, today=today)


def add_books(books, user_id, count, status=Status.NOT_STARTED):
    return [books.add(user_id, f"Book {i}", "Author", status, TODAY) for i in range(count)]


def dynamodb_calls(books):
    """Record the DynamoDB operations the repository sends, by name (botocore's event hooks)."""
    calls = []
    events = books._dynamodb.meta.client.meta.events
    events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    return calls


def test_table_has_the_column_index(books):
    description = books._dynamodb.meta.client.describe_table(TableName=books.table_name)["Table"]
    assert [key["AttributeName"] for key in description["KeySchema"]] == ["user_id", "book_id"]
    (index,) = description["GlobalSecondaryIndexes"]
    assert index["IndexName"] == COLUMN_INDEX
    assert [key["AttributeName"] for key in index["KeySchema"]] == ["user_status", "column_rank"]


def test_create_table_is_idempotent(books):
    assert books.create_table() is False


def test_added_book_is_stored_with_version_1(books):
    book = books.add("7", "Dune", "Frank Herbert", Status.READING, TODAY)
    stored = books.get("7", book.book_id)
    assert stored == book
    assert (stored.version, stored.open_read.started) == (1, PartialDate.from_date(TODAY))


def test_a_book_added_again_under_its_id_is_a_new_creation_that_no_update_changes(books):
    book_id = new_book_id()  # what the add form carries
    first = books.add("7", "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY, book_id)
    assert books.add("7", "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY, book_id) == first  # a double submit
    moved = move(books, book_id, Status.READING, 1).book
    edited = books.save(moved.edited("Dune Messiah", "F. Herbert"), moved.version)
    assert first.creation == moved.creation == edited.creation == books.get("7", book_id).creation
    books.delete("7", book_id)

    again = books.add("7", "Emma", "Jane Austen", Status.NOT_STARTED, TODAY, book_id)  # the same form, again

    assert (again.book_id, again.version) == (first.book_id, first.version)
    assert again.creation != first.creation
    assert books.get("7", book_id) == again


def test_another_readers_book_is_not_found(books):
    book = books.add("7", "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)
    with pytest.raises(BookNotFound):
        books.get("8", book.book_id)
    with pytest.raises(BookNotFound):
        books.delete("8", book.book_id)
    assert books.get("7", book.book_id) == book


def test_malformed_ids_are_not_found_without_asking_dynamodb(books):
    calls = dynamodb_calls(books)
    for bad in ["#counts", "#tags", "x", "../1", "0" * 27, "A" * 5000]:
        with pytest.raises(BookNotFound):
            books.get("7", bad)
        with pytest.raises(BookNotFound):
            books.set_progress("7", bad, Progress(page=12), 1)
        with pytest.raises(BookNotFound):
            move(books, bad, Status.FINISHED, 1, from_status=Status.READING)
    assert calls == []


def test_stale_version_is_refused_and_the_stored_book_kept(books):
    book = books.add("7", "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)
    first = move(books, book.book_id, Status.READING, 1).book
    with pytest.raises(BookChanged) as raised:
        move(books, book.book_id, Status.FINISHED, 1)
    assert raised.value.current == first
    assert books.get("7", book.book_id) == first
    assert first.version == 2


def test_conditional_write_refuses_a_stale_save_even_after_a_read(books):
    """Two writers that both read version 1: the second save fails at DynamoDB, not in Python."""
    book = books.add("7", "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)
    books.save(book.moved_to(Status.READING, TODAY), expected_version=1)
    with pytest.raises(BookChanged):
        books.save(book.moved_to(Status.FINISHED, TODAY), expected_version=1)
    assert books.get("7", book.book_id).status == Status.READING


def test_counts_follow_adds_moves_and_deletes(books):
    a, b, _ = add_books(books, "7", 3)
    move(books, a.book_id, Status.READING, 1)
    move(books, b.book_id, Status.FINISHED, 1)
    books.delete("7", b.book_id)
    assert books.counts("7") == {Status.NOT_STARTED: 1, Status.READING: 1, Status.FINISHED: 0, Status.DID_NOT_FINISH: 0}


def test_board_heals_a_drifted_counter(books):
    add_books(books, "7", 2)
    books.repair_count("7", Status.NOT_STARTED, 9)  # as if a process died between two writes
    board = load_board(books, "7", page_size=5)
    assert board.counts[Status.NOT_STARTED] == 2
    assert books.counts("7")[Status.NOT_STARTED] == 2


def test_column_pages_are_newest_first_and_complete(books):
    added = add_books(books, "7", 7)
    first = books.list_column("7", Status.NOT_STARTED, page_size=5)
    second = books.list_column("7", Status.NOT_STARTED, page_size=5, cursor=first.next_cursor)
    assert [b.title for b in first.books] == [f"Book {i}" for i in range(6, 1, -1)]
    assert [b.title for b in second.books] == ["Book 1", "Book 0"]
    assert second.next_cursor is None
    assert {b.book_id for b in first.books + second.books} == {b.book_id for b in added}


def test_exactly_one_page_has_no_show_more(books):
    add_books(books, "7", 5)
    assert books.list_column("7", Status.NOT_STARTED, page_size=5).next_cursor is None


def test_a_cursor_cannot_page_into_another_readers_column(books):
    other = add_books(books, "8", 3)
    forged = encode_cursor(other[0])
    with pytest.raises(BookNotFound):
        books.list_column("7", Status.NOT_STARTED, page_size=5, cursor=forged)
    with pytest.raises(BookNotFound):
        books.list_column("8", Status.READING, page_size=5, cursor=forged)  # other column


def test_a_cursor_that_no_page_made_is_malformed(books):
    add_books(books, "7", 3)

    def nested(depth: int) -> str:
        return base64.urlsafe_b64encode(b"[" * depth + b"]" * depth).decode()

    for garbage in ["x", "not base64!", "e30=", "W10=", nested(380), nested(1000), "e30=" * 1000]:
        with pytest.raises(MalformedCursor):
            books.list_column("7", Status.NOT_STARTED, page_size=5, cursor=garbage)


def test_board_view_is_four_requests_and_never_a_scan(books):
    add_books(books, "7", 12)
    calls = dynamodb_calls(books)
    load_board(books, "7", page_size=5)
    assert len(calls) <= 4, calls
    assert "Scan" not in calls


def test_a_move_from_the_board_is_one_conditional_update_and_the_counter_which_returns_the_counts(books):
    (book,) = add_books(books, "7", 1)
    calls = dynamodb_calls(books)
    moved = move(books, book.book_id, Status.READING, 1, from_status=Status.NOT_STARTED)
    assert calls == ["UpdateItem", "UpdateItem"]
    assert moved.outcome is MoveOutcome.MOVED
    assert (
        moved.counts
        == {Status.NOT_STARTED: 0, Status.READING: 1, Status.FINISHED: 0, Status.DID_NOT_FINISH: 0}
        == books.counts("7")
    )
    assert moved.book == books.get("7", book.book_id)
    assert (moved.book.status, moved.book.version) == (Status.READING, 2)
    assert moved.book.open_read.started == PartialDate.from_date(TODAY)


def test_a_move_without_the_column_it_was_seen_in_reads_the_book_first(books):
    (book,) = add_books(books, "7", 1)
    calls = dynamodb_calls(books)
    moved = move(books, book.book_id, Status.FINISHED, 1)
    assert calls == ["GetItem", "UpdateItem", "UpdateItem"]
    assert moved.book == books.get("7", book.book_id)


def test_a_drop_within_its_column_is_one_update_and_leaves_counts_and_dates_alone(books):
    low, high = add_books(books, "7", 2, Status.FINISHED)
    calls = dynamodb_calls(books)
    later = TODAY + dt.timedelta(days=3)
    moved = move(books, low.book_id, Status.FINISHED, 1, later, Place(above=high.column_rank), Status.FINISHED)
    assert calls == ["UpdateItem"]
    assert (moved.outcome, moved.counts) == (MoveOutcome.PLACED, None)
    assert moved.book.column_rank < high.column_rank  # now just below the card it was dropped under
    assert moved.book.reads == low.reads  # a reorder is not a finish


def test_a_move_claiming_the_wrong_column_is_refused_and_changes_nothing(books):
    (book,) = add_books(books, "7", 1, Status.READING)
    with pytest.raises(BookChanged) as raised:
        move(books, book.book_id, Status.FINISHED, 1, from_status=Status.NOT_STARTED)
    assert raised.value.current == book == books.get("7", book.book_id)
    assert books.counts("7") == {Status.NOT_STARTED: 0, Status.READING: 1, Status.FINISHED: 0, Status.DID_NOT_FINISH: 0}


def test_a_move_of_a_missing_book_is_not_found(books):
    with pytest.raises(BookNotFound):
        move(books, new_book_id(), Status.READING, 1, from_status=Status.NOT_STARTED)


def histories(status: Status) -> list[tuple[ReadThrough, ...]]:
    """Histories a book in `status` can have: an open read-through only in Reading, first."""
    earlier = (
        ReadThrough(Outcome.FINISHED, PartialDate(2025, 1), PartialDate(2025, 2, 1)),
        ReadThrough(Outcome.DID_NOT_FINISH, None, PartialDate(2024)),
    )
    if status is Status.READING:
        return [
            (ReadThrough(Outcome.READING, PartialDate(2026, 1, 5)),),
            (ReadThrough(Outcome.READING, PartialDate(2026, 1, 5), progress=Progress(page=40)), *earlier),
        ]
    return [(), earlier]


@pytest.mark.parametrize("from_status", list(Status))
@pytest.mark.parametrize("to_status", list(Status))
@pytest.mark.parametrize("history", [0, 1])
def test_the_single_update_applies_the_same_read_through_rules_as_the_domain(books, from_status, to_status, history):
    """The move's update expression and `Book.moved_to` are built from one rule table; check they agree."""
    stored = Book(
        user_id="7", book_id=new_book_id(), title="Dune", author="Frank Herbert", status=from_status,
        column_rank=new_column_rank(), version=4, reads=histories(from_status)[history],
    )  # fmt: skip
    books.restore([stored])
    rank = new_column_rank()
    calls = dynamodb_calls(books)
    moved = books.move(
        "7", stored.book_id, from_status=from_status, to_status=to_status, rank=rank, expected_version=4, today=TODAY
    )
    assert calls[0] == "UpdateItem" and "GetItem" not in calls  # no read first
    expected = dataclasses.replace(stored.moved_to(to_status, TODAY, rank), version=5)
    assert moved.book == expected == books.get("7", stored.book_id)


def store_as_before_read_throughs(books, status: Status, started_on: str | None, finished_on: str | None) -> str:
    """An item as the app stored it before books had read-throughs: a start and a finish date."""
    book_id = new_book_id()
    item = {
        "user_id": "7", "book_id": book_id, "title": "Dune", "author": "Frank Herbert", "status": status.value,
        "user_status": f"7#{status.value}", "column_rank": new_column_rank(), "version": 3,
    }  # fmt: skip
    if started_on:
        item["started_on"] = started_on
    if finished_on:
        item["finished_on"] = finished_on
    books._table.put_item(Item=item)
    books.recount("7")
    return book_id


def test_a_book_stored_before_read_throughs_reads_its_dates_as_its_first_read_through(books):
    finished_id = store_as_before_read_throughs(books, Status.FINISHED, "2026-01-05", "2026-02-01")
    reading_id = store_as_before_read_throughs(books, Status.READING, "2026-03-01", None)
    waiting_id = store_as_before_read_throughs(books, Status.NOT_STARTED, None, None)
    assert books.get("7", finished_id).reads == (
        ReadThrough(Outcome.FINISHED, PartialDate(2026, 1, 5), PartialDate(2026, 2, 1)),
    )
    assert books.get("7", reading_id).reads == (ReadThrough(Outcome.READING, PartialDate(2026, 3, 1)),)
    assert books.get("7", waiting_id).reads == ()


@pytest.mark.parametrize("to_status", [Status.NOT_STARTED, Status.READING, Status.DID_NOT_FINISH])
def test_the_first_move_of_a_book_stored_before_read_throughs_stores_the_new_shape(books, to_status):
    book_id = store_as_before_read_throughs(books, Status.FINISHED, "2026-01-05", "2026-02-01")
    before = books.get("7", book_id)
    moved = move(books, book_id, to_status, 3, from_status=Status.FINISHED)
    item = books._table.get_item(Key={"user_id": "7", "book_id": book_id})["Item"]
    assert "reads" in item and "started_on" not in item and "finished_on" not in item
    assert (
        moved.book
        == books.get("7", book_id)
        == dataclasses.replace(before.moved_to(to_status, TODAY, moved.book.column_rank), version=4)
    )
    assert moved.outcome is MoveOutcome.MOVED and moved.counts == books.counts("7")
    assert moved.counts[Status.FINISHED] == 0 and moved.counts[to_status] == 1


def test_progress_is_one_conditional_update_that_also_checks_the_page_against_the_books_pages(books):
    (book,) = add_books(books, "7", 1, Status.READING)
    book = books.save(dataclasses.replace(book, pages=300), book.version)
    calls = dynamodb_calls(books)
    updated = books.set_progress("7", book.book_id, Progress(page=120), book.version)
    assert calls == ["UpdateItem"]
    assert updated.progress == Progress(page=120) == books.get("7", book.book_id).progress
    with pytest.raises(BookChanged):  # page 500 of 300: refused, nothing written
        books.set_progress("7", book.book_id, Progress(page=500), updated.version)
    assert books.get("7", book.book_id) == updated
    cleared = books.set_progress("7", book.book_id, Progress(percent=40), updated.version)
    assert cleared.progress == Progress(percent=40)
    assert books.set_progress("7", book.book_id, None, cleared.version).progress is None


def test_every_field_of_the_record_is_stored_and_read_back(books):
    (book,) = add_books(books, "7", 1, Status.FINISHED)
    full = dataclasses.replace(
        book, isbn13="9780306406157", pages=412, year_published=1965, series="Dune", series_number=Decimal("1"),
        format=BookFormat.PAPER, owned=True, rating=Decimal("4.5"), notes="Line one\nLine <b>two</b>",
        tags=("sci-fi", "Book club"),
        reads=(*book.reads, ReadThrough(Outcome.FINISHED)),
    )  # fmt: skip
    saved = books.save(full, book.version)
    assert books.get("7", book.book_id) == saved == dataclasses.replace(full, version=2)
    emptied = books.save(dataclasses.replace(saved, isbn13="", rating=None, tags=(), owned=False), saved.version)
    item = books._table.get_item(Key={"user_id": "7", "book_id": book.book_id})["Item"]
    assert not {"isbn13", "rating", "tags", "owned"} & set(item)
    assert books.get("7", book.book_id) == emptied


def test_delete_all_for_user_removes_every_book_and_only_theirs(books):
    add_books(books, "7", 30)
    keep = add_books(books, "8", 2)
    assert books.delete_all_for_user("7") == 30
    assert books.counts("7") == dict.fromkeys(Status, 0)
    assert books.list_column("7", Status.NOT_STARTED, page_size=50).books == []
    assert [b.book_id for b in books.list_column("8", Status.NOT_STARTED, page_size=50).books] == [
        b.book_id for b in reversed(keep)
    ]
    assert books.delete_all_for_user("7") == 0  # running it again is harmless


def test_every_write_reports_the_reader_whose_books_changed(app):
    # The app counts up the reader's books revision with this (the key of their cached board).
    changed = []
    books = BookRepository(
        app.config["BOOKS_TABLE"],
        app.config["AWS_REGION"],
        on_change=lambda user_id, book_ids: changed.append((user_id, book_ids)),
    )
    today = dt.date(2026, 3, 1)

    book = books.add("7", "Dune", "Frank Herbert", Status.NOT_STARTED, today)
    moved = books.move(
        "7",
        book.book_id,
        from_status=Status.NOT_STARTED,
        to_status=Status.READING,
        rank=new_column_rank(),
        expected_version=1,
        today=today,
    ).book
    books.save(moved.edited("Dune Messiah", "Frank Herbert"), moved.version)
    with pytest.raises(BookChanged):
        books.save(moved, expected_version=1)  # refused, but reported: a failed write may be half done
    books.repair_count("7", Status.READING, 1)
    books.delete("7", book.book_id)
    books.delete_all_for_user("7")
    # With the books each write was about (the kept libraries read those again): none for a
    # counter, any (None) for the deletion of all.
    one = (book.book_id,)
    assert changed == [("7", one), ("7", one), ("7", one), ("7", one), ("7", ()), ("7", one), ("7", None)]

    books.counts("7")
    books.list_column("7", Status.READING, 5)
    assert len(changed) == 7  # reads report nothing


@pytest.mark.parametrize("book_id", ["", "not-a-ulid", "A" * 5000, "01JABCDEFGHJKMNPQRSTVWXYZ0#"])
def test_writes_to_an_id_no_book_can_have_are_not_found_without_asking_dynamodb(books, book_id):
    calls = dynamodb_calls(books)
    with pytest.raises(BookNotFound):
        books.set_progress("7", book_id, Progress(page=3), 1)
    with pytest.raises(BookNotFound):
        books.move(
            "7",
            book_id,
            from_status=Status.READING,
            to_status=Status.FINISHED,
            rank="5",
            expected_version=1,
            today=TODAY,
        )
    assert calls == []


# -- the reader's tags ----------------------------------------------------------------------------


def tagged(books, book, *tags):
    return books.save(dataclasses.replace(book, tags=tags), book.version)


def test_the_readers_tags_follow_every_save_and_delete(books):
    dune, emma = add_books(books, "7", 2)
    dune = tagged(books, dune, "sci-fi", "Classics")
    emma = tagged(books, emma, "classics", "romance")
    assert books.reader_tags("7") == ("Classics", "romance", "sci-fi")  # one spelling per tag
    assert books.reader_tags("8") == ()
    dune = tagged(books, dune, "Classics")  # sci-fi removed from its only book
    assert books.reader_tags("7") == ("Classics", "romance")
    books.delete("7", emma.book_id)
    assert books.reader_tags("7") == ("Classics",)
    moved = move(books, dune.book_id, Status.READING, dune.version).book
    assert moved.tags == ("Classics",) and books.reader_tags("7") == ("Classics",)


def test_a_save_that_leaves_the_tags_alone_writes_no_tag_count(books):
    (book,) = add_books(books, "7", 1)
    book = tagged(books, book, "sci-fi")
    calls = dynamodb_calls(books)
    books.save(dataclasses.replace(book, notes="Spice."), book.version)
    assert calls == ["UpdateItem"]


def test_the_tags_item_is_no_book_and_recount_rebuilds_it(books):
    dune, emma = add_books(books, "7", 2)
    tagged(books, dune, "sci-fi")
    tagged(books, emma, "sci-fi", "romance")
    books._adjust_tag_counts("7", {"sci-fi": +5, "lost": +1})  # counts gone wrong (a lost write)
    assert books.reader_tags("7") == ("lost", "romance", "sci-fi")
    books.recount("7")
    assert books.reader_tags("7") == ("romance", "sci-fi")
    item = books._table.get_item(Key={"user_id": "7", "book_id": "#tags"})["Item"]
    assert {name: int(count) for name, count in item.items() if name.startswith("tag:")} == {
        "tag:sci-fi": 2,
        "tag:romance": 1,
    }
    assert len(list(books.all_for_user("7"))) == 2
    assert books.delete_all_for_user("7") == 2
    assert books.reader_tags("7") == ()


def test_books_added_at_once_with_more_tags_than_one_update_holds_are_all_counted(books):
    """A batch of imported books can bring hundreds of new tags; their counts go to the tags item
    a few dozen per UpdateItem (DynamoDB's 4 KB expression limit, which dynalite does not enforce:
    this checks that every tag is counted across those writes)."""
    many = [
        Book(
            user_id="tags-at-once",
            book_id=new_book_id(),
            title=f"Book {i}",
            author="Author",
            status=Status.NOT_STARTED,
            column_rank=new_column_rank(),
            version=1,
            tags=tuple(f"tag {i} {j}" for j in range(20)),
        )
        for i in range(15)
    ]
    assert books.add_books("tags-at-once", many) == 15
    assert len(books.reader_tags("tags-at-once")) == 300
    assert books.counts("tags-at-once")[Status.NOT_STARTED] == 15
