"""A reader's reading in numbers: what the stats page shows, counted from their books' read-throughs.

The rules, in one place:
- a read is a finished read-through, so a book read twice counts twice (the second is a re-read);
- a read counts in the year and month its finish date names: finished "2019" counts for 2019 but
  for no month ("month unknown"), and a read with no finish date counts in no year ("date unknown",
  listed, never dropped);
- a read-through given up (did not finish) is counted apart, by the year it was given up in, and is
  never a read;
- pages are the book's page count, once per read; a read of a book without one adds no pages and is
  counted as such, so a total of pages says what it leaves out;
- ratings are per book (a book has one), in half steps from 0.5 to 5.

Pure Python, no I/O and no clock: `ReadingStats.of(books)` counts once, and every year's numbers are
then looked up. The result holds titles and numbers, not the books, so a process can keep it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from bookapp.books.model import Book
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import RATING_MAX, RATING_MIN, PartialDate

MONTHS = 12
# Every rating a book can have, lowest first: 0.5, 1, 1.5, … 5.
RATING_STEPS = tuple(RATING_MIN * step for step in range(1, int(RATING_MAX / RATING_MIN) + 1))
_STEP_INDEX = {step: index for index, step in enumerate(RATING_STEPS)}


@dataclass(frozen=True)
class Tally:
    """Reads and the pages they add up to."""

    books: int = 0
    pages: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.books + other.books, self.pages + other.pages)


@dataclass(frozen=True)
class BookLine:
    """What a list on the stats page shows of a book."""

    book_id: str
    title: str
    author: str

    @classmethod
    def of(cls, book: Book) -> BookLine:
        return cls(book.book_id, book.title, book.author)


# A list on the page shows this many books, and says how many more there are: what a process keeps
# stays small whatever the library (an import of 10,000 books read on dates unknown, say).
LIST_LIMIT = 50


@dataclass(frozen=True)
class Listed:
    """Some of the items of a list the page shows (the first LIST_LIMIT in its order), and how many there are."""

    shown: tuple = ()
    count: int = 0

    @classmethod
    def of(cls, items: list, key) -> Listed:
        return cls(tuple(sorted(items, key=key)[:LIST_LIMIT]), len(items))

    @property
    def more(self) -> int:
        """How many are not shown."""
        return self.count - len(self.shown)

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class YearStats:
    """One year's reads: per month, "month unknown", re-reads, reads given up, and ratings."""

    year: int
    months: tuple[Tally, ...] = (Tally(),) * MONTHS  # January first
    month_unknown: Tally = Tally()
    rereads: int = 0
    without_pages: int = 0  # reads of books with no page count: they add no pages
    did_not_finish: Listed = Listed()  # of BookLine, by title
    # The ratings of the books finished this year, each book once however often it was read.
    rating_total: Decimal = Decimal(0)
    rated_books: int = 0

    @property
    def total(self) -> Tally:
        return sum(self.months, self.month_unknown)

    @property
    def average_rating(self) -> Decimal | None:
        return self.rating_total / self.rated_books if self.rated_books else None

    @property
    def is_empty(self) -> bool:
        return self.total.books == 0 and not self.did_not_finish


@dataclass(frozen=True)
class Reading:
    """A book being read now, and how far along."""

    book: BookLine
    started: PartialDate | None
    progress: str | None  # "page 120 of 300", "45%", or None when none was entered
    fraction: float | None  # 0 to 1, for a bar; None when it cannot be told


@dataclass(frozen=True)
class Ratings:
    """How many books have each rating, and their average."""

    counts: tuple[int, ...] = (0,) * len(RATING_STEPS)  # in RATING_STEPS' order
    total: Decimal = Decimal(0)

    @property
    def rated_books(self) -> int:
        return sum(self.counts)

    @property
    def average(self) -> Decimal | None:
        return self.total / self.rated_books if self.rated_books else None

    def by_step(self) -> list[tuple[Decimal, int]]:
        return list(zip(RATING_STEPS, self.counts, strict=True))


@dataclass(frozen=True)
class ReadingStats:
    """Everything the stats page counts, for every year at once."""

    years: dict[int, YearStats] = field(default_factory=dict)
    date_unknown: Listed = Listed()  # of BookLine: finished reads without a finish date (a book twice if twice)
    did_not_finish_date_unknown: Listed = Listed()  # of BookLine
    reading: Listed = Listed()  # of Reading, the latest started first
    ratings: Ratings = Ratings()

    @classmethod
    def of(cls, books: Iterable[Book]) -> ReadingStats:
        return _Counting().count(books)

    def year(self, year: int) -> YearStats:
        """That year's numbers; a year without reads has all zeros."""
        return self.years.get(year) or YearStats(year)

    def per_year(self) -> list[tuple[int, Tally]]:
        """Reads per year, oldest first, for every year with a read or a book given up."""
        return [(year, self.years[year].total) for year in sorted(self.years)]

    @property
    def total(self) -> Tally:
        """Every read with a finish date, and those without one (they count in no year, but they were read)."""
        dated = sum((stats.total for stats in self.years.values()), Tally())
        return dated + Tally(self.date_unknown.count, 0)


def display_rating(rating: Decimal) -> str:
    """An average rating for reading: one decimal, halves rounded up ("4.3" for 4.25)."""
    return str(rating.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def display_step(step: Decimal) -> str:
    """A rating step as a label: "4" or "4.5"."""
    return f"{step:g}" if step % 1 else str(int(step))


class _Counting:
    """Mutable counters while the books are read; frozen into `ReadingStats` at the end."""

    def __init__(self) -> None:
        self.months: dict[int, list[Tally]] = {}
        self.month_unknown: dict[int, Tally] = {}
        self.rereads: dict[int, int] = {}
        self.without_pages: dict[int, int] = {}
        self.did_not_finish: dict[int, list[BookLine]] = {}
        self.rated: dict[int, list[Decimal]] = {}
        self.date_unknown: list[BookLine] = []
        self.did_not_finish_date_unknown: list[BookLine] = []
        self.reading: list[Reading] = []
        self.rating_counts = [0] * len(RATING_STEPS)
        self.rating_total = Decimal(0)

    def count(self, books: Iterable[Book]) -> ReadingStats:
        for book in books:
            self._count_book(book)
        years = sorted(set(self.months) | set(self.month_unknown) | set(self.did_not_finish))
        return ReadingStats(
            years={year: self._year(year) for year in years},
            date_unknown=Listed.of(self.date_unknown, _by_title),
            did_not_finish_date_unknown=Listed.of(self.did_not_finish_date_unknown, _by_title),
            reading=Listed.of(self.reading, _newest_start_first),
            ratings=Ratings(tuple(self.rating_counts), self.rating_total),
        )

    def _year(self, year: int) -> YearStats:
        ratings = self.rated.get(year, [])
        return YearStats(
            year=year,
            months=tuple(self.months.get(year, [Tally()] * MONTHS)),
            month_unknown=self.month_unknown.get(year, Tally()),
            rereads=self.rereads.get(year, 0),
            without_pages=self.without_pages.get(year, 0),
            did_not_finish=Listed.of(self.did_not_finish.get(year, []), _by_title),
            rating_total=sum(ratings, Decimal(0)),
            rated_books=len(ratings),
        )

    def _count_book(self, book: Book) -> None:
        line = BookLine.of(book)
        if book.rating in _STEP_INDEX:  # None, or a rating of the record's half steps
            self.rating_counts[_STEP_INDEX[book.rating]] += 1
            self.rating_total += book.rating
        if (open_read := book.open_read) is not None:
            progress = open_read.progress
            self.reading.append(
                Reading(
                    line,
                    open_read.started,
                    progress.display(book.pages) if progress else None,
                    progress.fraction(book.pages) if progress else None,
                )
            )
        finished = [read for read in book.reads if read.outcome is Outcome.FINISHED]
        first = _first_read(finished)
        years_rated: set[int] = set()
        for read in finished:
            if read.ended is None:
                self.date_unknown.append(line)
                continue
            year, month = read.ended.year, read.ended.month
            read_tally = Tally(1, book.pages or 0)
            if month is None:
                self.month_unknown[year] = self.month_unknown.get(year, Tally()) + read_tally
            else:
                months = self.months.setdefault(year, [Tally()] * MONTHS)
                months[month - 1] += read_tally
            if read is not first:
                self.rereads[year] = self.rereads.get(year, 0) + 1
            if not book.pages:
                self.without_pages[year] = self.without_pages.get(year, 0) + 1
            if book.rating in _STEP_INDEX and year not in years_rated:
                years_rated.add(year)
                self.rated.setdefault(year, []).append(book.rating)
        for read in book.reads:
            if read.outcome is Outcome.DID_NOT_FINISH:
                if read.ended is None:
                    self.did_not_finish_date_unknown.append(line)
                else:
                    self.did_not_finish.setdefault(read.ended.year, []).append(line)


def _first_read(finished: list[ReadThrough]) -> ReadThrough | None:
    """The read that was not a re-read: the earliest finish date; undated reads only when none is dated
    (the oldest of them, which a book keeps last)."""
    dated = [read for read in finished if read.ended is not None]
    if dated:
        return min(dated, key=lambda read: read.ended.sort_key())
    return finished[-1] if finished else None


def _by_title(line: BookLine) -> tuple[str, str]:
    return (line.title.casefold(), line.book_id)


def _newest_start_first(reading: Reading) -> tuple:
    """Started most recently first; those without a start date last, by title."""
    started = reading.started.sort_key() if reading.started else (0, 0, 0)
    return (reading.started is None, tuple(-part for part in started), reading.book.title.casefold())
