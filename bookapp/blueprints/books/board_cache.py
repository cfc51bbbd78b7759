"""The board page from this process's page cache (bookapp/page_cache.py) while the reader's books
are unchanged: an unchanged board costs no DynamoDB request and no rendering.

The key is everything the page shows that can change: the reader and their session token (new
after a restore into a fresh database), the revision of their books, which every change counts up
in the users database that all processes and instances share (`note_books_changed`), and the name
and role in the navigation bar. Each response fills in its own CSRF token and the add form's new
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

from flask import Response, current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from bookapp.blueprints.books.forms import AddBookForm
from bookapp.books.model import new_book_id
from bookapp.page_cache import Page
from bookapp.users import repository as users
from bookapp.users.models import utcnow

CSRF_HOLE = "csrf"
NEW_BOOK_ID_HOLE = "new_book_id"


def serve_board(render: Callable[[AddBookForm], str]) -> Response | str:
    """The board for the signed-in reader; `render(add_form)` renders it when the cache cannot."""
    if session.get("_flashes"):
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
        cache.put(key, Page.with_holes(html, {CSRF_HOLE: generate_csrf(), NEW_BOOK_ID_HOLE: add_form.book_id.data}))
    return html


def note_books_changed() -> None:
    """After any request that may have changed the reader's books: every process's cached board
    of theirs is stale from now on. Called before the response leaves, so the reader's next
    request already sees the new revision."""
    users.record_books_changed(current_user.id)


def _board_key() -> tuple:
    user = current_user
    return ("board", user.id, user.session_token, user.books_revision, user.username, user.is_admin)


def _hard_reload() -> bool:
    return "no-cache" in request.headers.get("Cache-Control", "") or request.headers.get("Pragma") == "no-cache"


def _settled(changed_at: dt.datetime | None) -> bool:
    settle = dt.timedelta(seconds=current_app.config["BOARD_CACHE_SETTLE_SECONDS"])
    return changed_at is None or utcnow() - changed_at >= settle
