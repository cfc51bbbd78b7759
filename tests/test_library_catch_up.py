"""A reader's library kept in a process (search, sorted columns, stats) is brought up to date after a
change by reading the changed books alone, by key, whichever process wrote them; when what changed is
not known, it is read again whole. The changes are noted on the reader's row in SQL, on SQLite and
MariaDB alike, one entry per revision however many writes run at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest

from bookapp.books import Status
from bookapp.extensions import db
from bookapp.users import repository as users
from bookapp.users.recent_book_changes import MOST_IDS_PER_ENTRY, RECENT_CHANGES_LENGTH, changed_since, entry_ids
from tests.test_book_repository import dynamodb_calls

TODAY = dt.date(2026, 3, 1)
ID_A, ID_B, ID_C = "01JAAAAAAAAAAAAAAAAAAAAAAA", "01JBBBBBBBBBBBBBBBBBBBBBBB", "01JCCCCCCCCCCCCCCCCCCCCCCC"


@pytest.mark.parametrize(
    ("recent", "kept", "now", "changed"),
    [
        (None, 3, 3, set()),  # nothing happened
        (f" 4:{ID_A}", 3, 4, {ID_A}),
        (f" 4:{ID_A} 5:{ID_B},{ID_C} 6:", 3, 6, {ID_A, ID_B, ID_C}),  # 6: a counter only
        (f" 4:{ID_A} 5:{ID_B}", 4, 5, {ID_B}),  # what the kept copy has already is not read again
        (f" 5:{ID_B}", 3, 5, None),  # revision 4 is not noted (fell off): unknown
        (f" 4:{ID_A} 5:*", 3, 5, None),  # a change that may have touched any book
        (None, 3, 4, None),  # a reader from before the notes
        (f" 4:{ID_A}", 5, 4, None),  # a kept copy from the future (a restore reused the ids)
        (f" 4:{ID_A} garbage 5:{ID_B}", 3, 5, {ID_A, ID_B}),
    ],
)
def test_what_changed_since_a_kept_revision(recent, kept, now, changed):
    assert changed_since(recent, kept, now) == changed


def test_an_entry_cut_at_the_front_is_not_trusted():
    # A text at its full length lost its oldest entries from the front, maybe in the middle of one:
    # "14:<id>" cut to "4:<id>" would claim revision 4. Its first entry is never read.
    entries, revision = "", 5
    while len(entries) + len(f" {revision}:{ID_B}") < RECENT_CHANGES_LENGTH - len(f"4:{ID_A}"):
        entries += f" {revision}:{ID_B}"
        revision += 1
    recent = f"4:{ID_A}" + " " * (RECENT_CHANGES_LENGTH - len(f"4:{ID_A}") - len(entries)) + entries
    assert len(recent) == RECENT_CHANGES_LENGTH
    assert changed_since(recent, 3, revision - 1) is None
    assert changed_since(recent, 4, revision - 1) == {ID_B}
    assert changed_since(f"4:{ID_A}{entries}", 3, revision - 1) == {ID_A, ID_B}  # shorter: nothing was cut


def test_a_large_batch_is_noted_as_touching_any_book():
    assert entry_ids([ID_A] * 2 + [ID_B]) == f"{ID_A},{ID_B}"
    assert entry_ids([f"{n:026d}" for n in range(MOST_IDS_PER_ENTRY + 1)]) == "*"
    assert entry_ids(None) == "*"


def reader_row(app, username: str = "alice"):
    with app.app_context():
        user = users.find_by_username(username)
        db.session.expunge(user)
        return user


def test_writes_at_once_each_note_their_own_revision(app, make_user):
    """Eight threads count up one reader's revision together, five times each: every revision is noted once, with the
    book its own write named (MySQL evaluates an UPDATE's SET from left to right, SQLite does not)."""
    user = make_user("alice")
    written = [f"01J{thread}{n:022d}" for thread in range(8) for n in range(5)]

    def write(book_ids: list[str]) -> None:
        with app.app_context():
            for book_id in book_ids:
                users.record_books_changed(user.id, [book_id])

    threads = [threading.Thread(target=write, args=(written[thread * 5 : thread * 5 + 5],)) for thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    row = reader_row(app)
    assert row.books_revision == 40
    assert len(row.recent_book_changes) == RECENT_CHANGES_LENGTH
    # The newest entries are kept whole; the oldest fell off the front.
    since = changed_since(row.recent_book_changes, 40 - 25, 40)
    assert since is not None and len(since) == 25 and since <= set(written)
    assert changed_since(row.recent_book_changes, 0, 40) is None


@pytest.fixture
def alice_key(reader, app):
    return reader_row(app).books_key


def search(reader, query: str) -> str:
    response = reader.get("/search", query_string={"q": query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_search_after_changes_reads_the_changed_books_alone(reader, books, alice_key):
    dune = books.add(alice_key, "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)
    emma = books.add(alice_key, "Emma", "Jane Austen", Status.NOT_STARTED, TODAY)
    assert "Dune" in search(reader, "dune")
    calls = dynamodb_calls(books)
    # Written through the repository, as another process would: only the rows in SQL tell this one.
    books.save(dataclasses.replace(dune, notes="A desert planet and its spice."), dune.version)
    books.delete(alice_key, emma.book_id)
    calls.clear()
    assert "Dune" in search(reader, "spice")
    assert "No books match" in search(reader, "emma")
    assert calls == ["BatchGetItem"]  # both changed books in one read by key; Emma is gone from it


def test_a_library_behind_a_change_to_any_book_is_read_again_whole(reader, books, alice_key):
    books.add(alice_key, "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)
    assert "Dune" in search(reader, "dune")
    books.delete_all_for_user(alice_key)
    books.add(alice_key, "Emma", "Jane Austen", Status.NOT_STARTED, TODAY)
    calls = dynamodb_calls(books)
    assert "No books match" in search(reader, "dune")
    assert "Emma" in search(reader, "emma")
    assert calls == ["Query"]


def test_a_library_too_far_behind_is_read_again_whole(reader, books, alice_key):
    dune = books.add(alice_key, "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)
    assert "Dune" in search(reader, "dune")
    for number in range(RECENT_CHANGES_LENGTH // 20):  # more entries than the row keeps (about 30)
        dune = books.save(dataclasses.replace(dune, notes=f"Read {number} times"), dune.version)
    calls = dynamodb_calls(books)
    assert "Dune" in search(reader, "times")
    assert calls == ["Query"]
