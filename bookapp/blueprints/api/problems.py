"""Every error under /api as RFC 9457 problem details (`application/problem+json`): never an HTML
page, never a traceback. Errors the API itself raises are `ApiProblem`s; the app's error handlers
(bookapp/errors.py) hand every other error under /api here (`render_problem`)."""

from __future__ import annotations

import math
import time

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from bookapp.blueprints.api.schemas import BookOut, FieldError, Problem
from bookapp.extensions import limiter

PROBLEM_MEDIA_TYPE = "application/problem+json"
BEARER_REALM = 'Bearer realm="bookapp"'

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "The book changed meanwhile",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid fields",
    428: "Version required",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Try again in a moment",
}
DETAILS = {
    404: "There is nothing here: no such book for you, or no such path in the API.",
    413: "The body is larger than this API accepts.",
    429: "This token has made too many requests: wait for the time in Retry-After.",
    500: "An unexpected error happened on our side; nothing was changed that you were not told about.",
    503: "A store is not answering right now. Nothing was lost; try again shortly.",
}


class ApiProblem(Exception):
    """An answer of the API that is an error: its status, what went wrong, and extra headers."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        book: BookOut | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail or TITLES.get(status, ""))
        self.status = status
        self.detail = detail
        self.errors = errors
        self.book = book
        self.headers = headers or {}


def problem_response(problem: ApiProblem) -> Response:
    body = Problem(
        title=TITLES.get(problem.status, "Error"),
        status=problem.status,
        detail=problem.detail or DETAILS.get(problem.status),
        errors=problem.errors,
        book=problem.book,
    )
    # Members with nothing to say are left out, but a book in it is shown whole (nulls and all).
    response = jsonify({name: value for name, value in body.model_dump(mode="json").items() if value is not None})
    response.status_code = problem.status
    response.mimetype = PROBLEM_MEDIA_TYPE
    response.headers.update(problem.headers)
    return response


def render_problem(status: int, message: str | None, error: Exception | None) -> Response:
    """The app's errors under /api (errors.py calls this): 404 and 405 of paths no route matched,
    413, 429 from the limiter, 503 when a store is down, 500."""
    headers: dict[str, str] = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        headers["Retry-After"] = str(_seconds_until_reset())
    if status == 401:
        headers["WWW-Authenticate"] = BEARER_REALM
    detail = message
    if detail is None and isinstance(error, HTTPException) and status in (400, 405):
        detail = error.description
    return problem_response(ApiProblem(status, detail, headers=headers))


def _seconds_until_reset() -> int:
    limit = limiter.current_limit
    if limit is None:
        return 60
    return max(1, math.ceil(limit.reset_at - time.time()))
