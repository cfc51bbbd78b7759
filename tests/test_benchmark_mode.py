"""BENCHMARK_MODE: each response says what it asked of DynamoDB (counted by botocore's hooks)."""

import datetime as dt
import re
from urllib.parse import urlsplit

from bench.latency_proxy import LatencyProxy
from bookapp import create_app
from bookapp.benchmark import sequential_round_trips
from bookapp.books import Status, get_book_repository
from bookapp.config import TestingConfig
from tests.conftest import Browser


def test_responses_report_their_dynamodb_calls_only_in_benchmark_mode(app, database_url, make_user):
    assert "X-DynamoDB-Requests" not in app.test_client().get("/login").headers
    assert app.test_client().get("/bench/ping").status_code == 404

    bench = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "BOOKS_TABLE": app.config["BOOKS_TABLE"],
            "BENCHMARK_MODE": True,
            "BOOKS_PAGE_SIZE": 5,
        },
    )
    alice = make_user("alice")
    with bench.app_context():
        books = get_book_repository()
        for i in range(30):
            books.add(alice.books_key, f"Book {i}", "Author", list(Status)[i % 3], dt.date(2026, 1, 1))
    reader = Browser(bench)
    reader.login("alice")
    board = reader.get("/")
    assert board.headers["X-DynamoDB-Requests"] == "4"
    # Sent together (in the order they started, which the pool's threads decide).
    assert sorted(board.headers["X-DynamoDB-Operations"].split(",")) == ["GetItem", "Query", "Query", "Query"]
    assert int(board.headers["X-DynamoDB-Items"]) == 3 * 6 + 1  # a page of 5 (+1 to see if more) per column
    assert float(board.headers["X-DynamoDB-Capacity"]) > 0
    assert bench.test_client().get("/bench/ping").get_data(as_text=True) == "pong"

    # A move as the card's own form sends it: one conditional UpdateItem and the counter's, which
    # answers with the counts the response shows. No read.
    card = re.search(
        r'<form class="card-body[^>]*action="([^"]+)"[^>]*>(.*?)</form>', board.get_data(as_text=True), re.S
    )
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', card.group(2)))
    assert fields["from_status"] == "not_started"  # the first card of the first column
    moved = reader.post(card.group(1), {**fields, "status": "reading"}, htmx=True)
    assert moved.status_code == 200
    assert moved.headers["X-DynamoDB-Operations"] == "UpdateItem,UpdateItem"
    assert 'id="count-not_started" hx-swap-oob="innerHTML">9<' in moved.get_data(as_text=True)


def test_calls_that_overlap_in_time_count_as_one_round_trip():
    assert sequential_round_trips([]) == 0
    assert sequential_round_trips([(0, 1), (1, 2), (2, 3)]) == 3  # one after the other
    assert sequential_round_trips([(0, 4), (1, 2), (0.5, 3), (3.5, 5)]) == 1  # all sent together
    assert sequential_round_trips([(5, 6), (0, 2), (1, 3), (3, 4)]) == 3  # in any order


def test_the_board_waits_for_one_dynamodb_round_trip_and_a_move_for_two(
    app, database_url, make_user, dynalite, monkeypatch
):
    """Through a proxy that makes each DynamoDB round trip take 40 ms, the board's four reads are
    seen overlapping, as the benchmark counts them; the move's two writes follow each other."""
    with LatencyProxy(target_port=urlsplit(dynalite).port, latency_seconds=0.04) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{proxy.port}")
        bench = create_app(
            TestingConfig,
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "BOOKS_TABLE": app.config["BOOKS_TABLE"],
                "BENCHMARK_MODE": True,
                "BOOKS_PAGE_SIZE": 5,
            },
        )
        alice = make_user("alice")
        with bench.app_context():
            get_book_repository().add(alice.books_key, "Dune", "Frank Herbert", Status.NOT_STARTED, dt.date(2026, 1, 1))
        reader = Browser(bench)
        reader.login("alice")
        board = reader.get("/")  # rendered: the add above changed the library
        assert board.headers["X-DynamoDB-Requests"] == "4"
        assert board.headers["X-DynamoDB-Sequential"] == "1"
        assert int(board.headers["X-SQL-Statements"]) >= 1  # the signed-in user's row, at least
        assert int(board.headers["X-Stores-Sequential"]) >= 2

        card = re.search(
            r'<form class="card-body[^>]*action="([^"]+)"[^>]*>(.*?)</form>', board.get_data(as_text=True), re.S
        )
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', card.group(2)))
        moved = reader.post(card.group(1), {**fields, "status": "reading"}, htmx=True)
        assert moved.status_code == 200
        # The conditional write, then the counter (only once the write succeeded): two, in turn.
        assert moved.headers["X-DynamoDB-Operations"] == "UpdateItem,UpdateItem"
        assert moved.headers["X-DynamoDB-Sequential"] == "2"


def test_an_add_shows_the_counts_its_counter_write_answered_without_reading_them_again(app, database_url, make_user):
    bench = create_app(
        TestingConfig,
        {"SQLALCHEMY_DATABASE_URI": database_url, "BOOKS_TABLE": app.config["BOOKS_TABLE"], "BENCHMARK_MODE": True},
    )
    make_user("alice")
    reader = Browser(bench)
    reader.login("alice")
    reader.post("/books", {"title": "Dune", "author": "Frank Herbert", "status": "reading"}, htmx=True)
    form = {"title": "Emma", "author": "Jane Austen", "status": "reading", "book_id": "01JC0000000000000000000000"}

    added = reader.post("/books", form, htmx=True)

    assert added.status_code == 200
    assert added.headers["X-DynamoDB-Operations"] == "PutItem,UpdateItem"  # the book, then its counter
    assert added.headers["X-DynamoDB-Sequential"] == "2"
    assert 'id="count-reading" hx-swap-oob="innerHTML">2<' in added.get_data(as_text=True)
    again = reader.post("/books", form, htmx=True)  # a double submit: the book is there already
    assert again.headers["X-DynamoDB-Operations"] == "PutItem,GetItem,GetItem"
    assert 'id="count-reading" hx-swap-oob="innerHTML">2<' in again.get_data(as_text=True)
