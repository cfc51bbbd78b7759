from flask import Blueprint

bp = Blueprint("admin", __name__)

from bookapp.blueprints.admin import audit, bulk_actions, invitations, routes  # noqa: E402,F401  (registers the routes)
