"""Where imported books land, and how a re-import merges into books already in the library."""

from __future__ import annotations

import dataclasses

import pytest

from bookapp.books.imports.landing import (
    Landing,
    LibraryIndex,
    ShelfChoice,
    book_for,
    conflict,
    imported_book_id,
    merged,
    title_author_key,
)
from bookapp.books.imports.rows import ImportedBook
from bookapp.books.model import Book, Status, is_valid_book_id
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import PartialDate, RecordError

DAY = PartialDate.parse


def library_book(status: Status, *reads: ReadThrough, **fields) -> Book:
    return Book(
        user_id="1",
        book_id="01JABCDEFGHJKMNPQRSTVWXYZ0",
        title="Dune",
        author="Frank Herbert",
        status=status,
        column_rank="15",
        version=3,
        reads=reads,
        **fields,
    )


def from_file(shelf: str, **fields) -> Book:
    imported = ImportedBook(line=2, title="Dune", author="Frank Herbert", shelf=shelf, **fields)
    return book_for(imported, Landing(), user_id="1", book_id="01JABCDEFGHJKMNPQRSTVWXYZ0")


def test_a_finished_book_stays_finished_when_the_file_says_to_read():
    here = library_book(Status.FINISHED, ReadThrough(Outcome.FINISHED, DAY("2020-01-01"), DAY("2020-02-01")))
    incoming = from_file("to-read")
    assert conflict(here, incoming.status) == "Finished here, Not started in the file → stays Finished"
    after = merged(here, incoming)
    assert after.status is Status.FINISHED and after.reads == here.reads


def test_a_book_being_read_here_and_finished_in_the_file_ends_its_read_on_the_files_date():
    here = library_book(Status.READING, ReadThrough(Outcome.READING, started=DAY("2024-01-05")))
    incoming = from_file("read", dated_reads=(ReadThrough(Outcome.FINISHED, ended=DAY("2024-03-01")),), read_count=1)
    after = merged(here, incoming)
    assert after.status is Status.FINISHED
    assert after.reads == (ReadThrough(Outcome.FINISHED, started=DAY("2024-01-05"), ended=DAY("2024-03-01")),)
    assert after.column_rank == incoming.column_rank  # it moved column: the file's place in it


def test_the_files_reads_are_added_once_and_a_read_known_here_is_not_repeated():
    here = library_book(Status.FINISHED, ReadThrough(Outcome.FINISHED, DAY("2019-01-01"), DAY("2019-02-01")))
    incoming = from_file(
        "read",
        dated_reads=(
            ReadThrough(Outcome.FINISHED, ended=DAY("2023-05-05")),
            ReadThrough(Outcome.FINISHED, ended=DAY("2019-02-01")),  # the read here, with fewer dates
        ),
        read_count=3,  # one more, undated
    )
    after = merged(here, incoming)
    assert [(read.started, read.ended) for read in after.reads] == [
        (None, DAY("2023-05-05")),
        (DAY("2019-01-01"), DAY("2019-02-01")),
        (None, None),
    ]
    assert merged(after, incoming) == after  # importing the same file again changes nothing


def test_a_book_not_started_here_and_being_read_in_the_file_is_being_read():
    after = merged(library_book(Status.NOT_STARTED), from_file("currently-reading"))
    assert after.status is Status.READING and after.reads == (ReadThrough(Outcome.READING),)


def test_the_files_facts_fill_in_and_the_readers_title_and_tags_stay():
    here = library_book(Status.NOT_STARTED, tags=("mine",), notes="My notes.", pages=100)
    incoming = from_file("to-read", tags=("sci-fi",), notes="Review text.", pages=412, isbn13="9780441013593")
    after = merged(here, incoming)
    assert (after.title, after.tags, after.pages, after.isbn13) == ("Dune", ("mine", "sci-fi"), 412, "9780441013593")
    assert after.notes == "My notes.\n\nReview text."
    assert merged(after, incoming).notes == after.notes  # the file's notes are added once


def test_tags_over_the_limit_together_are_refused_not_dropped():
    here = library_book(Status.NOT_STARTED, tags=tuple(f"here-{i}" for i in range(15)))
    incoming = from_file("to-read", tags=tuple(f"file-{i}" for i in range(6)))
    with pytest.raises(RecordError, match="up to 20 tags"):
        merged(here, incoming)


def test_a_shelf_mapped_by_the_reader_lands_there_with_or_without_its_tag():
    imported = ImportedBook(line=2, title="Dune", author="Frank Herbert", shelf="paused", tags=("sci-fi",))
    as_tag = Landing(shelves={"paused": ShelfChoice(Status.READING, keep_as_tag=True)})
    without = Landing(shelves={"paused": ShelfChoice(Status.NOT_STARTED, keep_as_tag=False)})
    book = book_for(imported, as_tag, user_id="1", book_id="01JABCDEFGHJKMNPQRSTVWXYZ0")
    assert book.status is Status.READING and book.tags == ("sci-fi", "paused")
    book = book_for(imported, without, user_id="1", book_id="01JABCDEFGHJKMNPQRSTVWXYZ0")
    assert book.status is Status.NOT_STARTED and book.tags == ("sci-fi",)


def test_a_finished_book_without_dates_has_one_undated_finished_read():
    assert from_file("read").reads == (ReadThrough(Outcome.FINISHED),)


def test_books_are_matched_by_isbn_first_then_by_title_and_author_folded():
    by_isbn = library_book(Status.NOT_STARTED, isbn13="9780441013593")
    by_name = dataclasses.replace(
        library_book(Status.NOT_STARTED), title="Gödel, Escher, Bach", author="Douglas R. Hofstadter"
    )
    by_name = dataclasses.replace(by_name, book_id="01JABCDEFGHJKMNPQRSTVWXYZ1")
    index = LibraryIndex([by_isbn, by_name])
    assert index.match("Another title", "Someone", "9780441013593") == by_isbn.book_id
    assert index.match("GODEL ESCHER BACH", "douglas r hofstadter", "") == by_name.book_id
    assert index.match("Gödel, Escher", "Bach Douglas R. Hofstadter", "") is None
    assert title_author_key("L’Étranger", "Camus") == title_author_key("l'etranger", "CAMUS")


def test_the_same_row_always_gets_the_same_valid_book_id():
    first = imported_book_id("7", "goodreads:1000007")
    assert first == imported_book_id("7", "goodreads:1000007") and is_valid_book_id(first)
    assert first != imported_book_id("8", "goodreads:1000007")
