from flask import Blueprint

bp = Blueprint("admin", __name__)

from bookapp.blueprints.admin import bulk_actions, routes  # noqa: E402,F401  (registers the routes)
