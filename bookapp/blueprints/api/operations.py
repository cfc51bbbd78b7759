"""The API's operations, each declared once with what it takes and answers: `api_operation`
registers the Flask route, validates the request with the declared models before the view runs,
and records the declaration that openapi.py turns into the OpenAPI document. The routes cannot take
or answer anything the document does not say."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
from collections.abc import Callable
from typing import Any

from flask import request
from pydantic import BaseModel, ValidationError

from bookapp.blueprints.api import bp
from bookapp.blueprints.api.auth import require_write_scope
from bookapp.blueprints.api.problems import ApiProblem
from bookapp.blueprints.api.schemas import FieldError
from bookapp.request_size import larger_body

API_VERSION_PATH = "/v1"
JSON_MEDIA_TYPE = "application/json"


@dataclasses.dataclass(frozen=True)
class Header:
    """A request header an operation reads, with its JSON Schema."""

    name: str
    description: str
    schema: dict[str, Any]


IF_MATCH = Header(
    "If-Match",
    "The book's ETag as you saw it (instead of `version` in the body).",
    {"type": "string", "pattern": r'^(W/)?"[0-9]{1,19}"$'},
)
IDEMPOTENCY_KEY = Header(
    "Idempotency-Key",
    "Any unique string of yours: the same key again adds the book once (instead of `id` in the body).",
    {"type": "string", "pattern": r"^[\x21-\x7e]{1,200}$"},
)


@dataclasses.dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as OpenAPI writes it: /v1/books/{book_id}
    endpoint: str
    summary: str
    description: str
    response: type[BaseModel] | None
    status: int
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    writes: bool
    headers: tuple[Header, ...]
    path_parameters: tuple[str, ...]
    public: bool


OPERATIONS: list[Operation] = []

_FLASK_VARIABLE = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def api_operation(
    method: str,
    rule: str,
    *,
    response: type[BaseModel] | None = None,
    status: int = 200,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    writes: bool = False,
    headers: tuple[Header, ...] = (),
    public: bool = False,
    body_limit: int | None = None,
) -> Callable:
    """Declare and register one operation. The view gets the path's variables, and `body` and
    `query` as validated models when the operation declares them."""

    def register(view: Callable) -> Callable:
        summary, _, description = (inspect.getdoc(view) or "").partition("\n\n")
        OPERATIONS.append(
            Operation(
                method=method.upper(),
                path=API_VERSION_PATH + _FLASK_VARIABLE.sub(r"{\1}", rule),
                endpoint=f"{bp.name}.{view.__name__}",
                summary=" ".join(summary.split()),
                description=" ".join(description.split()),
                response=response,
                status=status,
                body=body,
                query=query,
                writes=writes,
                headers=headers,
                path_parameters=tuple(_FLASK_VARIABLE.findall(rule)),
                public=public,
            )
        )

        @functools.wraps(view)
        def handle(**path_arguments):
            if writes:
                require_write_scope()
            arguments = dict(path_arguments)
            if query is not None:
                arguments["query"] = _validated(query, lambda: query.model_validate(request.args.to_dict()))
            if body is not None:
                arguments["body"] = _validated(body, lambda: body.model_validate_json(_json_body(), strict=True))
            return view(**arguments)

        if body_limit:
            larger_body(body_limit)(handle)
        bp.add_url_rule(API_VERSION_PATH + rule, endpoint=view.__name__, view_func=handle, methods=[method.upper()])
        return handle

    return register


def _json_body() -> bytes:
    if request.mimetype != JSON_MEDIA_TYPE:
        raise ApiProblem(415, "Send the body as JSON, with Content-Type: application/json.")
    return request.get_data(cache=True)


def _validated(model: type[BaseModel], validate: Callable[[], BaseModel]) -> BaseModel:
    try:
        return validate()
    except ValidationError as error:
        problems = error.errors(include_url=False, include_input=False)
        if any(problem["type"] == "json_invalid" for problem in problems):
            raise ApiProblem(400, "The body is not JSON: " + problems[0]["msg"]) from None
        raise ApiProblem(
            422,
            "Some fields are not what this operation takes.",
            errors=[FieldError(field=_field_name(problem["loc"]), reason=problem["msg"]) for problem in problems],
        ) from None


def _field_name(location: tuple) -> str:
    """A field as a script names it: `reads[2].ended` (list items by their place)."""
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    return name or "(body)"
