import unicodedata

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, StopValidation
from wtforms.widgets import HiddenInput

from bookapp.books import Status
from bookapp.books.model import AUTHOR_MAX_LENGTH, TITLE_MAX_LENGTH, new_book_id
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
