"""Account rules: who may exist, and what deleting someone takes with them.

Each change to one account takes the `Actor` who makes it and records itself in the audit log
(users/audit.py), so an action on many accounts, calling these once per account, leaves one entry
per account without doing anything more."""

from __future__ import annotations

import datetime as dt
import math
import re

from bookapp.books import BookRepository
from bookapp.users import audit, brakes, repository
from bookapp.users.audit import Action, Actor
from bookapp.users.brakes import SignInAttempt
from bookapp.users.models import User, utcnow
from bookapp.users.passwords import burn_verification_time, hash_password, needs_rehash, password_problem
from bookapp.users.repository import UsernameTaken

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
USERNAME_RULE = "3 to 64 characters: letters, digits, dots, dashes and underscores, starting with a letter or digit."


class AccountError(ValueError):
    """A rule stopped the change; the message is fit to show the admin, `field` says where."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalize_username(raw: str) -> str:
    """Usernames are compared without case or surrounding spaces."""
    return raw.strip().lower()


def username_problem(username: str) -> str | None:
    if not USERNAME_PATTERN.match(username):
        return f"Usernames are {USERNAME_RULE}"
    return None


def checked_new_account(raw_username: str, password: str) -> str:
    """The username a new account would have, once the username and password meet the rules and the
    name is free (AccountError otherwise: the database's unique index still has the last word)."""
    username = normalize_username(raw_username)
    if problem := username_problem(username):
        raise AccountError(problem, field="username")
    if problem := password_problem(password, username):
        raise AccountError(problem, field="password")
    if repository.find_by_username(username) is not None:
        raise username_taken(username)
    return username


def username_taken(username: str) -> AccountError:
    return AccountError(f"The username “{username}” is taken.", field="username")


def create_account(actor: Actor, raw_username: str, password: str, is_admin: bool) -> User:
    username = checked_new_account(raw_username, password)
    try:
        user = repository.add_user(username, password, is_admin)
    except UsernameTaken:
        raise username_taken(username) from None
    audit.record(actor, Action.CREATE, user, detail="as admin" if is_admin else "as reader")
    return user


WRONG_CREDENTIALS = "That username and password do not match an account. Check both and try again."


def locked_out_message(until: dt.datetime) -> str:
    """The same for a username with an account and one without (`brakes.py`)."""
    minutes = max(1, math.ceil((until - utcnow()).total_seconds() / 60))
    return (
        f"Too many failed sign-ins with this username from here. Try again in {minutes} "
        f"minute{'s' if minutes != 1 else ''}, or ask your group’s admin to reset your password."
    )


class SignInRefused(Exception):
    """Sign-in did not happen; the message is fit to show (it never says which part was wrong)."""


def sign_in(attempt: SignInAttempt, password: str) -> User:
    """The account these credentials open, or SignInRefused. A locked attempt is refused before any
    password is checked, whether or not the username has an account: the same answer, in the same
    time."""
    if until := brakes.locked_until(attempt):
        raise SignInRefused(locked_out_message(until))
    user = repository.find_by_username(attempt.username)
    if user is None:
        burn_verification_time()
        brakes.count_failure(attempt)
        raise SignInRefused(WRONG_CREDENTIALS)
    if not user.check_password(password):
        brakes.count_failure(attempt)
        raise SignInRefused(WRONG_CREDENTIALS)
    brakes.count_success(attempt)
    if user.is_disabled:
        raise SignInRefused("This account is disabled. Ask your group’s admin.")
    repository.record_sign_in(user, hash_password(password) if needs_rehash(user.password_hash) else None)
    return user


def sign_out(user: User) -> None:
    """End every session of this user: the old cookie names a token that no longer exists."""
    user.rotate_session_token()
    repository.save(user)


def change_password(actor: Actor, user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password):
        raise AccountError("The current password is not right.", field="current_password")
    set_password(actor, user, new_password)


def set_password(actor: Actor, user: User, new_password: str) -> None:
    """A new password (own, or reset by an admin); every existing session of the user ends."""
    if problem := password_problem(new_password, user.username):
        raise AccountError(problem, field="new_password")
    user.set_password(new_password)
    # Recorded in the same commit as the new password.
    audit.record(actor, Action.CHANGE_PASSWORD if actor.is_user(user) else Action.RESET_PASSWORD, user)


def set_disabled(actor: Actor, user: User, disabled: bool) -> None:
    """Disable (sessions end, sign-in refused, books kept) or re-enable an account."""
    if disabled and actor.is_user(user):
        raise AccountError("You cannot disable your own account.")
    if disabled and user.is_admin and not user.is_disabled and repository.count_admins(active_only=True) <= 1:
        raise AccountError("The last active admin cannot be disabled.")
    user.is_disabled = disabled
    if disabled:
        user.rotate_session_token()
    audit.record(actor, Action.DISABLE if disabled else Action.ENABLE, user)  # one commit with the change


def set_role(actor: Actor, user: User, is_admin: bool) -> None:
    """Make an account an admin, or a reader again. Takes effect at the account's next request (the
    role is read from its row every time); its books and sessions are untouched."""
    if actor.is_user(user):
        raise AccountError("You cannot change your own role.")
    if user.is_admin == is_admin:
        return
    if not is_admin and not user.is_disabled and repository.count_admins(active_only=True) <= 1:
        raise AccountError("The last active admin cannot become a reader.")
    user.is_admin = is_admin
    audit.record(actor, Action.ROLE_CHANGE, user, detail="to admin" if is_admin else "to reader")


def delete_account(actor: Actor, user: User, books: BookRepository) -> int:
    """Delete `user` and all of their books; returns how many books went.

    In three steps, each safe to repeat: the account is disabled (its sessions end and it cannot
    sign in), then its books go, then the account row. If this is interrupted anywhere, the account
    is still there, disabled, and deleting it again finishes the job; no book is left without an
    owner (and `flask purge-orphans` finds any that ever are)."""
    if actor.is_user(user):
        raise AccountError("You cannot delete your own account.")
    if user.is_admin and repository.count_admins() <= 1:
        raise AccountError("The last admin cannot be deleted.")
    begin_deletion(user)
    deleted_books = books.delete_all_for_user(user.books_key)
    # Made while the account is there to name (its id and username are copied into the entry).
    books_gone = f"{deleted_books} book{'s' if deleted_books != 1 else ''}"
    deletion = audit.entry(actor, Action.DELETE, user, detail=books_gone)
    repository.remove_user(user)
    audit.store(deletion)
    return deleted_books


def begin_deletion(user: User) -> None:
    """The first step of deleting an account: nobody can use it from here on."""
    user.is_disabled = True
    user.rotate_session_token()
    repository.save(user)
