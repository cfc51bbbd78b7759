"""One row of a Goodreads library export ("Export Library", goodreads_library_export.csv)."""

from __future__ import annotations

from bookapp.books.imports.common_fields import (
    author_of,
    format_of,
    notes_of,
    series_of,
    tags_of,
    title_of,
    whole_star_rating,
)
from bookapp.books.imports.rows import ImportedBook, RowChecks, SourceRow, source_date, text_cell, whole_count
from bookapp.books.reads import MAX_READ_THROUGHS, Outcome, ReadThrough
from bookapp.books.record import normalize_isbn, parse_pages, parse_year_published

NAME = "goodreads"
LABEL = "Goodreads library export"
# What tells a Goodreads export from any other CSV, and what a row cannot do without.
REQUIRED_COLUMNS = ("Book Id", "Title", "Author", "Exclusive Shelf")
# The exclusive shelves every Goodreads account has; a custom exclusive shelf is the reader's to map.
STANDARD_SHELVES = ("to-read", "currently-reading", "read")
# The cells a reader can correct on the repair list (a review is not: it is rarely what is wrong).
EDITABLE_COLUMNS = (
    "Title", "Author", "Exclusive Shelf", "ISBN13", "My Rating", "Date Read", "Date Added",
    "Read Count", "Number of Pages", "Original Publication Year", "Bookshelves",
)  # fmt: skip


def parse_row(row: SourceRow, this_year: int) -> ImportedBook:
    """The book a row describes; raises RowRefused listing everything wrong with it."""
    checks = RowChecks()
    title = checks.take("Title", title_of, text_cell(row, "Title"), default="")
    author = checks.take("Author", author_of, text_cell(row, "Author"), "Author", default="")
    shelf = text_cell(row, "Exclusive Shelf").lower() or "to-read"
    isbn13 = checks.take("ISBN13", normalize_isbn, text_cell(row, "ISBN13"), default="")
    if not isbn13:
        isbn13 = checks.take("ISBN", normalize_isbn, text_cell(row, "ISBN"), default="")
    year_text = text_cell(row, "Original Publication Year") or text_cell(row, "Year Published")
    date_read = checks.take("Date Read", source_date, text_cell(row, "Date Read"), "Date Read")
    date_added = checks.take("Date Added", source_date, text_cell(row, "Date Added"), "Date Added")
    owned_copies = checks.take("Owned Copies", whole_count, text_cell(row, "Owned Copies"), "Owned Copies", 10**6)
    series, series_number = series_of(title)
    book = ImportedBook(
        line=row.line,
        title=title,
        author=author,
        shelf=shelf,
        source_id=text_cell(row, "Book Id"),
        isbn13=isbn13,
        pages=checks.take("Number of Pages", parse_pages, text_cell(row, "Number of Pages")),
        year_published=checks.take("Year", parse_year_published, year_text, this_year),
        series=series,
        series_number=series_number,
        format=format_of(text_cell(row, "Binding")),
        owned=bool(owned_copies),
        rating=checks.take("My Rating", whole_star_rating, text_cell(row, "My Rating"), "My Rating"),
        notes=checks.take(
            "My Review", notes_of, text_cell(row, "My Review"), text_cell(row, "Private Notes"), default=""
        ),
        tags=checks.take(
            "Bookshelves",
            tags_of,
            text_cell(row, "Bookshelves"),
            "Bookshelves",
            {*STANDARD_SHELVES, shelf},
            default=(),
        ),
        # Goodreads keeps only the last finish date; earlier reads are in Read Count alone.
        dated_reads=(ReadThrough(Outcome.FINISHED, ended=date_read),) if date_read else (),
        read_count=checks.take(
            "Read Count", whole_count, text_cell(row, "Read Count"), "Read Count", MAX_READ_THROUGHS, default=0
        ),
        added=date_added.earliest() if date_added else None,
    )
    checks.done()
    return book
