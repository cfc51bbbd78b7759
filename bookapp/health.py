"""`GET /healthz` for the load balancer: 200 when both stores answer, 503 naming the one that did not.

No sign-in, no secrets, no stack traces; two small requests (SELECT 1 and DescribeTable), each with a
short timeout, so it can be polled every few seconds."""

from __future__ import annotations

import logging

from flask import Flask, jsonify

from bookapp.books import BooksUnavailable, get_book_repository
from bookapp.users import repository as users

log = logging.getLogger(__name__)


def healthz():
    checks = {"database": "ok", "books": "ok"}
    try:
        users.ping()
    except Exception as error:  # any failure means "not healthy"; the reason goes to the log only
        log.warning("health check: database failed: %s", type(error).__name__)
        checks["database"] = "unavailable"
    try:
        get_book_repository().ping()
    except BooksUnavailable:
        checks["books"] = "unavailable"
    healthy = all(state == "ok" for state in checks.values())
    response = jsonify(status="ok" if healthy else "unavailable", checks=checks)
    response.status_code = 200 if healthy else 503
    return response  # Cache-Control: no-store, as on every response of the app (response_headers.py)


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
