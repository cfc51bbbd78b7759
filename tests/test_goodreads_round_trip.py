"""A library out through our Goodreads CSV and back in through the Goodreads import, into an empty
account: every field that layout carries comes back as it was (docs/export-format.md says which it
cannot carry: partial dates, earlier read-throughs' dates, start dates and progress, half stars,
series, the order of the cards)."""

from __future__ import annotations

import io
import math

from bookapp.books.reads import Outcome
from bookapp.users import repository as users
from tests.conftest import Browser
from tests.library_fixtures import comparable, full_library, shelve
from tests.test_import_jobs import run_to_the_end
from tests.test_import_parsers import SAMPLES


def carried(book) -> dict:
    """What Goodreads' layout holds of a book."""
    finished = [read for read in book.reads if read.outcome is Outcome.FINISHED]
    full_days = [read.ended for read in finished if read.ended is not None and read.ended.day is not None]
    return {
        "author": book.author,
        "status": book.status,
        "isbn13": book.isbn13,
        "pages": book.pages,
        "year first published": book.year_published,
        "format": book.format,
        "owned": book.owned,
        "notes": book.notes,
        "tags": sorted(tag.casefold() for tag in book.tags),
        # Whole stars only: a half rounds up.
        "rating": None if book.rating is None else math.ceil(book.rating),
        "times finished": len(finished),
        "last finished on": max(full_days, default=None),
    }


def test_a_library_comes_back_through_the_goodreads_csv_with_everything_that_layout_carries(
    app, reader, make_user, books
):
    with app.app_context():
        alice_key = users.find_by_username("alice").books_key
    shelve(books, alice_key)
    exported = reader.get("/export/goodreads.csv")
    assert exported.status_code == 200

    make_user("bob")
    bob = Browser(app)
    bob.login("bob")
    uploaded = bob.post("/import", {"export_file": (io.BytesIO(exported.data), "goodreads.csv")})
    assert uploaded.status_code == 303, uploaded.get_data(as_text=True)
    done = run_to_the_end(bob, uploaded.headers["Location"])
    assert "5 books added, 0 updated." in done

    with app.app_context():
        bob_key = users.find_by_username("bob").books_key
    imported = {book.title: book for book in books.all_for_user(bob_key)}
    original = {book.title: book for book in full_library(alice_key)}
    # Titles come back exactly: formula-like, quoted, right-to-left and CJK text, series markers.
    assert sorted(imported) == sorted(original)
    for title, book in original.items():
        assert carried(imported[title]) == carried(book), title


def test_the_samples_imported_then_exported_as_json_come_back_identical_in_an_empty_account(
    app, reader, make_user, books
):
    """Import both sample exports, download everything as JSON, restore it into another account: the
    two libraries are the same field by field (and in the same board order, counts and tags)."""
    for sample in ("goodreads_library_export.csv", "storygraph_export.csv"):
        uploaded = reader.post("/import", {"export_file": (io.BytesIO((SAMPLES / sample).read_bytes()), sample)})
        assert uploaded.status_code == 303, uploaded.get_data(as_text=True)
        run_to_the_end(reader, uploaded.headers["Location"])
    exported = reader.get("/export/library.json")
    assert exported.status_code == 200

    make_user("bob")
    bob = Browser(app)
    bob.login("bob")
    restored = bob.post("/export/restore", {"library_file": (io.BytesIO(exported.data), "library.json")})
    assert restored.status_code == 303, restored.get_data(as_text=True)

    with app.app_context():
        alice_key, bob_key = (users.find_by_username(name).books_key for name in ("alice", "bob"))
    alice_library = comparable(books, alice_key)
    assert len(alice_library["books"]) == 40  # the samples hold the same 40 books: the second merges
    assert comparable(books, bob_key) == alice_library
