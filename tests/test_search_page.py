"""Searching the reader's own books from /search: what is found, how it is shown, what is refused,
and that typing a query letter by letter reads DynamoDB once."""

import dataclasses
import datetime as dt

import pytest

from bookapp.books import Status
from tests.conftest import Browser
from tests.test_book_repository import dynamodb_calls

TODAY = dt.datetime.now(dt.UTC).date()


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def alice_key(reader, app):
    with app.app_context():
        from bookapp.users import repository as users

        return users.find_by_username("alice").books_key


def add(books, user_key, title, author, status=Status.NOT_STARTED, **record):
    book = books.add(user_key, title, author, status, TODAY)
    if record:
        book = books.save(dataclasses.replace(book, **record), book.version)
    return book


def results(reader, query: str, htmx: bool = False) -> str:
    response = reader.get("/search", query_string={"q": query}, htmx=htmx)
    assert response.status_code == 200, response.status_code
    return text(response)


def test_the_board_has_a_search_box_that_submits_to_the_search_page(reader):
    page = text(reader.get("/"))
    assert 'role="search" method="get" action="/search"' in page
    assert 'type="search" id="search-q" name="q"' in page and 'for="search-q"' in page


def test_an_empty_query_shows_just_the_box(reader):
    response = reader.get("/search")
    assert response.status_code == 200
    assert 'id="search-q"' in text(response) and "No books match" not in text(response)
    assert 'hx-sync="this:replace"' in text(response) and 'hx-push-url="true"' in text(response)


def test_finds_by_title_with_the_words_highlighted(reader, books, alice_key):
    add(books, alice_key, "The Left Hand of Darkness", "Ursula K. Le Guin")
    add(books, alice_key, "Dune", "Frank Herbert")
    page = results(reader, "darkness left")  # any order
    assert "<mark>Left</mark> Hand of <mark>Darkness</mark>" in page
    assert "Dune" not in page
    assert "1 book found." in page


def test_finds_by_author_with_accents_folded(reader, books, alice_key):
    add(books, alice_key, "Cien años de soledad", "Gabriel García Márquez")
    page = results(reader, "garcia")
    assert "<mark>García</mark> Márquez" in page


def test_finds_by_tag_and_by_notes_with_a_snippet(reader, books, alice_key):
    add(books, alice_key, "Dune", "Frank Herbert", tags=("sci-fi", "desert"))
    add(books, alice_key, "Emma", "Jane Austen", notes="A matchmaker in Highbury who is wrong about everything.")
    assert "Tags: sci-fi, <mark>desert</mark>" in results(reader, "desert")
    page = results(reader, "highbury")
    assert "Emma" in page and "Notes: A matchmaker in <mark>Highbury</mark> who" in page


def test_finds_by_isbn_typed_with_hyphens(reader, books, alice_key):
    add(books, alice_key, "Dune", "Frank Herbert", isbn13="9780441172719")
    add(books, alice_key, "Emma", "Jane Austen")
    page = results(reader, "978-0-441-17271-9")
    assert "Dune" in page and "Emma" not in page and "<mark>9780441172719</mark>" in page


def test_results_are_grouped_by_column_in_board_order_with_counts(reader, books, alice_key):
    add(books, alice_key, "Tolkien's Letters", "Tolkien", Status.FINISHED)
    add(books, alice_key, "The Hobbit", "J. R. R. Tolkien", Status.READING)
    add(books, alice_key, "Silmarillion", "J. R. R. Tolkien", Status.NOT_STARTED)
    add(books, alice_key, "Unfinished Tales", "J. R. R. Tolkien", Status.DID_NOT_FINISH)
    page = results(reader, "tolkien")
    headings = [page.index(f'id="search-{status.value}"') for status in Status]
    assert headings == sorted(headings)
    reading = page.split('id="search-reading"', 1)[1].split("</section>", 1)[0]
    assert "The Hobbit" in reading and "Silmarillion" not in reading and ">1</span>" in reading
    assert 'hx-post="/books/' in page  # the cards can be moved right there


def test_what_the_reader_typed_is_escaped_in_the_highlights(reader, books, alice_key):
    add(books, alice_key, "<b>bold</b> moves", "Someone")
    page = results(reader, "bold")
    assert "&lt;b&gt;<mark>bold</mark>&lt;/b&gt; moves" in page
    assert "<b>bold</b>" not in page


def test_another_readers_books_are_never_found(reader, app, books, alice_key, make_user):
    make_user("bob")
    bob = Browser(app)
    bob.login("bob")
    add(books, alice_key, "Alice's secret diary", "Alice")
    assert "No books match" in results(bob, "secret")
    assert "secret diary" in results(reader, "secret")


def test_no_results_say_so_and_offer_to_clear_the_search(reader, books, alice_key):
    add(books, alice_key, "Dune", "Frank Herbert")
    page = results(reader, "zzyzx")
    assert "No books match “zzyzx”." in page and '<a href="/search">Clear the search</a>' in page


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("query", "message"), [("a" * 201, "up to 200 characters"), ("?!… --", "words with letters or digits")]
)
def test_a_query_too_long_or_of_punctuation_is_refused_with_a_message(reader, query, message, htmx):
    response = reader.get("/search", query_string={"q": query}, htmx=htmx)
    assert response.status_code == 422
    assert message in text(response)
    assert ('id="search-q"' in text(response)) is not htmx  # the page keeps the box and what was typed


def test_htmx_gets_the_results_alone(reader, books, alice_key):
    add(books, alice_key, "Dune", "Frank Herbert")
    response = reader.get("/search", query_string={"q": "dune"}, htmx=True)
    assert "<mark>Dune</mark>" in text(response) and "<html" not in text(response)
    assert "HX-Request" in response.headers["Vary"]


def test_a_history_restore_gets_the_whole_page(reader):
    response = reader.client.get("/search?q=dune", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in text(response)


def test_more_than_50_hits_show_the_first_50(reader, books, alice_key):
    for i in range(51):
        add(books, alice_key, f"Volume {i}", "Serial Author")
    page = results(reader, "serial")
    assert "Showing 50 of 51 books" in page and page.count('class="search-result"') == 50


def test_a_book_added_or_edited_after_a_search_is_found_by_the_next(reader, books, alice_key):
    dune = add(books, alice_key, "Dune", "Frank Herbert")
    assert "No books match" in results(reader, "messiah")
    books.save(dataclasses.replace(dune, title="Dune Messiah"), dune.version)
    assert "<mark>Messiah</mark>" in results(reader, "messiah")
    add(books, alice_key, "Children of Dune", "Frank Herbert")
    assert "Children of" in results(reader, "children")


def test_a_query_typed_letter_by_letter_reads_the_books_once(reader, books, alice_key):
    add(books, alice_key, "Dune", "Frank Herbert")
    results(reader, "d")
    calls = dynamodb_calls(books)
    for typed in ("du", "dun", "dune"):
        assert "<mark>" in results(reader, typed, htmx=True)
    assert calls == []
    add(books, alice_key, "Dune Messiah", "Frank Herbert")
    calls.clear()
    assert "Dune Messiah" in results(reader, "dune")
    assert calls == ["BatchGetItem"]  # the changed book alone, by key: not the reader's partition again


def test_a_card_moved_from_the_search_page_changes_where_it_is(reader, books, alice_key):
    dune = add(books, alice_key, "Dune", "Frank Herbert")
    response = reader.client.post(
        f"/books/{dune.book_id}/move",
        data={"csrf_token": reader.token(), "status": "reading", "version": dune.version, "from_status": "not_started"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/search?q=dune"},
    )
    assert response.status_code == 200
    answer = text(response)
    assert answer.lstrip().startswith(f'<article class="card book-card" id="book-{dune.book_id}"')
    assert "cards-reading" not in answer and 'id="count-' not in answer  # no columns or counts on the page
