"""The DynamoDB repository against a real dynalite: keys, conditional writes, counts, pages."""

import datetime as dt

import pytest

from bookapp.books import BookChanged, BookNotFound, Status
from bookapp.books.repository import COLUMN_INDEX, encode_cursor
from bookapp.books.service import load_board, move_book

TODAY = dt.date(2026, 11, 27)


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
    assert (stored.version, stored.started_on) == (1, TODAY)


def test_another_readers_book_is_not_found(books):
    book = books.add("7", "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)
    with pytest.raises(BookNotFound):
        books.get("8", book.book_id)
    with pytest.raises(BookNotFound):
        books.delete("8", book.book_id)
    assert books.get("7", book.book_id) == book


def test_malformed_ids_are_not_found_without_asking_dynamodb(books):
    calls = dynamodb_calls(books)
    for bad in ["#counts", "x", "../1", "0" * 27]:
        with pytest.raises(BookNotFound):
            books.get("7", bad)
    assert calls == []


def test_stale_version_is_refused_and_the_stored_book_kept(books):
    book = books.add("7", "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)
    first = move_book(books, "7", book.book_id, Status.READING, expected_version=1, today=TODAY)
    with pytest.raises(BookChanged) as raised:
        move_book(books, "7", book.book_id, Status.FINISHED, expected_version=1, today=TODAY)
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
    move_book(books, "7", a.book_id, Status.READING, 1, TODAY)
    move_book(books, "7", b.book_id, Status.FINISHED, 1, TODAY)
    books.delete("7", b.book_id)
    assert books.counts("7") == {Status.NOT_STARTED: 1, Status.READING: 1, Status.FINISHED: 0}


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
    for garbage in ["", "not base64!", "e30=", "W10="]:
        with pytest.raises(BookNotFound):
            books.list_column("7", Status.NOT_STARTED, page_size=5, cursor=garbage or "x")


def test_board_view_is_four_requests_and_never_a_scan(books):
    add_books(books, "7", 12)
    calls = dynamodb_calls(books)
    load_board(books, "7", page_size=5)
    assert len(calls) <= 4, calls
    assert "Scan" not in calls


def test_move_is_one_read_and_one_conditional_update_plus_the_counter(books):
    (book,) = add_books(books, "7", 1)
    calls = dynamodb_calls(books)
    move_book(books, "7", book.book_id, Status.READING, 1, TODAY)
    assert calls == ["GetItem", "UpdateItem", "UpdateItem"]


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
