"""The API's books: list, get, add, change, delete, over the same rules as the board."""

import dataclasses
import datetime as dt

import pytest

from bookapp import create_app
from bookapp.books import Status, get_book_repository
from bookapp.books.listing import MAX_QUERIES_PER_PAGE, TAG_FILTER_BATCH
from bookapp.config import TestingConfig
from bookapp.users import repository as users
from bookapp.users.access_tokens import Scope
from tests.api_helpers import ApiClient, make_token
from tests.conftest import Browser

TODAY = dt.datetime.now(dt.UTC).date().isoformat()


@pytest.fixture
def api(app, make_user):
    """alice's script, with a read-and-write token."""
    make_user("alice")
    return ApiClient(app, make_token(app, "alice"))


def test_me_says_whose_token_it_is_and_counts_their_books(api):
    api.add(status="reading")
    me = api.get("/me").get_json()
    assert me["username"] == "alice"
    assert me["token"]["name"] == "script" and me["token"]["scope"] == "read-write"
    assert me["counts"] == {"not_started": 0, "reading": 1, "finished": 0, "did_not_finish": 0}


def test_adding_a_book_answers_it_with_its_location_and_etag(api):
    response = api.post("/books", {"title": "  Piranesi ", "author": "Susanna\tClarke", "status": "reading"})
    assert response.status_code == 201
    book = response.get_json()
    assert (book["title"], book["author"], book["status"], book["version"]) == (
        "Piranesi",
        "Susanna Clarke",
        "reading",
        1,
    )
    assert book["reads"] == [{"outcome": "reading", "started": TODAY, "ended": None, "progress": None}]
    assert response.headers["Location"] == f"/api/v1/books/{book['id']}"
    assert response.headers["ETag"] == '"1"'
    assert api.get(f"/books/{book['id']}").get_json() == book


def test_the_same_idempotency_key_adds_one_book(api):
    first = api.post("/books", {"title": "Dune", "author": "Frank Herbert"}, headers={"Idempotency-Key": "sync-42"})
    again = api.post("/books", {"title": "Dune", "author": "Frank Herbert"}, headers={"Idempotency-Key": "sync-42"})
    other = api.post("/books", {"title": "Dune", "author": "Frank Herbert"}, headers={"Idempotency-Key": "sync-43"})
    assert first.status_code == again.status_code == other.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"] != other.get_json()["id"]
    assert api.get("/me").get_json()["counts"]["not_started"] == 2


def test_a_client_chosen_id_adds_one_book(api):
    book_id = "01JCAFEBABE0000000000000AB"
    assert api.post("/books", {"id": book_id, "title": "Dune", "author": "F. H."}).status_code == 201
    assert api.post("/books", {"id": book_id, "title": "Dune", "author": "F. H."}).get_json()["id"] == book_id
    assert len(api.get("/books").get_json()["books"]) == 1


def test_the_same_idempotency_key_of_two_readers_adds_a_book_each(api, app, make_user):
    make_user("bob")
    bob = ApiClient(app, make_token(app, "bob"))
    for client in (api, bob):
        client.post("/books", {"title": "Dune", "author": "F. H."}, headers={"Idempotency-Key": "same"})
    assert len(bob.get("/books").get_json()["books"]) == 1
    assert len(api.get("/books").get_json()["books"]) == 1


def test_books_are_listed_in_the_boards_order_a_page_at_a_time(api):
    added = {}
    for status in ("finished", "not_started", "reading", "did_not_finish", "not_started", "reading"):
        book = api.add(title=f"{status} {len(added)}", status=status)
        added[book["title"]] = book
    expected = ["not_started 4", "not_started 1", "reading 5", "reading 2", "finished 0", "did_not_finish 3"]
    seen, cursor, pages = [], None, 0
    while True:
        page = api.get("/books", query_string={"limit": 4, **({"cursor": cursor} if cursor else {})}).get_json()
        seen += [book["title"] for book in page["books"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected and pages == 2


def test_books_are_filtered_by_status_and_by_tag_whatever_its_case(api):
    dune = api.add(title="Dune")
    api.add(title="Emma", status="reading")
    api.patch(f"/books/{dune['id']}", {"version": 1, "tags": ["Sci-Fi", "classic"]})
    reading = api.get("/books?status=reading").get_json()
    assert [book["title"] for book in reading["books"]] == ["Emma"] and reading["next_cursor"] is None
    tagged = api.get("/books?tag=sci-fi").get_json()
    assert [book["title"] for book in tagged["books"]] == ["Dune"]
    assert api.get("/books?tag=sci").get_json()["books"] == []


def test_a_rare_tag_gives_short_pages_instead_of_reading_the_whole_library_at_once(api, app, books):
    alice = users_books_key(app, "alice")
    for number in range(MAX_QUERIES_PER_PAGE * TAG_FILTER_BATCH + 10):
        book = books.add(alice, f"Book {number}", "A. Author", Status.NOT_STARTED, dt.date.today())
        if number in (0, 5):  # at the bottom of the column, below everything one page may read
            books.save(dataclasses.replace(book, tags=("rare",)), book.version)
    first = api.get("/books?tag=RARE&limit=10").get_json()
    assert first["books"] == [] and first["next_cursor"] is not None
    second = api.get("/books", query_string={"tag": "rare", "limit": 10, "cursor": first["next_cursor"]}).get_json()
    assert [book["title"] for book in second["books"]] == ["Book 5", "Book 0"]


def test_a_cursor_that_no_page_made_is_a_bad_request(api):
    response = api.get("/books?cursor=bm90LWEtY3Vyc29y")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_a_cursor_of_other_characters_is_refused_by_its_field(api):
    # Not URL-safe base64 as every cursor is: refused before it is decoded, however long it is.
    response = api.get("/books", query_string={"cursor": "é" * 2000})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "cursor" in response.get_data(as_text=True)


def test_a_cursor_of_another_readers_column_finds_nothing(api, app, make_user):
    make_user("bob")
    bob = ApiClient(app, make_token(app, "bob"))
    for number in range(3):
        bob.add(title=f"Bob's {number}")
    bobs_cursor = bob.get("/books?limit=1").get_json()["next_cursor"]
    assert api.get("/books", query_string={"cursor": bobs_cursor}).status_code == 404


def test_another_readers_book_is_not_found_whatever_the_method(api, app, make_user):
    make_user("bob")
    bob = ApiClient(app, make_token(app, "bob"))
    bobs = bob.add()
    for response in (
        api.get(f"/books/{bobs['id']}"),
        api.patch(f"/books/{bobs['id']}", {"version": 1, "title": "Mine now"}),
        api.delete(f"/books/{bobs['id']}", headers={"If-Match": '"1"'}),
    ):
        assert response.status_code == 404 and response.get_json()["title"] == "Not found"
    assert bob.get(f"/books/{bobs['id']}").get_json() == bobs
    assert api.get("/books/01ARZ3NDEKTSV4RRFFQ69G5FAV").status_code == 404
    assert api.get("/books/not-an-id").status_code == 404


def test_a_patch_changes_any_field_of_the_record_at_once(api):
    book = api.add(status="reading")
    response = api.patch(
        f"/books/{book['id']}",
        {
            "version": 1,
            "title": "Dune Messiah",
            "isbn": "0-441-17271-7",
            "pages": 412,
            "year_published": 1965,
            "series": "Dune",
            "series_number": 1.5,
            "format": "ebook",
            "owned": True,
            "rating": 4.5,
            "notes": "Spice.\nMore spice.",
            "tags": ["sci-fi", "Sci-Fi", "classic"],
            "progress": {"page": 120},
        },
    )
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["version"] == 2 and response.headers["ETag"] == '"2"'
    assert (changed["title"], changed["author"]) == ("Dune Messiah", "Frank Herbert")
    assert changed["isbn13"] == "9780441172719" and changed["pages"] == 412 and changed["year_published"] == 1965
    assert (changed["series"], changed["series_number"], changed["format"]) == ("Dune", 1.5, "ebook")
    assert changed["owned"] is True and changed["rating"] == 4.5 and changed["notes"] == "Spice.\nMore spice."
    assert changed["tags"] == ["sci-fi", "classic"]
    assert changed["progress"] == {"page": 120, "percent": None}
    cleared = api.patch(f"/books/{book['id']}", {"version": 2, "rating": None, "series": None, "progress": None})
    assert cleared.get_json()["rating"] is None and cleared.get_json()["series"] is None
    assert cleared.get_json()["progress"] is None and cleared.get_json()["pages"] == 412


def test_a_patch_that_changes_nothing_writes_nothing(api):
    book = api.add()
    response = api.patch(f"/books/{book['id']}", {"version": 1, "title": "Dune"})
    assert response.status_code == 200 and response.get_json()["version"] == 1


def test_a_move_follows_the_boards_rules(api):
    book = api.add(status="reading")
    finished = api.patch(f"/books/{book['id']}", {"version": 1, "status": "finished"}).get_json()
    assert finished["status"] == "finished"
    assert finished["reads"][0]["outcome"] == "finished" and finished["reads"][0]["ended"] == TODAY
    assert finished["reads"][0]["progress"] == {"page": None, "percent": 100}
    assert api.get("/me").get_json()["counts"] == {"not_started": 0, "reading": 0, "finished": 1, "did_not_finish": 0}


def test_a_move_into_reading_takes_progress_in_the_same_change(api):
    book = api.add()
    response = api.patch(f"/books/{book['id']}", {"version": 1, "status": "reading", "progress": {"percent": 10}})
    assert response.status_code == 200
    assert response.get_json()["progress"] == {"page": None, "percent": 10}
    assert response.get_json()["version"] == 3  # the board's move, then the record


def test_a_refused_change_lists_every_field_and_writes_nothing(api):
    book = api.add()
    response = api.patch(
        f"/books/{book['id']}",
        {
            "version": 1,
            "status": "reading",
            "isbn": "123",
            "year_published": 9000,
            "title": "\u200b",
            "progress": {"page": 5},
        },
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    fields = {error["field"] for error in response.get_json()["errors"]}
    assert fields == {"isbn", "year_published", "title"}
    assert api.get(f"/books/{book['id']}").get_json() == book  # not moved either


def test_progress_of_a_book_not_in_reading_is_refused(api):
    book = api.add()
    response = api.patch(f"/books/{book['id']}", {"version": 1, "progress": {"page": 5}})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "progress"


def test_a_stale_version_is_409_with_the_book_as_it_is_now(api):
    book = api.add()
    api.patch(f"/books/{book['id']}", {"version": 1, "title": "Dune (1965)"})
    for response in (
        api.patch(f"/books/{book['id']}", {"version": 1, "title": "Mine"}),
        api.patch(f"/books/{book['id']}", {"title": "Mine"}, headers={"If-Match": '"1"'}),
        api.delete(f"/books/{book['id']}?version=1"),
    ):
        assert response.status_code == 409
        problem = response.get_json()
        assert problem["book"]["title"] == "Dune (1965)" and problem["book"]["version"] == 2
        assert response.headers["ETag"] == '"2"'
    assert api.get(f"/books/{book['id']}").get_json()["title"] == "Dune (1965)"


def test_if_match_carries_the_version_of_a_write(api):
    book = api.add()
    etag = api.get(f"/books/{book['id']}").headers["ETag"]
    assert api.patch(f"/books/{book['id']}", {"owned": True}, headers={"If-Match": etag}).status_code == 200
    assert api.patch(f"/books/{book['id']}", {"owned": True}, headers={"If-Match": "soon"}).status_code == 400


def test_a_write_without_a_version_is_428(api):
    book = api.add()
    assert api.patch(f"/books/{book['id']}", {"owned": True}).status_code == 428
    assert api.delete(f"/books/{book['id']}").status_code == 428
    assert api.get(f"/books/{book['id']}").status_code == 200


def test_deleting_a_book_with_its_version(api):
    book = api.add()
    response = api.delete(f"/books/{book['id']}", headers={"If-Match": '"1"'})
    assert response.status_code == 204 and response.data == b""
    assert api.get(f"/books/{book['id']}").status_code == 404
    assert api.delete(f"/books/{book['id']}?version=1").status_code == 404


def test_an_api_write_shows_on_the_readers_board_at_the_next_view(api, app):
    browser = Browser(app)
    browser.login("alice")
    book = api.add(title="Before")
    assert "Before" in browser.get("/").get_data(as_text=True)  # now kept in the page cache
    with app.app_context():
        revision = users.find_by_username("alice").books_revision
    api.patch(f"/books/{book['id']}", {"version": 1, "title": "After", "status": "reading"})
    with app.app_context():
        assert users.find_by_username("alice").books_revision > revision
    board = browser.get("/").get_data(as_text=True)
    assert "After" in board and "Before" not in board


def test_a_read_only_token_reads_but_cannot_write(app, make_user):
    make_user("alice")
    writer = ApiClient(app, make_token(app, "alice"))
    reader = ApiClient(app, make_token(app, "alice", scope=Scope.READ))
    book = writer.add()
    assert reader.get("/books").status_code == 200 and reader.get(f"/books/{book['id']}").status_code == 200
    for response in (
        reader.post("/books", {"title": "x", "author": "y"}),
        reader.patch(f"/books/{book['id']}", {"version": 1, "title": "x"}),
        reader.delete(f"/books/{book['id']}?version=1"),
    ):
        assert response.status_code == 403
        assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert writer.get("/me").get_json()["counts"]["not_started"] == 1


def users_books_key(app, username: str) -> str:
    with app.app_context():
        return users.find_by_username(username).books_key


def test_a_page_of_a_large_column_costs_one_query_and_no_more_for_a_large_library(app, database_url, make_user):
    metered = create_app(TestingConfig, {**app.config, "BENCHMARK_MODE": True})
    make_user("alice")
    alice = users_books_key(app, "alice")
    with metered.app_context():
        books = get_book_repository()
        for number in range(120):
            books.add(alice, f"Book {number}", "A. Author", Status.NOT_STARTED, dt.date.today())
    api = ApiClient(metered, make_token(app, "alice"))
    first = api.get("/books?limit=50")
    assert first.headers["X-DynamoDB-Operations"] == "Query"
    assert len(first.get_json()["books"]) == 50
    second = api.get("/books", query_string={"limit": 50, "cursor": first.get_json()["next_cursor"]})
    assert second.headers["X-DynamoDB-Operations"] == "Query"
    last = api.get("/books", query_string={"limit": 50, "cursor": second.get_json()["next_cursor"]})
    # The column's last 20, then the other three places, found empty.
    assert last.headers["X-DynamoDB-Operations"] == "Query,Query,Query,Query"
    assert len(last.get_json()["books"]) == 20 and last.get_json()["next_cursor"] is None
