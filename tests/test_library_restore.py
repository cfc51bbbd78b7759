"""A JSON export imported into an account: the round trip is exact, a second import adds nothing,
and a file that is not a good export imports nothing and says why."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest

from bookapp.books import Status
from bookapp.books.library_files.book_json import book_to_json
from bookapp.books.record import NOTES_MAX_LENGTH
from bookapp.users import repository as users
from tests.conftest import Browser
from tests.library_fixtures import TODAY, comparable, full_library, shelve


def text(response) -> str:
    return response.get_data(as_text=True)


def key_of(app, username: str) -> str:
    with app.app_context():
        return users.find_by_username(username).books_key


@pytest.fixture
def exported(reader, app, books) -> bytes:
    """alice's full library, exported as JSON from /export."""
    shelve(books, key_of(app, "alice"))
    return reader.get("/export/library.json").get_data()


@pytest.fixture
def carol(app, make_user) -> Browser:
    """A signed-in reader with an empty library."""
    make_user("carol")
    browser = Browser(app)
    browser.login("carol")
    return browser


def upload(browser: Browser, content: bytes, filename: str = "library.json"):
    return browser.post("/export/restore", {"library_file": (io.BytesIO(content), filename)})


def test_the_json_round_trip_into_an_empty_account_is_exact_field_by_field(app, books, exported, carol):
    response = upload(carol, exported)

    assert response.status_code == 303 and response.headers["Location"] == "/export"
    assert "Imported 5 books." in text(carol.get("/export"))
    original, imported = comparable(books, key_of(app, "alice")), comparable(books, key_of(app, "carol"))
    assert imported == original
    assert len(imported["books"]) == 5 and imported["counts"][Status.FINISHED] == 2
    # And the import exports as the same file, but for the reader's name and the time.
    again = json.loads(text(carol.get("/export/library.json")))
    assert again["books"] == json.loads(exported)["books"]


def test_importing_the_same_file_again_adds_nothing_and_keeps_changes_made_since(app, books, exported, carol):
    upload(carol, exported)
    carol_key = key_of(app, "carol")
    dune = next(book for book in books.all_for_user(carol_key) if book.title == "Dune")
    books.save(dataclasses.replace(dune, notes="Changed after the import."), dune.version)
    before = comparable(books, carol_key)

    response = upload(carol, exported)

    assert response.status_code == 303
    assert "Imported 0 books. 5 books were in your library already, and stayed as they are." in text(
        carol.get("/export")
    )
    assert comparable(books, carol_key) == before


def test_importing_an_export_into_the_account_it_came_from_adds_nothing(app, books, reader, exported):
    before = comparable(books, key_of(app, "alice"))

    upload(reader, exported)

    assert comparable(books, key_of(app, "alice")) == before


def test_an_import_adds_to_the_books_an_account_has(app, books, exported, carol):
    carol_key = key_of(app, "carol")
    books.add(carol_key, "Carol’s own", "Carol", Status.READING, TODAY)

    upload(carol, exported)

    assert books.counts(carol_key)[Status.READING] == 2
    assert len(list(books.all_for_user(carol_key))) == 6


def book_edited(exported: bytes, **changes) -> bytes:
    data = json.loads(exported)
    data["books"][1].update(changes)
    return json.dumps(data).encode()


BAD_FILES = {
    "not JSON": (b"Title,Author\nDune,Frank Herbert\n", "This file is not JSON"),
    "not UTF-8": ('{"title": "Café"}'.encode("latin-1"), "This file is not UTF-8"),
    "nested too deep": (b"[" * 100_000, "This file is not JSON"),
    "another JSON": (b'{"users": []}', "is not a Book Tracking Online library export"),
    "the operator's backup": (b'{"format": "bookapp-export", "format_version": 2}', "library export"),
    "a later version": (
        b'{"format": "book-tracking-online-library", "format_version": 9, "books": []}',
        "of format version 9",
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_file_that_is_not_a_library_export_imports_nothing_and_says_why(app, books, carol, name):
    content, message = BAD_FILES[name]

    response = upload(carol, content)

    assert response.status_code == 422
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert list(books.all_for_user(key_of(app, "carol"))) == []


BAD_BOOKS = {
    "a rating of 7": ({"rating": 7}, "Give a rating in half steps"),
    "a title over the limit": ({"title": "x" * 301}, "title or author is longer"),
    "no title": ({"title": "  "}, "it has no title"),
    "an impossible date": ({"reads": [{"outcome": "finished", "ended": "2019-13-40"}]}, "There is no month 13"),
    "a read-through open in the wrong column": ({"reads": [], "status": "reading"}, "in Reading without"),
    "a second open read": (
        {"reads": [{"outcome": "reading"}, {"outcome": "reading"}], "status": "reading"},
        "do not match its column",
    ),
    "an unknown column": ({"status": "paused"}, "none of the app’s columns"),
    "a bad id": ({"book_id": "../../etc/passwd"}, "not a book id"),
    "tags as text": ({"tags": "a, b"}, "tags are not a list"),
    "notes over the limit": ({"notes": "x" * (NOTES_MAX_LENGTH + 1)}, "Notes can have up to"),
    "a version that is text": ({"version": "7"}, "version is not a whole number"),
    "a bad ISBN": ({"isbn13": "9780306406158"}, "check digit"),
}


@pytest.mark.parametrize("name", BAD_BOOKS)
def test_a_file_with_one_bad_book_imports_nothing_and_names_the_book(app, books, exported, carol, name):
    changes, message = BAD_BOOKS[name]

    response = upload(carol, book_edited(exported, **changes))

    assert response.status_code == 422
    assert "Book 2 of the file" in text(response) and message in text(response), text(response)
    assert list(books.all_for_user(key_of(app, "carol"))) == []
    assert books.counts(key_of(app, "carol")) == dict.fromkeys(Status, 0)


def test_the_upload_form_asks_for_a_file(carol):
    response = carol.post("/export/restore", {})

    assert response.status_code == 422
    assert "Choose the JSON file to import." in text(response)


def test_a_file_over_the_limit_is_refused_with_a_message(app, carol, monkeypatch):
    from bookapp.blueprints.export import routes

    monkeypatch.setattr(routes.restore, "max_content_length", 1024)
    response = upload(carol, b" " * 4096)

    assert response.status_code == 413
    assert "This file is larger than" in text(response) and "nothing was imported" in text(response)


def test_the_cli_imports_a_library_into_an_account_once(app, books, exported, make_user, tmp_path):
    make_user("dora")
    file = tmp_path / "library.json"
    file.write_bytes(exported)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["import-library", "dora", str(file)])
    second = runner.invoke(args=["import-library", "dora", str(file)])
    nobody = runner.invoke(args=["import-library", "nobody", str(file)])

    assert first.exit_code == 0 and "dora: imported 5 books; 0 were there already." in first.output
    assert second.exit_code == 0 and "imported 0 books; 5 were there already." in second.output
    assert nobody.exit_code != 0 and "No user “nobody”." in nobody.output
    assert comparable(books, key_of(app, "dora")) == comparable(books, key_of(app, "alice"))


def test_the_cli_says_why_a_file_is_refused(app, make_user, tmp_path):
    make_user("dora")
    file = tmp_path / "library.json"
    file.write_text("[]")

    result = app.test_cli_runner().invoke(args=["import-library", "dora", str(file)])

    assert result.exit_code != 0 and "not a Book Tracking Online library export" in result.output


def test_a_file_saved_with_a_byte_order_mark_imports(app, books, exported, carol):
    response = upload(carol, b"\xef\xbb\xbf" + exported)

    assert response.status_code == 303
    assert len(list(books.all_for_user(key_of(app, "carol")))) == 5


def test_notes_are_imported_exactly_as_written_even_where_the_book_page_would_tidy_them(app, books, exported, carol):
    untidy = "Line one  \r\nline two with trailing spaces   "

    upload(carol, book_edited(exported, notes=untidy))

    (hobbit,) = [book for book in books.all_for_user(key_of(app, "carol")) if book.title == "The Hobbit"]
    assert hobbit.notes == untidy


def test_an_import_writes_only_into_the_signed_in_readers_account(app, books, exported, carol, make_user):
    bob = make_user("bob")
    data = json.loads(exported)
    for book in data["books"]:
        book["user_id"] = bob.books_key  # a file edited to aim at someone else's books
        book["user_status"] = f"{bob.books_key}#finished"

    upload(carol, json.dumps(data).encode())

    assert list(books.all_for_user(bob.books_key)) == []
    assert books.counts(bob.books_key) == dict.fromkeys(Status, 0)
    assert len(list(books.all_for_user(key_of(app, "carol")))) == 5
    assert {book.user_id for book in books.all_for_user(key_of(app, "carol"))} == {key_of(app, "carol")}


def test_counts_and_tags_are_right_when_an_import_is_written_in_several_chunks(app, books, carol, monkeypatch):
    """Books are written and counted COUNTED_TOGETHER at a time (here 2, 2 and 1)."""
    from bookapp.books import library_transfer

    monkeypatch.setattr(library_transfer, "COUNTED_TOGETHER", 2)
    library = [dataclasses.replace(book, user_id="") for book in full_library("")]
    data = {"format": "book-tracking-online-library", "format_version": 1, "books": []}
    data["books"] = [book_to_json(book) for book in library]

    upload(carol, json.dumps(data).encode())

    carol_key = key_of(app, "carol")
    assert books.counts(carol_key) == {
        Status.NOT_STARTED: 1,
        Status.READING: 1,
        Status.FINISHED: 2,
        Status.DID_NOT_FINISH: 1,
    }
    assert books.reader_tags(carol_key) == ("-minus", "book club", "Sci-Fi", "translated")
