from flask import Blueprint

from bookapp.blueprints.auth.plain_http import warn_if_browsers_may_come_over_plain_http

bp = Blueprint("auth", __name__)
bp.record_once(lambda state: warn_if_browsers_may_come_over_plain_http(state.app.config))

from bookapp.blueprints.auth import access_tokens, invitations, routes  # noqa: E402,F401  (registers the routes)
