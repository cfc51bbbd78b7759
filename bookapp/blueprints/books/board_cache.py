"""The board page from this process's page cache (bookapp/page_cache.py) while the reader's books
are unchanged: an unchanged board costs no DynamoDB request and no rendering. And when the board
must be rendered (after a change), its cards from the same cache: a move changes one card of 60.
docs/architecture.md ("Caches") has the whole picture.

A kept page is right while its key is: `board_page_key` holds everything the page shows that can
change, and `BOARD_PAGE_INPUTS` says, for each name the board's templates read, why a kept page
stays right for it (a test parses the templates and fails on a name or a `current_user` attribute
that is not accounted for). A card's key is its book's id, `creation` and `version`: every change
to the book counts the version up, and a book deleted and added again under its id (from the same add
form) starts at version 1 again, but with a new creation. `CARD_INPUTS` does the same for the card's
templates.

The reader's books revision is counted up by `count_books_changes`, which the app factory wires to
the book repository, so every write, whoever makes it, is heard.

Rendered, not served from the cache:
- a page with flashed messages: they belong to the action just done and show once;
- a hard reload (`Cache-Control: no-cache`): rendered from DynamoDB, every card too, then kept;
- a page rendered within BOARD_CACHE_SETTLE_SECONDS of a change is served but not kept: DynamoDB's
  index may not show the change yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Hashable

from flask import Flask, Response, current_app, get_flashed_messages, has_app_context, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from bookapp import static_files
from bookapp.blueprints.books.forms import AddBookForm
from bookapp.books import Book
from bookapp.books.model import new_book_id
from bookapp.page_cache import Page
from bookapp.users import repository as users
from bookapp.users.models import User, utcnow

CSRF_HOLE = "csrf"
NEW_BOOK_ID_HOLE = "new_book_id"

# What the board page shows of the signed-in user, besides their books: each is in the page's key.
# (`session_token` is not shown, but a restore into a fresh database reuses ids with new tokens.)
# The column sorts are the reader's choices of order, which the page shows in its columns and controls.
BOARD_USER_ATTRIBUTES = (
    "id",
    "session_token",
    "is_authenticated",
    "username",
    "is_admin",
    "sort_not_started",
    "sort_reading",
    "sort_finished",
)

# Every name the board page's templates read, and why a kept page is still right for it.
BOARD_PAGE_INPUTS = {
    "current_user": "in the key: BOARD_USER_ATTRIBUTES, and the books revision",
    "board": "the reader's books and counts: in the key as the books revision; their order as the column "
    "sorts (BOARD_USER_ATTRIBUTES); its tag filter in the key as the tag",
    "add_form": "an empty form; its new book id is a hole filled per response",
    "csrf_token": "a hole filled per response",
    "get_flashed_messages": "a page with messages is neither served from the cache nor kept",
    "asset_url": "in the key: the static files' hashed names",
    "url_for": "the app's URL map, fixed while the process runs",
    "request": "only request.blueprint, always 'books' on the board",
    "cached_card": "each card from the card cache, keyed by its book's version (CARD_INPUTS)",
    "Status": "a constant",
    "Outcome": "a constant",
    "SortKey": "a constant",
    "Direction": "a constant",
    "rating_stars": "a function of the rating, which is part of the book's version",
    "typed_progress": "set only on the answer to refused progress, which is rendered, never kept",
    "empty_messages": "a constant",
    "oob": "a flag of htmx answers, never set on the page",
    "column_oob": "a flag of htmx answers, never set on the page",
    "sort_open": "a flag of the answer to sorting a column, never set on the page",
    "q": "the search box's query, never set on the board: the box is empty",
    "live": "a flag of the search page's box, never set on the board",
}
BOARD_REQUEST_ATTRIBUTES = ("blueprint",)

# Every name a card's templates read, and why a kept card is still right for it. Nothing relative to
# today and no asset URL: neither is captured by the book's version.
CARD_INPUTS = {
    "book": "in the key: the book's id, creation and version",
    "csrf_token": "a hole filled per response",
    "url_for": "the app's URL map, fixed while the process runs",
    "Status": "a constant",
    "Outcome": "a constant",
    "rating_stars": "a function of the rating, which is part of the book's version",
    "typed_progress": "set only on the answer to refused progress, which is rendered, never kept",
}


def board_page_key(user: User, tag: str | None = None) -> tuple[Hashable, ...]:
    """The board page's cache key: everything the page shows that can change (BOARD_PAGE_INPUTS),
    and the tag it is filtered by (as written: the page says it)."""
    return (
        "board",
        *(getattr(user, attribute) for attribute in BOARD_USER_ATTRIBUTES),
        user.books_revision,
        static_files.assets_version(),
        tag,
    )


def card_key(user: User, book: Book) -> tuple[Hashable, ...]:
    """A card's cache key: the book as of one change (id, creation, version; a deleted book added
    again keeps its id and restarts its version, but not its creation). The reader's session token
    is in it too: a restore into a fresh database makes new tokens, and may reuse ids and versions;
    and so is their board generation, which `flask recount-books` counts up after a write made
    outside the app."""
    return ("card", user.session_token, user.board_generation, book.book_id, book.creation, book.version)


def _card_owner(book: Book) -> tuple[Hashable, ...]:
    return ("card", book.user_id, book.book_id)


def serve_board(render: Callable[[AddBookForm], str], tag: str | None = None) -> Response | str:
    """The board for the signed-in reader (filtered by `tag`); `render(add_form)` renders it when
    the cache cannot."""
    if get_flashed_messages():  # shown once, by this render (Flask keeps them for the request)
        return render(AddBookForm())
    cache = current_app.extensions["page_cache"]
    key = board_page_key(current_user, tag)
    page = None if _hard_reload() else cache.get(key)
    if page is not None:
        return Response(page.fill({CSRF_HOLE: generate_csrf(), NEW_BOOK_ID_HOLE: new_book_id()}), mimetype="text/html")
    # Decided before DynamoDB is read: the reads must come at least the settling time after the change.
    keep = _settled(current_user.books_changed_at)
    add_form = AddBookForm()
    html = render(add_form)
    if keep:
        page = Page.with_holes(html, {CSRF_HOLE: generate_csrf(), NEW_BOOK_ID_HOLE: add_form.book_id.data})
        cache.put(key, page, owner=("board", current_user.id))
    return html


def cached_card(book: Book, render_card: Callable[[Book], Markup]) -> Markup:
    """A card as `render_card(book)` renders it, from the cache while the book is at this version;
    a card's new version replaces its old one in the cache."""
    cache = current_app.extensions["page_cache"]
    key = card_key(current_user, book)
    token = generate_csrf()
    # A hard reload renders every card afresh too: the way out after a write made outside the app
    # that left a book's version as it was.
    card = None if _hard_reload() else cache.get(key)
    if card is None:
        html = render_card(book)  # Markup: the macro escapes what it interpolates
        cache.put(key, Page.with_holes(str(html), {CSRF_HOLE: token}), owner=_card_owner(book))
        return html
    # That same escaped output, kept, with this response's token (made by Flask-WTF) put back in.
    return Markup(card.fill({CSRF_HOLE: token}).decode())  # noqa: S704  # nosec B704


def forget_card(book: Book) -> None:
    """Drop a deleted book's card from this process's cache: no key asks for it again (another
    process keeps its copy until age or memory drops it; a book added again has a new creation)."""
    current_app.extensions["page_cache"].forget(_card_owner(book))


def count_books_changes(app: Flask) -> Callable[[str, Collection[str] | None], None]:
    """The book repository's change hook: count up the reader's books revision in the users
    database, which every process and instance shares, so that none serves a board page it kept
    from before the change; and note which books changed, so that a kept library is brought up to
    date by reading those alone (blueprints/books/library.py)."""

    def books_changed(user_id: str, book_ids: Collection[str] | None) -> None:
        if not user_id.isdigit():
            return  # not a user's partition (books_key is the user's numeric id)
        if has_app_context():
            users.record_books_changed(int(user_id), book_ids)
        else:  # a script or test using the repository directly
            with app.app_context():
                users.record_books_changed(int(user_id), book_ids)

    return books_changed


def _hard_reload() -> bool:
    return "no-cache" in request.headers.get("Cache-Control", "") or request.headers.get("Pragma") == "no-cache"


def _settled(changed_at: dt.datetime | None) -> bool:
    settle = dt.timedelta(seconds=current_app.config["BOARD_CACHE_SETTLE_SECONDS"])
    return changed_at is None or utcnow() - changed_at >= settle
