"""The personal JSON API at /api/v1: a reader's books over the same domain code as the board,
for their scripts, e-reader sync and shortcuts (docs/architecture.md#the-api)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from bookapp.blueprints.api import error_handlers, routes  # noqa: E402,F401  (registers the hooks and routes)
