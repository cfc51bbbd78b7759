"""export-data writes everything to one JSON file; import-data restores it into an empty deployment."""

import dataclasses
import datetime as dt
import json
import uuid
from decimal import Decimal

from bookapp import create_app
from bookapp.books import Status, get_book_repository
from bookapp.books.goals import Goal
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import BookFormat, PartialDate, Progress
from bookapp.books.service import Move, move_book
from bookapp.config import TestingConfig
from bookapp.users import repository as users
from tests.conftest import PASSWORD, Browser

USER_COLUMNS = ("id", "username", "password_hash", "is_admin", "is_disabled", "created_at", "last_sign_in_at")


def snapshot(app):
    """Everything a deployment holds, in comparable form."""
    with app.app_context():
        books = get_book_repository()
        everyone = users.all_users()
        return {
            user.username: {
                "user": {column: getattr(user, column) for column in USER_COLUMNS},
                "books": sorted(dataclasses.astuple(book) for book in books.all_for_user(user.books_key)),
                "counts": books.counts(user.books_key),
                "reading_goals": users.reading_goals(user.id),
            }
            for user in everyone
        }


def empty_deployment(tmp_path):
    """Another deployment, with its users schema and books table and nothing in them."""
    fresh = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/fresh.sqlite3",
            "BOOKS_TABLE": f"fresh-{uuid.uuid4().hex[:8]}",
        },
    )
    runner = fresh.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["create-books-table"]).exit_code == 0
    return fresh


def test_export_then_import_into_an_empty_deployment_restores_everything(app, make_user, books, tmp_path, dynalite):
    make_user("boss", is_admin=True)
    alice = make_user("alice")
    bob = make_user("bob")
    Browser(app).login("alice")  # a last sign-in time to carry over
    later = {1: (Status.READING, dt.date(2026, 2, 1)), 2: (Status.FINISHED, dt.date(2026, 3, 1))}
    for i in range(25):
        book = books.add(alice.books_key, f"Alice {i} 📚", "Author", Status.NOT_STARTED, dt.date(2026, 1, 1))
        if i % 3:
            column, day = later[i % 3]
            move_book(books, user_id=alice.books_key, book_id=book.book_id, move=Move(column, 1), today=day)
    books.add(bob.books_key, "مئة عام من العزلة", "García Márquez", Status.READING, dt.date(2026, 4, 1))
    give_full_records(books, alice.books_key)
    with app.app_context():
        user = users.find_by_username("bob")
        user.is_disabled = True
        users.save(user)
        users.set_reading_goal(alice.id, Goal(2025, books=12, pages=4000))
        users.set_reading_goal(alice.id, Goal(2026, books=20))
    original = snapshot(app)
    assert original["alice"]["reading_goals"] == {2025: Goal(2025, 12, 4000), 2026: Goal(2026, 20, None)}

    export_file = tmp_path / "export.json"
    result = app.test_cli_runner().invoke(args=["export-data", str(export_file)])
    assert result.exit_code == 0 and "Exported 3 users and 26 books" in result.output
    assert export_file.stat().st_mode & 0o077 == 0  # not readable by others: it holds password hashes
    exported = json.loads(export_file.read_text())
    assert PASSWORD not in export_file.read_text()
    assert exported["format"] == "bookapp-export"

    fresh = empty_deployment(tmp_path)
    runner = fresh.test_cli_runner()
    restored = runner.invoke(args=["import-data", str(export_file)])
    assert restored.exit_code == 0, restored.output
    assert "Restored 3 users and 26 books" in restored.output

    assert snapshot(fresh) == original
    Browser(fresh).login("alice")  # the same password opens the restored account
    again = runner.invoke(args=["import-data", str(export_file)])
    assert again.exit_code != 0 and "already has users" in again.output


def give_full_records(books, user_id):
    """Every field of the record on some of a reader's books, and a book given up."""
    reading = books.list_column(user_id, Status.READING, 1).books[0]
    reading = books.set_progress(user_id, reading.book_id, Progress(page=42), reading.version)
    finished = books.get(user_id, books.list_column(user_id, Status.FINISHED, 1).books[0].book_id)
    books.save(
        dataclasses.replace(
            finished,
            isbn13="9780306406157",
            pages=412,
            year_published=-400,
            series="Discworld",
            series_number=Decimal("4.5"),
            format=BookFormat.AUDIOBOOK,
            owned=True,
            rating=Decimal("3.5"),
            notes="Private\nnotes, “quoted”\n\n  indented",
            tags=("Book club", "re-read"),
            reads=(
                *finished.reads,
                ReadThrough(Outcome.FINISHED, started=PartialDate(2019), ended=PartialDate(2019, 7)),
                ReadThrough(Outcome.FINISHED),  # read, date unknown
            ),
        ),
        finished.version,
    )
    given_up = books.list_column(user_id, Status.READING, 2).books[1]
    move_book(
        books,
        user_id=user_id,
        book_id=given_up.book_id,
        move=Move(Status.DID_NOT_FINISH, given_up.version),
        today=dt.date(2026, 3, 9),
    )


def test_a_version_1_export_restores_each_books_dates_as_a_read_through(app, make_user, tmp_path):
    make_user("alice")
    with app.app_context():
        exported_user = {column: _json(getattr(users.find_by_username("alice"), column)) for column in USER_COLUMNS}
    book = {
        "book_id": "01JABCDEFGHJKMNPQRSTVWXYZ0", "title": "Dune", "author": "Frank Herbert", "status": "finished",
        "column_rank": "017000000000000000005", "version": 3, "started_on": "2026-01-05", "finished_on": "2026-02-01",
    }  # fmt: skip
    export_file = tmp_path / "old.json"
    export_file.write_text(
        json.dumps({"format": "bookapp-export", "format_version": 1, "users": [{**exported_user, "books": [book]}]})
    )
    fresh = empty_deployment(tmp_path)
    restored = fresh.test_cli_runner().invoke(args=["import-data", str(export_file)])
    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        fresh_books = get_book_repository()
        (stored,) = fresh_books.all_for_user(str(exported_user["id"]))
        assert stored.reads == (ReadThrough(Outcome.FINISHED, PartialDate(2026, 1, 5), PartialDate(2026, 2, 1)),)
        assert not stored.stored_before_reads and stored.creation
        assert fresh_books.counts(str(exported_user["id"]))[Status.FINISHED] == 1


def _json(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


def test_an_export_from_before_books_had_a_creation_restores_each_with_a_new_one(app, make_user, books, tmp_path):
    alice = make_user("alice")
    for title in ("Dune", "Emma"):
        books.add(alice.books_key, title, "Someone", Status.READING, dt.date(2026, 1, 1))
    export_file = tmp_path / "export.json"
    assert app.test_cli_runner().invoke(args=["export-data", str(export_file)]).exit_code == 0
    exported = json.loads(export_file.read_text())
    for book in exported["users"][0]["books"]:
        del book["creation"]
    export_file.write_text(json.dumps(exported))
    fresh = empty_deployment(tmp_path)

    restored = fresh.test_cli_runner().invoke(args=["import-data", str(export_file)])

    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        creations = [book.creation for book in get_book_repository().all_for_user(alice.books_key)]
    assert len(creations) == 2 and all(creations) and len(set(creations)) == 2
