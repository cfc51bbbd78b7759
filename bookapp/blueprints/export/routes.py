"""`/export`: two downloads, streamed a page of books at a time so that a 10,000-book library is
never all in a worker's memory, and the upload that brings a JSON export back into the account.

The first page of books is read before the response starts: an outage then gets the usual "try
again" page instead of a file cut short after its header. What the rest of the download needs (the
reader's key and name, the repository) is taken before it starts too, so the generator needs no
request context: no `stream_with_context`, which would keep the request's contexts, and with them
its users-database connection, for as long as the download lasts."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from bookapp.blueprints.export import bp
from bookapp.blueprints.export.forms import RestoreLibraryForm
from bookapp.books import Book, get_book_repository
from bookapp.books.library_files.goodreads_csv import goodreads_csv_lines
from bookapp.books.library_files.library_json import LibraryFileRefused, import_library, library_json_chunks
from bookapp.request_size import larger_body

# A library export of 10,000 books with long notes is about 25 MB; this is what one request may send.
RESTORE_MAX_BYTES = 32 * 1024 * 1024


@bp.before_request
@login_required
def require_login():
    """Only a signed-in reader has a library to export."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _library_pages() -> Iterator[list[Book]]:
    """The signed-in reader's books a page at a time, the first page read already (see above)."""
    pages = get_book_repository().library_pages(current_user.books_key, current_app.config["EXPORT_PAGE_SIZE"])
    first = next(pages, None)
    return itertools.chain([first] if first else [], pages)


def _download(chunks: Iterable[str], mimetype: str, name: str, extension: str) -> Response:
    filename = f"book-tracking-online-{name}-{_now().date().isoformat()}.{extension}"
    return Response(
        (chunk.encode() for chunk in chunks),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _export_page(form: RestoreLibraryForm, status: int = 200):
    return render_template("export/export.html", form=form), status


@bp.get("/export")
def export_page():
    """The two downloads, and the form that imports a JSON export."""
    return _export_page(RestoreLibraryForm())


@bp.get("/export/goodreads.csv")
def goodreads_csv():
    """The library in Goodreads' export layout (for Goodreads, The StoryGraph, BookWyrm)."""
    return _download(goodreads_csv_lines(_library_pages()), "text/csv", "goodreads", "csv")


@bp.get("/export/library.json")
def library_json():
    """Everything the reader has, in our own format (docs/export-format.md)."""
    chunks = library_json_chunks(_library_pages(), username=current_user.username, exported_at=_now())
    return _download(chunks, "application/json", "library", "json")


@bp.post("/export/restore")
@larger_body(RESTORE_MAX_BYTES)
def restore():
    """Import a JSON export into this account: books it has already are left as they are."""
    form = RestoreLibraryForm()
    if not form.validate_on_submit():
        return _export_page(form, 422)
    try:
        result = import_library(
            form.library_file.data.read(), current_user.books_key, get_book_repository(), today=_now().date()
        )
    except LibraryFileRefused as refusal:
        form.library_file.errors.append(str(refusal))
        return _export_page(form, 422)
    flash(_imported_message(result.added, result.already_there), "success")
    return redirect(url_for("export.export_page"), code=303)


def _imported_message(added: int, already_there: int) -> str:
    def books(number: int) -> str:
        return f"{number:,} book" + ("" if number == 1 else "s")

    said = f"Imported {books(added)}."
    if already_there:
        were = "was" if already_there == 1 else "were"
        said += f" {books(already_there)} {were} in your library already, and stayed as they are."
    return said


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A file over the limit: said beside the field, with nothing imported."""
    form = RestoreLibraryForm(formdata=None)
    limit = RESTORE_MAX_BYTES // (1024 * 1024)
    form.library_file.errors = [f"This file is larger than {limit} MB, the most this page takes: nothing was imported."]
    return _export_page(form, RequestEntityTooLarge.code)
