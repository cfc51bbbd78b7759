"""What moving a book between columns does to its read-throughs (pure domain, no storage)."""

import datetime as dt

import pytest

from bookapp.books import Book, Status
from bookapp.books.model import new_column_rank
from bookapp.books.reads import READ_TO_THE_END, Outcome, ReadThrough, newest_first
from bookapp.books.record import PartialDate, Progress

MONDAY = dt.date(2026, 3, 2)
FRIDAY = dt.date(2026, 3, 6)
DAY = PartialDate.from_date


def a_book(status=Status.NOT_STARTED, reads=()) -> Book:
    return Book(
        user_id="1",
        book_id="01JABCDEFGHJKMNPQRSTVWXYZ0",
        title="Dune",
        author="Frank Herbert",
        status=status,
        column_rank=new_column_rank(),
        version=1,
        reads=tuple(reads),
    )


def reading_since(day, progress=None) -> ReadThrough:
    return ReadThrough(Outcome.READING, started=DAY(day), progress=progress)


def finished(started, ended, progress=READ_TO_THE_END) -> ReadThrough:
    """A read-through finished by a move: read to the end, 100 %."""
    return ReadThrough(Outcome.FINISHED, started=DAY(started), ended=DAY(ended), progress=progress)


LAST_YEAR = finished(dt.date(2025, 1, 5), dt.date(2025, 2, 1), progress=None)  # entered by hand: no progress


def test_moving_to_reading_starts_a_read_through_today():
    moved = a_book().moved_to(Status.READING, MONDAY)
    assert (moved.status, moved.reads) == (Status.READING, (reading_since(MONDAY),))
    assert moved.open_read == reading_since(MONDAY)


def test_re_reading_a_finished_book_starts_a_new_read_through_and_keeps_the_old():
    book = a_book(Status.FINISHED, [LAST_YEAR])
    moved = book.moved_to(Status.READING, FRIDAY)
    assert moved.reads == (reading_since(FRIDAY), LAST_YEAR)
    again = moved.moved_to(Status.FINISHED, dt.date(2026, 4, 1))
    assert again.reads == (finished(FRIDAY, dt.date(2026, 4, 1)), LAST_YEAR)
    assert again.times_finished == 2


def test_finishing_closes_the_open_read_through_today_and_keeps_its_start():
    book = a_book(Status.READING, [reading_since(MONDAY, Progress(page=120))])
    moved = book.moved_to(Status.FINISHED, FRIDAY)
    assert moved.reads == (finished(MONDAY, FRIDAY),)  # page 120 is now 100 %: it is read to the end
    assert moved.reads[0].progress == Progress(percent=100)


def test_finishing_a_book_never_started_records_a_read_of_today():
    assert a_book().moved_to(Status.FINISHED, FRIDAY).reads == (finished(FRIDAY, FRIDAY),)


def test_back_to_not_started_drops_the_open_read_through_and_keeps_finished_ones():
    book = a_book(Status.READING, [reading_since(MONDAY), LAST_YEAR])
    assert book.moved_to(Status.NOT_STARTED, FRIDAY).reads == (LAST_YEAR,)
    assert a_book(Status.FINISHED, [LAST_YEAR]).moved_to(Status.NOT_STARTED, FRIDAY).reads == (LAST_YEAR,)


def test_giving_up_ends_the_open_read_through_as_did_not_finish_and_keeps_where_it_stopped():
    book = a_book(Status.READING, [reading_since(MONDAY, Progress(page=80)), LAST_YEAR])
    moved = book.moved_to(Status.DID_NOT_FINISH, FRIDAY)
    stopped = ReadThrough(Outcome.DID_NOT_FINISH, started=DAY(MONDAY), ended=DAY(FRIDAY), progress=Progress(page=80))
    assert moved.reads == (stopped, LAST_YEAR)
    assert moved.times_finished == 1  # a book given up is never counted as finished
    assert not moved.status.on_board


@pytest.mark.parametrize("to_status", [Status.NOT_STARTED, Status.READING, Status.FINISHED])
def test_a_book_given_up_can_go_back_to_any_column_and_keeps_the_did_not_finish(to_status):
    stopped = ReadThrough(Outcome.DID_NOT_FINISH, started=DAY(MONDAY), ended=DAY(FRIDAY))
    moved = a_book(Status.DID_NOT_FINISH, [stopped]).moved_to(to_status, dt.date(2026, 5, 1))
    assert moved.status == to_status and stopped in moved.reads


def test_only_a_book_being_read_has_progress():
    reading = a_book(Status.READING, [reading_since(MONDAY)])
    assert reading.with_progress(Progress(percent=40)).progress == Progress(percent=40)
    with pytest.raises(ValueError):
        a_book(Status.FINISHED, [LAST_YEAR]).with_progress(Progress(page=3))


def test_the_history_is_kept_newest_first_with_the_open_read_first_and_undated_reads_last():
    undated = ReadThrough(Outcome.FINISHED)
    in_2019 = ReadThrough(Outcome.FINISHED, started=PartialDate(2019))
    in_july_2019 = ReadThrough(Outcome.FINISHED, started=PartialDate(2019, 7))
    open_read = reading_since(MONDAY)
    assert newest_first([undated, in_2019, open_read, LAST_YEAR, in_july_2019]) == (
        open_read,
        LAST_YEAR,
        in_july_2019,
        in_2019,
        undated,
    )


def test_a_moved_book_goes_on_top_of_its_new_column():
    book = a_book()
    assert book.moved_to(Status.READING, MONDAY).column_rank > book.column_rank


def test_moving_to_the_same_column_changes_nothing():
    book = a_book(Status.READING, [reading_since(MONDAY)])
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

    book = a_book(Status.READING, [reading_since(MONDAY)])
    placed = book.moved_to(Status.READING, FRIDAY, rank_for_place(above=None, below=book.column_rank))
    assert (placed.status, placed.reads) == (Status.READING, book.reads)
    assert placed.column_rank != book.column_rank
