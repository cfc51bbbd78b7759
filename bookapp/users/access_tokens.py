"""Personal access tokens: what a reader's scripts sign in to the JSON API with.

A token is `bt_` and 43 characters of URL-safe base64 (256 random bits). The prefix lets secret
scanners (GitHub's, gitleaks) recognise a leaked one. Only its SHA-256 is stored: the token is
shown once, when it is made. A fast hash is right here, unlike for passwords: nobody can guess
256 random bits, so there is nothing for a slow hash to slow down, and every API request checks
one (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets

from bookapp.users import audit, repository
from bookapp.users.audit import Action, Actor
from bookapp.users.models import ApiToken, User

TOKEN_PREFIX = "bt_"  # noqa: S105  (a prefix for secret scanners, not a secret)
TOKEN_NAME_MAX_LENGTH = 100
# How long a token lives, as the reader chooses it; 30 days unless they choose otherwise.
EXPIRY_CHOICES: dict[str, int | None] = {"7": 7, "30": 30, "90": 90, "never": None}
DEFAULT_EXPIRY = "30"
# "Last used" is a date for the reader, not a log: one write per token per minute at most.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
# Longer than any token we make, short enough that hashing a forged one costs nothing.
TOKEN_MAX_LENGTH = 100


class Scope(enum.StrEnum):
    READ = "read"
    READ_WRITE = "read-write"

    @property
    def label(self) -> str:
        return "Read only" if self is Scope.READ else "Read and write"


class TokenRefused(Exception):
    """The presented token opens nothing: unknown, revoked, expired, or its account is disabled.
    The API gives the same answer for all of them; the reason is for the log."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class TokenAlreadyMade(Exception):
    """The form that asks for a token was sent again: its token exists, and was shown once."""

    def __init__(self, token: ApiToken):
        super().__init__(f"token {token.id} was made by this form already")
        self.token = token


def create_token(
    user: User,
    *,
    name: str,
    scope: Scope,
    expires_in_days: int | None,
    now: dt.datetime,
    form_id: str | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`: the stored record and the token itself, which is never stored.
    `form_id` (made when the form was shown) makes it idempotent: TokenAlreadyMade when that form
    made one already."""
    if form_id and (made := repository.token_made_by_form(user.id, form_id)):
        raise TokenAlreadyMade(made)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        scope=scope.value,
        token_hash=hash_token(secret),
        hint=secret[: len(TOKEN_PREFIX) + 4],
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_in_days) if expires_in_days is not None else None,
        form_id=form_id,
    )
    if not repository.add_made_by_form(token):  # the same form, sent twice at once: the first one made it
        raise TokenAlreadyMade(repository.token_made_by_form(user.id, form_id))
    return token, secret


def authenticate(presented: str, now: dt.datetime) -> tuple[ApiToken, User]:
    """The token and account that `presented` opens, or TokenRefused: one SQL statement, and one
    write at most a minute for "last used"."""
    if not presented.startswith(TOKEN_PREFIX) or len(presented) > TOKEN_MAX_LENGTH:
        raise TokenRefused("not one of our tokens")
    found = repository.find_token(hash_token(presented))
    if found is None:
        raise TokenRefused("unknown token")
    token, user = found
    if token.revoked_at is not None:
        raise TokenRefused(f"token {token.id} is revoked")
    if token.expires_at is not None and now >= token.expires_at:
        raise TokenRefused(f"token {token.id} expired")
    if token.created_at < user.created_at:
        # Older than the account: made for an account deleted outside the app whose id was reused
        # (SQLite enforces no foreign key, so its tokens may have stayed behind).
        raise TokenRefused(f"token {token.id} is older than account {user.id}")
    if user.is_disabled:
        raise TokenRefused(f"account {user.id} is disabled")
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        repository.record_token_used(token.id, now, not_since=now - LAST_USED_PRECISION)
    return token, user


def revoke_token(user: User, token_id: int, now: dt.datetime) -> bool:
    """Revoke one of `user`'s own tokens; False when it is not theirs (or revoked already)."""
    return repository.revoke_tokens(user.id, now, token_id=token_id) > 0


def revoke_all_tokens(actor: Actor, user: User, now: dt.datetime) -> int:
    """Revoke every token of an account (an admin's action); returns how many."""
    revoked = repository.revoke_tokens(user.id, now)
    audit.record(actor, Action.REVOKE_TOKENS, user, detail=f"{revoked} token{'s' if revoked != 1 else ''}")
    return revoked
