"""The book page: one book's card, and every part of its record as a small form of its own (the
routes that take them are in record_routes.py).

The page and the htmx answers are rendered from the same partials (`books/_book_<part>.html`). Every
form on the page carries the book's version, and every save counts it up; so the answer to a save
is the part saved and, out of band, the new version for every form on the page and the new card
(`books/_book_answer.html`): the reader goes on editing another part without reloading, and what
they typed in another part meanwhile stays.
"""

from __future__ import annotations

import dataclasses
import json

from flask import make_response, redirect, render_template, request, url_for
from flask_login import current_user

from bookapp.blueprints.books.forms import (
    FactsForm,
    NotesForm,
    RatingForm,
    ReadThroughForm,
    RecordForm,
    TagsForm,
)
from bookapp.books import Book, get_book_repository
from bookapp.books.editing import PAST_OUTCOMES
from bookapp.books.record import RATING_MAX, RATING_MIN, format_isbn13, isbn10_of, tag_key

# The parts of the page, each a partial (books/_book_<part>.html) in an element #book-<part>.
PARTS = ("facts", "rating", "notes", "tags", "reads")
# The routes of the page's forms (record_routes.py): a stale version there is answered with the
# page as the book is now, not with a card landing on the board (routes.book_changed).
BOOK_PAGE_ENDPOINTS = frozenset(
    {
        "books.edit_facts",
        "books.rate",
        "books.edit_notes",
        "books.edit_tags",
        "books.add_read",
        "books.edit_read",
        "books.delete_read",
    }
)
# The ratings the stars offer, as their radio buttons send them: "0.5", "1", … "5" (and "" for none).
RATING_STEPS = tuple(str((RATING_MIN * step).normalize()) for step in range(1, int(RATING_MAX / RATING_MIN) + 1))


@dataclasses.dataclass
class BookPageForms:
    """Every form on the page: filled from the book, but for the one the reader sent and that was
    refused, which shows what they typed with its errors (see `with_sent`)."""

    facts: FactsForm
    rating: RatingForm
    notes: NotesForm
    tags: TagsForm
    new_read: ReadThroughForm
    reads: list[ReadThroughForm]  # one per read-through, in the book's order

    @classmethod
    def of(cls, book: Book) -> BookPageForms:
        return cls(
            facts=FactsForm.of(book),
            rating=RatingForm.of(book),
            notes=NotesForm.of(book),
            tags=TagsForm.of(book),
            new_read=ReadThroughForm.of(book),
            reads=[ReadThroughForm.of(book, read) for read in book.reads],
        )

    def with_sent(self, part: str, form: RecordForm, index: int | None = None) -> BookPageForms:
        """These forms with `form` in the place of the one it came from: a part's, the new
        read-through's (`part` "reads", no index) or a read-through's (its index)."""
        if part != "reads":
            return dataclasses.replace(self, **{part: form})
        if index is None:
            return dataclasses.replace(self, new_read=form)
        reads = list(self.reads)
        if index < len(reads):
            reads[index] = form
        return dataclasses.replace(self, reads=reads)


def tag_suggestions(book: Book) -> tuple[str, ...]:
    """The reader's tags that this book does not have yet, for the tags field's list. They come from
    the reader's tags item, which every save counts tags in (one GetItem, whatever the size of the
    library), rather than from the books on the board's first pages, which would miss the rest."""
    own = {tag_key(tag) for tag in book.tags}
    return tuple(tag for tag in get_book_repository().reader_tags(current_user.books_key) if tag_key(tag) not in own)


def _context(book: Book, forms: BookPageForms | None, parts: tuple[str, ...]) -> dict:
    """What the partials of `parts` read."""
    return {
        "book": book,
        "forms": forms or BookPageForms.of(book),
        "isbn13": format_isbn13(book.isbn13),
        "isbn10": isbn10_of(book.isbn13),
        "rating_steps": RATING_STEPS,
        "past_outcomes": PAST_OUTCOMES,
        # Read only for a page that shows the tags: one GetItem.
        "tag_suggestions": tag_suggestions(book) if "tags" in parts else (),
    }


def render_book_page(book: Book, forms: BookPageForms | None = None, **extra) -> str:
    """The whole page (`extra`: what the card shows of a refused progress, `typed_progress`)."""
    return render_template("books/book.html", **_context(book, forms, PARTS), **extra)


def part_answer(
    book: Book, part: str, forms: BookPageForms | None = None, *, saved: bool, status: int = 200, focus: str = ""
):
    """The htmx answer to a form of `part`: the part again (with the reader's input and its errors
    when refused), after a save the new version and card out of band, and the messages. `focus`
    names what static/app.js puts the keyboard focus on once the answer has settled."""
    html = render_template("books/_book_answer.html", part=part, saved=saved, **_context(book, forms, (part,)))
    response = make_response(html, status)
    if focus:
        response.headers["HX-Trigger-After-Settle"] = json.dumps({"bookapp:focus": focus})
    return response


def changed_on_book_page(book: Book):
    """The "changed meanwhile" answer to a form of the book page: the whole page as the book is now
    (htmx: in place of the page's content, 409), or back to the page without JavaScript."""
    if request.htmx:
        html = render_template("books/_book_answer.html", part="page", saved=False, **_context(book, None, PARTS))
        response = make_response(html, 409)
        response.headers["HX-Retarget"] = "#book-page"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return redirect(url_for("books.show", book_id=book.book_id), code=303)
