"""The signed-in reader's whole library, kept in this process while their books are unchanged: what
search looks through, and what a sorted or tag-filtered board column is cut from.

The reader's books are read once (a Query of their partition, strongly consistent, never a Scan) and
folded into a `SearchCorpus`; the key holds the books revision, which every write counts up
(board_cache.count_books_changes), so a change shows at the next search or sorted board, and a
query typed letter by letter, or a column sorted another way, reads nothing from DynamoDB.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_login import current_user

from bookapp.blueprints.books import bp
from bookapp.books import Book, get_book_repository
from bookapp.books.search import SearchCorpus, SearchEntry
from bookapp.kept_per_reader import KeptPerReader, books_state_key

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


@bp.record_once
def _keep_libraries(state) -> None:
    state.app.extensions["search_libraries"] = KeptPerReader(LIBRARY_READERS, LIBRARY_SECONDS)


def reader_library() -> Library:
    """The signed-in reader's library: kept, or read now (every book of theirs, one Query page per MB)."""
    cache: KeptPerReader[Library] = current_app.extensions["search_libraries"]
    owner, key = current_user.books_key, books_state_key(current_user)
    library = cache.get(owner, key)
    if library is None:
        books = {book.book_id: book for book in get_book_repository().all_for_user(owner, consistent=True)}
        library = Library(SearchCorpus(SearchEntry.of(book) for book in books.values()), books)
        cache.put(owner, key, library)
    return library
