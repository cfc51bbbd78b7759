"""All SQL for import jobs: views and the job service never build queries themselves."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Row, case, func, insert, or_, select, update

from bookapp.books.imports.rows import RowError, SourceRow
from bookapp.extensions import db
from bookapp.imports.models import ImportJob, ImportRow, JobState, RowOutcome
from bookapp.users.models import utcnow

_INSERT_BATCH = 1000
_UPDATE_BATCH = 500
LARGEST_JOB_ID = 2**31 - 1


def create_job(user_id: int, source: str, filename: str, rows: Iterable[SourceRow | RowError]) -> ImportJob | None:
    """A job in preview, holding every row of the file (rows that are not even CSV with their
    reason), written a thousand at a time as they are read; None, and nothing stored, for no rows."""
    job = ImportJob(user_id=user_id, source=source, filename=filename[:255], choices="{}")
    db.session.add(job)
    db.session.flush()
    total = 0
    rows = iter(rows)
    while batch := list(itertools.islice(rows, _INSERT_BATCH)):
        db.session.execute(insert(ImportRow), [_row_values(job.id, row) for row in batch])
        total += len(batch)
    if not total:
        db.session.rollback()
        return None
    job.total_rows = total
    db.session.commit()
    return job


def forget_unsaved() -> None:
    """Drop what `create_job` wrote before the file turned out unreadable."""
    db.session.rollback()


def _row_values(job_id: int, row: SourceRow | RowError) -> dict[str, Any]:
    # Empty cells are left out: a Goodreads row has 31 columns, most of them usually empty.
    if isinstance(row, RowError):
        cells = {name: value for name, value in (row.cells or {}).items() if value}
        return {
            "job_id": job_id,
            "line": row.line,
            "cells": json.dumps(cells),
            "unreadable": True,
            "reason": row.reason,
        }
    cells = {name: value for name, value in row.cells.items() if value}
    return {"job_id": job_id, "line": row.line, "cells": json.dumps(cells), "unreadable": False, "reason": ""}


def get_job(user_id: int, job_id: int) -> ImportJob | None:
    """The one ownership check: a job is found by (reader, id), so another reader's is not found."""
    if not 0 < job_id <= LARGEST_JOB_ID:
        return None
    return db.session.scalar(select(ImportJob).where(ImportJob.id == job_id, ImportJob.user_id == user_id))


def recent_jobs(user_id: int, limit: int = 5) -> list[ImportJob]:
    return list(
        db.session.scalars(
            select(ImportJob).where(ImportJob.user_id == user_id).order_by(ImportJob.id.desc()).limit(limit)
        )
    )


def rows_of(job_id: int) -> Iterator[Row]:
    """Every row of a job in file order, as plain rows (line, cells, unreadable, reason) read a
    thousand at a time by line: the session keeps none of them, whatever the driver buffers."""
    after = 0
    while True:
        page = db.session.execute(
            select(ImportRow.line, ImportRow.cells, ImportRow.unreadable, ImportRow.reason)
            .where(ImportRow.job_id == job_id, ImportRow.line > after)
            .order_by(ImportRow.line)
            .limit(_INSERT_BATCH)
        ).all()
        yield from page
        if len(page) < _INSERT_BATCH:
            return
        after = page[-1].line


def _update_rows(job_id: int, changes: dict[int, dict[str, Any]]) -> None:
    """Set columns of many rows of a job, a few hundred rows per UPDATE (a CASE on the line per
    column) rather than one statement per row."""
    lines = sorted(changes)
    for start in range(0, len(lines), _UPDATE_BATCH):
        batch = lines[start : start + _UPDATE_BATCH]
        columns = {name for line in batch for name in changes[line]}
        values = {
            name: case({line: changes[line][name] for line in batch if name in changes[line]}, value=ImportRow.line)
            for name in columns
        }
        db.session.execute(
            update(ImportRow)
            .where(ImportRow.job_id == job_id, ImportRow.line.in_(batch))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def rows_after(job_id: int, line: int, limit: int) -> list[ImportRow]:
    return list(
        db.session.scalars(
            select(ImportRow)
            .where(ImportRow.job_id == job_id, ImportRow.line > line)
            .order_by(ImportRow.line)
            .limit(limit)
        )
    )


def get_row(job_id: int, line: int) -> ImportRow | None:
    if not 0 < line <= LARGEST_JOB_ID:  # a 32-bit INTEGER column: a larger line is no row
        return None
    return db.session.get(ImportRow, (job_id, line))


def rows_with_outcome(job_id: int, outcomes: Iterable[RowOutcome], limit: int | None = None) -> list[ImportRow]:
    statement = (
        select(ImportRow)
        .where(ImportRow.job_id == job_id, ImportRow.outcome.in_([outcome.value for outcome in outcomes]))
        .order_by(ImportRow.line)
    )
    return list(db.session.scalars(statement.limit(limit) if limit else statement))


def count_outcome(job_id: int, outcome: RowOutcome) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ImportRow)
        .where(ImportRow.job_id == job_id, ImportRow.outcome == outcome.value)
    )


def start_job(job: ImportJob, choices: dict[str, Any], targets: dict[int, dict[str, str]]) -> None:
    """Store the reader's choices and each row's book (`{line: {"kind", "book_id"}}`), and set the
    job running."""
    _update_rows(job.id, targets)
    job.choices = json.dumps(choices)
    job.state = JobState.RUNNING.value
    db.session.commit()


def take_lease(job: ImportJob, now: dt.datetime, seconds: int) -> bool:
    """Hold a running job for one chunk; False when another worker holds it (or it is not running).
    One UPDATE computed in the database, so two workers never both win; the winner then reads the
    job again in a new transaction (MySQL's repeatable read would show it as the request first saw
    it), as the last chunk left it."""
    result = db.session.execute(
        update(ImportJob)
        .where(
            ImportJob.id == job.id,
            ImportJob.state == JobState.RUNNING.value,
            or_(ImportJob.lease_until.is_(None), ImportJob.lease_until < now),
        )
        .values(lease_until=now + dt.timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return False
    db.session.refresh(job)
    return True


def record_chunk(job: ImportJob, outcomes: dict[int, tuple[RowOutcome, str]], cursor_line: int) -> None:
    """What became of a chunk's rows; the cursor moves past them and the lease is let go."""
    _update_rows(
        job.id,
        {line: {"outcome": outcome.value, "reason": reason[:2000]} for line, (outcome, reason) in outcomes.items()},
    )
    for outcome, _ in outcomes.values():
        name = {RowOutcome.REPAIRED: "created"}.get(outcome, outcome.value)
        setattr(job, name, getattr(job, name) + 1)
    job.cursor_line = max(job.cursor_line, cursor_line)
    job.done_rows = job.done_rows + len(outcomes)
    job.lease_until = None
    db.session.commit()


def finish_job(job: ImportJob, state: JobState) -> None:
    job.state = state.value
    job.lease_until = None
    job.finished_at = utcnow()
    db.session.commit()


def record_row(job: ImportJob, row: ImportRow, outcome: RowOutcome, reason: str = "") -> None:
    """A row repaired, dismissed or failing again from the repair list."""
    was_failed = row.outcome == RowOutcome.FAILED.value
    row.outcome = outcome.value
    row.reason = reason[:2000]
    if was_failed and outcome is not RowOutcome.FAILED:
        job.failed = max(0, job.failed - 1)
        if outcome is RowOutcome.REPAIRED:
            job.created = job.created + 1
    db.session.commit()


def release(job: ImportJob) -> None:
    db.session.rollback()
    db.session.execute(update(ImportJob).where(ImportJob.id == job.id).values(lease_until=None))
    db.session.commit()
