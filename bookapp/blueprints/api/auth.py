"""Who is calling the API: a personal access token in `Authorization: Bearer …`, and nothing else.

The session cookie does not authenticate the API (a page on another site could otherwise make a
signed-in reader's browser call it), so CSRF protection has nothing to protect here and is off for
the blueprint. Requests are counted per token by the app's limiter (`API_RATE_LIMIT`)."""

from __future__ import annotations

import hashlib
import logging

from flask import current_app, g, request

from bookapp.blueprints.api.problems import BEARER_REALM, ApiProblem
from bookapp.client_address import request_client
from bookapp.users import User
from bookapp.users.access_tokens import Scope, TokenRefused, authenticate
from bookapp.users.models import ApiToken, utcnow

log = logging.getLogger(__name__)

# The API's own pages that need no token: its description and its reference page.
PUBLIC_ENDPOINTS = frozenset({"api.openapi", "api.reference"})


def presented_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def rate_limit_key() -> str:
    """Requests are counted per token (by a hash of what was presented: each forged token is
    counted apart, and refused anyway); without one, per client address."""
    token = presented_token()
    if token is None:
        return "api-client:" + request_client()
    return "api-token:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def require_token() -> None:
    """The blueprint's one authentication check: 401 without a token that works."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return
    token = presented_token()
    if token is None:
        raise ApiProblem(
            401,
            "Send a personal access token: Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": BEARER_REALM},
        )
    try:
        g.api_token, g.api_user = authenticate(token, utcnow())
        g.token_user_id = g.api_user.id  # for the request log
    except TokenRefused as refusal:
        log.warning("API token refused (%s) %s %s ip=%s", refusal, request.method, request.path, request.remote_addr)
        raise ApiProblem(
            401,
            "This token does not work: it is unknown, revoked or expired, or its account is disabled.",
            headers={"WWW-Authenticate": f'{BEARER_REALM}, error="invalid_token"'},
        ) from None


def require_write_scope() -> None:
    if api_token().scope != Scope.READ_WRITE:
        log.warning(
            "API write refused: read-only token token_id=%s user=%s %s %s ip=%s",
            api_token().id,
            api_user().id,
            request.method,
            request.path,
            request.remote_addr,
        )
        raise ApiProblem(
            403,
            "This token is read-only: make a read-and-write token to change books.",
            headers={"WWW-Authenticate": f'{BEARER_REALM}, error="insufficient_scope", scope="{Scope.READ_WRITE}"'},
        )


def api_token() -> ApiToken:
    return g.api_token


def api_user() -> User:
    return g.api_user
