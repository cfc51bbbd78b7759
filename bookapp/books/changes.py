"""One change to any part of a book at once: its title and author, its place (a move, with the board's
rules), its facts, rating, notes, tags, read-throughs and progress. What the API's PATCH does.

Everything is checked before anything is written, on the book as it will be after the move (so a
book moved to Reading can get its progress in the same change); then the move is the board's own
(`move_book`), and the rest one conditional save. Unset fields are left as they are.

A whole history (`reads`) replaces the one the book has after the move: the read-through a move
starts or ends today stays only if the history sent has it. It is applied before the facts (whose
check of the pages against the progress must see the new history) and before `progress` (which
then sets the open read-through's progress)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from decimal import Decimal

from bookapp.books.editing import (
    EditRefused,
    Facts,
    ReadThroughText,
    with_facts,
    with_notes,
    with_rating,
    with_reads,
)
from bookapp.books.model import AUTHOR_MAX_LENGTH, TITLE_MAX_LENGTH, Book, Status
from bookapp.books.record import RecordError, normalize_tags, parse_progress
from bookapp.books.repository import BookRepository
from bookapp.books.service import Move, move_book


class Keep:
    """The value of a field the change leaves as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()


@dataclasses.dataclass(frozen=True)
class BookChange:
    """What to change; every field is KEEP unless given. Numbers are as stored (None clears them);
    `isbn` is ISBN-10 or -13 as typed; `progress` is the card's text ("120", "45%", "" to clear);
    `reads` is the whole history, as typed."""

    title: str | Keep = KEEP
    author: str | Keep = KEEP
    status: Status | Keep = KEEP
    isbn: str | Keep = KEEP
    pages: int | None | Keep = KEEP
    year_published: int | None | Keep = KEEP
    series: str | Keep = KEEP
    series_number: Decimal | None | Keep = KEEP
    format: str | Keep = KEEP
    owned: bool | Keep = KEEP
    rating: Decimal | None | Keep = KEEP
    notes: str | Keep = KEEP
    tags: tuple[str, ...] | Keep = KEEP
    reads: tuple[ReadThroughText, ...] | Keep = KEEP
    progress: str | Keep = KEEP

    def sets(self, *names: str) -> bool:
        return any(getattr(self, name) is not KEEP for name in names)


FACT_FIELDS = ("isbn", "pages", "year_published", "series", "series_number", "format", "owned")


def clean_title(text: str, field: str = "title", max_length: int = TITLE_MAX_LENGTH) -> str:
    """A title (or author) as the add form takes it: spaces folded, something visible, not too long."""
    cleaned = " ".join(text.split())
    what = "the book’s title" if field == "title" else "the author"
    if not any(unicodedata.category(char)[0] not in "CZ" for char in cleaned):
        raise RecordError(f"Enter {what}.", field)
    if len(cleaned) > max_length:
        raise RecordError(f"Keep {what} under {max_length} characters.", field)
    return cleaned


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _facts(book: Book, change: BookChange) -> Facts:
    """The facts after the change, as the facts form would send them (unchanged ones as stored)."""

    def given(name: str, current: object) -> object:
        value = getattr(change, name)
        return current if value is KEEP else value

    return Facts(
        isbn=_text(given("isbn", book.isbn13)),
        pages=_text(given("pages", book.pages)),
        year_published=_text(given("year_published", book.year_published)),
        series=_text(given("series", book.series)),
        series_number=_text(given("series_number", book.series_number)),
        format=_text(given("format", book.format.value if book.format else "")),
        owned=bool(given("owned", book.owned)),
    )


def apply_change(book: Book, change: BookChange, this_year: int) -> Book:
    """The book with the change's record fields applied (not its move); EditRefused lists every field
    that breaks a rule."""
    errors: list[RecordError] = []
    edited = book

    def attempt(apply) -> None:
        nonlocal edited
        try:
            edited = apply(edited)
        except EditRefused as refused:
            errors.extend(refused.errors)
        except RecordError as error:
            errors.append(error)

    if not isinstance(change.title, Keep):
        title = change.title
        attempt(lambda b: dataclasses.replace(b, title=clean_title(title)))
    if not isinstance(change.author, Keep):
        author = change.author
        attempt(lambda b: dataclasses.replace(b, author=clean_title(author, "author", AUTHOR_MAX_LENGTH)))
    if not isinstance(change.reads, Keep):
        reads = change.reads
        pages = book.pages if isinstance(change.pages, Keep) else change.pages
        attempt(lambda b: with_reads(b, reads, pages))
    if change.sets(*FACT_FIELDS):
        attempt(lambda b: with_facts(b, _facts(b, change), this_year))
    if not isinstance(change.rating, Keep):
        attempt(lambda b: with_rating(b, _text(change.rating)))
    if not isinstance(change.notes, Keep):
        attempt(lambda b: with_notes(b, change.notes))
    if not isinstance(change.tags, Keep):
        attempt(lambda b: dataclasses.replace(b, tags=normalize_tags(change.tags)))
    if not isinstance(change.progress, Keep):
        attempt(lambda b: _with_progress(b, change.progress))
    if errors:
        raise EditRefused(errors, book)
    return edited


def _with_progress(book: Book, text: str) -> Book:
    if book.open_read is None:
        raise RecordError(
            "Only a book in Reading has progress: move it to Reading too, or leave progress out.", "progress"
        )
    return book.with_progress(parse_progress(text, pages=book.pages))


def change_book(
    books: BookRepository,
    *,
    user_id: str,
    book_id: str,
    expected_version: int,
    change: BookChange,
    today: dt.date,
) -> Book:
    """Apply `change` to the book the reader saw at `expected_version`: the book as it is now.

    Raises BookNotFound, BookChanged (stale version, or changed between the move and the save) and
    EditRefused (nothing written)."""
    book = books.get_as_seen(user_id, book_id, expected_version)
    to_status = book.status if isinstance(change.status, Keep) else change.status
    moving = to_status != book.status
    edited = apply_change(book.moved_to(to_status, today) if moving else book, change, today.year)
    if not moving:
        return book if edited == book else books.save(edited, expected_version)
    moved = move_book(
        books,
        user_id=user_id,
        book_id=book_id,
        move=Move(to_status=to_status, expected_version=expected_version, from_status=book.status),
        today=today,
    ).book
    edited = apply_change(moved, change, today.year)
    return moved if edited == moved else books.save(edited, moved.version)
