"""/export: the Goodreads-format CSV and the full JSON, streamed a page of books at a time, and only
ever the signed-in reader's own books."""

from __future__ import annotations

import csv
import io
import json
import re
import time

import pytest

from bookapp.books import BookRepository, Status
from bookapp.books.spreadsheet_cells import undefuse
from bookapp.users import repository as users
from tests.conftest import Browser
from tests.library_fixtures import FORMULA_NOTES, FORMULA_TITLE, TODAY, shelve

# The header row of Goodreads' "Export Library" file, as Goodreads writes it.
GOODREADS_HEADER = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,"
    "Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Recommended For,"
    "Recommended By,Owned Copies,Original Purchase Date,Original Purchase Location,Condition,"
    "Condition Description,BCID"
)
TODAY_SLASHED = TODAY.strftime("%Y/%m/%d")


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def alice_key(reader, app) -> str:
    with app.app_context():
        return users.find_by_username("alice").books_key


@pytest.fixture
def library(books, alice_key):
    return shelve(books, alice_key)


def csv_rows(response) -> dict[str, dict[str, str]]:
    """The CSV's rows by title (as the reader typed it: our own defusing undone)."""
    rows = csv.DictReader(io.StringIO(text(response), newline=""))
    return {undefuse(row["Title"]): row for row in rows}


def test_the_export_page_links_both_downloads_and_the_board_links_the_page(reader):
    page = text(reader.get("/export"))
    board = text(reader.get("/"))

    assert 'href="/export/goodreads.csv"' in page
    assert 'href="/export/library.json"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'href="/export"' in board


def test_the_csv_has_goodreads_header_exactly_and_a_dated_file_name(reader, library):
    response = reader.get("/export/goodreads.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="book-tracking-online-goodreads-{TODAY.isoformat()}.csv"'
    )
    assert text(response).split("\n", 1)[0] == GOODREADS_HEADER
    assert len(csv_rows(response)) == len(library)


def test_the_csv_carries_what_goodreads_has_columns_for(reader, library):
    rows = csv_rows(reader.get("/export/goodreads.csv"))
    dune = rows["Dune"]

    assert dune["ISBN"] == '="0306406152"' and dune["ISBN13"] == '="9780306406157"'
    assert dune["My Rating"] == "5"  # 4.5 stars: Goodreads has whole stars, a half rounds up
    assert dune["Date Read"] == "2024/04/10"  # the latest finished read-through's end
    assert dune["Date Added"] == TODAY_SLASHED
    assert dune["Exclusive Shelf"] == "read"
    assert dune["Bookshelves"] == "book club, Sci-Fi, -minus"
    assert dune["Bookshelves with positions"] == "read (#1), book club (#2), Sci-Fi (#3), -minus (#4)"
    assert dune["Read Count"] == "2"
    assert dune["Private Notes"] == "Spice.\n\n  Indented second paragraph, with a comma."
    assert dune["My Review"] == ""  # notes are private; a Goodreads review is public
    assert (dune["Number of Pages"], dune["Year Published"], dune["Original Publication Year"]) == (
        "412",
        "1965",
        "1965",
    )
    assert (dune["Binding"], dune["Owned Copies"], dune["Author l-f"]) == ("Paperback", "1", "Herbert, Frank")

    hobbit = rows["The Hobbit"]
    assert (hobbit["Exclusive Shelf"], hobbit["My Rating"], hobbit["Date Read"], hobbit["Read Count"]) == (
        "currently-reading",
        "0",
        "",
        "1",
    )
    assert hobbit["ISBN"] == hobbit["ISBN13"] == '=""'


def test_a_book_given_up_is_on_a_did_not_finish_shelf(reader, library):
    given_up = next(row for title, row in csv_rows(reader.get("/export/goodreads.csv")).items() if "三体" in title)

    assert given_up["Exclusive Shelf"] == "did-not-finish"
    assert given_up["Bookshelves"] == "translated, did-not-finish"
    assert given_up["Date Read"] == ""
    assert (given_up["Year Published"], given_up["Binding"], given_up["My Rating"]) == ("-500", "Audiobook", "2")


def test_dates_the_format_cannot_say_are_left_out_rather_than_made_up(reader, library):
    tiny = csv_rows(reader.get("/export/goodreads.csv"))["Tiny"]

    # Finished on 29 February 2020 and in 2001: only a whole day can be written; a half star is one star.
    assert (tiny["Date Read"], tiny["Read Count"], tiny["My Rating"]) == ("2020/02/29", "2", "1")


def test_formula_like_text_is_defused_in_every_text_cell(reader, library):
    rows = csv_rows(reader.get("/export/goodreads.csv"))
    row = rows[FORMULA_TITLE]

    assert row["Title"] == "'" + FORMULA_TITLE
    assert row["Author"] == "'@Mallory"
    assert row["Private Notes"] == "'" + FORMULA_NOTES
    assert undefuse(row["Private Notes"]) == FORMULA_NOTES
    assert rows["Dune"]["Bookshelves"].startswith("book club")  # not formula-like: unchanged
    assert row["ISBN13"] == '="9791234567896"' and row["ISBN"] == '=""'  # a 979 ISBN has no ISBN-10


def test_the_json_holds_every_field_and_nothing_about_the_account_but_its_name(reader, library):
    response = reader.get("/export/library.json")

    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="book-tracking-online-library-{TODAY.isoformat()}.json"'
    )
    data = json.loads(text(response))
    assert (data["format"], data["format_version"], data["reader"]) == ("book-tracking-online-library", 1, "alice")
    assert not re.search(r"password|argon2|session|token", text(response), re.IGNORECASE)
    dune = next(book for book in data["books"] if book["title"] == "Dune")
    assert dune == {
        "book_id": library[0].book_id,
        "title": "Dune",
        "author": "Frank Herbert",
        "status": "finished",
        "column_rank": library[0].column_rank,
        "version": 7,
        "creation": library[0].creation,
        "reads": [
            {"outcome": "finished", "started": "2024-03-02", "ended": "2024-04-10", "percent": 100},
            {"outcome": "finished", "started": "2019", "ended": "2019-07"},
            {"outcome": "did_not_finish", "started": "2015-05", "page": 80},
        ],
        "isbn13": "9780306406157",
        "pages": 412,
        "year_published": 1965,
        "series": "Dune",
        "series_number": 1,
        "format": "paper",
        "owned": True,
        "finished_reads": 2,
        "rating": 4.5,
        "notes": "Spice.\n\n  Indented second paragraph, with a comma.",
        "tags": ["book club", "Sci-Fi", "-minus"],
    }


def test_an_empty_library_exports_a_header_and_no_books(reader):
    assert text(reader.get("/export/goodreads.csv")) == GOODREADS_HEADER + "\n"
    assert json.loads(text(reader.get("/export/library.json")))["books"] == []


@pytest.mark.parametrize("url", ["/export/goodreads.csv", "/export/library.json"])
def test_an_export_holds_only_the_signed_in_readers_books(app, reader, make_user, books, library, url):
    bob = make_user("bob")
    books.add(bob.books_key, "Bob’s private diary", "Bob", Status.READING, TODAY)
    bob_browser = Browser(app)
    bob_browser.login("bob")

    alices, bobs = text(reader.get(url)), text(bob_browser.get(url))

    assert "Bob’s private diary" not in alices and "Dune" in alices
    assert "Bob’s private diary" in bobs and "Dune" not in bobs


@pytest.mark.parametrize("url", ["/export", "/export/goodreads.csv", "/export/library.json"])
def test_exports_are_for_signed_in_readers_only(browser, url):
    response = browser.get(url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("url", ["/export/goodreads.csv", "/export/library.json"])
def test_an_export_streams_the_library_a_page_of_books_at_a_time(app, reader, books, alice_key, url):
    """The response is a generator, and the pages of books are read as it is sent (one page read
    ahead, at most): a worker never holds the whole library."""
    app.config["EXPORT_PAGE_SIZE"] = 4
    for i in range(30):
        books.add(alice_key, f"Book {i}", "Author", Status.NOT_STARTED, TODAY)
    queries: list[int] = []

    def count_query(params, **_):
        if "IndexName" not in params and "ProjectionExpression" not in params:
            queries.append(params.get("Limit"))

    books.client.meta.events.register("provide-client-params.dynamodb.Query", count_query)
    try:
        response = reader.client.get(url, buffered=False)
        assert response.is_streamed
        chunks = iter(response.response)
        first = next(chunks)
        time.sleep(0.5)  # time enough for the reading thread to read all it would
        read_before_the_rest_was_asked_for = len(queries)
        rest = b"".join(chunks)
        response.close()
    finally:
        books.client.meta.events.unregister("provide-client-params.dynamodb.Query", count_query)

    # The page sent, the page waiting for it, and the page read after that, of 8 pages.
    assert read_before_the_rest_was_asked_for <= 3
    assert queries == [4] * len(queries) and len(queries) >= 8  # 30 books and the two counter items
    assert len(re.findall(r"Book [0-9]+", (first + rest).decode())) == 30


def test_a_download_stopped_early_stops_reading_the_library(app, reader, books, alice_key):
    app.config["EXPORT_PAGE_SIZE"] = 4
    for i in range(30):
        books.add(alice_key, f"Book {i}", "Author", Status.NOT_STARTED, TODAY)
    queries: list[int] = []

    def count_query(params, **_):
        queries.append(params.get("Limit"))

    response = reader.client.get("/export/library.json", buffered=False)
    books.client.meta.events.register("provide-client-params.dynamodb.Query", count_query)
    try:
        next(iter(response.response))
        response.close()  # what the server does when the browser goes away
        time.sleep(1.5)  # the reading thread looks whether it is still wanted every second
        after_closing = len(queries)
        time.sleep(1.5)
        assert len(queries) == after_closing <= 3
    finally:
        books.client.meta.events.unregister("provide-client-params.dynamodb.Query", count_query)


@pytest.mark.parametrize("url", ["/export/goodreads.csv", "/export/library.json"])
def test_a_book_store_that_does_not_answer_gets_the_try_again_page_not_a_file_cut_short(app, reader, url):
    # A table that is not there fails the first Query the way an outage does (BooksUnavailable).
    app.extensions["book_repository"] = BookRepository("no-such-table", "us-east-1")

    response = reader.get(url)

    assert response.status_code == 503
    assert response.mimetype == "text/html" and "Content-Disposition" not in response.headers
    assert "try again" in text(response)
