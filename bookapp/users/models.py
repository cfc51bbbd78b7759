"""The reader and admin accounts, stored in SQL."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bookapp.extensions import db
from bookapp.users import passwords


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        return passwords.verify_password(self.password_hash, password)

    @property
    def books_key(self) -> str:
        """This user's partition in the books table."""
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"
