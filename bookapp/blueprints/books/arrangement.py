"""The board as the reader arranged it: each column in the order they chose for it (kept in the
users database), and filtered by the tag in the board's URL (`/?tag=sci-fi`). The filter lives in the
URL only, so what an action answers with, and where a plain form goes back to, follow the board it
was sent from (htmx's HX-Current-URL, the browser's Referer).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from bookapp.blueprints.books.library import reader_library
from bookapp.books import Status, get_book_repository
from bookapp.books.column_order import ColumnViewRefused, parse_tag_filter
from bookapp.books.model import BOARD_COLUMNS
from bookapp.books.service import Board, load_board
from bookapp.users import repository as users


def load_reader_board(tag: str | None) -> Board:
    """The reader's board as they arranged it: each column in its sort, filtered by `tag`."""
    return load_board(
        get_book_repository(),
        current_user.books_key,
        current_app.config["BOOKS_PAGE_SIZE"],
        sorts=current_user.column_sorts(),
        tag=tag,
        library=lambda: reader_library().books.values(),
    )


def board_tag_of(url: str | None) -> str | None:
    """The tag filter of a board URL (the page an htmx request or a form came from), if any."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.path != url_for("books.board"):
        return None
    try:
        return parse_tag_filter(parse_qs(parts.query).get("tag", [""])[0])
    except ColumnViewRefused:
        return None


def arranged_board_of_request() -> Board | None:
    """For an htmx request from a board with a sorted column or a tag filter: that board now."""
    if not any(arranged_on_this_board(status) for status in BOARD_COLUMNS):
        return None
    # The action may have just changed the reader's books: the library must be the one after it.
    users.reload(current_user._get_current_object())
    return load_reader_board(board_tag_of(request.htmx.current_url))


def arranged_on_this_board(status: Status) -> bool:
    """Whether the board an htmx request came from shows `status` sorted or filtered."""
    current_url = request.htmx.current_url if request.htmx else None
    if not current_url or urlsplit(current_url).path != url_for("books.board") or not status.on_board:
        return False
    return board_tag_of(current_url) is not None or not current_user.column_sorts()[status].is_manual


def back_to_board():
    """The 303 after a plain form: to the board, with the tag filter of the board the form was on
    (browsers send it: the Referrer-Policy is same-origin)."""
    return redirect(url_for("books.board", tag=board_tag_of(request.referrer)), code=303)
