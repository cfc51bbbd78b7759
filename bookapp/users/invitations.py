"""Invitation links: an admin makes a single-use link; whoever opens it chooses a username and a
password (the same rules as an account an admin creates) and has an account.

The link carries 256 random bits; only their SHA-256 is stored, as for access tokens (a fast hash
is enough for a secret nobody can guess; docs/security.md). It is shown once, when it is made.
Claiming it and inserting the account happen in one transaction, the claim being one conditional
UPDATE: two people sending the same link at once get one account between them.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from dataclasses import dataclass

from bookapp.users import audit, invitation_repository
from bookapp.users import repository as users_repository
from bookapp.users.accounts import checked_new_account, username_taken
from bookapp.users.audit import Action, Actor
from bookapp.users.models import Invitation, User
from bookapp.users.repository import UsernameTaken

# How long a link stays open, as the admin chooses it; a week unless they choose otherwise.
EXPIRY_CHOICES: dict[str, tuple[str, dt.timedelta]] = {
    "1h": ("1 hour", dt.timedelta(hours=1)),
    "1d": ("1 day", dt.timedelta(days=1)),
    "3d": ("3 days", dt.timedelta(days=3)),
    "7d": ("7 days", dt.timedelta(days=7)),
    "14d": ("14 days", dt.timedelta(days=14)),
    "30d": ("30 days", dt.timedelta(days=30)),
}
DEFAULT_EXPIRY = "7d"
NOTE_MAX_LENGTH = 100
# Longer than any secret we make, short enough that hashing a forged one costs nothing.
SECRET_MAX_LENGTH = 100
# How many used invitations the admin's page lists (the newest).
USED_SHOWN = 25


class LinkState(enum.Enum):
    """What an invitation link opens, as its page says it."""

    OPEN = "open"
    UNKNOWN = "unknown"  # never made here, mistyped or tampered with
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"


class InvitationClosed(Exception):
    """The link makes no account (any more); `state` says why."""

    def __init__(self, state: LinkState):
        super().__init__(state.value)
        self.state = state


class InvitationAlreadyMade(Exception):
    """The form that makes an invitation was sent again: its link exists, and was shown once."""

    def __init__(self, invitation: Invitation):
        super().__init__(f"invitation {invitation.id} was made by this form already")
        self.invitation = invitation


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_invitation(
    actor: Actor,
    *,
    expires_in: dt.timedelta,
    as_admin: bool,
    note: str,
    now: dt.datetime,
    form_id: str | None = None,
) -> tuple[Invitation, str]:
    """A new invitation: the stored record and the secret for its link, which is never stored.
    `form_id` (made when the form was shown) makes it idempotent: InvitationAlreadyMade when that
    form made one already."""
    if form_id and (made := invitation_repository.made_by_form(form_id)):
        raise InvitationAlreadyMade(made)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(
        secret_hash=hash_secret(secret),
        as_admin=as_admin,
        note=note[:NOTE_MAX_LENGTH],
        created_by_id=actor.user_id,
        created_by_name=actor.username or audit.COMMAND_LINE,
        created_at=now,
        expires_at=now + expires_in,
        form_id=form_id,
    )
    if not users_repository.add_made_by_form(invitation):  # the same form, sent twice at once: the first made it
        raise InvitationAlreadyMade(invitation_repository.made_by_form(form_id))
    audit.record(
        actor,
        Action.INVITE,
        detail=f"{_described(invitation)}, until {invitation.expires_at:%Y-%m-%d %H:%M} UTC",
    )
    return invitation, secret


def _role(as_admin: bool) -> str:
    return "admin" if as_admin else "reader"


def _described(invitation: Invitation) -> str:
    """How the audit log names an invitation (its note, which an admin wrote, is no secret)."""
    described = f"invitation {invitation.id} of {invitation.created_by_name} for a {_role(invitation.as_admin)}"
    return described + (f", note “{invitation.note}”" if invitation.note else "")


def link_state(secret: str, now: dt.datetime) -> tuple[LinkState, Invitation | None]:
    """What the link with this secret opens, and its invitation when there is one."""
    if not secret or len(secret) > SECRET_MAX_LENGTH:
        return LinkState.UNKNOWN, None
    invitation = invitation_repository.find_by_hash(hash_secret(secret))
    return _state_of(invitation, now), invitation


def _state_of(invitation: Invitation | None, now: dt.datetime) -> LinkState:
    if invitation is None:
        return LinkState.UNKNOWN
    if invitation.used_at is not None:
        return LinkState.USED
    if invitation.revoked_at is not None:
        return LinkState.REVOKED
    if now >= invitation.expires_at:
        return LinkState.EXPIRED
    return LinkState.OPEN


def accept_invitation(secret: str, raw_username: str, password: str, *, client: str, now: dt.datetime) -> User:
    """The account the link's holder chose: InvitationClosed when the link makes none (any more),
    AccountError when the name or password does not meet the rules or the name is taken."""
    state, invitation = link_state(secret, now)
    if state is not LinkState.OPEN:
        raise InvitationClosed(state)
    username = checked_new_account(raw_username, password)
    user = User(username=username, is_admin=invitation.as_admin)
    user.set_password(password)  # hashed before the claim: the claim's transaction stays short
    accepted = audit.entry(
        Actor(None, username, client),
        Action.ACCEPT_INVITATION,
        target_name=username,
        detail=f"invitation {invitation.id} of {invitation.created_by_name}, as {_role(user.is_admin)}",
    )
    try:
        claimed = invitation_repository.claim_with_new_user(invitation.id, user, accepted, now)
    except UsernameTaken:
        raise username_taken(username) from None
    if not claimed:  # someone else's request claimed it first, or it was revoked meanwhile
        raise InvitationClosed(_state_of(invitation_repository.get(invitation.id), now))
    return user


def revoke_invitation(actor: Actor, invitation_id: int, now: dt.datetime) -> bool:
    """Close a pending invitation; False when it was not pending (used, revoked or missing)."""
    invitation = invitation_repository.get(invitation_id)
    if invitation is None or not invitation_repository.revoke(invitation_id, now):
        return False
    audit.record(actor, Action.REVOKE_INVITATION, detail=_described(invitation))
    return True


@dataclass(frozen=True)
class InvitationLists:
    pending: list[Invitation]  # open ones and expired ones not used: an expired one says so
    used: list[Invitation]


def invitation_lists(now: dt.datetime) -> InvitationLists:
    return InvitationLists(
        pending=invitation_repository.pending(since=now - dt.timedelta(days=7)),
        used=invitation_repository.used(limit=USED_SHOWN),
    )


def pending_invitation(invitation_id: int, now: dt.datetime) -> Invitation | None:
    """An invitation that is neither used nor revoked (what may be revoked)."""
    invitation = invitation_repository.get(invitation_id)
    if invitation is None or invitation.used_at is not None or invitation.revoked_at is not None:
        return None
    return invitation
