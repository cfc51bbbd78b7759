"""The audit log: who did what to which account, when and from where.

The account services (accounts.py, invitations.py, access_tokens.py, brakes.py) write the entries
themselves, so every way of doing a thing (a page, a bulk action calling a service once per account,
a command) is recorded the same way. They are told who acts by an `Actor`, made by the web layer
from the signed-in user and the request's client (or `Actor.command_line()`): the services never
read Flask's request. An entry never holds a password, a hash or a token: only names, ids, the
action and a short detail the services write themselves.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bookapp.users import audit_repository
from bookapp.users.models import AuditEntry, utcnow

if TYPE_CHECKING:
    from bookapp.users.models import User

DETAIL_MAX_LENGTH = 200
COMMAND_LINE = "command line"


class Action(enum.StrEnum):
    CREATE = "create"
    INVITE = "invite"
    REVOKE_INVITATION = "revoke-invitation"
    ACCEPT_INVITATION = "accept-invitation"
    DISABLE = "disable"
    ENABLE = "enable"
    RESET_PASSWORD = "reset-password"  # noqa: S105  (the names of actions, not passwords)
    CHANGE_PASSWORD = "change-password"  # noqa: S105
    DELETE = "delete"
    REVOKE_TOKENS = "revoke-tokens"
    ROLE_CHANGE = "role-change"
    SIGN_IN_LOCKOUT = "sign-in-lockout"
    # One summary entry for an action on several accounts; each account has its own entry beside it.
    BULK = "bulk"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.CREATE: "Account created",
    Action.INVITE: "Invitation made",
    Action.REVOKE_INVITATION: "Invitation revoked",
    Action.ACCEPT_INVITATION: "Invitation accepted",
    Action.DISABLE: "Account disabled",
    Action.ENABLE: "Account enabled",
    Action.RESET_PASSWORD: "Password reset by an admin",
    Action.CHANGE_PASSWORD: "Own password changed",
    Action.DELETE: "Account deleted",
    Action.REVOKE_TOKENS: "Access tokens revoked",
    Action.ROLE_CHANGE: "Role changed",
    Action.SIGN_IN_LOCKOUT: "Sign-in locked",
    Action.BULK: "Bulk action",
}


@dataclass(frozen=True)
class Actor:
    """Who acts, and from which client (an address as `client_address.py` counts it)."""

    user_id: int | None
    username: str | None
    client: str

    @classmethod
    def of(cls, user: User, client: str) -> Actor:
        return cls(user.id, user.username, client)

    @classmethod
    def command_line(cls) -> Actor:
        """An operator at the server (`flask create-admin`, a script): no account, no address."""
        return cls(None, None, COMMAND_LINE)

    def is_user(self, user: User) -> bool:
        return self.user_id is not None and self.user_id == user.id


def entry(
    actor: Actor,
    action: Action,
    target: User | None = None,
    *,
    target_name: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """An entry, not yet stored: the caller stores it with its own change, in one transaction."""
    return AuditEntry(
        at=utcnow(),
        actor_id=actor.user_id,
        actor_name=actor.username,
        target_id=target.id if target is not None else None,
        target_name=(target.username if target is not None else target_name),
        action=action.value,
        detail=detail[:DETAIL_MAX_LENGTH],
        client=actor.client[:100],
    )


def record(
    actor: Actor, action: Action, target: User | None = None, *, target_name: str | None = None, detail: str = ""
) -> None:
    """Store an entry at once, in one commit with the change the session holds (the caller's)."""
    store(entry(actor, action, target, target_name=target_name, detail=detail))


def store(audit_entry: AuditEntry) -> None:
    audit_repository.add(audit_entry)


def record_bulk_action(actor: Actor, action: Action, *, done: int, skipped: int = 0) -> None:
    """The summary of one bulk action ("bulk disable of 5 accounts, 1 skipped"); the service called
    for each account has recorded its own entry already."""
    detail = f"bulk {action.value} of {done} account{'s' if done != 1 else ''}"
    if skipped:
        detail += f", {skipped} skipped"
    record(actor, Action.BULK, detail=detail)


@dataclass(frozen=True)
class AuditFilter:
    """What the admin's page shows: entries naming `account` (as actor or target), of `action`."""

    account: str | None = None
    action: Action | None = None


def page_of_entries(audit_filter: AuditFilter, page: int, per_page: int):
    """Newest first, a Flask-SQLAlchemy Pagination."""
    return audit_repository.page(
        account=audit_filter.account,
        action=audit_filter.action.value if audit_filter.action else None,
        page=page,
        per_page=per_page,
    )


def as_json_line(audit_entry: AuditEntry) -> dict:
    """One entry as `flask export-audit` writes it."""
    return {
        "id": audit_entry.id,
        "at": audit_entry.at.replace(tzinfo=dt.UTC).isoformat(),
        "actor_id": audit_entry.actor_id,
        "actor": audit_entry.actor_name,
        "target_id": audit_entry.target_id,
        "target": audit_entry.target_name,
        "action": audit_entry.action,
        "detail": audit_entry.detail,
        "client": audit_entry.client,
    }


def prune(older_than_days: int, now: dt.datetime | None = None) -> int:
    """Delete the entries older than `older_than_days`; returns how many went."""
    cutoff = (now or utcnow()) - dt.timedelta(days=older_than_days)
    return audit_repository.delete_before(cutoff)
