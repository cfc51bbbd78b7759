"""The app as operators run it, for the load test and the benchmark: dynalite, a throwaway MariaDB
database, and gunicorn started exactly as the Procfile says, in production config.

    with Stack(mysql_url, "load", {"LOGIN_RATE_LIMIT": "…"}) as stack:
        app = stack.prepared_app()      # schema migrated, table created: add accounts and books
        stack.start_app(log_path)        # gunicorn on stack.app_port, answering /healthz
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from local_services import ServiceDidNotStart, free_port, production_environment, start_dynalite, start_gunicorn, stop


class Stack:
    def __init__(self, mysql_url: str, name: str, extra_environment: dict[str, str] | None = None):
        self.server = create_engine(make_url(mysql_url).set(database=""))
        self.database = f"bookapp_{name}_{uuid.uuid4().hex[:8]}"
        self.dynalite_port, self.app_port = free_port(), free_port()
        self.environment = {
            **production_environment(
                database_url=make_url(mysql_url).set(database=self.database).render_as_string(hide_password=False),
                books_table=f"books-{name}-{uuid.uuid4().hex[:8]}",
                dynalite_port=self.dynalite_port,
                app_port=self.app_port,
            ),
            "AWS_ACCESS_KEY_ID": name,
            "AWS_SECRET_ACCESS_KEY": name,
            "AWS_REGION": "us-east-1",
            "LOGIN_RATE_LIMIT": "100000 per minute",  # every simulated reader signs in from 127.0.0.1
            "LOG_LEVEL": "WARNING",
            **(extra_environment or {}),
        }
        self.dynalite: subprocess.Popen | None = None
        self.gunicorn: subprocess.Popen | None = None

    def __enter__(self) -> Stack:
        with self.server.begin() as connection:
            connection.execute(text(f"CREATE DATABASE {self.database} CHARACTER SET utf8mb4"))
        try:
            self.dynalite = start_dynalite(self.dynalite_port)
        except ServiceDidNotStart as error:
            self.__exit__()  # drops the database made above
            raise SystemExit(str(error)) from error
        # This process talks to the same stores (seeding, checking): boto3 and the app read these.
        os.environ.update({k: v for k, v in self.environment.items() if k.startswith(("AWS_", "BOOKS_", "DATABASE_"))})
        return self

    def prepared_app(self) -> Any:
        """A Flask app on the stack's stores, with the schema migrated and the table created."""
        from flask_migrate import upgrade

        from bookapp import create_app
        from bookapp.books import get_book_repository
        from bookapp.config import TestingConfig

        app = create_app(
            TestingConfig,
            {
                "SQLALCHEMY_DATABASE_URI": self.environment["DATABASE_URL"],
                "BOOKS_TABLE": self.environment["BOOKS_TABLE"],
            },
        )
        with app.app_context():
            upgrade()
            get_book_repository().create_table()
        return app

    def start_app(self, log_path: Path) -> None:
        """gunicorn exactly as the Procfile says; returns once /healthz answers."""
        self.gunicorn = start_gunicorn(self.environment, log_path)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.app_port}/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer on port {self.app_port} within 30 s (see {log_path})")

    def restart_app(self, log_path: Path, changes: dict[str, str]) -> None:
        """gunicorn started again with `changes` to its environment (the benchmark's latency proxies)."""
        if self.gunicorn:
            stop(self.gunicorn)
        self.environment = {**self.environment, **changes}
        self.start_app(log_path)

    def __exit__(self, *_: Any) -> None:
        for service in (self.gunicorn, self.dynalite):
            if service:
                stop(service)
        with self.server.begin() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {self.database}"))
        self.server.dispose()
