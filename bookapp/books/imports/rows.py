"""An uploaded export file as rows of cells, and the record one row describes.

The file is decoded (UTF-8, with or without a byte order mark) and read as CSV; each row keeps the
line it starts on, so that a reader can find it in their file. What is wrong with a row is a
`RecordError` from the parser, kept with its line (`RowError`): it never stops the other rows."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import Decimal

from bookapp.books.reads import ReadThrough
from bookapp.books.record import BookFormat, PartialDate, RecordError
from bookapp.books.spreadsheet_cells import undefuse

# The largest file a reader may upload: a library of 10,000 books with reviews is about 10 MB.
MAX_FILE_BYTES = 20 * 1024 * 1024
# A cell longer than any field of the record could hold (notes: 20,000 characters) is refused by
# the row's parser; this only keeps the csv module from refusing the whole file over one cell.
_CELL_LIMIT = 1024 * 1024
csv.field_size_limit(_CELL_LIMIT)


class FileRefused(ValueError):
    """The file as a whole cannot be imported; `message` says why, for the reader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclasses.dataclass(frozen=True)
class SourceRow:
    """One row of the file: the line it starts on (1 is the header) and its cells by column name."""

    line: int
    cells: dict[str, str]


@dataclasses.dataclass(frozen=True)
class RowError:
    """A row that could not be read: its line, and the reason, for the reader."""

    line: int
    reason: str
    field: str = ""
    cells: dict[str, str] | None = None  # what the row holds, when it could be split into cells


@dataclasses.dataclass(frozen=True)
class ImportedBook:
    """What one row of an export says about a book, before it is given a place in a library.

    `shelf` is the source's own status or exclusive shelf, as written ("to-read", "paused"); where it
    lands is the reader's choice for shelves the app does not know (landing.py)."""

    line: int
    title: str
    author: str
    shelf: str
    source_id: str = ""  # the source's own id of the book, when it has one
    isbn13: str = ""
    pages: int | None = None
    year_published: int | None = None
    series: str = ""
    series_number: Decimal | None = None
    format: BookFormat | None = None
    owned: bool = False
    rating: Decimal | None = None
    notes: str = ""
    tags: tuple[str, ...] = ()
    # Dated reads the file lists (finished, unless the shelf says otherwise), newest first.
    dated_reads: tuple[ReadThrough, ...] = ()
    # The start of the read under way, when the file says (a StoryGraph range with no end).
    open_started: PartialDate | None = None
    # How many times the file says the book was read (finished): more than the dated reads are undated.
    read_count: int = 0
    added: dt.date | None = None


def decode(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte order mark. Refuses anything else, and files
    that are empty or are not text."""
    if not data.strip():
        raise FileRefused("The file is empty: export your library again and upload the .csv file.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(
            "The file is in UTF-16, not UTF-8: export it again from Goodreads or StoryGraph, "
            "or save it as “CSV UTF-8” in your spreadsheet."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileRefused(
            f"The file is not UTF-8 text (line {line} has a byte that UTF-8 cannot have): "
            "export it again, or save it as “CSV UTF-8” in your spreadsheet."
        ) from None
    if "\x00" in text:
        raise FileRefused("This is not a CSV file (it holds binary data): upload the .csv file of your export.")
    return text


def read_rows(text: str) -> tuple[list[str], Iterator[SourceRow | RowError]]:
    """The header and the rows of a CSV text. Blank lines are skipped; a row with more cells than the
    header names (an unquoted comma) is a `RowError`, one with fewer has its missing cells empty.
    Quotes out of place refuse the whole file (`FileRefused`, raised as the rows are read)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise FileRefused(f"This is not a CSV file the app can read ({error}).") from None
    if header is None or not any(cell.strip() for cell in header):
        raise FileRefused("The file is empty: export your library again and upload the .csv file.")
    header = [cell.strip() for cell in header]

    def rows() -> Iterator[SourceRow | RowError]:
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                # Quotes out of place: where this row ends, and so where every later row starts, is
                # anyone's guess. Nothing is imported rather than rows cut at the wrong places.
                raise FileRefused(
                    f"Line {line} is not valid CSV ({error}): a quote is missing or out of place. "
                    "Nothing was imported; correct that line, or export the file again."
                ) from None
            if cells and any(cell.strip() for cell in cells):
                if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                    yield RowError(
                        line,
                        f"This row has {len(cells)} cells where the header names {len(header)} columns "
                        "(a comma outside quotes?).",
                        cells=dict(zip(header, cells, strict=False)),
                    )
                else:
                    yield SourceRow(line, dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False)))
            line = reader.line_num + 1

    return header, rows()


def text_cell(row: SourceRow, column: str) -> str:
    """A text cell as written, less our own export's defusing of formula-like text, and trimmed."""
    return undefuse(row.cells.get(column, "")).strip()


def single_line(text: str) -> str:
    """Runs of whitespace (line breaks, tabs) as one space, as the app's forms keep a title."""
    return " ".join(text.split())


_SOURCE_DATE = re.compile(r"([0-9]{4})[/-]([0-9]{1,2})(?:[/-]([0-9]{1,2}))?")


def source_date(text: str, column: str) -> PartialDate | None:
    """A date as exports write it (2019/07/14, or 2019-07-14 as the app writes it); None when empty."""
    if not (text := text.strip()):
        return None
    match = _SOURCE_DATE.fullmatch(text)
    if match is None:
        if re.fullmatch(r"[0-9]{4}", text):
            return PartialDate.parse(text, column)
        raise RecordError(f"{column} “{text}” is not a date like 2019/07/14.", column)
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        return PartialDate(year, month, day)
    except RecordError as error:
        raise RecordError(f"{column} “{text}”: {error.message}", column) from None


def whole_count(text: str, column: str, largest: int) -> int:
    """A count such as Read Count: empty is 0."""
    if not (text := text.strip()):
        return 0
    if not re.fullmatch(r"[0-9]{1,6}", text) or int(text) > largest:
        raise RecordError(f"{column} “{text}” is not a whole number from 0 to {largest}.", column)
    return int(text)


def labelled(field: str, error: RecordError) -> RecordError:
    """A record rule's message, naming the file's column it came from."""
    return RecordError(f"{field}: {error.message}", field)


class RowRefused(ValueError):
    """Everything wrong with one row (each a `RecordError` naming the file's column)."""

    def __init__(self, errors: list[RecordError]):
        super().__init__(" ".join(error.message for error in errors))
        self.errors = errors

    @property
    def reason(self) -> str:
        return " ".join(error.message for error in self.errors)


class RowChecks:
    """Runs a row's parsers one after the other and keeps what each refuses, so that a reader
    learns everything wrong with a row at once."""

    def __init__(self) -> None:
        self.errors: list[RecordError] = []

    def take(self, column: str, parse, *args, default=None):
        try:
            return parse(*args)
        except RecordError as error:
            self.errors.append(error if error.message.startswith(column) else labelled(column, error))
            return default

    def refuse(self, message: str, column: str) -> None:
        self.errors.append(RecordError(message, column))

    def done(self) -> None:
        if self.errors:
            raise RowRefused(self.errors)
