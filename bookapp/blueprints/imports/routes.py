"""Importing a Goodreads or StoryGraph export: upload, preview and choices, progress, repair.

Every step is a real form (POST → 303 without JavaScript); the progress page's htmx poll posts
the same "import the next rows" form and gets the progress part back, until the job is done."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from bookapp.blueprints.imports import bp
from bookapp.blueprints.imports.forms import REPAIR_CELL_MAX_LENGTH, UploadForm, choices_form
from bookapp.books import get_book_repository
from bookapp.books.imports.rows import MAX_FILE_BYTES, FileRefused
from bookapp.books.spreadsheet_cells import defuse
from bookapp.errors import render_error
from bookapp.imports import jobs, repository
from bookapp.imports.models import ImportJob, JobState, RowOutcome
from bookapp.request_size import larger_body

# Shelves offered a choice, those with the most books first; any further one lands as it would by
# default (the preview says so). Exports have a handful; a file with hundreds is not a library's.
SHELF_CHOICES = 30
# A page of the repair list: a file of bad rows is repaired by exporting it again, not row by row.
REPAIRS_SHOWN = 100
# The file, and the form's few other fields around it.
UPLOAD_BODY_LIMIT = MAX_FILE_BYTES + 64 * 1024


@bp.before_request
@login_required
def require_login():
    """Imports are for signed-in readers only."""


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _own_job(job_id: int) -> ImportJob:
    """The single ownership check: another reader's job is not found."""
    job = repository.get_job(current_user.id, job_id)
    if job is None:
        abort(404)
    return job


def _upload_page(form: UploadForm, status: int = 200, refusal: str = ""):
    recent = repository.recent_jobs(current_user.id)
    return render_template("imports/upload.html", form=form, recent=recent, refusal=refusal), status


@bp.errorhandler(413)
def file_too_large(error):
    """A body over the upload's limit is refused before it is read: say what the limit is."""
    message = f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB, the largest the app imports."
    if not current_user.is_authenticated:
        # Refused while its body was read, before the sign-in check: no reader's page to show it on.
        return render_error(413, message)
    return _upload_page(UploadForm(formdata=None), 413, message)


@bp.get("/import")
def upload_page():
    """The upload form, and the reader's recent imports."""
    return _upload_page(UploadForm())


@bp.post("/import")
@larger_body(UPLOAD_BODY_LIMIT)
def upload():
    """Read the file and keep its rows in a job in preview: nothing is written to the library yet."""
    form = UploadForm()
    if not form.validate():
        return _upload_page(form, 422)
    try:
        job = jobs.upload(current_user.id, form.filename(), form.file_bytes())
    except FileRefused as refused:
        return _upload_page(form, 422, refused.message)
    return redirect(url_for("imports.show", job_id=job.id), 303)


def _preview_page(job: ImportJob, form, shelves: dict[str, int], status: int = 200):
    landing = form.to_landing()
    preview = jobs.preview(job, landing, shelves, get_book_repository(), current_user.books_key, _today())
    return render_template(
        "imports/preview.html", job=job, form=form, preview=preview, source=jobs.source_of(job)
    ), status


@bp.get("/import/<int:job_id>")
def show(job_id: int):
    """A job: its preview and choices before it starts, its progress, then what it did."""
    job = _own_job(job_id)
    if job.state == JobState.PREVIEW.value:
        shelves = jobs.shelves_of(job)
        return _preview_page(job, choices_form(list(shelves)[:SHELF_CHOICES], formdata=None), shelves)
    return _job_page(job)


def _job_page(job: ImportJob, status: int = 200):
    return render_template("imports/job.html", job=job, **_job_parts(job)), status


def _job_parts(job: ImportJob) -> dict:
    source = jobs.source_of(job)
    running = job.state == JobState.RUNNING.value
    repairs = [] if running else repository.rows_with_outcome(job.id, [RowOutcome.FAILED], limit=REPAIRS_SHOWN)
    return {
        "source": source,
        "repairs": [(row, json.loads(row.cells or "{}")) for row in repairs],
        "dismissed": repository.count_outcome(job.id, RowOutcome.DISMISSED),
        "repaired": repository.count_outcome(job.id, RowOutcome.REPAIRED),
    }


@bp.post("/import/<int:job_id>/start")
def start(job_id: int):
    """Start the import with the reader's choices, or show the preview again with them."""
    job = _own_job(job_id)
    if job.state != JobState.PREVIEW.value:
        flash("This import has started already.", "info")
        return redirect(url_for("imports.show", job_id=job.id), 303)
    shelves = jobs.shelves_of(job)
    form = choices_form(list(shelves)[:SHELF_CHOICES])
    if not form.validate():
        return _preview_page(job, form, shelves, 422)
    if request.form.get("action") == "preview":
        return _preview_page(job, form, shelves)
    jobs.start(job, form.to_landing(), get_book_repository(), current_user.books_key, _today())
    return redirect(url_for("imports.show", job_id=job.id), 303)


@bp.post("/import/<int:job_id>/next")
def next_rows(job_id: int):
    """Import the job's next chunk of rows (each poll of the progress page, or the button)."""
    job = _own_job(job_id)
    ran = jobs.run_next_chunk(job, get_book_repository(), current_user.books_key, _now())
    if request.htmx:
        return render_template("imports/_status.html", job=job, idle=not ran, **_job_parts(job))
    return redirect(url_for("imports.show", job_id=job.id), 303)


@bp.post("/import/<int:job_id>/cancel")
def cancel(job_id: int):
    """Stop the import; what it imported stays, and the message says how much."""
    job = _own_job(job_id)
    if jobs.cancel(job, get_book_repository(), current_user.books_key):
        left = job.total_rows - job.done_rows
        flash(
            f"Import cancelled. {job.created + job.updated:,} books were imported or updated and stay in your "
            f"library; {left:,} rows were not imported.",
            "info",
        )
    return redirect(url_for("imports.show", job_id=job.id), 303)


@bp.post("/import/<int:job_id>/rows/<int:line>")
def repair(job_id: int, line: int):
    """Import a failed row with the reader's corrections; if it still fails it stays on the list,
    with the reason and the cells as typed."""
    job = _own_job(job_id)
    row = repository.get_row(job.id, line)
    if row is None or row.outcome != RowOutcome.FAILED.value:
        abort(404)
    columns = jobs.source_of(job).editable_columns
    cells = {
        column: request.form.get(f"cell-{index}", "")[:REPAIR_CELL_MAX_LENGTH] for index, column in enumerate(columns)
    }
    failure = jobs.repair(job, row, cells, get_book_repository(), current_user.books_key, _today())
    if failure:
        flash(f"Line {line} was not imported: {failure}", "danger")
        return _job_page(job, 422)
    flash(f"Line {line} imported.", "success")
    return redirect(url_for("imports.show", job_id=job.id, _anchor="repair"), 303)


@bp.post("/import/<int:job_id>/rows/<int:line>/dismiss")
def dismiss(job_id: int, line: int):
    """Let a failed row go: it leaves the repair list (the report still lists it)."""
    job = _own_job(job_id)
    row = repository.get_row(job.id, line)
    if row is None or row.outcome != RowOutcome.FAILED.value:
        abort(404)
    jobs.dismiss(job, row)
    flash(f"Line {line} dismissed.", "info")
    return redirect(url_for("imports.show", job_id=job.id, _anchor="repair"), 303)


@bp.get("/import/<int:job_id>/report.csv")
def report(job_id: int):
    """Every row that did not import as it was, with its line and reason, as CSV."""
    job = _own_job(job_id)
    source = jobs.source_of(job)
    title_column, author_column = source.editable_columns[0], source.editable_columns[1]
    rows = repository.rows_with_outcome(job.id, [RowOutcome.FAILED, RowOutcome.DISMISSED, RowOutcome.REPAIRED])
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["Line", "Outcome", "Reason", "Title", "Author"])
    for row in rows:
        cells = json.loads(row.cells or "{}")
        writer.writerow(
            [
                row.line,
                row.outcome,
                defuse(row.reason),
                defuse(cells.get(title_column, "")),
                defuse(cells.get(author_column, "")),
            ]
        )
    filename = f"import-{job.id}-report.csv"
    return Response(
        text.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
