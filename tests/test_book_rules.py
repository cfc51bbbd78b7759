"""The date rules of moving a book between columns (pure domain, no storage)."""

import datetime as dt

from bookapp.books import Book, Status
from bookapp.books.model import new_column_rank

MONDAY = dt.date(2026, 3, 2)
FRIDAY = dt.date(2026, 3, 6)


def a_book(status=Status.NOT_STARTED, started_on=None, finished_on=None) -> Book:
    return Book(
        user_id="1",
        book_id="01JABCDEFGHJKMNPQRSTVWXYZ0",
        title="Dune",
        author="Frank Herbert",
        status=status,
        column_rank=new_column_rank(),
        version=1,
        started_on=started_on,
        finished_on=finished_on,
    )


def test_moving_to_reading_records_today_as_start():
    moved = a_book().moved_to(Status.READING, MONDAY)
    assert (moved.status, moved.started_on, moved.finished_on) == (Status.READING, MONDAY, None)


def test_moving_to_reading_keeps_an_existing_start_date():
    moved = a_book(Status.FINISHED, started_on=MONDAY, finished_on=FRIDAY).moved_to(Status.READING, FRIDAY)
    assert moved.started_on == MONDAY


def test_moving_out_of_finished_clears_the_finish_date():
    moved = a_book(Status.FINISHED, started_on=MONDAY, finished_on=FRIDAY).moved_to(Status.READING, FRIDAY)
    assert moved.finished_on is None


def test_finishing_records_today_and_a_missing_start():
    moved = a_book().moved_to(Status.FINISHED, FRIDAY)
    assert (moved.started_on, moved.finished_on) == (FRIDAY, FRIDAY)


def test_finishing_keeps_the_start_date():
    moved = a_book(Status.READING, started_on=MONDAY).moved_to(Status.FINISHED, FRIDAY)
    assert (moved.started_on, moved.finished_on) == (MONDAY, FRIDAY)


def test_back_to_not_started_clears_both_dates():
    moved = a_book(Status.FINISHED, started_on=MONDAY, finished_on=FRIDAY).moved_to(Status.NOT_STARTED, FRIDAY)
    assert (moved.started_on, moved.finished_on) == (None, None)


def test_a_moved_book_goes_on_top_of_its_new_column():
    book = a_book()
    assert book.moved_to(Status.READING, MONDAY).column_rank > book.column_rank


def test_moving_to_the_same_column_changes_nothing():
    book = a_book(Status.READING, started_on=MONDAY)
    assert book.moved_to(Status.READING, FRIDAY) is book


def test_ranks_between_any_two_always_exist_and_never_end_in_zero():
    import random

    from bookapp.books.model import is_valid_rank, rank_between

    rng = random.Random(7)
    ranks = sorted(new_column_rank() for _ in range(3))
    for _ in range(2000):
        index = rng.randrange(len(ranks) + 1)
        lower = ranks[index - 1] if index else ""
        upper = ranks[index] if index < len(ranks) else None
        rank = rank_between(lower, upper)
        assert lower < rank and (upper is None or rank < upper)
        assert is_valid_rank(rank)
        ranks.insert(index, rank)
    assert max(map(len, ranks)) < 60


def test_a_card_put_on_top_stays_below_books_added_later():
    from bookapp.books.model import rank_for_place

    top = rank_for_place(above=None, below=new_column_rank())
    assert new_column_rank() > top


def test_moving_within_a_column_only_changes_the_place():
    from bookapp.books.model import rank_for_place

    book = a_book(Status.READING, started_on=MONDAY)
    placed = book.moved_to(Status.READING, FRIDAY, rank_for_place(above=None, below=book.column_rank))
    assert (placed.status, placed.started_on, placed.finished_on) == (Status.READING, MONDAY, None)
    assert placed.column_rank != book.column_rank
