"""Where an imported book lands in a reader's library: its column (the reader maps shelves the app
does not know), its read-throughs, its id and place, and how it merges with a book already there.

Re-importing is safe: a merge never moves a book backwards (finished here stays finished when the
file says to-read) and never drops a read-through; the file adds the reads the library lacks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import re
from collections.abc import Iterable

from ulid import ULID

from bookapp.books.imports.rows import ImportedBook
from bookapp.books.model import Book, Status
from bookapp.books.reads import MAX_READ_THROUGHS, Outcome, ReadThrough, newest_first
from bookapp.books.record import RecordError, clean_notes, normalize_tags
from bookapp.books.search import fold

# The shelves both trackers share, and where they land.
KNOWN_SHELVES = {"to-read": Status.NOT_STARTED, "currently-reading": Status.READING, "read": Status.FINISHED}
# Unknown shelves whose name says the book was given up start mapped to Did not finish.
_GIVEN_UP = re.compile(r"did-?not-?finish|\bdnf\b|abandon|gave-?up|given-?up", re.IGNORECASE)
# How far along a book is: a merge keeps the further of the two. A book given up was started, and a
# finished one is further still (a re-read given up does not undo the finish).
PROGRESS_ORDER = {Status.NOT_STARTED: 0, Status.READING: 1, Status.DID_NOT_FINISH: 2, Status.FINISHED: 3}


class ExistingBooks(enum.StrEnum):
    """What to do with a row whose book the library has already."""

    SKIP = "skip"
    UPDATE = "update"


@dataclasses.dataclass(frozen=True)
class ShelfChoice:
    """Where books on a shelf the app does not know land, and whether the shelf becomes a tag."""

    status: Status
    keep_as_tag: bool = True


def default_choice(shelf: str) -> ShelfChoice:
    """What the preview offers first: a shelf that says the book was given up is the Did not finish
    shelf itself (no tag needed); any other lands in Not started and stays a tag, so it is not lost."""
    if _GIVEN_UP.search(shelf):
        return ShelfChoice(Status.DID_NOT_FINISH, keep_as_tag=False)
    return ShelfChoice(Status.NOT_STARTED, keep_as_tag=True)


@dataclasses.dataclass(frozen=True)
class Landing:
    """The reader's choices for one import."""

    existing: ExistingBooks = ExistingBooks.UPDATE
    shelves: dict[str, ShelfChoice] = dataclasses.field(default_factory=dict)

    def status_of(self, shelf: str) -> Status:
        if shelf in KNOWN_SHELVES:
            return KNOWN_SHELVES[shelf]
        return self.shelves.get(shelf, default_choice(shelf)).status

    def tag_of(self, shelf: str) -> str | None:
        if shelf in KNOWN_SHELVES:
            return None
        return shelf if self.shelves.get(shelf, default_choice(shelf)).keep_as_tag else None


def unknown_shelves(books: Iterable[ImportedBook]) -> dict[str, int]:
    """The shelves the app does not know, with how many books each holds, most first."""
    counted: dict[str, int] = {}
    for book in books:
        if book.shelf not in KNOWN_SHELVES:
            counted[book.shelf] = counted.get(book.shelf, 0) + 1
    return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))


def imported_reads(book: ImportedBook, status: Status) -> tuple[ReadThrough, ...]:
    """The read-throughs a row gives a book in `status`: its dated reads; undated finished ones for a
    read count above them; a read under way in Reading; a given-up one in Did not finish (the newest
    dated read, when there is one). A finished book has at least one finished read."""
    dated = list(book.dated_reads)
    undated_count = max(0, book.read_count - len(dated))
    reads: list[ReadThrough] = []
    if status is Status.DID_NOT_FINISH:
        given_up = dated.pop(0) if dated else ReadThrough(Outcome.FINISHED)
        reads.append(dataclasses.replace(given_up, outcome=Outcome.DID_NOT_FINISH))
    if status is Status.READING:
        reads.append(ReadThrough(Outcome.READING, started=book.open_started))
    reads.extend(dated)
    reads.extend(ReadThrough(Outcome.FINISHED) for _ in range(undated_count))
    if status is Status.FINISHED and not any(read.outcome is Outcome.FINISHED for read in reads):
        reads.append(ReadThrough(Outcome.FINISHED))
    if len(reads) > MAX_READ_THROUGHS:
        raise RecordError(f"Read Count: a book keeps up to {MAX_READ_THROUGHS} read-throughs.", "Read Count")
    return newest_first(reads)


def imported_book_id(user_id: str, identity: str) -> str:
    """The same book id for the same row every time (a ULID-shaped digest), so that running an import
    again, or a chunk of it, writes the same books again instead of new ones."""
    digest = hashlib.sha256(f"{user_id}\x00{identity}".encode()).digest()[:16]
    return str(ULID.from_bytes(digest))


def row_identity(source_name: str, book: ImportedBook, job_key: str) -> str:
    """What names a row's book: the source's own id when it has one, else the job and the line."""
    if book.source_id:
        return f"{source_name}:{book.source_id}"
    return f"job:{job_key}:{book.line}"


_EPOCH = dt.date(1970, 1, 1)


def imported_rank(book: ImportedBook) -> str:
    """A column rank from the date the book was added in the source, so a column keeps the source's
    order (newest added on top, below books added here since); rows of one day in file order. Ranks
    of the same shape as `new_column_rank`."""
    added = book.added or _EPOCH
    nanoseconds = (added - _EPOCH).days * 86_400 * 10**9 + max(0, 10**9 - book.line)
    return f"{max(nanoseconds, 1):020d}5"


def book_for(book: ImportedBook, landing: Landing, *, user_id: str, book_id: str) -> Book:
    """The book a row lands as in an empty library. Raises RecordError when the shelf's tag breaks
    the tag limits."""
    status = landing.status_of(book.shelf)
    tag = landing.tag_of(book.shelf)
    return Book(
        user_id=user_id,
        book_id=book_id,
        title=book.title,
        author=book.author,
        status=status,
        column_rank=imported_rank(book),
        version=1,
        reads=imported_reads(book, status),
        isbn13=book.isbn13,
        pages=book.pages,
        year_published=book.year_published,
        series=book.series,
        series_number=book.series_number,
        format=book.format,
        owned=book.owned,
        rating=book.rating,
        notes=book.notes,
        tags=normalize_tags([*book.tags, tag]) if tag else book.tags,
    )


def title_author_key(title: str, author: str) -> str:
    """Title and author as a match compares them: folded for case, accents and punctuation."""

    def folded(text: str) -> str:
        return " ".join(re.sub(r"[\W_]+", " ", fold(text)).split())

    return f"{folded(title)}|{folded(author)}"


class LibraryIndex:
    """Book ids found by ISBN-13, else by title and author folded: a reader's library, and the new
    books of a file as it is read (ids and keys only, so a file of 10,000 rows stays small)."""

    def __init__(self, books: Iterable[Book] = ()):
        self._by_isbn: dict[str, str] = {}
        self._by_title_author: dict[str, str] = {}
        for book in books:
            self.add(book.book_id, book.title, book.author, book.isbn13)

    def add(self, book_id: str, title: str, author: str, isbn13: str) -> None:
        if isbn13:
            self._by_isbn.setdefault(isbn13, book_id)
        self._by_title_author.setdefault(title_author_key(title, author), book_id)

    def match(self, title: str, author: str, isbn13: str) -> str | None:
        found = self._by_isbn.get(isbn13) if isbn13 else None
        return found or self._by_title_author.get(title_author_key(title, author))


def stays(here: Status, file_status: Status) -> bool:
    """Whether the file's column would move a book here backwards, so that it stays where it is."""
    return PROGRESS_ORDER[file_status] < PROGRESS_ORDER[here]


def conflict(here: Book, file_status: Status) -> str | None:
    """What the preview says about a book the file would move backwards."""
    if not stays(here.status, file_status):
        return None
    return f"{here.status.label} here, {file_status.label} in the file → stays {here.status.label}"


def _read_fits(here: ReadThrough, incoming: ReadThrough) -> bool:
    """Whether the library's read is the file's read (the file may know fewer of its dates)."""
    return (
        here.outcome is incoming.outcome
        and incoming.started in (None, here.started)
        and incoming.ended in (None, here.ended)
    )


def _merged_reads(here: Book, incoming: Book, status: Status) -> tuple[ReadThrough, ...]:
    kept = [read for read in here.reads if not read.is_open]
    unmatched = list(kept)
    added: list[ReadThrough] = []
    # Dated reads first, so that an undated one in the file pairs with a read no dated one took.
    for read in sorted(
        (read for read in incoming.reads if not read.is_open), key=lambda read: read.sort_key()[1], reverse=True
    ):
        fit = next((candidate for candidate in unmatched if _read_fits(candidate, read)), None)
        if fit is None:
            added.append(read)
        else:
            unmatched.remove(fit)
    open_read = here.open_read or incoming.open_read
    if status is Status.READING:
        reads = [open_read or ReadThrough(Outcome.READING), *kept, *added]
    else:
        reads = [*kept, *added]
        if here.open_read is not None:
            # The read under way here ended as the file says: with the file's read of that outcome.
            outcome = Outcome.FINISHED if status is Status.FINISHED else Outcome.DID_NOT_FINISH
            ending = next(
                (read for read in added if read.outcome is outcome and read.started in (None, here.open_read.started)),
                None,
            )
            if ending is not None:
                reads.remove(ending)
            ended = ending.ended if ending else None
            reads.append(dataclasses.replace(here.open_read, outcome=outcome, ended=ended))
    if len(reads) > MAX_READ_THROUGHS:
        raise RecordError(
            f"With the reads here, this book would have over {MAX_READ_THROUGHS} read-throughs.", "Read Count"
        )
    return newest_first(reads)


def merged(here: Book, incoming: Book) -> Book:
    """The library's book updated from the file: the further column, every read-through of both,
    both books' tags, the file's facts where it has them, the file's notes added unless already
    there. The title, author and place in its column stay the reader's."""
    status = here.status if PROGRESS_ORDER[here.status] >= PROGRESS_ORDER[incoming.status] else incoming.status
    notes = here.notes
    if incoming.notes and incoming.notes not in here.notes:
        notes = clean_notes(f"{here.notes}\n\n{incoming.notes}" if here.notes else incoming.notes)
    try:
        tags = normalize_tags([*here.tags, *incoming.tags])
    except RecordError as error:
        raise RecordError(f"With the tags here: {error.message}", "Tags") from None
    return dataclasses.replace(
        here,
        status=status,
        column_rank=here.column_rank if status == here.status else incoming.column_rank,
        reads=_merged_reads(here, incoming, status),
        isbn13=incoming.isbn13 or here.isbn13,
        pages=incoming.pages or here.pages,
        year_published=incoming.year_published if incoming.year_published is not None else here.year_published,
        series=incoming.series or here.series,
        series_number=incoming.series_number if incoming.series_number is not None else here.series_number,
        format=incoming.format or here.format,
        owned=incoming.owned or here.owned,
        rating=incoming.rating if incoming.rating is not None else here.rating,
        notes=notes,
        tags=tags,
    )
