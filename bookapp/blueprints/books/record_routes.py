"""The forms of the book page: the facts, the rating, the notes, the tags and the read-throughs,
each a small form of its own with the book's version (book_page.py renders them).

Without JavaScript a save answers 303 back to the page, at the part saved; a refusal shows the whole
page again (422) with the reader's input and each error beside its field. htmx gets the part alone
(book_page.part_answer). The rules are the editing service's (books/editing.py): a refused edit
writes nothing, someone else's book is not found, a stale version is the "changed meanwhile" answer
(routes.book_changed), whatever the route.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from bookapp.blueprints.books import bp
from bookapp.blueprints.books.book_page import BookPageForms, part_answer, render_book_page
from bookapp.blueprints.books.forms import (
    FactsForm,
    NotesForm,
    RatingForm,
    ReadThroughForm,
    RecordForm,
    TagsForm,
)
from bookapp.blueprints.books.routes import _own_book, _today
from bookapp.books import Book, editing, get_book_repository
from bookapp.books.editing import EditOutcome, EditRefused, ReadThroughNotFound
from bookapp.books.record import NOTES_MAX_LENGTH
from bookapp.errors import render_error
from bookapp.request_size import larger_body

# Where the keyboard focus goes once a save's answer has settled (the form the reader used may be
# gone: a closed "Edit" disclosure, a removed tag's button, a deleted read-through).
FOCUS_AFTER_SAVE = {
    "facts": "#book-facts summary",
    "rating": "#book-rating input:checked",
    "notes": "#book-notes summary",
    "tags": "#tags-add",
    "reads": "#book-reads-heading",
}


@bp.errorhandler(ReadThroughNotFound)
def read_through_not_found(error: ReadThroughNotFound):
    """No read-through at that place in the book's history."""
    return render_error(404)


def _save(
    book_id: str,
    part: str,
    form: RecordForm,
    change: Callable[[Book], Book],
    saved_message: Callable[[Book], str],
    index: int | None = None,
):
    """Apply `change` (an edit of books/editing.py) for the form of `part` (a read-through's form:
    its `index`) to the book as the reader saw it, and answer."""
    if not form.validate_on_submit():  # no version, or not a number
        _own_book(book_id)  # someone else's book is 404 before it is 400
        abort(400)
    try:
        result = editing.edit_record(
            get_book_repository(),
            user_id=current_user.books_key,
            book_id=book_id,
            expected_version=form.version.data,
            change=change,
        )
    except EditRefused as refused:
        form.add_errors(refused.errors)
        forms = BookPageForms.of(refused.book).with_sent(part, form, index)
        if request.htmx:
            focus = f"#book-{part} [aria-invalid=true], #book-{part} .form-errors"
            return part_answer(refused.book, part, forms, saved=False, status=422, focus=focus)
        return render_book_page(refused.book, forms), 422
    book = result.book
    if result.outcome is EditOutcome.SAVED:
        flash(saved_message(book), "success")
    else:
        flash(f"Nothing to change in “{book.title}”.", "message")
    if request.htmx:
        return part_answer(book, part, saved=result.outcome is EditOutcome.SAVED, focus=FOCUS_AFTER_SAVE[part])
    return redirect(url_for("books.show", book_id=book_id, _anchor=f"book-{part}"), code=303)


@bp.post("/books/<book_id>/facts")
def edit_facts(book_id: str):
    """ISBN, pages, year first published, series and number in it, format, owned."""
    form = FactsForm()
    return _save(
        book_id,
        "facts",
        form,
        lambda book: editing.with_facts(book, form.facts(), _today().year),
        lambda book: f"Saved the facts of “{book.title}”.",
    )


def _rating_message(book: Book) -> str:
    if book.rating is None:
        return f"“{book.title}” has no rating now."
    return f"Rated “{book.title}” {book.rating:g} of 5."


@bp.post("/books/<book_id>/rating")
def rate(book_id: str):
    """A rating in half stars, or none."""
    form = RatingForm()
    return _save(
        book_id,
        "rating",
        form,
        lambda book: editing.with_rating(book, form.rating.data or ""),
        _rating_message,
    )


# Notes of the longest, each character 4 bytes of UTF-8 sent as "%XX" (12 bytes), and the rest of the form.
NOTES_BODY_LIMIT = NOTES_MAX_LENGTH * 12 + 16 * 1024


@bp.post("/books/<book_id>/notes")
@larger_body(NOTES_BODY_LIMIT)
def edit_notes(book_id: str):
    """The reader's private notes, plain text."""
    form = NotesForm()
    return _save(
        book_id,
        "notes",
        form,
        lambda book: editing.with_notes(book, form.notes.data or ""),
        lambda book: f"Saved your notes on “{book.title}”.",
    )


def _tags_message(book: Book) -> str:
    if not book.tags:
        return f"“{book.title}” has no tags now."
    return f"Tags of “{book.title}”: {', '.join(book.tags)}."


@bp.post("/books/<book_id>/tags")
def edit_tags(book_id: str):
    """Add the tags typed (commas separate several), or remove the one a button names."""
    form = TagsForm()
    return _save(
        book_id,
        "tags",
        form,
        lambda book: editing.with_tags(book, form.add.data or "", form.remove.data or ""),
        _tags_message,
    )


@bp.post("/books/<book_id>/reads")
def add_read(book_id: str):
    """A past read-through: finished or not, with the dates the reader remembers (or none)."""
    form = ReadThroughForm()
    return _save(
        book_id,
        "reads",
        form,
        lambda book: editing.with_read_added(book, form.read_through()),
        lambda book: f"Added a read-through of “{book.title}”.",
    )


@bp.post("/books/<book_id>/reads/<int:index>")
def edit_read(book_id: str, index: int):
    """Change the read-through at `index` in the book's history (newest first); of the open one,
    only its start."""
    form = ReadThroughForm()
    return _save(
        book_id,
        "reads",
        form,
        lambda book: editing.with_read_edited(book, index, form.read_through()),
        lambda book: f"Saved the read-through of “{book.title}”.",
        index=index,
    )


@bp.post("/books/<book_id>/reads/<int:index>/delete")
def delete_read(book_id: str, index: int):
    """Delete a past read-through (the open one goes by moving the book on the board). The button is
    in the read-through's form: a refusal shows that form again."""
    form = ReadThroughForm()
    return _save(
        book_id,
        "reads",
        form,
        lambda book: editing.with_read_deleted(book, index),
        lambda book: f"Deleted a read-through of “{book.title}”.",
        index=index,
    )
