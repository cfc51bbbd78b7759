"""All SQL for users: views and commands never build queries themselves."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select, text, update
from sqlalchemy.exc import IntegrityError

from bookapp.extensions import db
from bookapp.users.models import User, utcnow


class UsernameTaken(ValueError):
    pass


def ping() -> None:
    """Raise unless the users database answers (health check)."""
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()


# The id column is a 32-bit INTEGER in MySQL; a larger number from a URL is no account, and SQLite or
# the driver would refuse it with an error rather than find nothing.
LARGEST_USER_ID = 2**31 - 1


def get_user(user_id: int) -> User | None:
    if not 0 < user_id <= LARGEST_USER_ID:
        return None
    return db.session.get(User, user_id)


def find_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def find_by_session_token(session_token: str) -> User | None:
    return db.session.scalar(select(User).where(User.session_token == session_token))


def record_books_changed(user_id: int) -> None:
    """Note that this reader's books changed: every cached board page of theirs is now stale.

    On a connection and transaction of its own, committed at once: the request's session is left as
    it is, so the signed-in user it holds is not expired and loaded again after every write."""
    with db.engine.begin() as connection:
        connection.execute(
            update(User)
            .where(User.id == user_id)
            .values(books_revision=User.books_revision + 1, books_changed_at=utcnow())
        )


def record_board_refreshed(user_id: int) -> None:
    """Forget every kept page and card of this reader's board, in every process."""
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(board_generation=User.board_generation + 1, books_revision=User.books_revision + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def any_user_exists() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


def count_admins(active_only: bool = False) -> int:
    query = select(func.count()).select_from(User).where(User.is_admin)
    if active_only:
        query = query.where(User.is_disabled.is_(False))
    return db.session.scalar(query) or 0


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


def list_users(page: int, per_page: int):
    """One page of users by username (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(select(User).order_by(User.username), page=page, per_page=per_page, error_out=False)


def add_user(username: str, password: str, is_admin: bool) -> User:
    user = User(username=username, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Two admins creating the same name at once: the unique index decides.
        db.session.rollback()
        raise UsernameTaken(username) from None
    return user


def record_sign_in(user: User, new_password_hash: str | None = None) -> None:
    """A successful sign-in: clear the failure count, and store a re-made hash if there is one."""
    user.last_sign_in_at = utcnow()
    user.failed_sign_ins = 0
    user.sign_in_locked_until = None
    if new_password_hash:
        user.password_hash = new_password_hash
    db.session.commit()


def record_failed_sign_in(user_id: int, lock_after: int, lock_until: dt.datetime) -> None:
    """Count a failed sign-in; the `lock_after`-th in a row locks sign-in until `lock_until` and
    starts the count again. One UPDATE computed by the database, so failures counted by several
    processes at once are all counted."""
    reaches_limit = User.failed_sign_ins + 1 >= lock_after
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .ordered_values(
            (User.sign_in_locked_until, case((reaches_limit, lock_until), else_=User.sign_in_locked_until)),
            (User.failed_sign_ins, case((reaches_limit, 0), else_=User.failed_sign_ins + 1)),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def save(user: User) -> None:
    """Store changes made to a user (password, disabled flag, session token)."""
    db.session.commit()


def remove_user(user: User) -> None:
    db.session.delete(user)
    db.session.commit()
