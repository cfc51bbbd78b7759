"""When DynamoDB or MySQL goes away, readers get a friendly "try again", nothing is half-written,
and the app recovers by itself when the service is back."""

import datetime as dt
import socket
import threading
import time
import uuid

import boto3
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

import local_services
from bookapp import create_app
from bookapp.books import BookRepository, Status
from bookapp.books.table import BOTO_CONFIG
from bookapp.config import TestingConfig
from tests.conftest import Browser, start_dynalite

TODAY = dt.date(2026, 11, 27)


def repository_at(endpoint: str, table: str, monkeypatch) -> BookRepository:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
    resource = boto3.resource("dynamodb", region_name="us-east-1", config=BOTO_CONFIG)
    return BookRepository(table, "us-east-1", dynamodb_resource=resource)


@pytest.fixture
def own_dynalite(tmp_path):
    """A dynalite of this test's own, keeping its data on disk so it can be stopped and started."""
    port = local_services.free_port()
    data = tmp_path / "dynalite"

    class Server:
        endpoint = f"http://127.0.0.1:{port}"
        process = None

        def start(self):
            self.process = start_dynalite(port, path=data)

        def stop(self):
            local_services.stop(self.process)

    server = Server()
    server.start()
    yield server
    server.stop()


def test_dynamodb_outage_gives_try_again_pages_and_the_app_recovers_alone(app, make_user, own_dynalite, monkeypatch):
    repository = repository_at(own_dynalite.endpoint, f"outage-{uuid.uuid4().hex[:8]}", monkeypatch)
    repository.create_table()
    app.extensions["book_repository"] = repository
    alice = make_user("alice")
    reader = Browser(app)
    reader.login("alice")
    reader.post("/books", {"title": "Before", "author": "A", "status": "reading"})
    book = repository.list_column(alice.books_key, Status.READING, 5).books[0]

    own_dynalite.stop()
    started = time.monotonic()
    board = reader.get("/")
    failing_took = time.monotonic() - started
    assert board.status_code == 503
    assert "Try again in a moment" in board.get_data(as_text=True)
    assert "Nothing was lost" in board.get_data(as_text=True)
    move = reader.post(f"/books/{book.book_id}/move", {"status": "finished", "version": 1}, htmx=True)
    assert move.status_code == 503 and 'data-error-code="503"' in move.get_data(as_text=True)
    assert reader.post("/books", {"title": "During", "author": "A"}).status_code == 503
    assert app.test_client().get("/healthz").json["checks"]["books"] == "unavailable"
    assert failing_took < 10

    own_dynalite.start()
    recovered_at = time.monotonic()
    while reader.get("/").status_code != 200:
        assert time.monotonic() - recovered_at < 10
        time.sleep(0.1)
    recovery = time.monotonic() - recovered_at
    print(f"failing board answered 503 in {failing_took:.2f} s; recovered {recovery:.2f} s after dynalite restarted")
    page = reader.get("/").get_data(as_text=True)
    assert ">Before</a></h3>" in page and ">During</a></h3>" not in page
    stored = repository.get(alice.books_key, book.book_id)
    assert (stored.status, stored.version) == (Status.READING, 1)  # the refused move left nothing behind
    assert repository.counts(alice.books_key) == {
        Status.NOT_STARTED: 0,
        Status.READING: 1,
        Status.FINISHED: 0,
        Status.DID_NOT_FINISH: 0,
    }


def test_a_hung_dynamodb_endpoint_holds_a_request_for_seconds_not_minutes(app, make_user, monkeypatch):
    """A server that accepts connections and never answers: the timeouts and retries end the wait."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_hold():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept_and_hold, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}"
        app.extensions["book_repository"] = repository_at(endpoint, "hung", monkeypatch)
        make_user("alice")
        reader = Browser(app)
        reader.login("alice")
        started = time.monotonic()
        response = reader.get("/")
        took = time.monotonic() - started
    finally:
        stop.set()
        for connection in held:
            connection.close()
        listener.close()
    print(f"a hung DynamoDB endpoint held the request {took:.2f} s")
    assert response.status_code == 503
    assert took < 12, f"a hung DynamoDB held the request for {took:.1f}s"


def test_killed_mysql_connections_do_not_cause_errors(mariadb, dynalite):
    from flask_migrate import upgrade

    from bookapp.extensions import db
    from bookapp.users.accounts import create_account
    from bookapp.users.audit import Actor

    server, url = mariadb
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        create_account(Actor.command_line(), "alice", "correct horse battery staple", is_admin=False)
        app.extensions["book_repository"].create_table()
    reader = Browser(app)
    reader.login("alice", "correct horse battery staple")
    assert reader.get("/").status_code == 200

    database = make_url(url).database
    with server.begin() as connection:
        ids = (
            connection.execute(text("SELECT id FROM information_schema.processlist WHERE db = :db"), {"db": database})
            .scalars()
            .all()
        )
        assert ids, "the app holds no pooled connection to kill"
        for connection_id in ids:
            connection.execute(text(f"KILL {int(connection_id)}"))

    statuses = [reader.get("/").status_code for _ in range(5)]
    assert statuses == [200] * 5
    with app.app_context():
        db.engine.dispose()
