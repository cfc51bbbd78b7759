"""The one place that turns errors into pages: friendly, and never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from bookapp.books import BooksUnavailable
from bookapp.request_log import loggable_path

log = logging.getLogger(__name__)

_MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back, reload the page and try again."),
    403: ("Not allowed", "You do not have permission to see this page."),
    404: ("Not found", "There is nothing here. The book or page may have been deleted."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too large", "What you sent is larger than this app accepts."),
    429: ("Too many attempts", "Too many sign-in attempts from your network. Wait a minute and try again."),
    500: ("Something went wrong", "An unexpected error happened on our side. Please try again."),
    503: (
        "Try again in a moment",
        "The book store is not answering right now. Nothing was lost; please try again shortly.",
    ),
}


def answer_errors_under(
    app: Flask, path_prefix: str, render: Callable[[int, str | None, Exception | None], Response]
) -> None:
    """Let a part of the site (the JSON API) answer its own errors, in its own format, for every
    request under `path_prefix`, including those no route of it matched (404, 405)."""
    app.extensions.setdefault("error_renderers", []).append((path_prefix, render))


def render_error(code: int, message: str | None = None, error: Exception | None = None):
    for path_prefix, render in current_app.extensions.get("error_renderers", ()):
        if request.path.startswith(path_prefix):
            return render(code, message, error)
    title, default_message = _MESSAGES.get(code, _MESSAGES[500])
    template = "errors/_message.html" if getattr(request, "htmx", False) else "errors/error.html"
    return render_template(template, code=code, title=title, message=message or default_message), code


def form_refused() -> tuple[str, int]:
    """The answer to a form whose CSRF token does not match: its session expired, or another site sent it."""
    _log_refusal("CSRF check failed")
    return render_error(400, "Your form expired or was sent from elsewhere. Reload the page and try again.")


def _log_refusal(what: str) -> None:
    """One line per refused request, with who and from where (never the form or cookies)."""
    user_id = current_user.id if current_user and current_user.is_authenticated else "-"
    log.warning("%s user=%s %s %s ip=%s", what, user_id, request.method, loggable_path(), request.remote_addr)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return form_refused()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code == 403:
            _log_refusal("authorization failed")
        elif error.code == 429:
            _log_refusal("rate limit reached")
        return render_error(error.code, error=error)

    @app.errorhandler(BooksUnavailable)
    def books_unavailable(error: BooksUnavailable):
        return render_error(ServiceUnavailable.code, error=error)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, loggable_path())
        return render_error(InternalServerError.code, error=error)
