"""Helpers for the API's tests: tokens made the way the Access tokens page makes them, and a client
that sends them as a script would."""

from __future__ import annotations

import datetime as dt

from bookapp.extensions import db
from bookapp.users import repository as users
from bookapp.users.access_tokens import Scope, create_token, hash_token
from bookapp.users.models import utcnow


def make_token(
    app, username: str, scope: Scope = Scope.READ_WRITE, expires_in_days: int | None = 30, name: str = "script"
) -> str:
    """A new token for `username`, as its secret."""
    with app.app_context():
        user = users.find_by_username(username)
        return create_token(user, name=name, scope=scope, expires_in_days=expires_in_days, now=utcnow())[1]


def expire_token_in(app, token: str, left: dt.timedelta) -> None:
    """Make a token expire `left` from now (negative: it has expired)."""
    with app.app_context():
        record, _ = users.find_token(hash_token(token))
        record.expires_at = utcnow() + left
        db.session.commit()


class ApiClient:
    """A script calling the API with a token: JSON in, JSON out, no cookies."""

    def __init__(self, app, token: str | None):
        self.client = app.test_client(use_cookies=False)
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**sent, **(headers or {})}

    def get(self, path: str, headers: dict | None = None, **kwargs):
        return self.client.get("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def post(self, path: str, json=None, headers: dict | None = None, **kwargs):
        return self.client.post("/api/v1" + path, json=json, headers=self._headers(headers), **kwargs)

    def patch(self, path: str, json=None, headers: dict | None = None, **kwargs):
        return self.client.patch("/api/v1" + path, json=json, headers=self._headers(headers), **kwargs)

    def delete(self, path: str, headers: dict | None = None, **kwargs):
        return self.client.delete("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def add(self, title: str = "Dune", author: str = "Frank Herbert", **fields) -> dict:
        response = self.post("/books", {"title": title, "author": author, **fields})
        assert response.status_code == 201, response.get_json()
        return response.get_json()
