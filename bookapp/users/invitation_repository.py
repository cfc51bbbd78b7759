"""All SQL for invitations (users/invitations.py has the rules)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bookapp.extensions import db
from bookapp.users.models import AuditEntry, Invitation, User
from bookapp.users.repository import LARGEST_USER_ID, UsernameTaken


def made_by_form(form_id: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.form_id == form_id))


def get(invitation_id: int) -> Invitation | None:
    if not 0 < invitation_id <= LARGEST_USER_ID:
        return None
    invitation = db.session.get(Invitation, invitation_id, populate_existing=True)
    return invitation


def find_by_hash(secret_hash: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.secret_hash == secret_hash))


def claim_with_new_user(invitation_id: int, user: User, accepted: AuditEntry, now: dt.datetime) -> bool:
    """Mark the invitation used by `user` and insert `user` and the audit entry, in one transaction;
    False (and nothing stored) when the invitation was no longer open. The claim is one conditional
    UPDATE: of two requests claiming at once, the database lets one change the row, and the other's
    UPDATE, run after the first commits, finds it used and changes nothing. UsernameTaken when the
    name was taken meanwhile (the claim is rolled back with it)."""
    db.session.rollback()  # a fresh transaction: SQLite's must begin with this write, not a read
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now, used_by_name=user.username)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise UsernameTaken(user.username) from None
    db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id)
        .values(used_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    accepted.actor_id = accepted.target_id = user.id
    db.session.add(accepted)
    db.session.commit()
    return True


def revoke(invitation_id: int, now: dt.datetime) -> bool:
    """Revoke an invitation that is neither used nor revoked; False when there was none."""
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def pending(since: dt.datetime) -> list[Invitation]:
    """Invitations neither used nor revoked that expire after `since`, the soonest to expire first."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.used_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > since)
            .order_by(Invitation.expires_at, Invitation.id)
        )
    )


def used(limit: int) -> list[Invitation]:
    """The most recently used invitations."""
    return list(
        db.session.scalars(
            select(Invitation).where(Invitation.used_at.is_not(None)).order_by(Invitation.used_at.desc()).limit(limit)
        )
    )
