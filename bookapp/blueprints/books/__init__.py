from flask import Blueprint

bp = Blueprint("books", __name__)

from bookapp.blueprints.books import record_routes, routes, search_routes  # noqa: E402,F401  (registers the routes)
