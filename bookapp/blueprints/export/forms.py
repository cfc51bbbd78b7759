from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class RestoreLibraryForm(FlaskForm):
    library_file = FileField(
        "Library export (.json)",
        description="A file from “Download everything (JSON)”, from this account or another one.",
        validators=[FileRequired("Choose the JSON file to import.")],
        render_kw={"accept": ".json,application/json"},
    )
