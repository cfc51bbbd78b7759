"""Sorting a board column from its sort control: the order shown, kept across sign-ins, "Show more"
in that order, what is refused, and what moves and ▲/▼ do in a sorted column."""

import dataclasses
import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from bookapp.books import Status
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import PartialDate
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


def add(books, user_key, title, author="Someone", status=Status.FINISHED, **record):
    book = books.add(user_key, title, author, status, TODAY)
    if record:
        book = books.save(dataclasses.replace(book, **record), book.version)
    return book


def column_titles(page: str, status: str) -> list[str]:
    """The titles of the cards in one column of a board page, top to bottom."""
    section = page.split(f'id="column-{status}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="card-title"[^>]*><a href="[^"]+">([^<]+)</a>', section)


def sort(reader, status: str, key: str, direction: str = "asc", htmx: bool = False, **extra):
    return reader.post(f"/columns/{status}/sort", {"key": key, "direction": direction, **extra}, htmx=htmx)


def finished(ended: str | None, started: str | None = None) -> tuple[ReadThrough, ...]:
    return (
        ReadThrough(
            Outcome.FINISHED,
            started=PartialDate.parse(started) if started else None,
            ended=PartialDate.parse(ended) if ended else None,
        ),
    )


@pytest.fixture
def finished_shelf(books, alice_key):
    """Four finished books, one without a rating and one without a finish date; added in this order."""
    add(books, alice_key, "Dune", "Frank Herbert", rating=Decimal("4.5"), reads=finished("2021-03", "2021-01"))
    add(books, alice_key, "emma", "Jane Austen", rating=Decimal("3"), reads=finished("2019", "2018-12-30"))
    add(books, alice_key, "Ulysses", "James Joyce", reads=finished("2020-06-01", "2020-01-01"))
    add(books, alice_key, "Beloved", "Toni Morrison", rating=Decimal("5"), reads=finished(None, "2022-02-02"))


def test_every_board_column_has_a_sort_control_that_is_a_real_form(reader):
    page = text(reader.get("/"))
    for status in ("not_started", "reading", "finished"):
        assert f'<form method="post" action="/columns/{status}/sort" hx-post="/columns/{status}/sort"' in page
        assert f'<label for="sort-key-{status}">Sort by</label>' in page
        assert f'<label for="sort-direction-{status}">Direction</label>' in page
    assert '<option value="finished">Date finished</option>' in page


@pytest.mark.parametrize(
    ("key", "direction", "expected"),
    [
        ("manual", "asc", ["Beloved", "Ulysses", "emma", "Dune"]),  # newest on top, as added
        ("title", "asc", ["Beloved", "Dune", "emma", "Ulysses"]),
        ("title", "desc", ["Ulysses", "emma", "Dune", "Beloved"]),
        ("author", "asc", ["Dune", "Ulysses", "emma", "Beloved"]),
        ("author", "desc", ["Beloved", "emma", "Ulysses", "Dune"]),
        ("added", "asc", ["Dune", "emma", "Ulysses", "Beloved"]),
        ("added", "desc", ["Beloved", "Ulysses", "emma", "Dune"]),
        ("started", "asc", ["emma", "Ulysses", "Dune", "Beloved"]),
        ("started", "desc", ["Beloved", "Dune", "Ulysses", "emma"]),
        ("finished", "asc", ["emma", "Ulysses", "Dune", "Beloved"]),  # Beloved has no finish date: last
        ("finished", "desc", ["Dune", "Ulysses", "emma", "Beloved"]),  # ... in both directions
        ("rating", "asc", ["emma", "Dune", "Beloved", "Ulysses"]),  # Ulysses has no rating: last
        ("rating", "desc", ["Beloved", "Dune", "emma", "Ulysses"]),
    ],
)
def test_sorting_a_column_shows_it_in_that_order(reader, finished_shelf, key, direction, expected):
    response = sort(reader, "finished", key, direction)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = text(reader.get("/"))
    assert column_titles(page, "finished") == expected
    if key != "manual":
        assert 'id="order-finished">Sorted by ' in page
        assert 'id="cards-finished" data-status="finished" data-arranged="true"' in page
    else:
        assert 'id="order-finished"' not in page and 'data-status="finished">' in page


def test_a_sorted_column_says_how_and_keeps_other_columns_in_manual_order(reader, finished_shelf, books, alice_key):
    add(books, alice_key, "Zorba", status=Status.READING)
    add(books, alice_key, "Anna", status=Status.READING)
    sort(reader, "finished", "rating", "desc")
    page = text(reader.get("/"))
    assert "Sorted by rating, highest first. Drag and drop and ▲/▼ work in manual order only." in page
    assert '<option value="rating" selected>Rating</option>' in page.split('id="column-finished"')[1]
    assert column_titles(page, "reading") == ["Anna", "Zorba"]  # still as placed: newest on top
    assert 'data-status="reading">' in page


def test_the_choice_is_kept_across_sign_ins(app, reader, finished_shelf):
    sort(reader, "finished", "title", "desc")
    reader.post("/logout")
    again = Browser(app)
    again.login("alice")
    page = text(again.get("/"))
    assert column_titles(page, "finished") == ["Ulysses", "emma", "Dune", "Beloved"]
    sort(again, "finished", "manual")
    assert column_titles(text(again.get("/")), "finished") == ["Beloved", "Ulysses", "emma", "Dune"]


def test_another_readers_sort_is_theirs(app, reader, finished_shelf, make_user, books):
    make_user("bob")
    bob = Browser(app)
    bob.login("bob")
    sort(reader, "finished", "title", "desc")
    assert 'id="order-finished"' not in text(bob.get("/"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"key": "price", "direction": "asc"}, "A column cannot be sorted by “price”."),
        ({"key": "title", "direction": "sideways"}, "A column is sorted ascending or descending."),
        ({"key": "x" * 5000, "direction": "asc"}, "A column cannot be sorted by"),
    ],
)
def test_a_sort_no_control_offers_is_a_400_that_says_why_and_changes_nothing(reader, finished_shelf, data, message):
    for htmx in (False, True):
        response = reader.post("/columns/finished/sort", data, htmx=htmx)
        assert response.status_code == 400 and message in text(response)
    assert column_titles(text(reader.get("/")), "finished") == ["Beloved", "Ulysses", "emma", "Dune"]


def test_only_board_columns_can_be_sorted(reader):
    assert sort(reader, "did_not_finish", "title").status_code == 404
    assert sort(reader, "nowhere", "title").status_code == 404
    assert reader.post("/columns/finished/sort", {"key": "title"}, csrf=False).status_code == 400


def test_htmx_gets_the_column_again_in_its_new_order(reader, finished_shelf):
    response = sort(reader, "finished", "title", "asc", htmx=True)
    assert response.status_code == 200
    answer = text(response)
    assert answer.lstrip().startswith('<section class="board-column" id="column-finished"')
    assert column_titles(answer, "finished") == ["Beloved", "Dune", "emma", "Ulysses"]
    assert "<details open>" in answer and "Finished is now in title, A to Z." in answer


def test_show_more_continues_a_sorted_column_in_its_order(reader, books, alice_key):
    for number in range(1, 8):  # the test page size is 5
        add(books, alice_key, f"Book {number}", rating=Decimal(number % 5) if number % 5 else None)
    sort(reader, "finished", "rating", "desc")
    page = text(reader.get("/"))
    assert column_titles(page, "finished") == ["Book 4", "Book 3", "Book 2", "Book 7", "Book 1"]
    more_url = re.search(r'href="(/columns/finished\?start=5)"', page).group(1)
    more = text(reader.get(more_url, htmx=True))
    assert re.findall(r'<a href="/books/\w+">([^<]+)</a>', more) == ["Book 6", "Book 5"]  # no rating: last
    assert "Show more" not in more
    assert re.findall(r'<a href="/books/\w+">([^<]+)</a>', text(reader.get(more_url))) == ["Book 6", "Book 5"]


@pytest.mark.parametrize("start", ["-1", "x", "99999999999"])
def test_a_start_no_page_made_is_a_400(reader, start):
    assert reader.get(f"/columns/finished?start={start}").status_code == 400


def test_a_card_moved_into_a_sorted_column_lands_where_its_order_puts_it(reader, finished_shelf, books, alice_key):
    sort(reader, "finished", "title", "asc")
    moved = add(books, alice_key, "Carrie", "Stephen King", status=Status.READING)
    reader.get("/")  # the library is kept as it is before the move
    response = reader.client.post(
        f"/books/{moved.book_id}/move",
        data={"status": "finished", "version": moved.version, "from_status": "reading", "csrf_token": reader.token()},
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Reswap"] == "none"  # the columns come whole, out of band
    answer = text(response)
    assert (
        '<section class="board-column" id="column-finished" aria-labelledby="heading-finished" hx-swap-oob="true">'
        in (answer)
    )
    assert column_titles(answer, "finished") == ["Beloved", "Carrie", "Dune", "emma", "Ulysses"]
    assert column_titles(answer, "reading") == []
    focus = json.loads(response.headers["HX-Trigger-After-Settle"])["bookapp:focus"]
    assert focus == {"value": f"#book-{moved.book_id}", "fallback": "#heading-finished"}


def test_up_and_down_do_nothing_in_a_sorted_column_and_say_why(reader, finished_shelf, books, alice_key):
    sort(reader, "finished", "title", "asc")
    (dune,) = [book for book in books.all_for_user(alice_key) if book.title == "Dune"]
    response = reader.post(f"/books/{dune.book_id}/reorder", {"direction": "up", "version": dune.version})
    assert response.status_code == 303
    assert books.get(alice_key, dune.book_id).column_rank == dune.column_rank
    assert "Finished is sorted by title, A to Z: ▲ and ▼ work in manual order only." in text(reader.get("/"))


def test_a_sorted_board_is_kept_and_a_new_sort_is_not_served_the_old_page(reader, finished_shelf, books):
    sort(reader, "finished", "title", "asc")
    reader.get("/")  # with the message, not kept
    reader.get("/")  # rendered and kept
    calls = dynamodb_calls(books)
    assert column_titles(text(reader.get("/")), "finished") == ["Beloved", "Dune", "emma", "Ulysses"]
    assert calls == []  # from the page cache
    sort(reader, "finished", "title", "desc")
    reader.get("/")
    assert column_titles(text(reader.get("/")), "finished") == ["Ulysses", "emma", "Dune", "Beloved"]


def test_a_sorted_column_reads_the_readers_partition_once_per_change_and_never_scans(reader, finished_shelf, books):
    sort(reader, "finished", "rating", "desc")
    reader.get("/")
    calls = dynamodb_calls(books)
    reader.client.get("/", headers={"Cache-Control": "no-cache"})  # rendered again: the library is kept
    assert sorted(calls) == ["GetItem", "Query", "Query"]  # the counts and the two manual columns, read together
    reader.get("/search?q=dune")  # the same kept library
    assert "Scan" not in calls and calls.count("Query") == 2
