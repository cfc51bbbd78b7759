"""The API's routes: thin, like the board's. Each is declared with `api_operation` (what it takes and
answers, which is also the OpenAPI document) and calls the same domain code as the board."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal

from flask import Response, current_app, jsonify, render_template, request, url_for
from ulid import ULID

from bookapp.blueprints.api import bp
from bookapp.blueprints.api.answers import book_answer, json_answer
from bookapp.blueprints.api.auth import api_token, api_user
from bookapp.blueprints.api.cursors import decode_position, encode_position
from bookapp.blueprints.api.openapi import openapi_document, reference_sections
from bookapp.blueprints.api.operations import IDEMPOTENCY_KEY, IF_MATCH, api_operation
from bookapp.blueprints.api.problems import ApiProblem
from bookapp.blueprints.api.schemas import (
    BookChangeIn,
    BookList,
    BookOut,
    DeleteQuery,
    FieldError,
    ListBooksQuery,
    Me,
    NewBook,
    PageProgress,
    PercentProgress,
    ReadThroughIn,
    TokenOut,
)
from bookapp.books import get_book_repository
from bookapp.books.changes import KEEP, BookChange, change_book, clean_title
from bookapp.books.editing import ReadThroughText
from bookapp.books.listing import list_books
from bookapp.books.model import AUTHOR_MAX_LENGTH, TITLE_MAX_LENGTH
from bookapp.books.record import RecordError

# A PATCH may carry 20,000 characters of notes: up to 12 bytes each as JSON escapes (an emoji is
# two \uXXXX), as much as the book page's notes form may send.
PATCH_BODY_LIMIT = 256 * 1024

_IF_MATCH = re.compile(r'^(?:W/)?"([0-9]{1,19})"$')


def _expected_version(sent: int | None) -> int:
    """The version a write is for: `sent` in the body (or query), or the ETag in If-Match; 428
    without either, 400 when they disagree."""
    if_match = request.headers.get("If-Match")
    in_header = None
    if if_match is not None:
        match = _IF_MATCH.match(if_match.strip())
        if not match or int(match.group(1)) < 1:
            raise ApiProblem(400, 'If-Match takes the ETag of one version of the book, like "3".')
        in_header = int(match.group(1))
    if sent is not None and in_header is not None and sent != in_header:
        raise ApiProblem(400, "The version and If-Match name different versions: send one of them.")
    version = sent if sent is not None else in_header
    if version is None:
        raise ApiProblem(428, "Send the version of the book you saw: `version`, or If-Match with its ETag.")
    return version


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _reader() -> str:
    return api_user().books_key


# -- operations ---------------------------------------------------------------------------------------


@api_operation("GET", "/me", response=Me)
def me():
    """Who you are

    The account the token belongs to, the token itself (its name, scope and expiry) and how many
    books each column holds."""
    token = api_token()
    counts = get_book_repository().counts(_reader())
    return json_answer(
        Me(
            username=api_user().username,
            token=TokenOut(
                name=token.name,
                scope=token.scope,
                created_at=token.created_at.replace(tzinfo=dt.UTC),
                expires_at=token.expires_at.replace(tzinfo=dt.UTC) if token.expires_at else None,
            ),
            counts=counts,
        )
    )


@api_operation("GET", "/books", response=BookList, query=ListBooksQuery)
def list_your_books(query: ListBooksQuery):
    """List your books

    In the board's order: Not started, Reading and Finished from the top of each column, then the
    Did not finish shelf. A page may be shorter than `limit` when a tag is rare; follow
    `next_cursor` until it is null."""
    start = decode_position(query.cursor) if query.cursor else None
    page = list_books(
        get_book_repository(), _reader(), page_size=query.limit, start=start, status=query.status, tag=query.tag
    )
    next_cursor = encode_position(page.next_position) if page.next_position else None
    return json_answer(BookList(books=[BookOut.of(book) for book in page.books], next_cursor=next_cursor))


@api_operation("POST", "/books", response=BookOut, status=201, body=NewBook, writes=True, headers=(IDEMPOTENCY_KEY,))
def add_book(body: NewBook):
    """Add a book

    On top of its column, with the dates arriving there implies (Reading starts a read-through
    today). Sending the same `id` or `Idempotency-Key` again adds nothing more and answers the book
    as it is."""
    book_id_for_key = _book_id_for_key(request.headers.get(IDEMPOTENCY_KEY.name))
    book_id = body.id or book_id_for_key
    title = _clean_or_refuse(body.title, "title")
    author = _clean_or_refuse(body.author, "author")
    book = get_book_repository().add(_reader(), title, author, body.status, _today(), book_id)
    location = url_for("api.get_book", book_id=book.book_id)
    return book_answer(book, 201, {"Location": location})


def _book_id_for_key(key: str | None) -> str | None:
    """The book id an Idempotency-Key stands for, the same for the same reader and key."""
    if key is None:
        return None
    if not re.fullmatch(r"[\x21-\x7e]{1,200}", key):
        raise ApiProblem(400, "Idempotency-Key takes 1 to 200 visible ASCII characters.")
    digest = hashlib.sha256(f"{_reader()}\n{key}".encode()).digest()
    return str(ULID.from_bytes(digest[:16]))


def _clean_or_refuse(text: str, field: str) -> str:
    try:
        return clean_title(text, field, TITLE_MAX_LENGTH if field == "title" else AUTHOR_MAX_LENGTH)
    except RecordError as error:
        raise ApiProblem(
            422,
            "Some fields break the rules of a book's record.",
            errors=[FieldError(field=field, reason=error.message)],
        ) from None


@api_operation("GET", "/books/<book_id>", response=BookOut)
def get_book(book_id: str):
    """Get one book

    With its whole record; the ETag header is its version."""
    return book_answer(get_book_repository().get(_reader(), book_id))


@api_operation(
    "PATCH",
    "/books/<book_id>",
    response=BookOut,
    body=BookChangeIn,
    writes=True,
    headers=(IF_MATCH,),
    body_limit=PATCH_BODY_LIMIT,
)
def change_your_book(book_id: str, body: BookChangeIn):
    """Change a book

    Any fields of its record, and its column: a move follows the board's rules (into Reading starts
    a read-through today; out of it finishes, gives up or drops it). `reads` replaces the whole
    history of read-throughs as it stands after that move, checked as the book page checks each one;
    send the list GET answered, changed. Everything is checked before anything is written. A stale
    version answers 409 with the book as it is now."""
    version = _expected_version(body.version)
    change = _book_change(body)
    book = change_book(
        get_book_repository(),
        user_id=_reader(),
        book_id=book_id,
        expected_version=version,
        change=change,
        today=_today(),
    )
    return book_answer(book)


def _progress_text(progress: PageProgress | PercentProgress | None) -> str:
    """Progress as the card's field takes it ("120", "45%"; empty for none)."""
    if progress is None:
        return ""
    return str(progress.page) if isinstance(progress, PageProgress) else f"{progress.percent}%"


def _book_change(body: BookChangeIn) -> BookChange:
    given = body.model_fields_set - {"version"}

    def value(name: str, convert=lambda value: value):
        return convert(getattr(body, name)) if name in given else KEEP

    def decimal(number: float | None) -> Decimal | None:
        return Decimal(str(number)) if number is not None else None

    def read_through(read: ReadThroughIn) -> ReadThroughText:
        return ReadThroughText(
            outcome=read.outcome.value,
            started=read.started or "",
            ended=read.ended or "",
            progress=_progress_text(read.progress),
        )

    return BookChange(
        title=value("title"),
        author=value("author"),
        status=value("status"),
        isbn=value("isbn", lambda text: text or ""),
        pages=value("pages"),
        year_published=value("year_published"),
        series=value("series", lambda text: text or ""),
        series_number=value("series_number", decimal),
        format=value("format", lambda book_format: book_format.value if book_format else ""),
        owned=value("owned"),
        rating=value("rating", decimal),
        notes=value("notes", lambda text: text or ""),
        tags=value("tags", lambda tags: tuple(tags or ())),
        reads=value("reads", lambda reads: tuple(read_through(read) for read in reads)),
        progress=value("progress", _progress_text),
    )


@api_operation("DELETE", "/books/<book_id>", status=204, query=DeleteQuery, writes=True, headers=(IF_MATCH,))
def delete_book(book_id: str, query: DeleteQuery):
    """Delete a book

    For good, with its record and read-throughs. Takes the version you saw (`?version=` or
    If-Match): a book changed meanwhile answers 409 and stays."""
    version = _expected_version(query.version)
    books = get_book_repository()
    books.get_as_seen(_reader(), book_id, version)
    books.delete(_reader(), book_id)
    return Response(status=204)


# -- the description ----------------------------------------------------------------------------------


@api_operation("GET", "/openapi.json", public=True)
def openapi():
    """The OpenAPI 3.1 document

    This API described for tools: generated from the models the routes validate with."""
    return jsonify(openapi_document(current_app.config["API_RATE_LIMIT"]))


@bp.get("/docs")
def reference():
    """The API's reference page, for people, from the same description as openapi.json."""
    return render_template(
        "api/reference.html", sections=reference_sections(openapi_document(current_app.config["API_RATE_LIMIT"]))
    )
