"""How the API blueprint answers what goes wrong, and the hooks every API request passes: no CSRF
(no cookie authenticates it), the per-token rate limit, CORS preflights, the token check, and
problem details for every error under its prefix."""

from __future__ import annotations

from bookapp.blueprints.api import bp
from bookapp.blueprints.api.answers import etag
from bookapp.blueprints.api.auth import rate_limit, rate_limit_key, require_token
from bookapp.blueprints.api.cors import allow_listed_origin, answer_preflight
from bookapp.blueprints.api.problems import ApiProblem, problem_response, render_problem
from bookapp.blueprints.api.schemas import BookOut, FieldError
from bookapp.books import BookChanged, BookNotFound
from bookapp.books.editing import EditRefused
from bookapp.books.model import MalformedCursor
from bookapp.errors import answer_errors_under
from bookapp.extensions import csrf, limiter

csrf.exempt(bp)  # no cookie authenticates the API: there is no session to forge requests with
limiter.limit(rate_limit, key_func=rate_limit_key)(bp)
bp.before_request(answer_preflight)
bp.before_request(require_token)
bp.after_request(allow_listed_origin)


@bp.record_once
def _answer_errors_as_problems(state) -> None:
    answer_errors_under(state.app, (state.url_prefix or "") + "/", render_problem)


@bp.errorhandler(ApiProblem)
def api_problem(problem: ApiProblem):
    return problem_response(problem)


@bp.errorhandler(BookNotFound)
def book_not_found(error: BookNotFound):
    """Not this reader's book, or none at all: the same answer."""
    return problem_response(ApiProblem(404, "No such book."))


@bp.errorhandler(BookChanged)
def book_changed(error: BookChanged):
    book = error.current
    detail = f"The book is at version {book.version} now: look at it, and send your change again with that version."
    return problem_response(ApiProblem(409, detail, book=BookOut.of(book), headers={"ETag": etag(book)}))


@bp.errorhandler(EditRefused)
def edit_refused(error: EditRefused):
    errors = [FieldError(field=record_error.field, reason=record_error.message) for record_error in error.errors]
    return problem_response(ApiProblem(422, "Some fields break the rules of a book's record.", errors=errors))


@bp.errorhandler(MalformedCursor)
def malformed_cursor(error: MalformedCursor):
    return problem_response(ApiProblem(400, "That cursor is not one this API made: start again without it."))
