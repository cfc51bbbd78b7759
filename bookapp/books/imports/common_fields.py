"""The fields both export formats have, each read and checked against the record's rules."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from bookapp.books.imports.rows import single_line
from bookapp.books.model import AUTHOR_MAX_LENGTH, TITLE_MAX_LENGTH
from bookapp.books.record import (
    BookFormat,
    RecordError,
    clean_notes,
    clean_series,
    normalize_tags,
    parse_rating,
    parse_series_number,
)

# A series marker at the end of a title, as Goodreads writes it: "Title (Series, #1)".
_SERIES_MARKER = re.compile(r".*\S\s*\((?P<series>[^()]+?),\s*#(?P<number>[0-9]{1,5}(?:\.[0-9])?)\)")


def title_of(text: str) -> str:
    title = single_line(text)
    if not title:
        raise RecordError("Title is empty: every book needs a title.", "Title")
    if len(title) > TITLE_MAX_LENGTH:
        raise RecordError(f"Title has {len(title):,} characters: a title can have up to {TITLE_MAX_LENGTH}.", "Title")
    return title


def author_of(text: str, column: str) -> str:
    author = single_line(text)
    if not author:
        raise RecordError(f"{column} is empty: every book needs an author.", column)
    if len(author) > AUTHOR_MAX_LENGTH:
        raise RecordError(
            f"{column} has {len(author):,} characters: an author can have up to {AUTHOR_MAX_LENGTH}.", column
        )
    return author


def series_of(title: str) -> tuple[str, Decimal | None]:
    """The series a title's marker names, when it has one: the title itself keeps the marker."""
    match = _SERIES_MARKER.fullmatch(title)
    if match is None:
        return "", None
    try:
        return clean_series(match.group("series")), parse_series_number(match.group("number"))
    except RecordError:
        return "", None


def whole_star_rating(text: str, column: str) -> Decimal | None:
    """Goodreads' rating: whole stars 1 to 5, and 0 for none."""
    text = text.strip()
    if text in ("", "0"):
        return None
    if not re.fullmatch(r"[1-5]", text):
        raise RecordError(f"{column} “{text}” is not a rating: it should be 0 (none) or 1 to 5 stars.", column)
    return parse_rating(text)


def quarter_star_rating(text: str, column: str) -> Decimal | None:
    """StoryGraph's rating in quarter stars, to the nearest half star (a quarter rounds up: 3.25 is
    3.5, 3.75 is 4); 0 or empty is none."""
    text = text.strip()
    if not text:
        return None
    value = Decimal(text) if re.fullmatch(r"[0-9](?:\.[0-9]{1,2})?", text) else None
    if value is None or value > 5:
        raise RecordError(f"{column} “{text}” is not a rating: it should be from 0.25 to 5 stars.", column)
    if value == 0:
        return None
    halves = (value * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return parse_rating(str(max(halves, Decimal(1)) / 2))


def notes_of(review: str, private_notes: str) -> str:
    """The review and the private notes as the book's notes: one alone as it is, both labelled."""
    review, private_notes = clean_notes(review), clean_notes(private_notes)
    if review and private_notes:
        return clean_notes(f"Review:\n{review}\n\nPrivate notes:\n{private_notes}")
    return review or private_notes


def tags_of(text: str, column: str, leave_out: set[str]) -> tuple[str, ...]:
    """Comma-separated shelves or tags, less those that say where the book is (`leave_out`)."""
    names = [name for name in (part.strip() for part in text.split(",")) if name and name.lower() not in leave_out]
    try:
        return normalize_tags(names)
    except RecordError as error:
        raise RecordError(f"{column}: {error.message}", column) from None


_FORMAT_WORDS = (
    (BookFormat.AUDIOBOOK, ("audio",)),
    (BookFormat.EBOOK, ("kindle", "ebook", "e-book", "digital", "nook", "epub")),
    (BookFormat.PAPER, ("paperback", "hardcover", "hardback", "mass market", "board book", "print", "library binding")),
)


def format_of(text: str) -> BookFormat | None:
    """The kind of copy a binding or format names ("Kindle Edition", "audio", "Paperback"); None
    for one the app has no name for (the record keeps no format then)."""
    words = text.strip().lower()
    for book_format, hints in _FORMAT_WORDS:
        if any(hint in words for hint in hints):
            return book_format
    return None
