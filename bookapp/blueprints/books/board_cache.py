"""The board page from this process's page cache (bookapp/page_cache.py) while the reader's books
are unchanged: an unchanged board costs no DynamoDB request and no rendering. And when the board
must be rendered (after a change), its cards from the same cache: a move changes one card of 60.

The key is everything the page shows that can change: the reader and their session token (new
after a restore into a fresh database), the revision of their books, which every change counts up
in the users database that all processes and instances share (bookapp/books/__init__.py), and the
name and role in the navigation bar. Each response fills in its own CSRF token and the add form's new
book id, so no two pages share either.

Rendered, not served from the cache:
- a page with flashed messages: they belong to the action just done and show once;
- a hard reload (`Cache-Control: no-cache`): rendered from DynamoDB, then kept. It is the way out
  of the one stale case, a change saved while the users database failed to count it;
- a page rendered within BOARD_CACHE_SETTLE_SECONDS of a change is served but not kept: DynamoDB's
  index may not show the change yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Response, current_app, get_flashed_messages, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from bookapp.blueprints.books.forms import AddBookForm
from bookapp.books import Book
from bookapp.books.model import new_book_id
from bookapp.page_cache import Page
from bookapp.users.models import utcnow

CSRF_HOLE = "csrf"
NEW_BOOK_ID_HOLE = "new_book_id"


def serve_board(render: Callable[[AddBookForm], str]) -> Response | str:
    """The board for the signed-in reader; `render(add_form)` renders it when the cache cannot."""
    if get_flashed_messages():  # shown once, by this render (Flask keeps them for the request)
        return render(AddBookForm())
    cache = current_app.extensions["page_cache"]
    key = _board_key()
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
    """A card as `render_card(book)` renders it, from the cache while the book is at this version.

    Every change to a book counts its `version` up, so (reader, book, version) names one rendering;
    a card's new version replaces its old one in the cache. The reader's session token is in the key
    too: a restore into a fresh database makes new tokens, and may reuse ids and versions."""
    cache = current_app.extensions["page_cache"]
    key = ("card", current_user.session_token, book.book_id, book.version)
    token = generate_csrf()
    card = cache.get(key)
    if card is None:
        html = render_card(book)  # Markup: the macro escapes what it interpolates
        cache.put(key, Page.with_holes(str(html), {CSRF_HOLE: token}), owner=("card", book.user_id, book.book_id))
        return html
    # That same escaped output, kept, with this response's token (made by Flask-WTF) put back in.
    return Markup(card.fill({CSRF_HOLE: token}).decode())  # noqa: S704  # nosec B704


def _board_key() -> tuple:
    user = current_user
    return ("board", user.id, user.session_token, user.books_revision, user.username, user.is_admin)


def _hard_reload() -> bool:
    return "no-cache" in request.headers.get("Cache-Control", "") or request.headers.get("Pragma") == "no-cache"


def _settled(changed_at: dt.datetime | None) -> bool:
    settle = dt.timedelta(seconds=current_app.config["BOARD_CACHE_SETTLE_SECONDS"])
    return changed_at is None or utcnow() - changed_at >= settle
