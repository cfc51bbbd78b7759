"""Import jobs: upload a file, preview what it would do, run it in chunks, repair bad rows.

Nothing is written to the library before the reader starts the job. Each chunk (`run_next_chunk`,
one per poll of the progress page) takes the job's lease in SQL, reads its rows again from SQL,
reads their books in one batch, adds the new ones in batches and saves the updated ones one by
one (conditionally, on their version), then records the rows' outcomes and moves the cursor. A
chunk cut short (a worker killed) is simply run again when the lease runs out: each row writes
the same book under the same id, and a book already there is merged, which changes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Row

from bookapp.books import Book, BookChanged, BookNotFound, BookRepository, Status
from bookapp.books.imports.landing import (
    KNOWN_SHELVES,
    ExistingBooks,
    Landing,
    LibraryIndex,
    ShelfChoice,
    book_for,
    conflict,
    imported_book_id,
    merged,
    row_identity,
)
from bookapp.books.imports.rows import FileRefused, ImportedBook, RowError, SourceRow
from bookapp.books.imports.sources import FORMATS, SourceFormat, open_file, parse_book
from bookapp.books.record import RecordError
from bookapp.imports import repository
from bookapp.imports.models import ImportJob, ImportRow, JobState, RowKind, RowOutcome

# Rows per poll of the progress page: about a second of work, so the bar moves and a worker is
# never held long.
CHUNK_ROWS = 400
LEASE_SECONDS = 60
FIRST_ROWS_SHOWN = 10
CONFLICTS_SHOWN = 50


def upload(user_id: int, filename: str, data: bytes) -> ImportJob:
    """A job in preview for an uploaded file; FileRefused (nothing stored) when it is no export."""
    source_file = open_file(data)
    try:
        job = repository.create_job(user_id, source_file.source.name, filename, source_file.rows)
    except FileRefused:
        repository.forget_unsaved()  # the rows stored before the bad line go too
        raise
    if job is None:  # open_file saw a row; only a file changed under it could get here
        raise FileRefused(f"This {source_file.source.label} has no books in it: only its header row.")
    return job


def source_of(job: ImportJob) -> SourceFormat:
    return FORMATS[job.source]


def landing_of(job: ImportJob) -> Landing:
    stored = json.loads(job.choices or "{}")
    return Landing(
        existing=ExistingBooks(stored.get("existing", ExistingBooks.UPDATE.value)),
        shelves={
            shelf: ShelfChoice(Status(choice["status"]), bool(choice["keep_as_tag"]))
            for shelf, choice in stored.get("shelves", {}).items()
        },
    )


def _choices_json(landing: Landing) -> dict[str, Any]:
    return {
        "existing": landing.existing.value,
        "shelves": {
            shelf: {"status": choice.status.value, "keep_as_tag": choice.keep_as_tag}
            for shelf, choice in landing.shelves.items()
        },
    }


def _parsed(job: ImportJob, row: ImportRow | Row, this_year: int) -> ImportedBook | RowError:
    if row.unreadable:
        return RowError(row.line, row.reason)
    return parse_book(source_of(job), SourceRow(row.line, json.loads(row.cells)), this_year)


@dataclasses.dataclass(frozen=True)
class PlannedRow:
    """One row of a job as it would land: its book, or why it cannot."""

    line: int
    kind: RowKind | None = None
    book: Book | None = None  # as the file has it
    here: Book | None = None  # the library's book it matches (kind LIBRARY)
    error: str = ""

    @property
    def lands_as(self) -> Book | None:
        """The book after the import, as far as the library is known now."""
        if self.here is not None and self.book is not None:
            try:
                return merged(self.here, self.book)
            except RecordError:
                return None
        return self.book


def plan(
    job: ImportJob, landing: Landing, library: Iterable[Book], user_id: str, today: dt.date
) -> Iterator[PlannedRow]:
    """Each row of the job matched against the library (by ISBN-13, else title and author folded)
    and against the rows before it, with the book it would land as."""
    library_ids = {book.book_id: book for book in library}
    index = LibraryIndex(library_ids.values())
    new_ids: set[str] = set()
    for row in repository.rows_of(job.id):
        imported = _parsed(job, row, today.year)
        if isinstance(imported, RowError):
            yield PlannedRow(row.line, error=imported.reason)
            continue
        book_id = imported_book_id(user_id, row_identity(job.source, imported, str(job.id)))
        match = index.match(imported.title, imported.author, imported.isbn13)
        if match is None and book_id in library_ids:
            match = book_id  # imported before under the same id, and renamed since
        try:
            book = book_for(imported, landing, user_id=user_id, book_id=match or book_id)
        except RecordError as error:
            yield PlannedRow(row.line, error=error.message)
            continue
        if match is None:
            index.add(book.book_id, book.title, book.author, book.isbn13)
            new_ids.add(book.book_id)
            yield PlannedRow(row.line, RowKind.NEW, book)
        elif match in new_ids:
            yield PlannedRow(row.line, RowKind.REPEAT, book)
        else:
            yield PlannedRow(row.line, RowKind.LIBRARY, book, here=library_ids[match])


@dataclasses.dataclass(frozen=True)
class Conflict:
    line: int
    title: str
    message: str


@dataclasses.dataclass
class Preview:
    """What starting the job would do, for the reader to check first."""

    total: int = 0
    by_status: dict[Status, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(Status, 0))
    already_here: int = 0
    repeats: int = 0
    bad_rows: int = 0
    shelves: dict[str, int] = dataclasses.field(default_factory=dict)
    first_rows: list[PlannedRow] = dataclasses.field(default_factory=list)
    conflicts: list[Conflict] = dataclasses.field(default_factory=list)
    conflict_count: int = 0


def preview(
    job: ImportJob, landing: Landing, shelves: dict[str, int], books: BookRepository, user_id: str, today: dt.date
) -> Preview:
    """The preview of a job with the reader's choices (`shelves`: `shelves_of(job)`): nothing is written."""
    result = Preview(total=job.total_rows, shelves=shelves)
    for planned in plan(job, landing, books.all_for_user(user_id), user_id, today):
        if len(result.first_rows) < FIRST_ROWS_SHOWN:
            result.first_rows.append(planned)
        if planned.error:
            result.bad_rows += 1
            continue
        if planned.kind is RowKind.REPEAT:
            result.repeats += 1
            continue
        if planned.kind is RowKind.LIBRARY:
            result.already_here += 1
            message = conflict(planned.here, planned.book.status)
            if message:
                result.conflict_count += 1
                if len(result.conflicts) < CONFLICTS_SHOWN:
                    result.conflicts.append(Conflict(planned.line, planned.here.title, message))
            if landing.existing is ExistingBooks.SKIP:
                continue
        landed = planned.lands_as
        if landed is not None:
            result.by_status[landed.status] += 1
    return result


def shelves_of(job: ImportJob) -> dict[str, int]:
    """The shelves of the file the app does not know, with how many books each holds (read from
    the shelf's cell alone: no row is parsed for it)."""
    column = source_of(job).shelf_column
    counted: dict[str, int] = {}
    for row in repository.rows_of(job.id):
        shelf = json.loads(row.cells or "{}").get(column, "").strip().lower() or "to-read"
        if not row.unreadable and shelf not in KNOWN_SHELVES:
            counted[shelf] = counted.get(shelf, 0) + 1
    return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))


def start(job: ImportJob, landing: Landing, books: BookRepository, user_id: str, today: dt.date) -> bool:
    """Fix each row's book (new, already in the library, or a repeat of an earlier row) and set the
    job running; False when it is not in preview any more (a double submit)."""
    if job.state != JobState.PREVIEW.value:
        return False
    # All planned first: the plan reads the rows that the targets are then written to.
    targets = {
        planned.line: {"kind": planned.kind.value, "book_id": planned.book.book_id}
        for planned in plan(job, landing, books.all_for_user(user_id), user_id, today)
        if planned.kind is not None
    }
    repository.start_job(job, _choices_json(landing), targets)
    return True


def run_next_chunk(job: ImportJob, books: BookRepository, user_id: str, now: dt.datetime) -> bool:
    """Import the job's next chunk of rows, unless another worker is at it; False when it did nothing.
    When no rows are left the job is done, and the reader's counters are counted afresh."""
    if job.state != JobState.RUNNING.value or not repository.take_lease(job, now, LEASE_SECONDS):
        return False
    try:
        rows = repository.rows_after(job.id, job.cursor_line, CHUNK_ROWS)
        if not rows:
            books.recount(user_id)
            repository.finish_job(job, JobState.DONE)
            return True
        outcomes = _import_rows(job, rows, books, user_id, now.date())
        repository.record_chunk(job, outcomes, rows[-1].line)
        return True
    except BaseException:
        repository.release(job)
        raise


def _import_rows(
    job: ImportJob, rows: list[ImportRow], books: BookRepository, user_id: str, today: dt.date
) -> dict[int, tuple[RowOutcome, str]]:
    landing = landing_of(job)
    stored = books.get_many(user_id, [row.book_id for row in rows if row.book_id])
    current: dict[str, Book] = {}  # each book as this chunk leaves it
    outcomes: dict[int, tuple[RowOutcome, str]] = {}
    for row in rows:
        imported = _parsed(job, row, today.year)
        if isinstance(imported, RowError):
            outcomes[row.line] = (RowOutcome.FAILED, imported.reason)
            continue
        if row.kind == RowKind.LIBRARY and landing.existing is ExistingBooks.SKIP:
            outcomes[row.line] = (RowOutcome.SKIPPED, "")
            continue
        # A row the plan could not land has no book: landing it again says why (its tags, say).
        book_id = row.book_id or imported_book_id(user_id, row_identity(job.source, imported, str(job.id)))
        try:
            incoming = book_for(imported, landing, user_id=user_id, book_id=book_id)
            before = current.get(book_id) or stored.get(book_id)
            after = incoming if before is None else merged(before, incoming)
        except RecordError as error:
            outcomes[row.line] = (RowOutcome.FAILED, error.message)
            continue
        current[book_id] = after
        outcomes[row.line] = (_outcome(RowKind(row.kind or RowKind.NEW.value), before, after), "")
    new = [book for book_id, book in current.items() if book_id not in stored]
    books.add_many(user_id, new)
    for book_id, book in current.items():
        if book_id in stored and book != stored[book_id]:
            failure = _save(books, book, stored[book_id])
            if failure:
                for row in rows:
                    if row.book_id == book_id and outcomes[row.line][0] is not RowOutcome.FAILED:
                        outcomes[row.line] = (RowOutcome.FAILED, failure)
    return outcomes


def _outcome(kind: RowKind, before: Book | None, after: Book) -> RowOutcome:
    if kind is RowKind.NEW:
        return RowOutcome.CREATED  # also when a cut-short run of this chunk had stored it already
    if before is not None and after == before:
        return RowOutcome.UNCHANGED
    return RowOutcome.UPDATED


def _save(books: BookRepository, book: Book, seen: Book) -> str:
    """Save a merged book as it was read; "" when saved, else why not (for the repair list)."""
    try:
        books.save(book, seen.version)
        return ""
    except BookChanged:
        return "The book changed in the library while it was imported: import this row again."
    except BookNotFound:
        return "The book was deleted from the library while it was imported: import this row again."


def cancel(job: ImportJob, books: BookRepository, user_id: str) -> bool:
    """Stop a job; what it imported stays. False when it had ended already."""
    if job.state not in (JobState.PREVIEW.value, JobState.RUNNING.value):
        return False
    was_running = job.state == JobState.RUNNING.value
    repository.finish_job(job, JobState.CANCELLED)
    if was_running:
        books.recount(user_id)
    return True


def repair(
    job: ImportJob, row: ImportRow, cells: dict[str, str], books: BookRepository, user_id: str, today: dt.date
) -> str:
    """Import a failed row with the reader's corrections of its cells; "" when imported, else why not
    (the row stays on the repair list with the new reason and its cells as the reader left them)."""
    row.cells = json.dumps({**json.loads(row.cells or "{}"), **cells})
    row.unreadable = False
    imported = _parsed(job, row, today.year)
    if isinstance(imported, RowError):
        repository.record_row(job, row, RowOutcome.FAILED, imported.reason)
        return imported.reason
    landing = landing_of(job)
    library = {book.book_id: book for book in books.all_for_user(user_id)}
    book_id = imported_book_id(user_id, row_identity(job.source, imported, str(job.id)))
    match = LibraryIndex(library.values()).match(imported.title, imported.author, imported.isbn13)
    here = library.get(match or book_id)
    try:
        incoming = book_for(imported, landing, user_id=user_id, book_id=here.book_id if here else book_id)
        failure = _save(books, merged(here, incoming), here) if here else ""
        if not here:
            books.add_many(user_id, [incoming])
    except RecordError as error:
        failure = error.message
    if failure:
        repository.record_row(job, row, RowOutcome.FAILED, failure)
        return failure
    row.book_id = (here or incoming).book_id
    repository.record_row(job, row, RowOutcome.REPAIRED)
    return ""


def dismiss(job: ImportJob, row: ImportRow) -> None:
    repository.record_row(job, row, RowOutcome.DISMISSED, row.reason)
