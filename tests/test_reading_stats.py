"""The stats page's counting (bookapp/books/stats.py) on a fixed library, the expected numbers worked
out by hand from the books below: re-reads, partial dates, "date unknown", books given up, ratings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bookapp.books import Book, Status
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import PartialDate, Progress
from bookapp.books.stats import (
    LIST_LIMIT,
    RATING_STEPS,
    BookLine,
    Listed,
    ReadingStats,
    Tally,
    display_rating,
    display_step,
)


def day(text: str) -> PartialDate:
    return PartialDate.parse(text)


def finished(ended: str | None, started: str | None = None) -> ReadThrough:
    return ReadThrough(Outcome.FINISHED, started=day(started) if started else None, ended=day(ended) if ended else None)


def book(book_id: str, title: str, status: Status, reads=(), pages=None, rating=None) -> Book:
    return Book(
        user_id="1",
        book_id=book_id,
        title=title,
        author=f"Author of {title}",
        status=status,
        column_rank="5",
        version=1,
        reads=tuple(reads),
        pages=pages,
        rating=Decimal(rating) if rating else None,
    )


LIBRARY = [
    # Read in March 2024, and again in January 2025 (a re-read).
    book("DUNE", "Dune", Status.FINISHED, [finished("2025-01"), finished("2024-03-10")], pages=600, rating="4.5"),
    # Finished "2024" (no month), and once more on a date the reader does not know.
    book("EMMA", "Emma", Status.FINISHED, [finished("2024"), finished(None)], pages=400, rating="4"),
    # Given up twice: in June 2024, and once on a date unknown. Never a read.
    book(
        "ULYSSES",
        "Ulysses",
        Status.DID_NOT_FINISH,
        [
            ReadThrough(Outcome.DID_NOT_FINISH, started=day("2024-05"), ended=day("2024-06")),
            ReadThrough(Outcome.DID_NOT_FINISH),
        ],
        pages=730,
    ),
    # Being read again now (page 50, no page count), finished once in March 2024.
    book(
        "HOBBIT",
        "The Hobbit",
        Status.READING,
        [
            ReadThrough(Outcome.READING, started=day("2026-01-05"), progress=Progress(page=50)),
            finished("2024-03-20"),
        ],
        rating="5",
    ),
    # Being read, 45 % through, never finished.
    book(
        "MIDDLEMARCH",
        "Middlemarch",
        Status.READING,
        [ReadThrough(Outcome.READING, started=day("2025-12"), progress=Progress(percent=45))],
        pages=880,
        rating="3.5",
    ),
    # Read twice in 2024: March, then July (a re-read in the same year counts twice).
    book(
        "PERSUASION",
        "Persuasion",
        Status.FINISHED,
        [finished("2024-07-01"), finished("2024-03-05")],
        pages=250,
        rating="4.5",
    ),
    book("UNREAD", "Unread", Status.NOT_STARTED),
]


@pytest.fixture(scope="module")
def stats() -> ReadingStats:
    return ReadingStats.of(LIBRARY)


def test_a_year_counts_reads_per_month_with_re_reads_counted_twice(stats):
    year = stats.year(2024)
    # March: Dune (600 pages), The Hobbit (no page count), Persuasion (250). July: Persuasion again.
    expected = [Tally()] * 12
    expected[2] = Tally(books=3, pages=850)
    expected[6] = Tally(books=1, pages=250)
    assert list(year.months) == expected
    assert year.rereads == 1  # Persuasion's July read; Dune's re-read is in 2025
    assert year.without_pages == 1  # The Hobbit adds a read and no pages


def test_a_read_finished_in_a_year_without_a_month_counts_for_the_year_only(stats):
    year = stats.year(2024)
    assert year.month_unknown == Tally(books=1, pages=400)  # Emma, finished "2024"
    assert year.total == Tally(books=5, pages=1500)


def test_a_re_read_in_a_later_year_counts_in_that_year(stats):
    year = stats.year(2025)
    assert year.months[0] == Tally(books=1, pages=600)
    assert year.total == Tally(books=1, pages=600)
    assert year.rereads == 1
    assert year.average_rating == Decimal("4.5")


def test_reads_without_a_finish_date_are_listed_and_counted_in_no_year(stats):
    assert stats.date_unknown == Listed((BookLine("EMMA", "Emma", "Author of Emma"),), 1)
    assert stats.per_year() == [(2024, Tally(5, 1500)), (2025, Tally(1, 600))]
    # Read, so in the grand total of reads, but with no pages to any year.
    assert stats.total == Tally(books=7, pages=2100)


def test_books_given_up_are_counted_apart_and_never_as_reads(stats):
    ulysses = Listed((BookLine("ULYSSES", "Ulysses", "Author of Ulysses"),), 1)
    assert stats.year(2024).did_not_finish == ulysses
    assert stats.did_not_finish_date_unknown == ulysses
    assert not stats.year(2025).did_not_finish


def test_books_being_read_with_their_progress_latest_start_first(stats):
    assert [(r.book.title, r.progress, r.fraction) for r in stats.reading.shown] == [
        ("The Hobbit", "page 50", None),  # no page count: no bar
        ("Middlemarch", "45%", 0.45),
    ]


def test_ratings_are_counted_per_book_in_half_steps(stats):
    counts = dict(stats.ratings.by_step())
    assert {step: count for step, count in counts.items() if count} == {
        Decimal("3.5"): 1,
        Decimal("4"): 1,
        Decimal("4.5"): 2,
        Decimal("5"): 1,
    }
    assert stats.ratings.rated_books == 5
    assert stats.ratings.average == Decimal("4.3")  # 21.5 / 5
    assert len(RATING_STEPS) == 10 and RATING_STEPS[0] == Decimal("0.5") and RATING_STEPS[-1] == Decimal("5")


def test_a_years_average_rating_counts_each_book_finished_that_year_once(stats):
    year = stats.year(2024)
    # Dune 4.5, Emma 4, The Hobbit 5, Persuasion 4.5 (read twice, rated once): 18 / 4.
    assert (year.rated_books, year.average_rating) == (4, Decimal("4.5"))


def test_a_year_without_reads_is_all_zeros():
    stats = ReadingStats.of(LIBRARY)
    empty = stats.year(1999)
    assert empty.total == Tally() and empty.is_empty and empty.average_rating is None
    assert not stats.year(2024).is_empty


def test_an_empty_library_counts_nothing():
    stats = ReadingStats.of([])
    assert stats.per_year() == [] and stats.total == Tally() and stats.ratings.average is None
    assert not stats.reading and not stats.date_unknown


@pytest.mark.parametrize(
    ("value", "shown"), [("4.25", "4.3"), ("4.5", "4.5"), ("4", "4.0"), ("3.333333", "3.3"), ("4.35", "4.4")]
)
def test_an_average_rating_shows_one_decimal_halves_rounded_up(value, shown):
    assert display_rating(Decimal(value)) == shown


def test_rating_steps_read_as_people_write_them():
    assert [display_step(step) for step in RATING_STEPS[:4]] == ["0.5", "1", "1.5", "2"]


def test_a_long_list_keeps_its_first_books_by_title_and_its_count():
    undated = [
        book(f"B{index:03d}", f"Title {index:03d}", Status.FINISHED, [finished(None), finished(None)])
        for index in range(LIST_LIMIT + 10)
    ]
    listed = ReadingStats.of(undated).date_unknown
    assert listed.count == 2 * (LIST_LIMIT + 10) and len(listed.shown) == LIST_LIMIT
    assert [line.title for line in listed.shown[:3]] == ["Title 000", "Title 000", "Title 001"]
    assert listed.more == LIST_LIMIT + 20
