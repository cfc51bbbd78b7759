from flask import Blueprint

bp = Blueprint("imports", __name__)

from bookapp.blueprints.imports import routes  # noqa: E402,F401  (registers the routes)
