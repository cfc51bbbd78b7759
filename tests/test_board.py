"""The reader's board over HTTP: plain forms (no JavaScript) and htmx fragments."""

import datetime as dt
import json
import re

import pytest

from bookapp.books import Status
from bookapp.books.reads import Outcome
from bookapp.books.record import PartialDate

TODAY = PartialDate.from_date(dt.datetime.now(dt.UTC).date()).display()  # as cards show it: "30 November 2026"


def text(response) -> str:
    return response.get_data(as_text=True)


def card_ids(page: str, status: str) -> list[str]:
    """Book ids of the cards in one column of a board page, top first."""
    column = page.split(f'id="cards-{status}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<article class="card book-card[^"]*" id="book-([0-9A-Z]{26})"', column)


def card_of(page: str, book_id: str) -> str:
    """One card's markup on a page."""
    return page.split(f'id="book-{book_id}"', 1)[1].split("</article>", 1)[0]


def count(page: str, status: str) -> int:
    return int(re.search(rf'id="count-{status}"[^>]*>(\d+)', page).group(1))


def add(reader, title="Dune", author="Frank Herbert", status="not_started", htmx=False):
    return reader.post("/books", {"title": title, "author": author, "status": status}, htmx=htmx)


def only_book(books, user="1"):
    return next(book for status in Status for book in books.list_column(user, status, 50).books)


@pytest.fixture
def alice_id(reader, app):
    from bookapp.users import repository

    with app.app_context():
        return repository.find_by_username("alice").books_key


def test_empty_board_has_three_titled_columns_with_friendly_empty_states(reader):
    page = text(reader.get("/"))
    assert "<title>Your board · Book Tracking Online</title>" in page
    for status, label in [("not_started", "Not started"), ("reading", "Reading"), ("finished", "Finished")]:
        assert re.search(rf'id="heading-{status}">\s*{label} ', page)
        assert count(page, status) == 0
    assert "Nothing waiting. Add a book you want to read." in page
    assert "Not reading anything right now." in page
    assert "No finished books yet." in page


def test_add_without_javascript_redirects_to_the_board_with_the_card(reader):
    response = add(reader)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = text(reader.get("/"))
    assert len(card_ids(page, "not_started")) == 1
    assert '<h3 class="card-title"' in page and ">Dune</a></h3>" in page
    assert "Frank Herbert" in page
    assert count(page, "not_started") == 1
    assert "Added “Dune” to Not started." in page


def test_add_into_reading_records_the_start_date(reader):
    add(reader, status="reading")
    page = text(reader.get("/"))
    assert len(card_ids(page, "reading")) == 1
    assert f"Started {TODAY}" in page


def test_add_trims_and_folds_whitespace(reader, books, alice_id):
    add(reader, title="  The   Left Hand\tof Darkness ", author=" Ursula K. Le Guin\n")
    book = only_book(books, alice_id)
    assert (book.title, book.author) == ("The Left Hand of Darkness", "Ursula K. Le Guin")


def test_add_with_htmx_returns_a_fresh_form_and_the_card_out_of_band(reader):
    response = add(reader, htmx=True)
    fragment = text(response)
    assert response.status_code == 200
    assert "<html" not in fragment  # a fragment, not the page
    assert fragment.lstrip().startswith('<form id="add-book-form"')
    assert 'value="Dune"' not in fragment  # the form is reset
    assert 'hx-swap-oob="afterbegin:#cards-not_started"' in fragment
    assert 'id="count-not_started" hx-swap-oob="innerHTML">1' in fragment
    assert "Added “Dune” to Not started." in fragment


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    "title, author, message",
    [
        ("", "Frank Herbert", "Enter the book’s title."),
        ("Dune", "   ", "Enter the author."),
        ("x" * 301, "Frank Herbert", "Keep the title under 300 characters."),
        ("Dune", "y" * 201, "Keep the author under 200 characters."),
    ],
)
def test_invalid_add_shows_the_error_and_keeps_the_input(reader, title, author, message, htmx):
    response = add(reader, title=title, author=author, status="reading", htmx=htmx)
    page = text(response)
    assert response.status_code == 422
    assert message in page
    if title.strip():
        assert f'value="{title}"' in page
    if author.strip():
        assert f'value="{author}"' in page
    assert '<option selected value="reading">' in page or 'value="reading" selected' in page
    assert count(text(reader.get("/")), "reading") == 0


def test_unknown_column_on_add_is_refused(reader):
    response = add(reader, status="borrowed")
    assert response.status_code == 422
    assert "Not a valid choice" in text(response)


def test_moves_apply_the_date_rules_and_update_counts(reader, books, alice_id):
    add(reader)
    book = only_book(books, alice_id)
    response = reader.post(f"/books/{book.book_id}/move", {"status": "reading", "version": 1})
    assert response.status_code == 303
    page = text(reader.get("/"))
    assert card_ids(page, "reading") == [book.book_id]
    assert (count(page, "not_started"), count(page, "reading")) == (0, 1)
    assert f"Started {TODAY}" in page and "Finished " not in card_of(page, book.book_id)

    reader.post(f"/books/{book.book_id}/move", {"status": "finished", "version": 2})
    page = text(reader.get("/"))
    assert card_ids(page, "finished") == [book.book_id]
    assert f"Started {TODAY}" in page and f"Finished {TODAY}" in page

    reader.post(f"/books/{book.book_id}/move", {"status": "reading", "version": 3})  # a re-read
    stored = books.get(alice_id, book.book_id)
    assert stored.status is Status.READING and stored.open_read.started.display() == TODAY
    assert [read.outcome for read in stored.reads] == [Outcome.READING, Outcome.FINISHED]
    assert "Finished " not in card_of(text(reader.get("/")), book.book_id)


def test_move_with_htmx_swaps_only_the_card_and_the_counts(reader, books, alice_id):
    add(reader)
    book = only_book(books, alice_id)
    response = reader.post(f"/books/{book.book_id}/move", {"status": "reading", "version": 1}, htmx=True)
    fragment = text(response)
    assert response.status_code == 200
    assert "<html" not in fragment and "add-book-form" not in fragment
    assert re.search(
        rf'<div hx-swap-oob="afterbegin:#cards-reading">\s*<article [^>]*id="book-{book.book_id}"', fragment
    )
    assert 'id="count-not_started" hx-swap-oob="innerHTML">0' in fragment
    assert 'id="count-reading" hx-swap-oob="innerHTML">1' in fragment
    assert fragment.count("<article") == 1
    assert len(fragment) < 5000  # one card, three counts, one message; the board page is far larger


def test_the_card_offers_moves_to_the_other_two_columns(reader):
    add(reader)
    page = text(reader.get("/"))
    assert 'value="reading">Move to Reading' in page
    assert 'value="finished">Move to Finished' in page
    assert ">Move to Not started" not in page


@pytest.mark.parametrize("htmx", [False, True])
def test_a_stale_move_says_the_book_changed_and_loses_nothing(reader, books, alice_id, htmx):
    add(reader)
    book = only_book(books, alice_id)
    reader.post(f"/books/{book.book_id}/move", {"status": "finished", "version": 1})  # the other tab
    response = reader.post(f"/books/{book.book_id}/move", {"status": "reading", "version": 1}, htmx=htmx)
    stored = books.get(alice_id, book.book_id)
    assert (stored.status, stored.version) == (Status.FINISHED, 2)
    page = text(response) if htmx else text(reader.get("/"))
    assert "was changed in another tab or device meanwhile" in page
    if htmx:
        assert response.status_code == 409
        assert 'hx-swap-oob="afterbegin:#cards-finished"' in page  # the fresh card, where it is now
        assert 'name="version" value="2"' in page
    else:
        assert response.status_code == 303


@pytest.mark.parametrize(
    "data", [{"status": "shelf", "version": 1}, {"status": "reading"}, {"status": "reading", "version": "x"}, {}]
)
def test_malformed_moves_are_bad_requests(reader, books, alice_id, data):
    add(reader)
    book = only_book(books, alice_id)
    assert reader.post(f"/books/{book.book_id}/move", data).status_code == 400
    assert books.get(alice_id, book.book_id).version == 1


def test_edit_without_javascript(reader, books, alice_id):
    add(reader)
    book = only_book(books, alice_id)
    page = text(reader.get(f"/books/{book.book_id}/edit"))
    assert "<h1" in page and "Edit book" in page and 'value="Dune"' in page
    response = reader.post(
        f"/books/{book.book_id}/edit", {"title": "Dune Messiah", "author": "F. Herbert", "version": 1}
    )
    assert response.status_code == 303
    stored = books.get(alice_id, book.book_id)
    assert (stored.title, stored.author, stored.version) == ("Dune Messiah", "F. Herbert", 2)
    assert "Saved “Dune Messiah”." in text(reader.get("/"))


def test_edit_inline_with_htmx(reader, books, alice_id):
    add(reader)
    book = only_book(books, alice_id)
    form = text(reader.get(f"/books/{book.book_id}/edit", htmx=True))
    assert form.lstrip().startswith("<form") and "<html" not in form
    assert f'hx-post="/books/{book.book_id}/edit"' in form
    response = reader.post(
        f"/books/{book.book_id}/edit", {"title": "Dune Messiah", "author": "F. Herbert", "version": 1}, htmx=True
    )
    fragment = text(response)
    assert fragment.lstrip().startswith("<article") and ">Dune Messiah</a></h3>" in fragment
    cancel = text(reader.get(f"/books/{book.book_id}", htmx=True))
    assert cancel.lstrip().startswith("<article")


def test_invalid_edit_keeps_the_input(reader, books, alice_id):
    add(reader)
    book = only_book(books, alice_id)
    response = reader.post(f"/books/{book.book_id}/edit", {"title": "Dune Messiah", "author": "", "version": 1})
    assert response.status_code == 422
    assert "Enter the author." in text(response) and 'value="Dune Messiah"' in text(response)
    assert books.get(alice_id, book.book_id).title == "Dune"


def test_stale_edit_keeps_the_other_change(reader, books, alice_id):
    add(reader)
    book = only_book(books, alice_id)
    reader.post(f"/books/{book.book_id}/edit", {"title": "First tab", "author": "A", "version": 1})
    response = reader.post(
        f"/books/{book.book_id}/edit", {"title": "Second tab", "author": "B", "version": 1}, htmx=True
    )
    assert response.status_code == 409
    assert books.get(alice_id, book.book_id).title == "First tab"


def test_delete_asks_for_confirmation_first(reader, books, alice_id):
    add(reader)
    book = only_book(books, alice_id)
    page = text(reader.get(f"/books/{book.book_id}/delete"))
    assert "Delete “Dune”?" in page and "This cannot be undone." in page and ">Delete book</button>" in page
    assert books.get(alice_id, book.book_id)  # still there
    board = text(reader.get("/"))
    assert 'hx-confirm="Delete “Dune” by Frank Herbert? This cannot be undone."' in board


def test_delete_without_and_with_htmx(reader, books, alice_id):
    add(reader, title="One")
    add(reader, title="Two")
    one, two = sorted(books.list_column(alice_id, Status.NOT_STARTED, 10).books, key=lambda b: b.title)
    response = reader.post(f"/books/{one.book_id}/delete")
    assert response.status_code == 303
    assert "Deleted “One”." in text(reader.get("/"))
    response = reader.post(f"/books/{two.book_id}/delete", htmx=True)
    assert response.status_code == 200
    assert 'id="count-not_started" hx-swap-oob="innerHTML">0' in text(response)
    assert books.list_column(alice_id, Status.NOT_STARTED, 10).books == []


def test_show_more_pages_through_a_long_column(reader, books, alice_id):
    for i in range(12):
        books.add(alice_id, f"Book {i:02}", "Author", Status.NOT_STARTED, dt.date(2026, 1, 1))
    page = text(reader.get("/"))
    assert count(page, "not_started") == 12
    assert len(card_ids(page, "not_started")) == 5
    more = re.search(r'href="(/columns/not_started\?after=[^"]+)"', page).group(1).replace("&amp;", "&")
    fragment = text(reader.get(more, htmx=True))
    assert 'hx-swap-oob="beforeend:#cards-not_started"' in fragment
    assert fragment.count("<article") == 5
    next_more = re.search(r'href="(/columns/not_started\?after=[^"]+)"', fragment).group(1)
    last = text(reader.get(next_more))  # without JavaScript: a page of its own
    assert "<html" in last and last.count("<article") == 2
    assert "/columns/not_started?after=" not in last
    seen = (
        card_ids(page, "not_started")
        + re.findall(r'id="book-([0-9A-Z]{26})"', fragment)
        + re.findall(r'id="book-([0-9A-Z]{26})"', last)
    )
    assert len(set(seen)) == 12


def test_show_more_refuses_a_tampered_cursor(reader):
    assert reader.get("/columns/reading?after=eyJ1c2VyX2lkIjoiMiJ9").status_code == 400
    assert reader.get("/columns/shelf").status_code == 404


def test_a_reader_never_sees_or_changes_someone_elses_book(app, reader, make_user, books, alice_id):
    from tests.conftest import Browser

    make_user("bob")
    bob = Browser(app)
    bob.login("bob")
    add(reader)
    book = only_book(books, alice_id)
    requests = [
        ("get", f"/books/{book.book_id}", None),
        ("get", f"/books/{book.book_id}/edit", None),
        ("post", f"/books/{book.book_id}/edit", {"title": "Mine now", "author": "Bob", "version": 1}),
        ("post", f"/books/{book.book_id}/move", {"status": "finished", "version": 1}),
        ("get", f"/books/{book.book_id}/delete", None),
        ("post", f"/books/{book.book_id}/delete", None),
    ]
    for method, url, data in requests:
        for htmx in (False, True):
            response = bob.get(url, htmx=htmx) if method == "get" else bob.post(url, data, htmx=htmx)
            assert response.status_code == 404, (method, url)
            assert "Dune" not in text(response)
    assert books.get(alice_id, book.book_id) == book
    assert "Dune" not in text(bob.get("/"))


def column_titles(reader, status: str, page: str | None = None) -> list[str]:
    page = page or text(reader.get("/"))
    column = page.split(f'id="cards-{status}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'id="book-[0-9A-Z]{26}-title"><a href="[^"]*">([^<]+)</a></h3>', column)


def three_books(reader, books, alice_id):
    for title in ("One", "Two", "Three"):
        add(reader, title=title)
    return {b.title: b for b in books.list_column(alice_id, Status.NOT_STARTED, 10).books}


def test_up_and_down_reorder_a_column_without_javascript(reader, books, alice_id):
    by_title = three_books(reader, books, alice_id)
    assert column_titles(reader, "not_started") == ["Three", "Two", "One"]
    response = reader.post(f"/books/{by_title['One'].book_id}/reorder", {"direction": "up", "version": 1})
    assert response.status_code == 303
    page = text(reader.get("/"))
    assert column_titles(reader, "not_started", page) == ["Three", "One", "Two"]
    assert "Moved “One” up, above “Two”." in page
    reader.post(f"/books/{by_title['One'].book_id}/reorder", {"direction": "up", "version": 2})
    assert column_titles(reader, "not_started") == ["One", "Three", "Two"]
    reader.post(f"/books/{by_title['One'].book_id}/reorder", {"direction": "up", "version": 3})
    assert "“One” is already at the top of Not started." in text(reader.get("/"))
    reader.post(f"/books/{by_title['Three'].book_id}/reorder", {"direction": "down", "version": 1})
    assert column_titles(reader, "not_started") == ["One", "Two", "Three"]
    add(reader, title="Four")  # still lands on top
    assert column_titles(reader, "not_started") == ["Four", "One", "Two", "Three"]


def test_reorder_with_htmx_sends_the_card_next_to_its_neighbour_and_asks_for_focus(reader, books, alice_id):
    by_title = three_books(reader, books, alice_id)
    response = reader.post(f"/books/{by_title['One'].book_id}/reorder", {"direction": "up", "version": 1}, htmx=True)
    fragment = text(response)
    assert f'hx-swap-oob="beforebegin:#book-{by_title["Two"].book_id}"' in fragment
    assert json.loads(response.headers["HX-Trigger-After-Settle"]) == {
        "bookapp:focus": f"#book-{by_title['One'].book_id} button[value=up]"
    }


def test_a_drop_is_saved_through_the_move_endpoint_at_the_place_it_landed(reader, books, alice_id):
    by_title = three_books(reader, books, alice_id)  # Three, Two, One
    add(reader, title="Read me", status="reading")
    reading = books.list_column(alice_id, Status.READING, 10).books[0]
    # Drop "Two" into Reading, below "Read me".
    response = reader.post(
        f"/books/{by_title['Two'].book_id}/move",
        {"status": "reading", "version": 1, "dropped": "1", "above": reading.column_rank, "below": ""},
        htmx=True,
    )
    fragment = text(response)
    assert response.status_code == 200
    # The card stays where it was dropped: the answer is only what the move changed on it, out of
    # band, and the card itself is not swapped.
    assert response.headers["HX-Reswap"] == "none"
    assert fragment.lstrip().startswith(
        f'<div class="card-state" id="book-{by_title["Two"].book_id}-state" data-rank="'
    )
    assert "<article" not in fragment and 'hx-swap-oob="afterbegin' not in fragment
    assert 'name="version" value="2"><input type="hidden" name="from_status" value="reading">' in fragment
    assert "status-reading" in fragment and f"Started {TODAY}" in fragment
    assert 'id="count-not_started" hx-swap-oob="innerHTML">2<' in fragment
    assert 'id="count-reading" hx-swap-oob="innerHTML">2<' in fragment
    assert column_titles(reader, "reading") == ["Read me", "Two"]
    # Drop "One" between "Three" and nothing... i.e. reorder within Not started: to the top.
    three = books.get(alice_id, by_title["Three"].book_id)
    reader.post(
        f"/books/{by_title['One'].book_id}/move",
        {"status": "not_started", "version": 1, "dropped": "1", "above": "", "below": three.column_rank},
        htmx=True,
    )
    assert column_titles(reader, "not_started") == ["One", "Three"]
    assert f"Started {TODAY}" in text(reader.get("/"))


def test_a_move_within_its_own_column_says_so(reader, books, alice_id):
    by_title = three_books(reader, books, alice_id)  # Three, Two, One
    three = by_title["Three"]

    dropped = reader.post(
        f"/books/{by_title['One'].book_id}/move",
        {"status": "not_started", "version": 1, "dropped": "1", "above": "", "below": three.column_rank},
        htmx=True,
    )
    already = reader.post(f"/books/{three.book_id}/move", {"status": "not_started", "version": 1}, htmx=True)

    assert "Moved “One” within Not started." in text(dropped)
    assert "“Three” is already in Not started." in text(already)
    assert "Moved “Three”" not in text(already)
    assert column_titles(reader, "not_started") == ["One", "Three", "Two"]


def test_a_drop_with_nonsense_neighbours_still_saves_the_move_on_top(reader, books, alice_id):
    by_title = three_books(reader, books, alice_id)
    response = reader.post(
        f"/books/{by_title['One'].book_id}/move",
        {"status": "reading", "version": 1, "dropped": "1", "above": "abc", "below": "99999999999999999999999"},
    )
    assert response.status_code == 303
    assert column_titles(reader, "reading") == ["One"]
