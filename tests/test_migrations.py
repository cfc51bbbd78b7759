"""The schema comes only from migrations: they build it on an empty database, remove it again,
and match the models (a model change without a migration fails here)."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bookapp import create_app
from bookapp.config import TestingConfig
from bookapp.extensions import db


@pytest.fixture
def empty_database_url(tmp_path, dynalite):
    """A brand-new empty database on the same server as the suite's (SQLite file or MariaDB)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path}/empty.sqlite3"
        return
    name = f"bookapp_migrations_{uuid.uuid4().hex[:8]}"
    server = create_engine(make_url(base).set(database=""))
    with server.begin() as connection:
        connection.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.begin() as connection:
            connection.execute(text(f"DROP DATABASE {name}"))
        server.dispose()


def test_upgrade_builds_the_schema_and_downgrade_removes_it(empty_database_url):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        columns = {column["name"] for column in inspect(db.engine).get_columns("users")}
        assert {"id", "username", "password_hash", "is_admin", "created_at", "last_sign_in_at"} <= columns
        token_columns = {column["name"] for column in inspect(db.engine).get_columns("api_tokens")}
        assert {"user_id", "name", "scope", "token_hash", "expires_at", "last_used_at", "revoked_at"} <= token_columns
        goal_columns = {column["name"] for column in inspect(db.engine).get_columns("reading_goals")}
        assert goal_columns == {"user_id", "year", "books", "pages"}
        audit_columns = {column["name"] for column in inspect(db.engine).get_columns("audit_entries")}
        assert {"at", "actor_name", "target_name", "action", "detail", "client"} <= audit_columns
        invitation_columns = {column["name"] for column in inspect(db.engine).get_columns("invitations")}
        assert {"secret_hash", "expires_at", "used_at", "used_by_name", "revoked_at"} <= invitation_columns
        downgrade(revision="c8d2e4f6a1b3")
        assert not {"audit_entries", "invitations"} & set(inspect(db.engine).get_table_names())
        assert "api_tokens" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert not {"users", "reading_goals", "api_tokens"} & set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_models_match_the_migrations(empty_database_url):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == []
