"""The board's reads are sent together: the same board as reading them one after the other, and
an outage in any of them is the "try again" page, never a board with a column missing."""

import datetime as dt

import boto3

from bookapp.books import Status
from bookapp.books.column_order import ColumnSort
from bookapp.books.items import table_definition
from bookapp.books.model import BOARD_COLUMNS
from bookapp.books.repository import BookRepository
from bookapp.books.service import load_board
from bookapp.books.table import BOTO_CONFIG
from tests.conftest import Browser

DAY = dt.date(2026, 11, 1)


def add_library(books, user_id: str, per_column: int) -> None:
    for status in BOARD_COLUMNS:
        for i in range(per_column):
            books.add(user_id, f"{status.value} {i}", f"Author {i % 3}", status, DAY)


def test_the_concurrent_board_is_the_board_read_one_read_after_another(app, books, make_user):
    alice = make_user("alice")
    add_library(books, alice.books_key, per_column=12)  # more than two pages of 5 in every column

    board = load_board(books, alice.books_key, 5)

    one_after_another = [books.list_column(alice.books_key, status, 5) for status in BOARD_COLUMNS]
    assert board.columns == one_after_another
    assert board.counts == books.counts(alice.books_key)
    assert [len(column.books) for column in board.columns] == [5, 5, 5]
    assert all(column.next_cursor for column in board.columns)
    assert board.counts[Status.READING] == 12


def test_a_sorted_column_is_cut_from_the_library_while_the_others_are_read(app, books, make_user):
    alice = make_user("alice")
    add_library(books, alice.books_key, per_column=7)
    library = list(books.all_for_user(alice.books_key, consistent=True))
    by_title = ColumnSort.parse("title", "desc")

    board = load_board(books, alice.books_key, 5, sorts={Status.FINISHED: by_title}, library=lambda: library)

    assert board.columns[:2] == [books.list_column(alice.books_key, status, 5) for status in BOARD_COLUMNS[:2]]
    titles = [book.title for book in board.columns[2].books]
    assert titles == sorted((f"finished {i}" for i in range(7)), reverse=True)[:5]
    assert board.columns[2].next_start == 5
    assert board.counts[Status.FINISHED] == 7


def test_a_wrong_counter_is_repaired_from_a_column_read_to_its_end(app, books, make_user):
    alice = make_user("alice")
    add_library(books, alice.books_key, per_column=3)
    books.repair_count(alice.books_key, Status.READING, 9)  # as if a process died before its counter write

    board = load_board(books, alice.books_key, 5)

    assert board.counts[Status.READING] == 3
    assert books.counts(alice.books_key)[Status.READING] == 3


def test_a_failed_column_read_gives_the_try_again_page_though_the_counts_were_read(app, make_user, dynalite):
    """A table without the columns' index: the counts' GetItem answers, every column's Query fails."""
    client = boto3.client("dynamodb", region_name="us-east-1", config=BOTO_CONFIG)
    definition = table_definition(app.config["BOOKS_TABLE"] + "-no-index")
    del definition["GlobalSecondaryIndexes"]
    definition["AttributeDefinitions"] = definition["AttributeDefinitions"][:2]
    client.create_table(**definition)
    client.get_waiter("table_exists").wait(TableName=definition["TableName"])
    app.extensions["book_repository"] = BookRepository(definition["TableName"], "us-east-1")
    make_user("alice")
    reader = Browser(app)
    reader.login("alice")

    board = reader.get("/")

    assert board.status_code == 503
    page = board.get_data(as_text=True)
    assert "Try again in a moment" in page and "Nothing was lost" in page
    assert 'id="cards-reading"' not in page
