"""Account rules: who may exist, and what deleting someone takes with them."""

from __future__ import annotations

import datetime as dt
import math
import re

from bookapp.books import BookRepository
from bookapp.users import brakes, repository
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


def create_account(raw_username: str, password: str, is_admin: bool) -> User:
    username = normalize_username(raw_username)
    if problem := username_problem(username):
        raise AccountError(problem, field="username")
    if problem := password_problem(password, username):
        raise AccountError(problem, field="password")
    taken = AccountError(f"The username “{username}” is taken.", field="username")
    if repository.find_by_username(username) is not None:
        raise taken
    try:
        return repository.add_user(username, password, is_admin)
    except UsernameTaken:
        raise taken from None


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


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password):
        raise AccountError("The current password is not right.", field="current_password")
    set_password(user, new_password)


def set_password(user: User, new_password: str) -> None:
    """A new password (own or reset by an admin); every existing session of the user ends."""
    if problem := password_problem(new_password, user.username):
        raise AccountError(problem, field="new_password")
    user.set_password(new_password)
    repository.save(user)


def set_disabled(actor: User, user: User, disabled: bool) -> None:
    """Disable (sessions end, sign-in refused, books kept) or re-enable an account."""
    if disabled and actor.id == user.id:
        raise AccountError("You cannot disable your own account.")
    if disabled and user.is_admin and not user.is_disabled and repository.count_admins(active_only=True) <= 1:
        raise AccountError("The last active admin cannot be disabled.")
    user.is_disabled = disabled
    if disabled:
        user.rotate_session_token()
    repository.save(user)


def delete_account(actor: User, user: User, books: BookRepository) -> int:
    """Delete `user` and all of their books; returns how many books went.

    In three steps, each safe to repeat: the account is disabled (its sessions end and it cannot
    sign in), then its books go, then the account row. If this is interrupted anywhere, the account
    is still there, disabled, and deleting it again finishes the job; no book is left without an
    owner (and `flask purge-orphans` finds any that ever are)."""
    if actor.id == user.id:
        raise AccountError("You cannot delete your own account.")
    if user.is_admin and repository.count_admins() <= 1:
        raise AccountError("The last admin cannot be deleted.")
    begin_deletion(user)
    deleted_books = books.delete_all_for_user(user.books_key)
    repository.remove_user(user)
    return deleted_books


def begin_deletion(user: User) -> None:
    """The first step of deleting an account: nobody can use it from here on."""
    user.is_disabled = True
    user.rotate_session_token()
    repository.save(user)
