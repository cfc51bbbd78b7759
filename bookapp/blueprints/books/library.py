"""The signed-in reader's whole library, kept in this process while their books are unchanged: what
search looks through, and what a sorted or tag-filtered board column is cut from.

The reader's books are read once (a Query of their partition, strongly consistent, never a Scan) and
folded into a `SearchCorpus`; the key holds the books revision, which every write counts up
(board_cache.count_books_changes), so a change shows at the next search or sorted board, and a
query typed letter by letter, or a column sorted another way, reads nothing from DynamoDB.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass

from cachetools import TTLCache
from flask import current_app
from flask_login import current_user

from bookapp.blueprints.books import bp
from bookapp.books import Book, get_book_repository
from bookapp.books.search import SearchCorpus, SearchEntry
from bookapp.users.models import User

# Readers whose library a process keeps, one each (a new revision replaces the old one). 10,000 books
# with a few sentences of notes each, and their corpus, measured 16 MB (tracemalloc): a worker holds
# at most about LIBRARY_READERS × 16 MB for readers that large (longer notes, more), and a kept
# library goes LIBRARY_SECONDS after it was built.
LIBRARY_READERS = 8
LIBRARY_SECONDS = 300


@dataclass(frozen=True)
class Library:
    """A reader's books as search and sorted columns read them: the corpus, and every book by id."""

    corpus: SearchCorpus
    books: dict[str, Book]


class LibraryCache:
    """One `Library` per reader, the one of their current books revision; safe between threads."""

    def __init__(self, readers: int, seconds: float):
        self._libraries: TTLCache = TTLCache(maxsize=readers, ttl=seconds)
        self._lock = threading.Lock()

    def get(self, owner: Hashable, key: Hashable) -> Library | None:
        with self._lock:
            kept = self._libraries.get(owner)
        return kept[1] if kept is not None and kept[0] == key else None

    def put(self, owner: Hashable, key: Hashable, library: Library) -> None:
        with self._lock:
            self._libraries[owner] = (key, library)


@bp.record_once
def _keep_libraries(state) -> None:
    state.app.extensions["search_libraries"] = LibraryCache(LIBRARY_READERS, LIBRARY_SECONDS)


def library_key(user: User) -> tuple[Hashable, ...]:
    """What the kept library depends on: the reader's books as of their last change (a restore into a
    fresh database makes new session tokens; `flask recount-books` counts the generation up)."""
    return (user.session_token, user.books_revision, user.board_generation)


def reader_library() -> Library:
    """The signed-in reader's library: kept, or read now (every book of theirs, one Query page per MB)."""
    cache: LibraryCache = current_app.extensions["search_libraries"]
    owner, key = current_user.books_key, library_key(current_user)
    library = cache.get(owner, key)
    if library is None:
        books = {book.book_id: book for book in get_book_repository().all_for_user(owner, consistent=True)}
        library = Library(SearchCorpus(SearchEntry.of(book) for book in books.values()), books)
        cache.put(owner, key, library)
    return library
