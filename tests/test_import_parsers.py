"""Reading Goodreads and StoryGraph export files: the samples, and files made to trip a parser."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from bookapp.books.imports.landing import Landing, book_for
from bookapp.books.imports.rows import FileRefused, ImportedBook, RowError
from bookapp.books.imports.sources import GOODREADS, STORYGRAPH, open_file, parse_rows
from bookapp.books.model import Status
from bookapp.books.reads import Outcome
from bookapp.books.record import PartialDate

SAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "samples"
GOODREADS_HEADER = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,"
    "Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Recommended For,"
    "Recommended By,Owned Copies,Original Purchase Date,Original Purchase Location,Condition,"
    "Condition Description,BCID"
)
STORYGRAPH_HEADER = (
    "Title,Authors,Contributors,ISBN/UID,Format,Read Status,Date Added,Last Date Read,Dates Read,Read Count,"
    "Moods,Pace,Character- or Plot-Driven?,Strong Character Development?,Loveable Characters?,"
    "Diverse Characters?,Flawed Characters?,Star Rating,Review,Content Warnings,Content Warning Description,Tags,"
    "Owned?"
)


def parsed(data: bytes):
    source_file = open_file(data)
    return source_file.source, list(parse_rows(source_file.source, source_file.rows, 2026))


def goodreads_row(**cells: str) -> str:
    columns = GOODREADS_HEADER.split(",")
    values = {"Book Id": "1", "Title": "Dune", "Author": "Frank Herbert", "Exclusive Shelf": "read"} | cells
    return ",".join(_quoted(values.get(column, "")) for column in columns)


def storygraph_row(**cells: str) -> str:
    columns = STORYGRAPH_HEADER.split(",")
    values = {"Title": "Dune", "Authors": "Frank Herbert", "Read Status": "read"} | cells
    return ",".join(_quoted(values.get(column, "")) for column in columns)


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(char in cell for char in ',"\r\n') else cell


def goodreads_file(*rows: str, newline: str = "\n") -> bytes:
    return newline.join([GOODREADS_HEADER, *rows, ""]).encode()


def only_book(data: bytes) -> ImportedBook:
    _, rows = parsed(data)
    assert len(rows) == 1 and isinstance(rows[0], ImportedBook), rows
    return rows[0]


def only_error(data: bytes) -> RowError:
    _, rows = parsed(data)
    assert len(rows) == 1 and isinstance(rows[0], RowError), rows
    return rows[0]


def test_the_goodreads_sample_is_recognised_and_every_row_read():
    source, rows = parsed((SAMPLES / "goodreads_library_export.csv").read_bytes())
    assert source is GOODREADS
    assert len(rows) == 40 and all(isinstance(row, ImportedBook) for row in rows)
    steve_jobs = next(row for row in rows if row.title == "Steve Jobs")
    assert steve_jobs.isbn13 == "9789139099604"  # unwrapped from ="…"
    assert steve_jobs.notes == "Loved it.\nSecond line, with a comma."
    assert steve_jobs.tags == ("book-club", "classics")
    # Read Count 2 with one Date Read: one dated finished read and one undated.
    reads = book_for(steve_jobs, Landing(), user_id="1", book_id="0" * 26).reads
    assert [(read.outcome, read.ended) for read in reads] == [
        (Outcome.FINISHED, PartialDate(2016, 7, 5)),
        (Outcome.FINISHED, None),
    ]
    potter = next(row for row in rows if row.title.startswith("Harry Potter"))
    assert potter.title == "Harry Potter and the Philosopher's Stone (Harry Potter, #1)"
    assert (potter.series, potter.series_number) == ("Harry Potter", Decimal(1))
    feynman = next(row for row in rows if "Feynman" in row.title)
    assert feynman.title == '"Surely You\'re Joking, Mr. Feynman!": Adventures of a Curious Character'
    assert next(row for row in rows if row.title == "Bloodvampire").rating is None  # 0 means unrated
    assert next(row for row in rows if row.title == "Things Fall Apart").rating == 5


def test_the_storygraph_sample_is_recognised_with_its_ranges_and_quarter_stars():
    source, rows = parsed((SAMPLES / "storygraph_export.csv").read_bytes())
    assert source is STORYGRAPH
    assert len(rows) == 40
    errors = [row for row in rows if isinstance(row, RowError)]
    assert [(error.line, error.field) for error in errors] == [(11, "Star Rating"), (47, "Star Rating")]
    assert "5.50" in errors[0].reason
    books = {row.title: row for row in rows if isinstance(row, ImportedBook)}
    assert books["Murder on the Orient Express"].rating == Decimal("4.5")  # 4.25 to the nearest half, up
    beloved = books["Beloved (vol. 2)"]
    assert [(read.started, read.ended) for read in beloved.dated_reads] == [
        (PartialDate(2018, 1, 25), PartialDate(2019, 12, 20)),
        (PartialDate(2014, 3, 1), PartialDate(2014, 3, 20)),
    ]
    assert books["Pride and Prejudice"].tags == ("classics", "book-club")


@pytest.mark.parametrize(("stars", "half_stars"), [("4.25", "4.5"), ("3.75", "4"), ("0.25", "0.5"), ("5.00", "5")])
def test_quarter_stars_round_to_the_nearest_half_a_quarter_up(stars, half_stars):
    data = "\n".join([STORYGRAPH_HEADER, storygraph_row(**{"Star Rating": stars})]).encode()
    assert only_book(data).rating == Decimal(half_stars)


def test_utf8_with_a_byte_order_mark_and_crlf_line_ends_are_read():
    data = b"\xef\xbb\xbf" + goodreads_file(goodreads_row(Title="Ünïcödé, “quoted”"), newline="\r\n")
    assert only_book(data).title == "Ünïcödé, “quoted”"


def test_quotes_inside_quotes_commas_and_line_breaks_stay_in_their_cell():
    row = goodreads_row(Title='He said "no, never"', **{"My Review": 'Line one, "quoted"\r\nLine two'})
    book = only_book(goodreads_file(row, newline="\r\n"))
    assert book.title == 'He said "no, never"'
    assert book.notes == 'Line one, "quoted"\nLine two'


def test_right_to_left_cjk_and_html_looking_titles_stay_as_written():
    titles = ["ספר הדקדוק", "ノルウェイの森", "<b>Bold</b> & <script>x</script>"]
    _, rows = parsed(
        goodreads_file(*(goodreads_row(Title=title, **{"Book Id": str(i)}) for i, title in enumerate(titles)))
    )
    assert [row.title for row in rows] == titles


def test_blank_lines_are_skipped_and_line_numbers_count_them():
    data = goodreads_file("", goodreads_row(Title="First"), "", "", goodreads_row(Title="Second", **{"My Rating": "7"}))
    _, rows = parsed(data)
    assert rows[0].title == "First" and rows[0].line == 3
    assert isinstance(rows[1], RowError) and rows[1].line == 6


def test_a_review_over_several_lines_keeps_the_next_rows_line_number_right():
    data = goodreads_file(goodreads_row(**{"My Review": "a\nb\nc"}), goodreads_row(Title="Next", **{"My Rating": "9"}))
    _, rows = parsed(data)
    assert rows[1].line == 5


def test_a_bad_row_says_everything_wrong_with_it_and_the_others_are_read():
    bad = goodreads_row(Title="x" * 301, **{"Date Read": "2019/13/40", "My Rating": "7", "Book Id": "2"})
    _, rows = parsed(goodreads_file(goodreads_row(), bad, goodreads_row(Title="After", **{"Book Id": "3"})))
    assert isinstance(rows[0], ImportedBook) and isinstance(rows[2], ImportedBook)
    error = rows[1]
    assert isinstance(error, RowError) and error.line == 3
    assert "Title has 301 characters" in error.reason
    assert "Date Read “2019/13/40”" in error.reason and "no month 13" in error.reason
    assert "My Rating “7”" in error.reason


def test_tags_over_the_limits_are_a_row_error():
    too_many = ", ".join(f"shelf-{i}" for i in range(21))
    assert "up to 20 tags" in only_error(goodreads_file(goodreads_row(Bookshelves=too_many))).reason
    assert "40 characters" in only_error(goodreads_file(goodreads_row(Bookshelves="x" * 41))).reason


def test_missing_cells_are_empty_and_extra_cells_are_a_row_error():
    short = "1,Dune,Frank Herbert"  # the row stops early: every later cell is empty
    _, rows = parsed(goodreads_file(short))
    assert isinstance(rows[0], ImportedBook) and rows[0].shelf == "to-read"
    extra = goodreads_row() + ",surplus"
    assert "cells where the header names" in only_error(goodreads_file(extra)).reason


def test_extra_columns_in_the_header_are_ignored():
    data = (GOODREADS_HEADER + ",Something New\n" + goodreads_row() + ",whatever\n").encode()
    assert only_book(data).title == "Dune"


def test_our_own_defused_cells_come_back_exactly():
    book = only_book(goodreads_file(goodreads_row(Title="'=1+1", **{"Private Notes": "'-minus"})))
    assert book.title == "=1+1" and book.notes == "-minus"


def test_review_and_private_notes_are_both_kept_labelled():
    book = only_book(goodreads_file(goodreads_row(**{"My Review": "Great.", "Private Notes": "Lent to Sam."})))
    assert book.notes == "Review:\nGreat.\n\nPrivate notes:\nLent to Sam."


def test_the_exclusive_shelf_is_not_also_a_tag():
    book = only_book(goodreads_file(goodreads_row(Bookshelves="paused, sci-fi", **{"Exclusive Shelf": "paused"})))
    assert book.shelf == "paused" and book.tags == ("sci-fi",)


def test_storygraph_did_not_finish_lands_on_the_did_not_finish_shelf():
    row = storygraph_row(**{"Read Status": "did-not-finish", "Dates Read": "2020/01/02-2020/02/03"})
    book = only_book("\n".join([STORYGRAPH_HEADER, row]).encode())
    landed = book_for(book, Landing(), user_id="1", book_id="0" * 26)
    assert landed.status is Status.DID_NOT_FINISH
    assert [(read.outcome, read.ended) for read in landed.reads] == [(Outcome.DID_NOT_FINISH, PartialDate(2020, 2, 3))]
    assert landed.tags == ()  # the shelf is Did not finish itself: no tag unless the reader asks


def test_a_storygraph_range_without_an_end_is_the_read_under_way():
    row = storygraph_row(**{"Read Status": "currently-reading", "Dates Read": "2019/01/01-2019/02/01, 2024/05/06-"})
    landed = book_for(only_book("\n".join([STORYGRAPH_HEADER, row]).encode()), Landing(), user_id="1", book_id="0" * 26)
    assert [(read.outcome, read.started) for read in landed.reads] == [
        (Outcome.READING, PartialDate(2024, 5, 6)),
        (Outcome.FINISHED, PartialDate(2019, 1, 1)),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"Title,Author\nDune,Herbert\n", "Book Id, Title, Author, Exclusive Shelf"),
        (GOODREADS_HEADER.encode() + b"\n", "no books"),
        ("Book Id,Title\n".encode("utf-16"), "UTF-16"),
        (GOODREADS_HEADER.encode() + b"\n1,D\xe9j\xe0 vu,A,,,,,,,\n", "not UTF-8 text (line 2"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (b"%PDF-1.4\x00\x00", "binary"),
        (
            GOODREADS_HEADER.encode() + b'\n1,Fine,A,,,,,,,\n2,"Broken" quote,A,,,\n3,After,A\n',
            "Line 3 is not valid CSV",
        ),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_with_a_clear_message(data, message):
    with pytest.raises(FileRefused) as refused:
        parsed(data)
    assert message in refused.value.message


def test_ten_thousand_generated_rows_are_read_quickly():
    rows = [
        goodreads_row(**{"Book Id": str(i), "Title": f"Book {i}, part {i % 7}", "Date Read": "2020/01/02",
                         "My Review": "Fine.\nReally.", "Bookshelves": "a, b"})
        for i in range(10_000)
    ]  # fmt: skip
    started = time.perf_counter()
    _, parsed_rows = parsed(goodreads_file(*rows))
    assert time.perf_counter() - started < 10
    assert len(parsed_rows) == 10_000 and all(isinstance(row, ImportedBook) for row in parsed_rows)
    assert parsed_rows[-1].line == 10_001 + 9_999  # each review spans two lines
