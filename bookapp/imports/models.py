"""An import job and its rows, in the users database: the one store every worker and instance
shares, so any of them can run the next chunk of a job, and a job resumes after a restart."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, delete, event, select
from sqlalchemy.dialects.mysql import MEDIUMTEXT
from sqlalchemy.orm import Mapped, mapped_column

from bookapp.extensions import db
from bookapp.users.models import User, utcnow

# A row's cells as JSON: a review may be 20,000 characters of four-byte UTF-8, past TEXT's 64 KB in MySQL.
LONG_TEXT = Text().with_variant(MEDIUMTEXT(), "mysql", "mariadb")


class JobState(enum.StrEnum):
    PREVIEW = "preview"  # uploaded; nothing written until the reader starts it
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


class RowKind(enum.StrEnum):
    """What a row's book is, decided when the job starts (by then the library is known)."""

    NEW = "new"  # a book the library does not have: added under an id derived from the row
    LIBRARY = "library"  # a book the library had already: skipped or updated, as the reader chose
    REPEAT = "repeat"  # the same book as an earlier row of the file: merged into it


class RowOutcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"  # on the repair list
    REPAIRED = "repaired"  # failed, then fixed by the reader and imported
    DISMISSED = "dismissed"  # failed, and the reader let it go


class ImportJob(db.Model):
    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # goodreads, storygraph
    filename: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default=JobState.PREVIEW.value)
    # The reader's choices (landing.Landing) as JSON, set when the job starts.
    choices: Mapped[str] = mapped_column(Text, default="{}")
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    # Rows up to this line are done; the next chunk starts after it.
    cursor_line: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # A worker running a chunk holds the job until then: two polls (two tabs) never run the same
    # chunk at once, and a worker killed mid-chunk lets go when the time is up.
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    @property
    def percent_done(self) -> int:
        return 100 if not self.total_rows else min(100, self.done_rows * 100 // self.total_rows)


class ImportRow(db.Model):
    __tablename__ = "import_rows"

    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # The row's cells by column name, as JSON: parsed again when its chunk runs, edited on repair.
    cells: Mapped[str] = mapped_column(LONG_TEXT)
    # Set when the file was read: a row that is not even CSV (its reason is on the repair list).
    unreadable: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(16), default="")
    book_id: Mapped[str] = mapped_column(String(26), default="")
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(User, "before_delete")
def _forget_imports_of_deleted_user(mapper, connection, user: User) -> None:
    """A deleted account's jobs go with it, also where the database does not enforce foreign keys
    (SQLite, which also hands a deleted account's id to the next one)."""
    jobs = select(ImportJob.id).where(ImportJob.user_id == user.id)
    connection.execute(delete(ImportRow).where(ImportRow.job_id.in_(jobs)))
    connection.execute(delete(ImportJob).where(ImportJob.user_id == user.id))
