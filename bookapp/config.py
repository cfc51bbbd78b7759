"""Configuration: the one place that reads the environment.

One class per environment. `application.py` picks one by `BOOKAPP_CONFIG`
(production unless told otherwise, so a forgotten variable never runs a
development server in production); tests pass their own mapping on top.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot give a safe configuration."""


class Config:
    # Users: a SQLite file under instance/ unless DATABASE_URL names another database.
    # The factory fills in the instance path when this is left as None.
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    # Ping before using a pooled connection and recycle below MySQL's default wait_timeout
    # (8 hours) and RDS proxies' shorter ones, so a dropped connection is not a 500.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_recycle": 280}

    # Books: one DynamoDB table. The endpoint is boto3's own AWS_ENDPOINT_URL_DYNAMODB,
    # read by boto3 itself, so the same code talks to AWS and to dynalite.
    BOOKS_TABLE = os.environ.get("BOOKS_TABLE", "books")
    AWS_REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    BOOKS_PAGE_SIZE = int(os.environ.get("BOOKS_PAGE_SIZE", "20"))
    # Books read per Query while an export streams: a worker holds one such page (200 books with long
    # notes are under 1 MB, DynamoDB's own limit per Query).
    EXPORT_PAGE_SIZE = int(os.environ.get("EXPORT_PAGE_SIZE", "200"))
    # Rendered board pages and cards kept per worker process (page_cache.py), one page per reader; a
    # board of 60 cards is about 130 KB as a page and as much again as cards, so 4 MB holds about 15
    # such readers and keeps a worker within the 120 MB it is planned for (docs/performance.md).
    # 0 turns the cache off. A page is right by its key; the age only bounds a lost update.
    PAGE_CACHE_BYTES = int(float(os.environ.get("PAGE_CACHE_MB", "4")) * 1024 * 1024)
    PAGE_CACHE_SECONDS = 300
    # DynamoDB's index (by_column) is eventually consistent, usually within a second: a board rendered
    # this soon after a change might not show it yet, so it is served but not kept. (MySQL keeps the
    # change time in whole seconds: in effect between 4 and 5 seconds.)
    BOARD_CACHE_SETTLE_SECONDS = 5

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # htmx sends the token in this header (see static/app.js); forms send it as a field.
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    WTF_CSRF_TIME_LIMIT = None  # valid for the session: a board left open overnight still works
    MAX_CONTENT_LENGTH = 64 * 1024  # no form here is anywhere near this
    # How many proxies in front of the app add X-Forwarded-For / -Proto (0: trust none).
    # Elastic Beanstalk (load balancer + nginx): 2 and 1; a single nginx: 1 and 1.
    PROXY_X_FOR = int(os.environ.get("PROXY_X_FOR", "0"))
    PROXY_X_PROTO = int(os.environ.get("PROXY_X_PROTO", "0"))
    # The host names the app answers to (hosts.py), separated by commas: "books.example.com" or
    # ".example.com" for every subdomain. Empty: any host (production says so at start-up).
    ALLOWED_HOSTS = [name.strip().lower() for name in os.environ.get("ALLOWED_HOSTS", "").split(",") if name.strip()]
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Days the audit log keeps an entry: `flask prune-audit` (run it daily) removes older ones.
    AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))
    # Sign-in attempts per client address (Flask-Limiter syntax). Generous enough for a classroom
    # behind one address; the per-account lock (users/accounts.py) stops guessing at one account.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "30 per minute;300 per hour")
    # Requests to the JSON API per access token (the same limiter and storage as sign-in).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute;3000 per hour")
    # Web origins whose pages may call the API from a browser (CORS), separated by commas, e.g.
    # "https://tools.example.com". Empty: none (scripts and apps need no CORS).
    API_CORS_ORIGINS = [
        origin.strip() for origin in os.environ.get("API_CORS_ORIGINS", "").split(",") if origin.strip()
    ]
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    # If the shared store (Redis) is away, count in memory instead of refusing every sign-in.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    SECURITY_HSTS = False
    # Static files (static_files.py): another folder than bookapp/static (tests build into a copy), and
    # whether to look for edited files on every request (development: slower, edits show at once).
    STATIC_FOLDER: str | None = None
    STATIC_AUTOREFRESH = False
    # bench/: count DynamoDB calls per request in response headers, and serve /bench/ping.
    BENCHMARK_MODE = os.environ.get("BENCHMARK_MODE") == "1"
    # Whether this process offers the `flask db` commands (Flask-Migrate, with alembic: about 11 MB
    # of memory). gunicorn.conf.py turns it off for the web workers, which never change the schema.
    SCHEMA_COMMANDS = os.environ.get("BOOKAPP_SCHEMA_COMMANDS", "1") != "0"
    DEBUG = False
    TESTING = False

    @classmethod
    def finalize(cls, config: MutableMapping[str, Any], instance_path: str) -> None:
        """Fill in defaults that need the instance folder; refuse a configuration that is unsafe."""
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(instance_path, "bookapp.sqlite3")


class DevelopmentConfig(Config):
    """`scripts/run`: SQLite and dynalite under instance/, a secret key kept on disk."""

    DEBUG = os.environ.get("FLASK_DEBUG") == "1"  # debug only when explicitly asked for
    STATIC_AUTOREFRESH = True

    @classmethod
    def finalize(cls, config: MutableMapping[str, Any], instance_path: str) -> None:
        super().finalize(config, instance_path)
        if not config.get("SECRET_KEY"):
            # A random key kept under instance/ so sign-ins survive a restart of the dev server.
            key_file = Path(instance_path) / "secret_key"
            if not key_file.exists():
                key_file.parent.mkdir(parents=True, exist_ok=True)
                key_file.write_text(secrets.token_hex(32))
                key_file.chmod(0o600)
            config["SECRET_KEY"] = key_file.read_text().strip()


class ProductionConfig(Config):
    SECURITY_HSTS = True  # HTTPS is terminated at the load balancer (or nginx); tell browsers to stay on it
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") != "0"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    @classmethod
    def finalize(cls, config: MutableMapping[str, Any], instance_path: str) -> None:
        super().finalize(config, instance_path)
        key = config.get("SECRET_KEY") or ""
        if len(key) < 32 or key.startswith("dev"):
            raise ConfigError(
                "SECRET_KEY is missing or too weak. Set SECRET_KEY to a random value of at least "
                '32 characters, e.g. python -c "import secrets; print(secrets.token_hex(32))". '
                "For local development run scripts/run (BOOKAPP_CONFIG=development) instead."
            )
        if not config.get("ALLOWED_HOSTS"):
            # Not refused: a first deploy (the load balancer's name not known yet) or a home server opened
            # by its address must work. Redirects never name the Host, so any host gains nothing there.
            log.warning(
                "ALLOWED_HOSTS is not set: the app answers to any host name. Set it to the names browsers use, "
                "e.g. ALLOWED_HOSTS=books.example.com,bookapp-prod.eu-west-1.elasticbeanstalk.com "
                "(docs/operations.md#host-names)."
            )


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105  (tests only; production refuses short keys)
    SCHEMA_COMMANDS = True
    # Tests name their own databases and tables; nothing is read from the developer's environment.
    SQLALCHEMY_DATABASE_URI = None
    BOOKS_TABLE = "books-test"
    BOARD_CACHE_SETTLE_SECONDS = 0  # dynalite's index is consistent at once: keep every page, test every path


def unshared_rate_limit_warning(storage_uri: str, processes: int) -> str | None:
    """The warning for an operator whose sign-in limit is counted in each process's own memory while
    several processes serve: every process counts alone, so `processes` times the limit gets through."""
    if processes <= 1 or not storage_uri.startswith("memory://"):
        return None
    return (
        f"RATELIMIT_STORAGE_URI is {storage_uri} with {processes} worker processes: each counts sign-in "
        f"attempts on its own, so up to {processes} times LOGIN_RATE_LIMIT gets through. Point "
        "RATELIMIT_STORAGE_URI at a store they share, e.g. redis://<ElastiCache endpoint>:6379 "
        "(docs/operations.md)."
    )


CONFIGS: dict[str, type[Config]] = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}


def config_from_environment() -> type[Config]:
    name = os.environ.get("BOOKAPP_CONFIG", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"BOOKAPP_CONFIG={name!r}: expected one of {', '.join(CONFIGS)}") from None
