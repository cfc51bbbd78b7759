"""A reader's library as Goodreads' "Export Library" CSV, the file Goodreads, The StoryGraph and
BookWyrm all import: the same columns in the same order, a row per book, written a book at a time.

What the format cannot carry (docs/export-format.md has the whole list): partial dates (only whole
days are written), every read-through but the latest finished one's end date, the start dates,
half stars (rounded half up: 4.5 is written as 5), series and its number, progress, and the order
of the cards in a column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from ulid import ULID

from bookapp.books.model import Book, Status
from bookapp.books.reads import Outcome
from bookapp.books.record import BookFormat, PartialDate, isbn10_of
from bookapp.books.spreadsheet_cells import defuse

# The header row of Goodreads' own export, exactly.
GOODREADS_COLUMNS = (
    "Book Id", "Title", "Author", "Author l-f", "Additional Authors", "ISBN", "ISBN13", "My Rating",
    "Average Rating", "Publisher", "Binding", "Number of Pages", "Year Published", "Original Publication Year",
    "Date Read", "Date Added", "Bookshelves", "Bookshelves with positions", "Exclusive Shelf", "My Review",
    "Spoiler", "Private Notes", "Read Count", "Recommended For", "Recommended By", "Owned Copies",
    "Original Purchase Date", "Original Purchase Location", "Condition", "Condition Description", "BCID",
)  # fmt: skip

# Goodreads' three exclusive shelves; Did not finish becomes a custom exclusive shelf, as Goodreads
# readers make it themselves (and The StoryGraph's importer recognises it by this name).
EXCLUSIVE_SHELVES = {
    Status.NOT_STARTED: "to-read",
    Status.READING: "currently-reading",
    Status.FINISHED: "read",
    Status.DID_NOT_FINISH: "did-not-finish",
}
BINDINGS = {BookFormat.PAPER: "Paperback", BookFormat.EBOOK: "ebook", BookFormat.AUDIOBOOK: "Audiobook"}


def goodreads_date(date: PartialDate | None) -> str:
    """A whole day as Goodreads writes it (2019/07/14); "" for a year or a month alone, which the format
    has no way to say (writing the 1st would make up a day)."""
    if date is None or date.day is None:
        return ""
    return f"{date.year:04d}/{date.month:02d}/{date.day:02d}"


def whole_stars(rating: Decimal | None) -> int:
    """Goodreads has whole stars only, and 0 for none: half stars round up (0.5 is 1 star, not "unrated")."""
    return int(rating.quantize(Decimal(1), rounding=ROUND_HALF_UP)) if rating is not None else 0


def spreadsheet_isbn(isbn: str | None) -> str:
    """Goodreads' ="…" wrapping, which keeps a spreadsheet from dropping leading zeros; ="" for none."""
    return f'="{isbn or ""}"'


def author_last_first(author: str) -> str:
    """ "Le Guin, Ursula K."-style sorting name as Goodreads makes it: the last word first."""
    words = author.split()
    return f"{words[-1]}, {' '.join(words[:-1])}" if len(words) > 1 else author


def date_added(book: Book) -> str:
    """The day the book was first added: its id is a ULID, which starts with the time it was made."""
    day = ULID.from_str(book.book_id).datetime.date()
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def _latest_finished_day(book: Book) -> str:
    finished = [read.ended for read in book.reads if read.outcome is Outcome.FINISHED and read.ended]
    return goodreads_date(max(finished)) if finished else ""


def goodreads_row(book: Book) -> list[str]:
    """One book as a row of GOODREADS_COLUMNS. Every text cell is defused (spreadsheet_cells.py); the
    ISBN cells are Goodreads' ="…" formulas on purpose, and hold digits only."""
    shelf = EXCLUSIVE_SHELVES[book.status]
    shelves = [*book.tags, shelf] if book.status is Status.DID_NOT_FINISH else list(book.tags)
    positions = [shelf, *(tag for tag in shelves if tag != shelf)]
    year = str(book.year_published) if book.year_published is not None else ""
    row = {
        "Title": defuse(book.title),
        "Author": defuse(book.author),
        "Author l-f": defuse(author_last_first(book.author)),
        "ISBN": spreadsheet_isbn(isbn10_of(book.isbn13)),
        "ISBN13": spreadsheet_isbn(book.isbn13),
        "My Rating": str(whole_stars(book.rating)),
        "Binding": BINDINGS.get(book.format, ""),
        "Number of Pages": str(book.pages) if book.pages is not None else "",
        "Year Published": year,
        "Original Publication Year": year,
        "Date Read": _latest_finished_day(book),
        "Date Added": date_added(book),
        "Bookshelves": defuse(", ".join(shelves)),
        "Bookshelves with positions": defuse(", ".join(f"{name} (#{n})" for n, name in enumerate(positions, 1))),
        "Exclusive Shelf": shelf,
        # The notes are private: Goodreads shows "My Review" to everyone, so they go to Private Notes.
        "Private Notes": defuse(book.notes),
        "Read Count": str(book.times_finished),
        "Owned Copies": "1" if book.owned else "0",
    }
    return [row.get(column, "") for column in GOODREADS_COLUMNS]


def goodreads_csv_lines(pages: Iterable[list[Book]]) -> Iterator[str]:
    """The CSV file as text to send as it is made: the header, then one chunk per page of books."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # Goodreads' own file has LF line ends

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(GOODREADS_COLUMNS)
    yield taken()
    for page in pages:
        writer.writerows(goodreads_row(book) for book in page)
        yield taken()
