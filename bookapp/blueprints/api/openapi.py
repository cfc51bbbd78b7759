"""The OpenAPI 3.1 document, generated from the operations as declared (operations.py) and the
models they validate with (schemas.py): there is no hand-kept copy to fall out of step."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bookapp.blueprints.api.operations import JSON_MEDIA_TYPE, OPERATIONS, Operation
from bookapp.blueprints.api.problems import PROBLEM_MEDIA_TYPE, TITLES
from bookapp.blueprints.api.schemas import Problem
from bookapp.books.model import BOOK_ID_PATTERN

REF = "#/components/schemas/{model}"
API_TITLE = "Book Tracking Online API"
API_VERSION = "1.0.0"
DESCRIPTION = (
    "Your own books on Book Tracking Online, for your scripts, e-reader sync and shortcuts. Sign in "
    "with a personal access token (Settings → Access tokens) sent as `Authorization: Bearer <token>`. "
    "Every write takes the version of the book you saw (`version`, or `If-Match` with its ETag); a "
    "stale one answers 409 with the book as it is now. Errors are RFC 9457 problem details."
)


def _ref(model: type[BaseModel], mode: str, refs: dict) -> dict[str, Any]:
    return refs[(model, mode)]


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF.format(model="Problem")}}},
    }


def _responses(operation: Operation, refs: dict) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": operation.summary}
    if operation.response is not None:
        answer["content"] = {JSON_MEDIA_TYPE: {"schema": _ref(operation.response, "serialization", refs)}}
    elif operation.status != 204:
        answer["content"] = {JSON_MEDIA_TYPE: {"schema": {"type": "object"}}}
    book_answer = operation.response is not None and operation.response.__name__ == "BookOut"
    if book_answer:
        answer["headers"] = {"ETag": {"description": "The book's version", "schema": {"type": "string"}}}
    if operation.status == 201:
        answer.setdefault("headers", {})["Location"] = {
            "description": "The new book's URL",
            "schema": {"type": "string"},
        }
    responses: dict[str, Any] = {str(operation.status): answer}
    if not operation.public:
        responses["401"] = _problem("No token, or one that does not work (see WWW-Authenticate).")
        responses["429"] = _problem("Too many requests with this token: wait for Retry-After seconds.")
    if operation.writes:
        responses["403"] = _problem("The token is read-only.")
    if any(header.name == "If-Match" for header in operation.headers):  # a write to a book as seen
        responses["409"] = _problem("The book changed since the version you sent: the problem holds it as it is now.")
        responses["428"] = _problem("No version sent (`version` or If-Match).")
    if operation.path_parameters:
        responses["404"] = _problem("No such book of yours.")
    elif operation.query is not None and "cursor" in operation.query.model_fields:
        responses["404"] = _problem("A cursor of another reader's books.")
    if operation.body is not None or operation.query is not None:
        responses["422"] = _problem("Fields that are not what the operation takes, each with its reason.")
    if operation.body is not None:
        responses["400"] = _problem("The body is not JSON.")
        responses["413"] = _problem("The body is too large.")
        responses["415"] = _problem("The body is not application/json.")
    responses["default"] = _problem("Any other error, e.g. 503 when a store is not answering.")
    return responses


def _parameters(operation: Operation, query_schemas: dict) -> list[dict[str, Any]]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "pattern": BOOK_ID_PATTERN.pattern}}
        for name in operation.path_parameters
    ]
    if operation.query is not None:
        schema = query_schemas[operation.query]
        for name, property_schema in schema["properties"].items():
            parameter = {
                "name": name,
                "in": "query",
                "required": name in schema.get("required", ()),
                "schema": property_schema,
            }
            if "description" in property_schema:
                parameter["description"] = property_schema["description"]
            parameters.append(parameter)
    for header in operation.headers:
        parameters.append(
            {
                "name": header.name,
                "in": "header",
                "required": False,
                "description": header.description,
                "schema": header.schema,
            }
        )
    return parameters


@functools.cache
def _document(rate_limit: str) -> dict[str, Any]:
    bodies = {operation.body for operation in OPERATIONS if operation.body}
    answers = {operation.response for operation in OPERATIONS if operation.response} | {Problem}
    queries = {operation.query for operation in OPERATIONS if operation.query}
    keyed = [(model, "validation") for model in sorted(bodies | queries, key=lambda m: m.__name__)]
    keyed += [(model, "serialization") for model in sorted(answers, key=lambda m: m.__name__)]
    refs, definitions = models_json_schema(keyed, ref_template=REF)
    schemas = definitions.get("$defs", {})
    query_schemas = {model: schemas[refs[(model, "validation")]["$ref"].rsplit("/", 1)[1]] for model in queries}
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        entry: dict[str, Any] = {
            "operationId": operation.endpoint.split(".", 1)[1],
            "summary": operation.summary,
            "description": operation.description,
            "parameters": _parameters(operation, query_schemas),
            "responses": _responses(operation, refs),
        }
        if operation.public:
            entry["security"] = []
        if operation.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {JSON_MEDIA_TYPE: {"schema": _ref(operation.body, "validation", refs)}},
            }
        paths.setdefault(operation.path, {})[operation.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": API_TITLE,
            "version": API_VERSION,
            "description": f"{DESCRIPTION} Requests per token: {rate_limit}.",
        },
        "servers": [{"url": "/api"}],
        "security": [{"bearerToken": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer", "description": "A personal access token (bt_…)."}
            },
        },
    }


def openapi_document(rate_limit: str) -> dict[str, Any]:
    """The document for an app whose limit per token is `rate_limit` (built once per limit)."""
    return _document(rate_limit)


# -- the reference page -------------------------------------------------------------------------------


def _type_of(schema: dict[str, Any]) -> str:
    """A schema as a reader says it: "string", "integer or null", "Status", "list of string"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "anyOf" in schema:
        return " or ".join(_type_of(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return "list of " + _type_of(schema.get("items", {}))
    if (
        schema.get("type") == "object"
        and "additionalProperties" in schema
        and isinstance(schema["additionalProperties"], dict)
    ):
        return "map of " + _type_of(schema["additionalProperties"])
    return str(schema.get("type", "any"))


def _limits(schema: dict[str, Any]) -> str:
    found = []
    for option in [schema, *schema.get("anyOf", [])]:
        for key, label in (
            ("minLength", "at least {} characters"),
            ("maxLength", "at most {} characters"),
            ("minimum", "from {}"),
            ("maximum", "to {}"),
            ("maxItems", "at most {} items"),
            ("multipleOf", "in steps of {}"),
            ("pattern", "matching {}"),
        ):
            if key in option:
                found.append(label.format(option[key]))
        if "enum" in option:
            found.append("one of " + ", ".join(map(str, option["enum"])))
    return "; ".join(found)


def _fields(schema: dict[str, Any]) -> list[dict[str, str]]:
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "type": _type_of(property_schema),
            "required": "yes" if name in required else "no",
            "limits": _limits(property_schema),
            "description": property_schema.get("description", ""),
        }
        for name, property_schema in schema.get("properties", {}).items()
    ]


def reference_sections(document: dict[str, Any]) -> dict[str, Any]:
    """What the reference page shows, from the OpenAPI document: operations and models."""
    operations = []
    for path, methods in document["paths"].items():
        for method, entry in methods.items():
            body = entry.get("requestBody", {}).get("content", {}).get(JSON_MEDIA_TYPE, {}).get("schema")
            operations.append(
                {
                    "id": entry["operationId"],
                    "method": method.upper(),
                    "path": "/api" + path,
                    "summary": entry["summary"],
                    "description": entry["description"],
                    "public": entry.get("security") == [],
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "type": _type_of(parameter["schema"]),
                            "limits": _limits(parameter["schema"]),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in entry["parameters"]
                    ],
                    "body": _type_of(body) if body else None,
                    "responses": [
                        {
                            "status": status,
                            "description": answer["description"],
                            "title": TITLES.get(int(status), "") if status.isdigit() else "",
                        }
                        for status, answer in entry["responses"].items()
                    ],
                }
            )
    models = [
        {
            "name": name,
            "description": schema.get("description", ""),
            "fields": _fields(schema),
            "enum": schema.get("enum"),
        }
        for name, schema in sorted(document["components"]["schemas"].items())
    ]
    return {"operations": operations, "models": models, "info": document["info"]}
