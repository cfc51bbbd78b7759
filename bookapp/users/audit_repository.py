"""All SQL for the audit log (users/audit.py has the rules). There is no update here, and the only
delete is the retention's: entries cannot be edited or removed through the app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import delete, or_, select

from bookapp.extensions import db
from bookapp.users.models import AuditEntry


def add(entry: AuditEntry) -> None:
    """Store `entry`, committing it together with whatever change the session holds."""
    db.session.add(entry)
    db.session.commit()


def page(*, account: str | None, action: str | None, page: int, per_page: int):
    """Entries naming `account` as who or whom, of `action`, newest first (a Pagination)."""
    query = select(AuditEntry)
    if account:
        query = query.where(or_(AuditEntry.actor_name == account, AuditEntry.target_name == account))
    if action:
        query = query.where(AuditEntry.action == action)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def oldest_first(batch_size: int = 500) -> Iterator[AuditEntry]:
    """Every entry, oldest first, read `batch_size` rows at a time (for an export of any size)."""
    last_id = 0
    while True:
        batch = list(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch_size)
            )
        )
        yield from batch
        if len(batch) < batch_size:
            return
        last_id = batch[-1].id
        db.session.expunge_all()


def delete_before(cutoff: dt.datetime) -> int:
    result = db.session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff))
    db.session.commit()
    return result.rowcount
