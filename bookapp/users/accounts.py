"""Account rules: who may exist, and what deleting someone takes with them."""

from __future__ import annotations

import re

from bookapp.books import BookRepository
from bookapp.users import repository
from bookapp.users.models import User
from bookapp.users.passwords import password_problem
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
    if problem := password_problem(password):
        raise AccountError(problem, field="password")
    taken = AccountError(f"The username “{username}” is taken.", field="username")
    if repository.find_by_username(username) is not None:
        raise taken
    try:
        return repository.add_user(username, password, is_admin)
    except UsernameTaken:
        raise taken from None


def delete_account(actor: User, user: User, books: BookRepository) -> int:
    """Delete `user` and all of their books; returns how many books went.

    Books go first: if this is interrupted, the account is still there and deleting it again
    finishes the job, so no book is left without an owner."""
    if actor.id == user.id:
        raise AccountError("You cannot delete your own account.")
    if user.is_admin and repository.count_admins() <= 1:
        raise AccountError("The last admin cannot be deleted.")
    deleted_books = books.delete_all_for_user(user.books_key)
    repository.remove_user(user)
    return deleted_books
