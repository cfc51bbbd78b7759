"""Search in the reader's own books: `GET /search?q=…`, a page without JavaScript (bookmarkable),
the results alone for htmx (the page's box asks as the reader types).

The reader's books are read once (a Query of their partition, never a Scan) and folded into a
`SearchCorpus` kept in this process while their books are unchanged: the key holds the books
revision, which every write counts up (board_cache.count_books_changes), so a change shows in the
next search, and a query typed letter by letter searches the kept corpus, not DynamoDB.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass

from cachetools import TTLCache
from flask import Response, current_app, make_response, render_template, request
from flask_login import current_user

from bookapp.blueprints.books import bp
from bookapp.books import Book, Status, get_book_repository
from bookapp.books.search import Query, QueryRefused, SearchCorpus, SearchEntry, SearchHit, highlight, snippet
from bookapp.users.models import User

# Results shown per search: a page of cards re-rendered at every letter typed (each with its marks,
# so never from the card cache) costs about 0.2 ms a card; past 50 the reader narrows, the page says so.
RESULTS_LIMIT = 50

# Readers whose library a process keeps, one each (a new revision replaces the old one). 10,000 books
# with a few sentences of notes each, and their corpus, measured 16 MB (tracemalloc): a worker holds
# at most about SEARCH_CORPUS_READERS × 16 MB for readers that large (longer notes, more), and a kept
# library goes SEARCH_CORPUS_SECONDS after it was built.
SEARCH_CORPUS_READERS = 8
SEARCH_CORPUS_SECONDS = 300


@dataclass(frozen=True)
class Library:
    """A reader's books as one search reads them: the corpus, and each hit's book by id."""

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
    state.app.extensions["search_libraries"] = LibraryCache(SEARCH_CORPUS_READERS, SEARCH_CORPUS_SECONDS)


def library_key(user: User) -> tuple[Hashable, ...]:
    """What the kept corpus depends on: the reader's books as of their last change (a restore into a
    fresh database makes new session tokens; `flask recount-books` counts the generation up)."""
    return (user.session_token, user.books_revision, user.board_generation)


def _library() -> Library:
    cache: LibraryCache = current_app.extensions["search_libraries"]
    owner, key = current_user.books_key, library_key(current_user)
    library = cache.get(owner, key)
    if library is None:
        books = {book.book_id: book for book in get_book_repository().all_for_user(current_user.books_key)}
        library = Library(SearchCorpus(SearchEntry.of(book) for book in books.values()), books)
        cache.put(owner, key, library)
    return library


@dataclass(frozen=True)
class Result:
    book: Book
    hit: SearchHit


@dataclass(frozen=True)
class Group:
    status: Status
    results: list[Result]


def _groups(hits: list[SearchHit], books: dict[str, Book]) -> list[Group]:
    """The hits by column in board order (the shelf last), each in the search's order."""
    by_status: dict[Status, list[Result]] = {status: [] for status in Status}
    for hit in hits:
        book = books[hit.book_id]
        by_status[book.status].append(Result(book, hit))
    return [Group(status, results) for status, results in by_status.items() if results]


@bp.get("/search")
def search():
    """Search the reader's books by title, author, ISBN, tag or notes."""
    raw = request.args.get("q", "")
    # htmx asks for the results alone, except when it restores a page missing from its history cache.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    template = "books/_search_results.html" if fragment else "books/search.html"
    context = {"q": raw, "query": None, "groups": [], "total": 0, "shown": 0, "refused": None}
    try:
        query = Query.parse(raw)
    except QueryRefused as refused:
        return _vary(render_template(template, **context | {"refused": str(refused)}), 422)
    context["query"] = query
    if not query.is_empty:
        library = _library()
        shown, total = library.corpus.find(query, RESULTS_LIMIT)
        context |= {"groups": _groups(shown, library.books), "total": total, "shown": len(shown)}
    return _vary(render_template(template, **context, highlight=highlight, snippet=snippet))


def _vary(html: str, status: int = 200) -> Response:
    """The page and its results alone share a URL: a cache must tell them apart."""
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response
