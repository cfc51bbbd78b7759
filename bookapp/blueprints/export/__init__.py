"""The reader's way out (and back): their library as a Goodreads-format CSV or as our full JSON,
and a JSON export imported into their account."""

from flask import Blueprint

bp = Blueprint("export", __name__)

from bookapp.blueprints.export import routes  # noqa: E402,F401  (registers the routes)
