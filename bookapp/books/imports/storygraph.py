"""One row of a StoryGraph export ("Export StoryGraph Library")."""

from __future__ import annotations

from bookapp.books.imports.common_fields import (
    author_of,
    format_of,
    notes_of,
    quarter_star_rating,
    tags_of,
    title_of,
)
from bookapp.books.imports.rows import (
    ImportedBook,
    RowChecks,
    SourceRow,
    source_date,
    text_cell,
    whole_count,
)
from bookapp.books.reads import MAX_READ_THROUGHS, Outcome, ReadThrough, newest_first
from bookapp.books.record import PartialDate, RecordError, finish_not_before_start, normalize_isbn

NAME = "storygraph"
LABEL = "StoryGraph export"
REQUIRED_COLUMNS = ("Title", "Authors", "Read Status")
STANDARD_SHELVES = ("to-read", "currently-reading", "read")
# The cells a reader can correct on the repair list.
EDITABLE_COLUMNS = (
    "Title", "Authors", "Read Status", "ISBN/UID", "Star Rating", "Dates Read", "Last Date Read",
    "Date Added", "Read Count", "Tags",
)  # fmt: skip


def _dates_read(text: str) -> tuple[tuple[ReadThrough, ...], PartialDate | None]:
    """StoryGraph's `Dates Read`: ranges "2019/04/24-2020/02/19", several for re-reads separated by
    ", ". A range without an end is the read under way: its start is returned apart."""
    reads: list[ReadThrough] = []
    open_started = None
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        start_text, _, end_text = part.partition("-")
        started = source_date(start_text, "Dates Read")
        ended = source_date(end_text, "Dates Read")
        if started is None and ended is None:
            raise RecordError(f"Dates Read “{part}” is not a range like 2019/04/24-2020/02/19.", "Dates Read")
        try:
            finish_not_before_start(started, ended)
        except RecordError:
            raise RecordError(f"Dates Read “{part}” ends before it starts.", "Dates Read") from None
        if ended is None and "-" in part and open_started is None:
            open_started = started
        else:
            reads.append(ReadThrough(Outcome.FINISHED, started=started, ended=ended))
    return newest_first(reads), open_started


def _isbn_and_id(text: str) -> tuple[str, str]:
    """StoryGraph's ISBN/UID holds an ISBN, or its own id for a book without one: both name the book."""
    try:
        return normalize_isbn(text), text
    except RecordError:
        return "", text


def parse_row(row: SourceRow, this_year: int) -> ImportedBook:
    """The book a row describes; raises RowRefused listing everything wrong with it."""
    checks = RowChecks()
    title = checks.take("Title", title_of, text_cell(row, "Title"), default="")
    shelf = text_cell(row, "Read Status").lower() or "to-read"
    isbn13, source_id = _isbn_and_id(text_cell(row, "ISBN/UID"))
    dated_reads, open_started = checks.take("Dates Read", _dates_read, text_cell(row, "Dates Read"), default=((), None))
    last_read = checks.take("Last Date Read", source_date, text_cell(row, "Last Date Read"), "Last Date Read")
    if not dated_reads and not open_started and last_read:
        dated_reads = (ReadThrough(Outcome.FINISHED, ended=last_read),)
    date_added = checks.take("Date Added", source_date, text_cell(row, "Date Added"), "Date Added")
    book = ImportedBook(
        line=row.line,
        title=title,
        author=checks.take("Authors", author_of, text_cell(row, "Authors"), "Authors", default=""),
        shelf=shelf,
        source_id=source_id,
        isbn13=isbn13,
        format=format_of(text_cell(row, "Format")),
        owned=text_cell(row, "Owned?").lower() == "yes",
        rating=checks.take("Star Rating", quarter_star_rating, text_cell(row, "Star Rating"), "Star Rating"),
        notes=checks.take("Review", notes_of, text_cell(row, "Review"), "", default=""),
        tags=checks.take("Tags", tags_of, text_cell(row, "Tags"), "Tags", set(), default=()),
        dated_reads=dated_reads,
        open_started=open_started,
        read_count=checks.take(
            "Read Count", whole_count, text_cell(row, "Read Count"), "Read Count", MAX_READ_THROUGHS, default=0
        ),
        added=date_added.earliest() if date_added else None,
    )
    checks.done()
    return book
