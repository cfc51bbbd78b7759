"""Book Tracking Online: the application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from bookapp import (
    benchmark,
    books,
    cli,
    errors,
    health,
    hosts,
    page_cache,
    redirects,
    request_log,
    request_size,
    response_headers,
    static_files,
)
from bookapp.blueprints.books.board_cache import count_books_changes
from bookapp.config import Config
from bookapp.extensions import csrf, db, htmx, limiter, login_manager


def create_app(config_class: type[Config] = Config, overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    request_log.configure_logging(app)  # before finalize, which may warn about the configuration
    config_class.finalize(app.config, app.instance_path)

    request_log.init_app(app)  # first, so its timer starts before any other hook can refuse a request
    hosts.init_app(app)  # next: a request for another site is refused before anything else reads it
    db.init_app(app)
    if app.config["SCHEMA_COMMANDS"]:
        # Imported here, not with the other extensions: Flask-Migrate brings alembic (about 11 MB),
        # which the web workers, that never change the schema, do without (gunicorn.conf.py).
        from flask_migrate import Migrate

        Migrate(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    request_size.init_app(app)  # before CSRF protection, which reads the form first
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    # Every write to a reader's books counts up their books revision: cached boards stay right.
    books.init_app(app, on_change=count_books_changes(app))
    page_cache.init_app(app)
    if app.config["BENCHMARK_MODE"]:
        benchmark.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    health.init_app(app)
    response_headers.init_app(app)
    redirects.init_app(app)
    if app.config["PROXY_X_FOR"] or app.config["PROXY_X_PROTO"]:
        # Behind trusted proxies only: each hop that adds X-Forwarded-* must be counted, or clients
        # could claim any address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_X_FOR"], x_proto=app.config["PROXY_X_PROTO"])
    static_files.init_app(app)  # last: WhiteNoise answers /static/ before any other layer

    from bookapp.blueprints.admin import bp as admin_bp
    from bookapp.blueprints.api import bp as api_bp
    from bookapp.blueprints.auth import bp as auth_bp
    from bookapp.blueprints.books import bp as books_bp
    from bookapp.blueprints.export import bp as export_bp
    from bookapp.blueprints.imports import bp as imports_bp
    from bookapp.blueprints.stats import bp as stats_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(books_bp)
    app.register_blueprint(stats_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(export_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api")
    return app
