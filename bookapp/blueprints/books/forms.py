from __future__ import annotations

import unicodedata

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, StopValidation
from wtforms.widgets import HiddenInput

from bookapp.books import Book, Status
from bookapp.books.column_order import ColumnSort, Direction, SortKey
from bookapp.books.editing import PAST_OUTCOMES, Facts, ReadThroughText
from bookapp.books.model import AUTHOR_MAX_LENGTH, TITLE_MAX_LENGTH, new_book_id
from bookapp.books.reads import ReadThrough
from bookapp.books.record import NOTES_MAX_LENGTH, BookFormat, RecordError, format_isbn13
from bookapp.books.service import Move, Place

STATUS_CHOICES = [SelectChoice(status.value, status.label) for status in Status]


class VisibleText:
    """Refuse text made only of invisible characters (zero-width spaces, direction marks)."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and not any(unicodedata.category(char)[0] not in "CZ" for char in field.data):
            raise StopValidation(self.message)


def _strip(value: str | None) -> str | None:
    """Trim, and fold runs of whitespace (pasted titles often carry newlines and tabs)."""
    return " ".join(value.split()) if isinstance(value, str) else value


class BookFieldsForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[_strip],
        validators=[
            DataRequired("Enter the book’s title."),
            VisibleText("Enter the book’s title."),
            Length(max=TITLE_MAX_LENGTH, message=f"Keep the title under {TITLE_MAX_LENGTH} characters."),
        ],
        render_kw={"autocomplete": "off"},
    )
    author = StringField(
        "Author",
        filters=[_strip],
        validators=[
            DataRequired("Enter the author."),
            VisibleText("Enter the author."),
            Length(max=AUTHOR_MAX_LENGTH, message=f"Keep the author under {AUTHOR_MAX_LENGTH} characters."),
        ],
        render_kw={"autocomplete": "off"},
    )


class AddBookForm(BookFieldsForm):
    status = SelectField("Column", choices=STATUS_CHOICES, default=Status.NOT_STARTED.value)
    # The new book's id, made when the form is shown: submitting the same form twice adds one book.
    book_id = HiddenField(default=new_book_id)


# Versions count up from 1, one per write; a larger number is no version a page of ours showed.
MAX_VERSION = 2**63 - 1


def _a_version(form, field) -> None:
    """Between 1 and MAX_VERSION, checked as whole numbers: NumberRange compares through float, which
    a number of a thousand digits overflows (a 500), and DynamoDB refuses numbers over 38 digits."""
    if field.data is None or not 1 <= field.data <= MAX_VERSION:
        raise StopValidation("Not a version of this book.")


def version_field() -> IntegerField:
    """The version of the book the reader saw; hidden, so `hidden_tag()` renders it with the token."""
    return IntegerField(widget=HiddenInput(), validators=[InputRequired(), _a_version])


class EditBookForm(BookFieldsForm):
    version = version_field()


class MoveBookForm(FlaskForm):
    status = RadioField(choices=STATUS_CHOICES, validators=[InputRequired()])
    version = version_field()
    # A drag and drop also says where the card landed: "1", and the ranks of the cards now above and
    # below it (empty where there is none). Without it the card goes on top of the column.
    dropped = HiddenField()
    above = HiddenField()
    below = HiddenField()
    # The column the reader saw the book in: with it the move needs no read first (see move_book).
    from_status = HiddenField(validators=[Optional(), AnyOf([status.value for status in Status])])

    def to_move(self) -> Move:
        """The move this (validated) form asks for."""
        dropped = self.dropped.data == "1"
        return Move(
            to_status=Status(self.status.data),
            expected_version=self.version.data,
            place=Place(above=self.above.data or None, below=self.below.data or None) if dropped else None,
            from_status=Status(self.from_status.data) if self.from_status.data else None,
        )


class ReorderBookForm(FlaskForm):
    direction = RadioField(
        choices=[SelectChoice("up", "Up"), SelectChoice("down", "Down")], validators=[InputRequired()]
    )
    version = version_field()


class ProgressForm(FlaskForm):
    """Where the reader is: a page, a percentage ("45%"), or nothing to clear it. The rules are the
    record's (`parse_progress`); the length cap only keeps junk short."""

    progress = StringField(
        filters=[_strip], validators=[Length(max=20, message="Enter a page number or a percentage.")]
    )
    version = version_field()


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for confirmations (delete)."""

    confirm = HiddenField(default="yes")


# -- the book page ------------------------------------------------------------------------------------
# One small form per part of the record. Their fields are text for the record's parsers (record.py),
# called by the editing service (books/editing.py), which refuses with one RecordError per field; only
# the version is checked here.


class RecordForm(FlaskForm):
    """A form of the book page: its version, and a place for the record's refusals."""

    version = version_field()
    # A RecordError's field, where the form names it otherwise.
    FIELD_NAMES: dict[str, str] = {}

    def add_errors(self, errors: list[RecordError]) -> None:
        """Show each refusal beside its field, or above the form when it is about no one field."""
        for error in errors:
            field = getattr(self, self.FIELD_NAMES.get(error.field, error.field), None)
            if field is None or field.name == "version":
                self.form_errors.append(error.message)
            else:
                field.errors = [*field.errors, error.message]


def _number(value) -> str:
    return "" if value is None else str(value)


class FactsForm(RecordForm):
    isbn = StringField("ISBN", description="ISBN-10 or ISBN-13; hyphens and spaces are fine.")
    pages = StringField("Pages", render_kw={"inputmode": "numeric"})
    year_published = StringField(
        "Year first published", description="A minus sign for BCE: -500.", render_kw={"inputmode": "numeric"}
    )
    series = StringField("Series")
    series_number = StringField("Number in the series", render_kw={"inputmode": "decimal"})
    format = SelectField(
        "Format",
        choices=[SelectChoice("", "Not set"), *(SelectChoice(each.value, each.label) for each in BookFormat)],
        validate_choice=False,  # parse_format refuses anything else, in the record's words
    )
    owned = BooleanField("I own a copy")

    @classmethod
    def of(cls, book: Book) -> FactsForm:
        return cls(
            formdata=None,
            data={
                "isbn": format_isbn13(book.isbn13),
                "pages": _number(book.pages),
                "year_published": _number(book.year_published),
                "series": book.series,
                "series_number": _number(book.series_number),
                "format": book.format.value if book.format else "",
                "owned": book.owned,
                "version": book.version,
            },
        )

    def facts(self) -> Facts:
        return Facts(
            isbn=self.isbn.data or "",
            pages=self.pages.data or "",
            year_published=self.year_published.data or "",
            series=self.series.data or "",
            series_number=self.series_number.data or "",
            format=self.format.data or "",
            owned=bool(self.owned.data),
        )


class RatingForm(RecordForm):
    """Radio buttons drawn as stars (books/_book_rating.html); "" is no rating."""

    rating = StringField("Rating")

    @classmethod
    def of(cls, book: Book) -> RatingForm:
        return cls(formdata=None, data={"rating": _number(book.rating), "version": book.version})


class NotesForm(RecordForm):
    notes = TextAreaField(
        "Notes",
        id="notes-text",  # "book-notes" is the part of the page it is in
        description=f"Private: only you see them. Plain text, up to {NOTES_MAX_LENGTH:,} characters.",
        render_kw={"rows": 8},
    )

    @classmethod
    def of(cls, book: Book) -> NotesForm:
        return cls(formdata=None, data={"notes": book.notes, "version": book.version})


class TagsForm(RecordForm):
    """Add the tags typed in `add` (commas separate several), or remove the tag a button names."""

    add = StringField("Add tags", description="Separate several with commas.", render_kw={"autocomplete": "off"})
    remove = StringField()
    FIELD_NAMES = {"tags": "add"}

    @classmethod
    def of(cls, book: Book) -> TagsForm:
        return cls(formdata=None, data={"version": book.version})


class ReadThroughForm(RecordForm):
    outcome = SelectField(
        "How it ended",
        choices=[SelectChoice(outcome.value, outcome.label) for outcome in PAST_OUTCOMES],
        validate_choice=False,  # the editing service refuses anything else, in the record's words
    )
    started = StringField("Started", render_kw={"placeholder": "YYYY-MM-DD", "inputmode": "numeric"})
    ended = StringField("Finished or stopped", render_kw={"placeholder": "YYYY-MM-DD", "inputmode": "numeric"})
    FIELD_NAMES = {"finished": "ended"}

    @classmethod
    def of(cls, book: Book, read: ReadThrough | None = None) -> ReadThroughForm:
        """The form for `read` (None: a new read-through, finished, dates unknown)."""
        data = {"version": book.version, "outcome": PAST_OUTCOMES[0].value}
        if read is not None:
            data |= {
                "outcome": read.outcome.value,
                "started": read.started.iso() if read.started else "",
                "ended": read.ended.iso() if read.ended else "",
            }
        return cls(formdata=None, data=data)

    def read_through(self) -> ReadThroughText:
        return ReadThroughText(
            outcome=self.outcome.data or "", started=self.started.data or "", ended=self.ended.data or ""
        )


class SortColumnForm(FlaskForm):
    """How a column is sorted: what by, and which way (`ColumnSort.parse` refuses anything else, in
    words). `tag` is the filter the board had, to go back to it."""

    key = SelectField("Sort by", choices=[SelectChoice(key.value, key.label) for key in SortKey], validate_choice=False)
    direction = SelectField(
        "Order", choices=[SelectChoice(each.value, each.label) for each in Direction], validate_choice=False
    )
    tag = HiddenField(filters=[_strip])

    def to_sort(self) -> ColumnSort:
        """The sort chosen; SortRefused for one no control offers."""
        return ColumnSort.parse(self.key.data, self.direction.data)
