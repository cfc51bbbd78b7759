"""How a reader orders a board column, and which books a tag filter keeps: pure values, no storage.

A column is in manual order (its ranks: drag and drop, ▲/▼) or sorted by one of the record's values,
ascending or descending. A book without that value (no rating, never finished) comes last whichever
the direction: the reader asked to see the ones that have it in order.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bookapp.books.model import Book
from bookapp.books.reads import Outcome
from bookapp.books.record import TAG_MAX_LENGTH, tag_key
from bookapp.books.search import fold


class SortKey(enum.StrEnum):
    """What a column can be sorted by, in the order the sort control offers them."""

    MANUAL = "manual"
    TITLE = "title"
    AUTHOR = "author"
    ADDED = "added"
    STARTED = "started"
    FINISHED = "finished"
    RATING = "rating"

    @property
    def label(self) -> str:
        return _KEY_LABELS[self]


_KEY_LABELS = {
    SortKey.MANUAL: "Manual order",
    SortKey.TITLE: "Title",
    SortKey.AUTHOR: "Author",
    SortKey.ADDED: "Date added",
    SortKey.STARTED: "Date started",
    SortKey.FINISHED: "Date finished",
    SortKey.RATING: "Rating",
}


class Direction(enum.StrEnum):
    ASCENDING = "asc"
    DESCENDING = "desc"

    @property
    def label(self) -> str:
        return "Ascending" if self is Direction.ASCENDING else "Descending"


class ColumnViewRefused(ValueError):
    """A sort or tag filter that no control makes (a hand-made URL or form); the message is fit to show."""


class SortRefused(ColumnViewRefused):
    """A sort no control offers."""


class FilterRefused(ColumnViewRefused):
    """A tag filter that no tag could match."""


# How a sorted column says what order it is in, per key and direction.
_DESCRIPTIONS = {
    SortKey.TITLE: ("title, A to Z", "title, Z to A"),
    SortKey.AUTHOR: ("author, A to Z", "author, Z to A"),
    SortKey.ADDED: ("date added, oldest first", "date added, newest first"),
    SortKey.STARTED: ("date started, earliest first", "date started, latest first"),
    SortKey.FINISHED: ("date finished, earliest first", "date finished, latest first"),
    SortKey.RATING: ("rating, lowest first", "rating, highest first"),
}


@dataclass(frozen=True)
class ColumnSort:
    """One column's order. Manual order has no direction: it is the order the reader made."""

    key: SortKey = SortKey.MANUAL
    direction: Direction = Direction.ASCENDING

    def __post_init__(self) -> None:
        if self.key is SortKey.MANUAL and self.direction is not Direction.ASCENDING:
            object.__setattr__(self, "direction", Direction.ASCENDING)

    @property
    def is_manual(self) -> bool:
        return self.key is SortKey.MANUAL

    def describe(self) -> str:
        """How the column says it is sorted ("title, A to Z")."""
        if self.is_manual:
            return "manual order"
        ascending, descending = _DESCRIPTIONS[self.key]
        return ascending if self.direction is Direction.ASCENDING else descending

    def stored(self) -> str | None:
        """As the users database keeps it: "title:asc", or None for manual order (the default)."""
        return None if self.is_manual else f"{self.key.value}:{self.direction.value}"

    @classmethod
    def from_stored(cls, value: str | None) -> ColumnSort:
        """A stored choice; one this version does not know (or none) is manual order."""
        key, _, direction = (value or "").partition(":")
        try:
            return cls.parse(key, direction)
        except SortRefused:
            return MANUAL_ORDER

    @classmethod
    def parse(cls, key: str | None, direction: str | None) -> ColumnSort:
        """The sort a form sent; SortRefused for values the control does not offer."""
        try:
            sort_key = SortKey(key)
        except ValueError:
            raise SortRefused(f"A column cannot be sorted by “{(key or '')[:40]}”.") from None
        try:
            sort_direction = Direction(direction or Direction.ASCENDING.value)
        except ValueError:
            raise SortRefused("A column is sorted ascending or descending.") from None
        return cls(sort_key, sort_direction)


MANUAL_ORDER = ColumnSort()


def _started(book: Book) -> Any:
    read = book.latest_read
    return read.started.sort_key() if read and read.started else None


def _finished(book: Book) -> Any:
    """When the book was last read to the end (a book stopped or not finished yet has no such date)."""
    for read in book.reads:
        if read.outcome is Outcome.FINISHED and read.ended:
            return read.ended.sort_key()
    return None


_VALUES: dict[SortKey, Callable[[Book], Any]] = {
    SortKey.TITLE: lambda book: fold(book.title),
    SortKey.AUTHOR: lambda book: fold(book.author) or None,
    # `creation` is a ULID made at the add (time first); books stored before it have their id, also a ULID.
    SortKey.ADDED: lambda book: book.creation or book.book_id,
    SortKey.STARTED: _started,
    SortKey.FINISHED: _finished,
    SortKey.RATING: lambda book: book.rating,
}


def sort_books(books: Iterable[Book], sort: ColumnSort) -> list[Book]:
    """`books` in the column's order: manual order is the ranks, top first; otherwise by the value,
    books without it last (by title), and books with equal values by title."""
    if sort.is_manual:
        return sorted(books, key=lambda book: book.column_rank, reverse=True)
    by_title = sorted(books, key=lambda book: (fold(book.title), book.book_id))
    value = _VALUES[sort.key]
    having = [book for book in by_title if value(book) is not None]
    lacking = [book for book in by_title if value(book) is None]
    # Python's sort is stable in both directions: equal values keep the title order.
    having.sort(key=value, reverse=sort.direction is Direction.DESCENDING)
    return having + lacking


def has_tag(book: Book, tag: str) -> bool:
    """Whether the book carries `tag`, whatever its case ("SCI-FI" is "Sci-Fi", as the book page says)."""
    wanted = tag_key(tag)
    return any(tag_key(own) == wanted for own in book.tags)


def parse_tag_filter(raw: str | None) -> str | None:
    """The tag a board is filtered by, from its URL (`?tag=sci-fi`): trimmed, None when empty;
    FilterRefused for text longer than any tag."""
    tag = " ".join(unicodedata.normalize("NFC", raw or "").split())  # as tags are stored (normalize_tag)
    if not tag:
        return None
    if len(tag) > TAG_MAX_LENGTH:
        raise FilterRefused(f"A tag has up to {TAG_MAX_LENGTH} characters, so no book has this one: clear the filter.")
    return tag
