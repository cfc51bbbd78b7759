"""Which tracker an export file comes from, told by its header row, and the file read whole."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator

from bookapp.books.imports import goodreads, storygraph
from bookapp.books.imports.rows import (
    FileRefused,
    ImportedBook,
    RowError,
    RowRefused,
    SourceRow,
    decode,
    read_rows,
)


@dataclasses.dataclass(frozen=True)
class SourceFormat:
    name: str
    label: str
    required_columns: tuple[str, ...]
    standard_shelves: tuple[str, ...]
    editable_columns: tuple[str, ...]
    shelf_column: str
    parse_row: Callable[[SourceRow, int], ImportedBook]


GOODREADS = SourceFormat(
    goodreads.NAME,
    goodreads.LABEL,
    goodreads.REQUIRED_COLUMNS,
    goodreads.STANDARD_SHELVES,
    goodreads.EDITABLE_COLUMNS,
    "Exclusive Shelf",
    goodreads.parse_row,
)
STORYGRAPH = SourceFormat(
    storygraph.NAME,
    storygraph.LABEL,
    storygraph.REQUIRED_COLUMNS,
    storygraph.STANDARD_SHELVES,
    storygraph.EDITABLE_COLUMNS,
    "Read Status",
    storygraph.parse_row,
)
FORMATS = {source.name: source for source in (GOODREADS, STORYGRAPH)}


def _expected_columns() -> str:
    return "; ".join(f"a {source.label} has {', '.join(source.required_columns)}" for source in FORMATS.values())


def recognise(header: list[str]) -> SourceFormat:
    """The format whose columns the header has; FileRefused naming the expected columns otherwise."""
    columns = set(header)
    for source in FORMATS.values():
        if columns.issuperset(source.required_columns):
            return source
    raise FileRefused(
        "This CSV file is not a Goodreads or StoryGraph export: its first row should name the columns "
        f"({_expected_columns()}). Its first row has: {', '.join(header[:8]) or 'nothing'}"
        + ("…" if len(header) > 8 else ".")
    )


def parse_book(source: SourceFormat, row: SourceRow, this_year: int) -> ImportedBook | RowError:
    """One row as a book, or why it is not one."""
    try:
        return source.parse_row(row, this_year)
    except RowRefused as refused:
        return RowError(row.line, refused.reason, refused.errors[0].field)


@dataclasses.dataclass(frozen=True)
class SourceFile:
    """An export file, recognised: its format, and its rows (each still cells, or already an error),
    read as they are asked for, so a large file is never held as rows all at once."""

    source: SourceFormat
    rows: Iterator[SourceRow | RowError]


def open_file(data: bytes) -> SourceFile:
    """Decode an uploaded file and recognise its format; FileRefused when it is no export we read, or
    holds no rows."""
    header, rows = read_rows(decode(data))
    source = recognise(header)
    first = next(rows, None)
    if first is None:
        raise FileRefused(f"This {source.label} has no books in it: only its header row.")
    return SourceFile(source, itertools.chain([first], rows))


def parse_rows(
    source: SourceFormat, rows: Iterable[SourceRow | RowError], this_year: int
) -> Iterator[ImportedBook | RowError]:
    for row in rows:
        yield row if isinstance(row, RowError) else parse_book(source, row, this_year)
