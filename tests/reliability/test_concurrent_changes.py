"""No lost update: two sessions changing the same book at the same moment, on real threads
against dynalite. Exactly one wins; the other is told the book changed; the stored item is the
winner's change."""

import datetime as dt
import threading

from bookapp.books import BookChanged, Status
from bookapp.books.service import Move, edit_book, move_book

TODAY = dt.date(2026, 11, 27)
ROUNDS = 40

# A move as the board sends it: from the column the reader saw the book in (a single conditional write).
SEEN_IN_NOT_STARTED_TO_READING = Move(Status.READING, 1, from_status=Status.NOT_STARTED)


def race(*actions):
    """Run the actions at the same moment (a barrier releases them together); return their outcomes."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        try:
            outcomes[index] = action()
        except BookChanged as changed:
            outcomes[index] = changed

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_simultaneous_moves_one_wins_the_other_is_told(books):
    conflicts = 0
    for round_number in range(ROUNDS):
        book = books.add("7", f"Race {round_number}", "Author", Status.NOT_STARTED, TODAY)
        # One as the board sends it (a single conditional write), one reading the book first.
        outcomes = race(
            lambda book=book: (
                move_book(
                    books, user_id="7", book_id=book.book_id, move=SEEN_IN_NOT_STARTED_TO_READING, today=TODAY
                ).book
            ),
            lambda book=book: (
                move_book(books, user_id="7", book_id=book.book_id, move=Move(Status.FINISHED, 1), today=TODAY).book
            ),
        )
        winners = [o for o in outcomes if not isinstance(o, BookChanged)]
        losers = [o for o in outcomes if isinstance(o, BookChanged)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        stored = books.get("7", book.book_id)
        assert stored == winners[0]
        assert stored.version == 2
        assert losers[0].current.version >= 1
        conflicts += 1
    assert conflicts == ROUNDS
    counts = books.counts("7")
    assert sum(counts.values()) == ROUNDS and counts[Status.NOT_STARTED] == 0


def test_a_simultaneous_edit_and_move_never_lose_either_silently(books):
    for round_number in range(ROUNDS):
        book = books.add("7", f"Edit race {round_number}", "Author", Status.NOT_STARTED, TODAY)
        outcomes = race(
            lambda book=book: edit_book(
                books, user_id="7", book_id=book.book_id, title="New title", author="New author", expected_version=1
            ),
            lambda book=book: (
                move_book(
                    books, user_id="7", book_id=book.book_id, move=SEEN_IN_NOT_STARTED_TO_READING, today=TODAY
                ).book
            ),
        )
        (winner,) = [o for o in outcomes if not isinstance(o, BookChanged)]
        stored = books.get("7", book.book_id)
        assert stored == winner
        # The loser's change is not in the item: it was refused, not half-applied.
        if winner.status == Status.READING:
            assert stored.title == f"Edit race {round_number}"
        else:
            assert stored.status == Status.NOT_STARTED and stored.title == "New title"


def test_two_tabs_moving_the_same_card_over_http(app, make_user, books):
    """Two sessions of one reader (two tabs) press different move buttons at the same moment."""
    from tests.conftest import Browser

    alice = make_user("alice")
    tabs = [Browser(app), Browser(app)]
    for tab in tabs:
        tab.login("alice")
        tab.token()
    for round_number in range(10):
        book = books.add(alice.books_key, f"Tab race {round_number}", "Author", Status.NOT_STARTED, TODAY)
        responses = race(
            lambda book=book: tabs[0].post(
                f"/books/{book.book_id}/move", {"status": "reading", "version": 1}, htmx=True
            ),
            lambda book=book: tabs[1].post(
                f"/books/{book.book_id}/move", {"status": "finished", "version": 1}, htmx=True
            ),
        )
        assert sorted(r.status_code for r in responses) == [200, 409]
        (loser,) = [r for r in responses if r.status_code == 409]
        page = loser.get_data(as_text=True)
        assert "was changed in another tab or device meanwhile" in page
        stored = books.get(alice.books_key, book.book_id)
        assert stored.version == 2
        assert f'id="book-{book.book_id}"' in page and 'name="version" value="2"' in page  # the fresh card
