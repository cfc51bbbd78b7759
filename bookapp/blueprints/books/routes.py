"""The reader's board: add, move, edit and delete books.

Every action is a real form (POST → 303 → board without JavaScript); htmx requests get only the
fragments that changed (the card, the counts, the messages) rendered from the same partials.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import BadRequest, NotFound

from bookapp.blueprints.books import bp
from bookapp.blueprints.books.arrangement import (
    arranged_board_of_request,
    arranged_on_this_board,
    back_to_board,
    load_reader_board,
)
from bookapp.blueprints.books.board_cache import cached_card, forget_card, serve_board
from bookapp.blueprints.books.book_page import BOOK_PAGE_ENDPOINTS, changed_on_book_page, render_book_page
from bookapp.blueprints.books.forms import (
    AddBookForm,
    ConfirmForm,
    EditBookForm,
    MoveBookForm,
    ProgressForm,
    ReorderBookForm,
    SortColumnForm,
)
from bookapp.blueprints.books.library import reader_library
from bookapp.books import Book, BookChanged, BookNotFound, Status, get_book_repository
from bookapp.books.column_order import ColumnViewRefused, Direction, SortKey, parse_tag_filter
from bookapp.books.model import BOARD_COLUMNS, MalformedCursor, MoveOutcome
from bookapp.books.reads import Outcome
from bookapp.books.record import RecordError, rating_stars
from bookapp.books.service import (
    ProgressOutOfRange,
    arranged_column,
    edit_book,
    move_book,
    nudge_book,
    update_progress,
)
from bookapp.errors import render_error
from bookapp.users import repository as users

EMPTY_COLUMN_MESSAGES = {
    Status.NOT_STARTED: "Nothing waiting. Add a book you want to read.",
    Status.READING: "Not reading anything right now. Move a book here when you start it.",
    Status.FINISHED: "No finished books yet. Books land here when you finish them.",
    Status.DID_NOT_FINISH: "No books given up. A book you stop reading can go here from Reading.",
}


@bp.app_context_processor
def board_vocabulary():
    """Names every book template uses (the card is also rendered on admin-free pages)."""
    return {
        "Status": Status,
        "Outcome": Outcome,
        "empty_messages": EMPTY_COLUMN_MESSAGES,
        "rating_stars": rating_stars,
        "SortKey": SortKey,
        "Direction": Direction,
    }


bp.add_app_template_global(cached_card)


@bp.before_request
@login_required
def require_login():
    """Every page of the board is for signed-in readers only."""


def _today() -> dt.date:
    # Reading dates are calendar days in UTC, the server's clock on Elastic Beanstalk.
    return dt.datetime.now(dt.UTC).date()


def _page_size() -> int:
    return current_app.config["BOOKS_PAGE_SIZE"]


def _own_book(book_id: str) -> Book:
    """The single ownership check: books are looked up by (signed-in reader, id), so another
    reader's book is simply not found (BookNotFound: a 404, below)."""
    return get_book_repository().get(current_user.books_key, book_id)


def _status_or_404(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        abort(404)


def _board_html(add_form: AddBookForm, tag: str | None = None) -> str:
    return render_template("books/board.html", board=load_reader_board(tag), add_form=add_form)


def _answer(book: Book | None = None, **parts):
    """An htmx answer: the parts an action changed, and the messages (see books/_answer.html)."""
    reswap_none = False
    if _on_search_page():
        # The search results have no columns and no counts: a card that would land in another
        # column changes where it is.
        if parts.pop("land", None):
            parts.setdefault("main", "card")
        parts.pop("counts", None)
    elif ("land" in parts or "counts" in parts) and (board := arranged_board_of_request()) is not None:
        # A sorted or filtered column has no "top" to land on, and its count is "3 of 120": the
        # columns come again whole, each card where its order puts it. They replace the card the
        # action was on too, so the main response swaps nothing (but the add form).
        for part in ("land", "counts", "state"):
            parts.pop(part, None)
        parts["columns"] = board
        reswap_none = parts.get("main") != "add_form"
    response = make_response(render_template("books/_answer.html", book=book, **parts))
    if reswap_none:
        response.headers["HX-Reswap"] = "none"
    return response


def _on_search_page() -> bool:
    """Whether htmx sent the request from the search page (the card's buttons are the board's)."""
    current_url = request.htmx.current_url if request.htmx else None
    return bool(current_url) and urlsplit(current_url).path == url_for("books.search")


def _on_top_of_its_column(book: Book) -> str | None:
    """Where a card lands on the board; a book on the Did not finish shelf leaves the board."""
    return f"afterbegin:#cards-{book.status.value}" if book.status.on_board else None


def _focus_after_swap(response, selector: str, fallback: str | None = None):
    """Ask the page (static/app.js) to put the keyboard focus back on the card that moved (or on
    `fallback` when that card is not in the page)."""
    focus = {"value": selector, "fallback": fallback} if fallback else selector
    response.headers["HX-Trigger-After-Settle"] = json.dumps({"bookapp:focus": focus})
    return response


@bp.errorhandler(BookNotFound)
def book_not_found(error: BookNotFound):
    """Not this reader's book (or no longer there), whatever the route."""
    return render_error(NotFound.code)


@bp.errorhandler(MalformedCursor)
def malformed_cursor(error: MalformedCursor):
    """A "Show more" link that no page of ours made: edited by hand, cut short, or forged."""
    return render_error(BadRequest.code)


@bp.errorhandler(ColumnViewRefused)
def column_view_refused(error: ColumnViewRefused):
    """A sort or tag filter that no control of ours makes: say what is wrong."""
    return render_error(BadRequest.code, str(error))


@bp.errorhandler(BookChanged)
def book_changed(error: BookChanged):
    """Someone else changed this book first: say so, and show the book as it is now."""
    flash(
        f"“{error.current.title}” was changed in another tab or device meanwhile. "
        "This is how it is now; nothing was lost.",
        "warning",
    )
    if request.endpoint in BOOK_PAGE_ENDPOINTS:
        return changed_on_book_page(error.current)
    if request.htmx:
        counts = get_book_repository().counts(current_user.books_key)
        return _answer(error.current, land=_on_top_of_its_column(error.current), counts=counts), 409
    return back_to_board()


@bp.get("/")
def board():
    """The board: three columns with their counts, and the add form; an unchanged board comes from
    this process's page cache (board_cache.py). `?tag=` shows only the books with that tag."""
    tag = parse_tag_filter(request.args.get("tag"))
    return serve_board(lambda add_form: _board_html(add_form, tag), tag=tag)


@bp.post("/books")
def add():
    """Add a book on top of the chosen column."""
    form = AddBookForm()
    if not form.validate_on_submit():
        if request.htmx:
            return render_template("books/_add_form.html", add_form=form), 422
        return _board_html(form), 422
    books = get_book_repository()
    book, counts = books.add_counted(
        current_user.books_key, form.title.data, form.author.data, Status(form.status.data), _today(), form.book_id.data
    )
    flash(f"Added “{book.title}” to {book.status.label}.", "success")
    if request.htmx:
        if counts is None:  # added already (a double submit): the counts were not written now
            counts = books.counts(current_user.books_key)
        return _answer(
            book, main="add_form", add_form=AddBookForm(formdata=None), land=_on_top_of_its_column(book), counts=counts
        )
    return back_to_board()


@bp.get("/books/<book_id>")
def show(book_id: str):
    """The book page: its card and its whole record, each part editable (book_page.py); htmx gets
    the card alone (e.g. to cancel an inline edit on the board)."""
    book = _own_book(book_id)
    if request.htmx:
        return render_template("books/_card.html", book=book)
    return render_book_page(book)


MOVE_MESSAGES = {
    MoveOutcome.MOVED: "Moved “{title}” to {column}.",
    MoveOutcome.PLACED: "Moved “{title}” within {column}.",
    MoveOutcome.ALREADY_THERE: "“{title}” is already in {column}.",
}


@bp.post("/books/<book_id>/move")
def move(book_id: str):
    """Move a book to another column; the date rules live in the domain (`Book.moved_to`)."""
    form = MoveBookForm()
    if not form.validate_on_submit():
        _own_book(book_id)  # someone else's book is 404 before it is 400
        abort(400)
    requested = form.to_move()
    result = move_book(
        get_book_repository(), user_id=current_user.books_key, book_id=book_id, move=requested, today=_today()
    )
    book = result.book
    category = "message" if result.outcome is MoveOutcome.ALREADY_THERE else "success"
    flash(MOVE_MESSAGES[result.outcome].format(title=book.title, column=book.status.label), category)
    if request.htmx:
        # The counts come with a move to another column; otherwise the counts shown stay true.
        if requested.place is not None:
            # The page moved the card already (a drop, or a button with static/app.js): send only what
            # the move changed on it, and leave the card where it is.
            response = _state_only(_answer(book, state=True, counts=result.counts))
        else:
            # The card leaves its place and lands, whole, on top of its new column.
            response = make_response(_answer(book, land=_on_top_of_its_column(book), counts=result.counts))
        # In a sorted or filtered column the card may land past the first page: then the column's heading.
        fallback = f"#heading-{book.status.value}" if arranged_on_this_board(book.status) else None
        return _focus_after_swap(response, f"#book-{book.book_id}", fallback=fallback)
    return back_to_board()


@bp.post("/books/<book_id>/reorder")
def reorder(book_id: str):
    """Move a card one place up or down in its column (for the keyboard and without JavaScript)."""
    form = ReorderBookForm()
    if not form.validate_on_submit():
        _own_book(book_id)
        abort(400)
    if any(not sort.is_manual for sort in current_user.column_sorts().values()):  # else no read more
        refused = _refused_in_a_sorted_column(_own_book(book_id))
        if refused is not None:
            return refused
    nudge = nudge_book(
        get_book_repository(),
        user_id=current_user.books_key,
        book_id=book_id,
        direction=form.direction.data,
        expected_version=form.version.data,
    )
    book, direction = nudge.book, form.direction.data
    if nudge.neighbour is None:
        edge = "top" if direction == "up" else "bottom"
        flash(f"“{book.title}” is already at the {edge} of {book.status.label}.")
    else:
        relation = "above" if direction == "up" else "below"
        flash(f"Moved “{book.title}” {direction}, {relation} “{nudge.neighbour.title}”.")
    if request.htmx:
        if nudge.neighbour is None:  # at the top or the bottom already: refreshed in place
            response = make_response(_answer(book, main="card"))
        else:  # leaves its place and stands again before or after its neighbour
            position = "beforebegin" if direction == "up" else "afterend"
            response = make_response(_answer(book, land=f"{position}:#book-{nudge.neighbour.book_id}"))
        return _focus_after_swap(response, f"#book-{book.book_id} button[value={direction}]")
    return back_to_board()


@bp.post("/books/<book_id>/progress")
def progress(book_id: str):
    """Where the reader is in a book they are reading: one field on the card, Enter saves."""
    form = ProgressForm()
    if not form.validate_on_submit():
        _own_book(book_id)
        if form.version.errors or form.csrf_token.errors:
            abort(400)
        return _progress_refused(_own_book(book_id), form.progress.data, form.progress.errors[0])
    try:
        book = update_progress(
            get_book_repository(),
            user_id=current_user.books_key,
            book_id=book_id,
            progress_text=form.progress.data or "",
            expected_version=form.version.data,
        )
    except RecordError as error:
        return _progress_refused(_own_book(book_id), form.progress.data, str(error))
    except ProgressOutOfRange as out_of_range:
        return _progress_refused(out_of_range.book, form.progress.data, str(out_of_range.error))
    where = book.progress.display(book.pages) if book.progress else "no progress"
    flash(f"“{book.title}”: {where}.", "success")
    if request.htmx:
        return _state_only(_answer(book, state=True))
    return back_to_board()


def _refused_in_a_sorted_column(book: Book):
    """The answer to ▲/▼ on a book whose column is sorted (an old page): ranks are manual order only."""
    sort = current_user.column_sorts().get(book.status)
    if sort is None or sort.is_manual:
        return None
    flash(f"{book.status.label} is sorted by {sort.describe()}: ▲ and ▼ work in manual order only.", "warning")
    if request.htmx:
        return _answer(book, main="card")
    return back_to_board()


def _state_only(answer, status: int = 200):
    """An answer that changes only the card's `card_state` (out of band): the card stays in place."""
    response = make_response(answer, status)
    response.headers["HX-Reswap"] = "none"
    return response


def _progress_refused(book: Book, typed: str | None, message: str):
    """The card again, with what the reader typed and why it was refused beside it."""
    if book.status is not Status.READING:
        raise BookChanged(book)  # finished or moved meanwhile: the usual "changed meanwhile" answer
    typed_progress = {"book_id": book.book_id, "typed": typed or "", "error": message}
    if request.htmx:
        return _state_only(_answer(book, state=True, typed_progress=typed_progress), 422)
    return render_book_page(book, typed_progress=typed_progress), 422


@bp.route("/books/<book_id>/edit", methods=["GET", "POST"])
def edit(book_id: str):
    """Change a book's title and author (inline with htmx, a page of its own without)."""
    book = _own_book(book_id)
    form = EditBookForm(obj=book)
    template = "books/_edit_form.html" if request.htmx else "books/edit.html"
    if request.method == "GET":
        return render_template(template, form=form, book=book)
    if not form.validate_on_submit():
        return render_template(template, form=form, book=book), 422
    book = edit_book(
        get_book_repository(),
        user_id=current_user.books_key,
        book_id=book_id,
        title=form.title.data,
        author=form.author.data,
        expected_version=form.version.data,
    )
    flash(f"Saved “{book.title}”.", "success")
    if request.htmx:
        return _answer(book, main="card")
    return back_to_board()


@bp.route("/books/<book_id>/delete", methods=["GET", "POST"])
def delete(book_id: str):
    """Delete a book. GET asks for confirmation (htmx asks in the browser before it POSTs)."""
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("books/confirm_delete.html", book=_own_book(book_id), form=form)
    books = get_book_repository()
    # The delete itself is the ownership check: it is keyed by (reader, id) and returns the book.
    book = books.delete(current_user.books_key, book_id)
    forget_card(book)
    flash(f"Deleted “{book.title}”.", "success")
    if request.htmx:
        counts = books.counts(current_user.books_key)
        response = make_response(_answer(counts=counts))
        # static/app.js moves the keyboard focus to a neighbouring card once the swap has settled.
        response.headers["HX-Trigger-After-Settle"] = json.dumps({"bookapp:removed": f"#book-{book.book_id}"})
        return response
    return back_to_board()


@bp.get("/columns/<status>")
def column(status: str):
    """The next page of one column ("Show more"): in manual order after the cursor in `after`; in a
    sorted or filtered column from the position `start` (with the `tag`)."""
    column_status = _status_or_404(status)
    if "start" in request.args:
        if column_status not in BOARD_COLUMNS:
            abort(404)
        start = request.args.get("start", type=int)
        if start is None or not 0 <= start <= MAX_START:
            abort(400)
        page = arranged_column(
            reader_library().books.values(),
            column_status,
            sort=current_user.column_sorts()[column_status],
            tag=parse_tag_filter(request.args.get("tag")),
            start=start,
            page_size=_page_size(),
        )
    else:
        cursor = request.args.get("after") or None
        page = get_book_repository().list_column(current_user.books_key, column_status, _page_size(), cursor)
    if request.htmx:
        return render_template("books/_more_books.html", page=page)
    return render_template("books/column.html", page=page)


# Well above any library's size (10,000 books is the design's largest); a larger start is no page of ours.
MAX_START = 1_000_000


@bp.post("/columns/<status>/sort")
def sort_column(status: str):
    """Sort a board column by a value of the books' records, or put it back in manual order: kept
    for the reader across sign-ins (users database). htmx gets the column again."""
    column_status = _status_or_404(status)
    if column_status not in BOARD_COLUMNS:
        abort(404)
    form = SortColumnForm()
    if not form.validate_on_submit():
        abort(400)
    sort = form.to_sort()
    tag = parse_tag_filter(form.tag.data)
    current_user.sort_column(column_status, sort)
    users.save(current_user)
    flash(f"{column_status.label} is now in {sort.describe()}.", "success")
    if request.htmx:
        board = load_reader_board(tag)
        (column,) = [column for column in board.columns if column.status == column_status]
        response = make_response(render_template("books/_column_answer.html", board=board, column=column))
        return _focus_after_swap(response, f"#sort-button-{column_status.value}")  # the column came whole
    return redirect(url_for("books.board", tag=tag), code=303)
