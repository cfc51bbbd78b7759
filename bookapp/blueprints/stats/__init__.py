from flask import Blueprint

bp = Blueprint("stats", __name__)

from bookapp.blueprints.stats import routes  # noqa: E402,F401  (registers the routes)
