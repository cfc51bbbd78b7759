"""All SQL for users: views and commands never build queries themselves."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from bookapp.extensions import db
from bookapp.users.models import User


class UsernameTaken(ValueError):
    pass


def ping() -> None:
    """Raise unless the users database answers (health check)."""
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def any_user_exists() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


def count_admins() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.is_admin)) or 0


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


def record_sign_in(user: User) -> None:
    user.last_sign_in_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    db.session.commit()


def remove_user(user: User) -> None:
    db.session.delete(user)
    db.session.commit()
