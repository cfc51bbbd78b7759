"""Search in the reader's own books: `GET /search?q=…`, a page without JavaScript (bookmarkable),
the results alone for htmx (the page's box asks as the reader types).

The reader's books and their `SearchCorpus` come from the library kept in this process while their
books are unchanged (library.py): a change shows in the next search, and a query typed letter by
letter searches the kept corpus, not DynamoDB.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, make_response, render_template, request

from bookapp.blueprints.books import bp
from bookapp.blueprints.books.library import reader_library
from bookapp.books import Book, Status
from bookapp.books.search import Query, QueryRefused, SearchHit, highlight, snippet

# Results shown per search: a page of cards re-rendered at every letter typed (each with its marks,
# so never from the card cache) costs about 0.2 ms a card; past 50 the reader narrows, the page says so.
RESULTS_LIMIT = 50


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
        library = reader_library()
        shown, total = library.corpus.find(query, RESULTS_LIMIT)
        context |= {"groups": _groups(shown, library.books), "total": total, "shown": len(shown)}
    return _vary(render_template(template, **context, highlight=highlight, snippet=snippet))


def _vary(html: str, status: int = 200) -> Response:
    """The page and its results alone share a URL: a cache must tell them apart."""
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response
