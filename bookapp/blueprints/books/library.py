"""The signed-in reader's whole library, kept in this process while their books are unchanged: what
search looks through, what a sorted or tag-filtered board column is cut from, and what the stats
page counts.

The reader's books are read once (a Query of their partition, strongly consistent, never a Scan) and
folded into a `SearchCorpus`. The key holds the books revision, which every write counts up
(board_cache.count_books_changes), so a change shows at the next search, sorted board or stats view;
a query typed letter by letter, or a column sorted another way, reads nothing from DynamoDB.

After a change the kept library is brought up to date rather than read again: the reader's row
names the books the last few changes touched (users/recent_book_changes.py), and those alone are
read again, by key (one BatchGetItem for up to 100), whichever process or instance wrote them. A
library too far behind, or behind a change that may have touched any book, is read again whole.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from flask import current_app
from flask_login import current_user

from bookapp.blueprints.books import bp
from bookapp.books import Book, get_book_repository
from bookapp.books.search import SearchCorpus, SearchEntry
from bookapp.kept_per_reader import KeptPerReader, books_state_key
from bookapp.users.recent_book_changes import changed_since

# Readers whose library a process keeps, one each (a new revision replaces the old one). 10,000 books
# with a few sentences of notes each, and their corpus, measured 16 MB (tracemalloc): a worker holds
# at most about LIBRARY_READERS × 16 MB for readers that large (longer notes, more), and a kept
# library goes LIBRARY_SECONDS after it was last brought up to date.
LIBRARY_READERS = 8
LIBRARY_SECONDS = 300


class Library:
    """A reader's books as search, sorted columns and stats read them: every book by id, and, made
    when search first asks (sorted columns and stats never do), the entry search folds from each book
    and the corpus of those entries. Shared by the threads of a process: made once, under a lock."""

    def __init__(self, books: Mapping[str, Book], entries: Mapping[str, SearchEntry] | None = None):
        self.books = books
        self._entries = entries
        self._corpus: SearchCorpus | None = None
        self._lock = threading.Lock()

    @classmethod
    def of(cls, books: Iterable[Book]) -> Library:
        return cls({book.book_id: book for book in books})

    @property
    def corpus(self) -> SearchCorpus:
        with self._lock:
            if self._corpus is None:
                if self._entries is None:
                    self._entries = {book_id: SearchEntry.of(book) for book_id, book in self.books.items()}
                self._corpus = SearchCorpus(self._entries.values())
            return self._corpus

    def updated(self, changed: Iterable[str], found: Mapping[str, Book]) -> Library:
        """This library after the books `changed` became what `found` holds of them (a changed
        book not found was deleted). Of the search entries, only those books' are folded again; the
        corpus is made again from the kept entries (a sort, no folding) when search asks."""
        with self._lock:
            kept_entries = self._entries
        books = dict(self.books)
        entries = dict(kept_entries) if kept_entries is not None else None
        for book_id in changed:
            book = found.get(book_id)
            if book is None:
                books.pop(book_id, None)
                if entries is not None:
                    entries.pop(book_id, None)
            else:
                books[book_id] = book
                if entries is not None:
                    entries[book_id] = SearchEntry.of(book)
        return Library(books, entries)


@bp.record_once
def _keep_libraries(state) -> None:
    state.app.extensions["search_libraries"] = KeptPerReader(LIBRARY_READERS, LIBRARY_SECONDS)


def reader_library() -> Library:
    """The signed-in reader's library: kept; kept from before a few changes and brought up to date
    (the changed books read by key); or read now (every book of theirs, one Query page per MB)."""
    cache: KeptPerReader[Library] = current_app.extensions["search_libraries"]
    owner, key = current_user.books_key, books_state_key(current_user)
    kept = cache.kept(owner)
    library = None
    if kept is not None:
        kept_key, kept_library = kept
        if kept_key == key:
            return kept_library
        changed = _changed_since(kept_key, key)
        if changed is not None:
            found = get_book_repository().get_many(owner, sorted(changed)) if changed else {}
            library = kept_library.updated(changed, found)
    if library is None:
        library = Library.of(get_book_repository().all_for_user(owner, consistent=True))
    cache.put(owner, key, library)
    return library


def _changed_since(kept_key: tuple, key: tuple) -> set[str] | None:
    """The books changed between two states of the reader's books (`books_state_key`), or None when
    that is unknown: another session token or board generation (a restore, `flask recount-books`)
    means anything may differ."""
    (kept_token, kept_revision, kept_generation), (token, revision, generation) = kept_key, key
    if (kept_token, kept_generation) != (token, generation):
        return None
    return changed_since(current_user.recent_book_changes, kept_revision, revision)
