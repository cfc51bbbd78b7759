"""Cross-origin requests to the API: refused by browsers (no CORS headers) unless an operator lists
origins in `API_CORS_ORIGINS`. Tokens are sent as a header, never as cookies, so an allowed origin
gets no credentials it did not already hold."""

from __future__ import annotations

from flask import Response, current_app, request

ALLOWED_METHODS = "GET, POST, PATCH, DELETE"
ALLOWED_HEADERS = "Authorization, Content-Type, If-Match, Idempotency-Key"
EXPOSED_HEADERS = "ETag, Location, Retry-After"
PREFLIGHT_MAX_AGE = "600"


def _listed_origin() -> str | None:
    origin = request.headers.get("Origin")
    return origin if origin and origin in current_app.config["API_CORS_ORIGINS"] else None


def answer_preflight() -> Response | None:
    """A browser's OPTIONS preflight: answered here, before any token is asked for (browsers send none)."""
    if request.method != "OPTIONS":
        return None
    response = Response(status=204)
    if origin := _listed_origin():
        response.headers.update(
            {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": ALLOWED_METHODS,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            }
        )
    response.vary.add("Origin")
    return response


def allow_listed_origin(response: Response) -> Response:
    if origin := _listed_origin():
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    response.vary.add("Origin")
    return response
