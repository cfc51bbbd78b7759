"""What a card shows of a book's record, progress from the card, and the Did not finish shelf."""

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest

from bookapp.books import Status
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import PartialDate, Progress
from tests.conftest import Browser

TODAY = dt.datetime.now(dt.UTC).date()


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def alice_key(reader, app):
    with app.app_context():
        from bookapp.users import repository as users

        return users.find_by_username("alice").books_key


def card_of(page: str, book_id: str) -> str:
    return page.split(f'id="book-{book_id}"', 1)[1].split("</article>", 1)[0]


def reading_book(books, user_key, pages=None):
    book = books.add(user_key, "Dune", "Frank Herbert", Status.READING, TODAY)
    if pages:
        book = books.save(dataclasses.replace(book, pages=pages), book.version)
    return book


def test_progress_is_saved_from_the_card_without_javascript(reader, books, alice_key):
    book = reading_book(books, alice_key, pages=400)
    response = reader.post(f"/books/{book.book_id}/progress", {"progress": "120", "version": book.version})
    assert response.status_code == 303
    card = card_of(text(reader.get("/")), book.book_id)
    assert '<progress value="0.30"' in card and 'value="120"' in card and "of 400" in card
    assert books.get(alice_key, book.book_id).progress == Progress(page=120)


def test_progress_with_htmx_answers_with_the_cards_state_in_at_most_2_kb(reader, books, alice_key):
    book = reading_book(books, alice_key, pages=400)
    response = reader.post(f"/books/{book.book_id}/progress", {"progress": "45%", "version": book.version}, htmx=True)
    assert response.status_code == 200
    assert len(response.get_data()) <= 2048, len(response.get_data())
    assert '<progress value="0.45"' in text(response) and "“Dune”: 45%." in text(response)
    assert response.headers["HX-Reswap"] == "none" and "<article" not in text(response)  # the card stays


def test_a_page_past_the_last_is_refused_beside_the_field_with_the_input_kept(reader, books, alice_key):
    book = reading_book(books, alice_key, pages=300)
    for htmx in (False, True):
        response = reader.post(
            f"/books/{book.book_id}/progress", {"progress": "500", "version": book.version}, htmx=htmx
        )
        assert response.status_code == 422
        card = text(response).split(f'id="book-{book.book_id}', 1)[1]
        assert 'value="500"' in card and 'aria-invalid="true"' in card
        assert "This book has 300 pages" in card
    assert books.get(alice_key, book.book_id) == book  # nothing written


@pytest.mark.parametrize("typed", ["abc", "120.5", "150%", "-3"])
def test_progress_that_is_no_page_or_percentage_is_refused(reader, books, alice_key, typed):
    book = reading_book(books, alice_key)
    response = reader.post(f"/books/{book.book_id}/progress", {"progress": typed, "version": book.version}, htmx=True)
    assert response.status_code == 422
    assert "invalid-feedback" in text(response) and f'value="{typed}"' in text(response)
    assert books.get(alice_key, book.book_id) == book


def test_progress_on_a_stale_card_or_a_book_not_being_read_is_the_changed_meanwhile_answer(reader, books, alice_key):
    book = reading_book(books, alice_key)
    reader.post(f"/books/{book.book_id}/progress", {"progress": "10", "version": book.version})
    stale = reader.post(f"/books/{book.book_id}/progress", {"progress": "20", "version": book.version}, htmx=True)
    assert stale.status_code == 409 and "changed in another tab" in text(stale)
    waiting = books.add(alice_key, "Emma", "Jane Austen", Status.NOT_STARTED, TODAY)
    response = reader.post(f"/books/{waiting.book_id}/progress", {"progress": "20", "version": 1}, htmx=True)
    assert response.status_code == 409


def test_another_readers_book_is_not_found_for_progress(app, make_user, reader, books):
    bob = make_user("bob")
    book = reading_book(books, bob.books_key)
    response = reader.post(f"/books/{book.book_id}/progress", {"progress": "10", "version": book.version})
    assert response.status_code == 404
    assert books.get(bob.books_key, book.book_id) == book


def test_a_finished_card_shows_its_rating_rereads_and_tags(reader, books, alice_key):
    book = books.add(alice_key, "Dune", "Frank Herbert", Status.FINISHED, TODAY)
    earlier = ReadThrough(Outcome.FINISHED, started=PartialDate(2019), ended=PartialDate(2019, 7))
    book = books.save(
        dataclasses.replace(book, rating=Decimal("4.5"), tags=("sci-fi", "<b>club</b>"), reads=(*book.reads, earlier)),
        book.version,
    )
    card = card_of(text(reader.get("/")), book.book_id)
    assert 'aria-label="Rated 4.5 of 5"' in card and "★★★★½" in card
    assert "Read ×2" in card
    assert (
        '<a href="/?tag=sci-fi">sci-fi</a>' in card and '">&lt;b&gt;club&lt;/b&gt;</a>' in card
    )  # tags are text, never markup


def test_a_book_read_once_shows_no_reread_count_and_a_waiting_book_no_dates(reader, books, alice_key):
    book = books.add(alice_key, "Dune", "Frank Herbert", Status.FINISHED, TODAY)
    card = card_of(text(reader.get("/")), book.book_id)
    assert "Read ×" not in card and "Finished " in card
    moved = reader.post(f"/books/{book.book_id}/move", {"status": "not_started", "version": book.version})
    assert moved.status_code == 303
    card = card_of(text(reader.get("/")), book.book_id)
    assert "Started" not in card and "Finished " not in card  # its finished read stays in its history
    assert books.get(alice_key, book.book_id).times_finished == 1


def shelf_count(page: str) -> int:
    return int(re.search(r'id="count-did_not_finish"[^>]*>(\d+)', page).group(1))


def test_giving_up_moves_the_book_to_the_did_not_finish_shelf_and_back(reader, books, alice_key):
    book = reading_book(books, alice_key)
    assert shelf_count(text(reader.get("/"))) == 0
    assert "Move to Did not finish" in card_of(text(reader.get(f"/books/{book.book_id}")), book.book_id)
    reader.post(f"/books/{book.book_id}/move", {"status": "did_not_finish", "version": book.version})
    board = text(reader.get("/"))
    assert f'id="book-{book.book_id}"' not in board and shelf_count(board) == 1
    shelf = text(reader.get("/columns/did_not_finish"))
    assert f'id="book-{book.book_id}"' in shelf and '<h1 class="h4 mb-3">Did not finish</h1>' in shelf
    assert "Stopped " in card_of(shelf, book.book_id)
    stored = books.get(alice_key, book.book_id)
    assert stored.reads[0].outcome is Outcome.DID_NOT_FINISH and stored.times_finished == 0
    reader.post(f"/books/{book.book_id}/move", {"status": "reading", "version": stored.version})
    again = books.get(alice_key, book.book_id)
    assert [read.outcome for read in again.reads] == [Outcome.READING, Outcome.DID_NOT_FINISH]
    assert shelf_count(text(reader.get("/"))) == 0


def test_giving_up_with_htmx_takes_the_card_off_the_board_and_counts_the_shelf(reader, books, alice_key):
    book = reading_book(books, alice_key)
    response = reader.post(
        f"/books/{book.book_id}/move", {"status": "did_not_finish", "version": book.version}, htmx=True
    )
    assert response.status_code == 200
    answer = text(response)
    assert "<article" not in answer  # the card leaves; it lands on no board column
    assert re.search(r'id="count-did_not_finish" hx-swap-oob="innerHTML">1', answer)


def test_only_a_book_being_read_offers_did_not_finish_and_on_its_own_page(reader, books, alice_key):
    waiting = books.add(alice_key, "Emma", "Jane Austen", Status.NOT_STARTED, TODAY)
    assert "Move to Did not finish" not in text(reader.get(f"/books/{waiting.book_id}"))
    being_read = reading_book(books, alice_key)
    assert "Move to Did not finish" not in card_of(text(reader.get("/")), being_read.book_id)  # the board: space


def test_an_empty_shelf_says_so(reader):
    assert "No books given up." in text(reader.get("/columns/did_not_finish"))


def test_the_card_title_opens_the_books_page(reader, books, alice_key):
    book = books.add(alice_key, "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)
    assert f'<a href="/books/{book.book_id}">Dune</a>' in card_of(text(reader.get("/")), book.book_id)
    assert Browser  # the module's helpers come from conftest
