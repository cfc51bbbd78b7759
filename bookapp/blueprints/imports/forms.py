"""The import's forms: the upload, the reader's choices on the preview, and a row's repair."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from bookapp.books import Status
from bookapp.books.imports.landing import ExistingBooks, Landing, ShelfChoice, default_choice
from bookapp.books.imports.rows import MAX_FILE_BYTES

STATUS_CHOICES = [SelectChoice(status.value, status.label) for status in Status]
# A cell of the repair form: a title, an author, a list of shelves; never a review.
REPAIR_CELL_MAX_LENGTH = 2_000


class UploadForm(FlaskForm):
    export_file = FileField(
        "Your Goodreads or StoryGraph export (.csv)",
        validators=[FileRequired("Choose the .csv file of your export.")],
    )

    def validate_export_file(self, field) -> None:
        stream = field.data.stream
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(0)
        if size > MAX_FILE_BYTES:
            raise ValidationError(
                f"The file is {size / 1024 / 1024:.1f} MB: the largest the app imports is "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB."
            )

    def file_bytes(self) -> bytes:
        return self.export_file.data.read(MAX_FILE_BYTES + 1)

    def filename(self) -> str:
        return self.export_file.data.filename or "export.csv"


class ChoicesForm(FlaskForm):
    """What to do with books already in the library; one pair of fields per unknown shelf is added
    by `choices_form`."""

    existing = RadioField(
        "Books already in your library",
        choices=[
            SelectChoice(
                ExistingBooks.UPDATE.value, "Update them from the file (never moves one backwards, keeps every read)"
            ),
            SelectChoice(ExistingBooks.SKIP.value, "Skip them (leave them as they are)"),
        ],
        default=ExistingBooks.UPDATE.value,
    )
    shelves: list[str] = []

    def shelf_fields(self) -> list[tuple[str, SelectField, BooleanField]]:
        return [(shelf, self[f"shelf_{i}"], self[f"shelf_{i}_tag"]) for i, shelf in enumerate(self.shelves)]

    def to_landing(self) -> Landing:
        return Landing(
            existing=ExistingBooks(self.existing.data),
            shelves={
                shelf: ShelfChoice(Status(status.data), keep_as_tag=bool(tag.data))
                for shelf, status, tag in self.shelf_fields()
            },
        )


def choices_form(shelves: list[str], **kwargs) -> ChoicesForm:
    """The choices form for a file with these unknown shelves."""

    class FileChoicesForm(ChoicesForm):
        pass

    for i, shelf in enumerate(shelves):
        default = default_choice(shelf)
        setattr(
            FileChoicesForm,
            f"shelf_{i}",
            SelectField(f"Books on “{shelf}” go to", choices=STATUS_CHOICES, default=default.status.value),
        )
        setattr(
            FileChoicesForm, f"shelf_{i}_tag", BooleanField(f"Keep “{shelf}” as a tag", default=default.keep_as_tag)
        )
    FileChoicesForm.shelves = list(shelves)
    return FileChoicesForm(**kwargs)
