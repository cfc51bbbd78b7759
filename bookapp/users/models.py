"""The reader and admin accounts, stored in SQL."""

from __future__ import annotations

import datetime as dt
import secrets

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bookapp.books.column_order import ColumnSort
from bookapp.books.status import BOARD_COLUMNS, Status
from bookapp.extensions import db
from bookapp.users import passwords


def utcnow() -> dt.datetime:
    """Naive UTC, as the database columns store it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # What the session cookie names instead of the id (Flask-Login's alternative id): rotating it
    # signs out every session of this user at their next request, server-side.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, index=True, default=new_session_token)
    is_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Counted up, with the time, by every write to this reader's books (the book repository's change
    # hook, wired by the app factory): the key of their board page in every process's page cache, so
    # a change made through one process or instance is seen by all (blueprints/books/board_cache.py).
    books_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    books_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Which books the last few of those changes touched (users/recent_book_changes.py): a process
    # holding this reader's library from an older revision reads those books again, not every book.
    recent_book_changes: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    # Counted up by `flask recount-books`: part of the key of every kept card of this reader, so that
    # every process renders their cards afresh after a write made outside the app, which may have
    # changed a book and left its version as it was.
    board_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # How the reader sorts each board column ("title:asc"; NULL: manual order, the default), kept
    # across sign-ins. Columns of the user row, not a table of their own: the row is loaded on every
    # request already, so the board and its cache key get the choices without another query.
    sort_not_started: Mapped[str | None] = mapped_column(String(24), nullable=True)
    sort_reading: Mapped[str | None] = mapped_column(String(24), nullable=True)
    sort_finished: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # Deleting an account deletes its tokens with it (SQLite does not enforce the foreign key).
    api_tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="ApiToken.id.desc()"
    )

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        return passwords.verify_password(self.password_hash, password)

    def column_sorts(self) -> dict[Status, ColumnSort]:
        """How the reader sorts each board column."""
        return {status: ColumnSort.from_stored(getattr(self, f"sort_{status.value}")) for status in BOARD_COLUMNS}

    def sort_column(self, status: Status, sort: ColumnSort) -> None:
        """Choose how a board column is sorted (saved by `users.repository.save`)."""
        if status not in BOARD_COLUMNS:
            raise ValueError(f"{status} is not a board column")
        setattr(self, f"sort_{status.value}", sort.stored())

    @property
    def books_key(self) -> str:
        """This user's partition in the books table."""
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"


class SignInBrake(db.Model):
    """Failed sign-ins counted under one key (a username with a client, a username with a device
    cookie, or a username alone: `users/brakes.py`), and until when that key refuses sign-in.
    Kept in SQL, not in a process, so every app process and instance counts together. Keys exist for
    usernames that have no account too: the answers must not tell the two apart."""

    __tablename__ = "sign_in_brakes"

    # SHA-256 of what the key counts: a fixed width whatever a client typed as a username.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    counting_since: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ApiToken(db.Model):
    """A reader's personal access token for the JSON API (users/access_tokens.py). Only a SHA-256 of
    the token is kept: it is 256 random bits, so the hash cannot be reversed by guessing, and a fast
    hash keeps the check of every API request as cheap as the session check (docs/security.md)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # "read" or "read-write" (access_tokens.Scope)
    scope: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, so its owner can tell it apart from others in the list.
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # The id of the form that made it (made when the form was shown): a form sent again (a reload, a
    # double click) finds its token instead of making a second one.
    form_id: Mapped[str | None] = mapped_column(String(26), unique=True, nullable=True)

    user: Mapped[User] = relationship(back_populates="api_tokens")

    def is_usable(self, now: dt.datetime) -> bool:
        """Neither revoked nor expired (the account's own state is checked beside it)."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r} of user {self.user_id}>"


class ReadingGoal(db.Model):
    """A reader's goal for one year: books, and optionally pages. Goals of past years stay (the stats
    page keeps every year as an archive); deleting the account deletes them."""

    __tablename__ = "reading_goals"

    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    books: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuditEntry(db.Model):
    """One thing an admin did, a sign-in lockout, or a password change (users/audit.py). Names are
    kept as text beside the ids: accounts get deleted, and the log must still say who was who. Never
    holds a password, a password hash or a token."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True, default=utcnow)
    # Who did it: NULL for the command line and for sign-in lockouts, which nobody signed in caused.
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    target_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_name: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # audit.Action's value, e.g. "disable"
    action: Mapped[str] = mapped_column(String(32), index=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
    # The client the request came from (client_address.py), or "command line".
    client: Mapped[str] = mapped_column(String(100), default="")


class Invitation(db.Model):
    """A single-use link that lets whoever has it create one account (users/invitations.py). Only a
    SHA-256 of its secret is stored, as for access tokens: 256 random bits cannot be guessed."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    as_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(100), default="")
    # The admin who made it, by id and by name: the name stays when that account is deleted.
    created_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    used_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    used_by_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # The id of the form that made it (as for access tokens): the form sent again (a reload) finds
    # its invitation instead of making a second link.
    form_id: Mapped[str | None] = mapped_column(String(26), unique=True, nullable=True)

    def __repr__(self) -> str:
        return f"<Invitation {self.id} by {self.created_by_name!r}>"
