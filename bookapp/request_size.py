"""How large a request body the app reads: `MAX_CONTENT_LENGTH` (64 KiB) for every route, but for
the few whose forms hold long text, which say so with `@larger_body(limit)`.

The limit must be set before anything reads the form: the CSRF check reads it first, in its own
`before_request`, so the factory registers this hook before CSRF protection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request

View = TypeVar("View", bound=Callable)


def larger_body(limit: int) -> Callable[[View], View]:
    """Let a route read request bodies of up to `limit` bytes (put it below the route decorator)."""

    def mark(view: View) -> View:
        view.max_content_length = limit
        return view

    return mark


def allow_larger_body() -> None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    limit = getattr(view, "max_content_length", None)
    if limit:
        request.max_content_length = limit


def init_app(app: Flask) -> None:
    app.before_request(allow_larger_body)
