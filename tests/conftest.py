"""Test fixtures: real services, no mocks.

- one dynalite for the whole session (in memory, free port), each test gets its own table;
- one SQL database for the session (a SQLite file, or MariaDB when TEST_DATABASE_URL names it),
  built with the real migrations, emptied before each test;
- helpers that sign in and send forms the way a browser (or htmx) does, CSRF token included.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url

import local_services
from bookapp import create_app
from bookapp.books import get_book_repository
from bookapp.config import Config, TestingConfig
from bookapp.extensions import db
from bookapp.imports import jobs as import_jobs
from bookapp.imports.models import ImportJob, ImportRow
from bookapp.users import User, invitations
from bookapp.users.accounts import create_account
from bookapp.users.audit import Actor
from bookapp.users.models import ApiToken, AuditEntry, Invitation, ReadingGoal, SignInBrake, utcnow

ROOT = Path(__file__).resolve().parent.parent

# dynalite takes any credentials; set dummy ones so boto3 never looks for real ones.
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_REGION"] = "us-east-1"
os.environ.pop("AWS_PROFILE", None)

PASSWORD = "correct horse battery staple"


def start_dynalite(port: int, path: Path | None = None) -> subprocess.Popen:
    """local_services.start_dynalite, where a dynalite that is missing or does not start fails the test."""
    try:
        return local_services.start_dynalite(port, path)
    except local_services.ServiceDidNotStart as error:
        # A missing service is a failure, never a skip: scripts/test installs it.
        pytest.fail(str(error), pytrace=False)


def start_up_warnings(caplog, logger: str, config_class: type[Config], tmp_path: Path, **settings) -> list[str]:
    """The warnings `logger` logs while an app of `config_class` (with `settings`) is created."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=logger):
        create_app(config_class, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/users.db", **settings})
    return [record.getMessage() for record in caplog.records if record.name == logger]


@pytest.fixture(scope="session")
def dynalite():
    """A dynalite server for the session; yields its endpoint URL."""
    port = local_services.free_port()
    process = start_dynalite(port)
    endpoint = f"http://127.0.0.1:{port}"
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    yield endpoint
    local_services.stop(process)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, dynalite):
    """The session's SQL database, migrated to the latest revision with the real migrations."""
    url = os.environ.get("TEST_DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("sql") / "users.sqlite3")
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    return url


@pytest.fixture
def mariadb():
    """A throwaway database on MariaDB (the suite's server, or the local one at 127.0.0.1:3306), for
    tests about MySQL itself; used in the SQLite pass too. Yields (server engine, database URL)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("mysql"):
        base = "mysql+pymysql://root@127.0.0.1:3306/?charset=utf8mb4"
    name = f"bookapp_throwaway_{uuid.uuid4().hex[:8]}"
    server = create_engine(make_url(base).set(database=""))
    try:
        with server.begin() as connection:
            connection.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    except Exception as error:  # a missing service is a failure, never a skip
        pytest.fail(f"MariaDB is not answering at {make_url(base).host}:3306 ({error}); run scripts/test")
    yield server, make_url(base).set(database=name).render_as_string(hide_password=False)
    with server.begin() as connection:
        connection.execute(text(f"DROP DATABASE {name}"))
    server.dispose()


@pytest.fixture
def app(database_url):
    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "BOOKS_TABLE": f"books-{uuid.uuid4().hex[:12]}",
            "BOOKS_PAGE_SIZE": 5,
        },
    )
    with app.app_context():
        db.session.execute(delete(ApiToken))  # a bulk delete of users does not cascade to their tokens
        db.session.execute(delete(ReadingGoal))  # SQLite enforces no foreign keys: not gone with the users
        db.session.execute(delete(ImportRow))  # SQLite enforces no foreign keys, and reuses user ids
        db.session.execute(delete(ImportJob))
        db.session.execute(delete(User))
        db.session.execute(delete(SignInBrake))  # no test inherits another's failed sign-ins
        db.session.execute(delete(AuditEntry))
        db.session.execute(delete(Invitation))
        db.session.commit()
        get_book_repository().create_table()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def books(app):
    """The app's BookRepository, for arranging and checking what is stored.

    No app context stays pushed: requests would share it, and with it `g` (Flask-Login caches the
    signed-in user there), so two test clients would see each other's user."""
    with app.app_context():
        return get_book_repository()


# A small Goodreads export: one book, and on line 3 a row with a rating of 7 (for the repair list).
IMPORT_FILE = b"Book Id,Title,Author,Exclusive Shelf,My Rating\n1,Dune,Frank Herbert,read,5\n2,Bad,Author,read,7\n"


def make_import_job(app, user_id: int) -> int:
    """An import job of `user_id` in preview (uploaded, nothing imported): its id."""
    with app.app_context():
        return import_jobs.upload(user_id, "library.csv", IMPORT_FILE).id


def make_invitation(app, *, as_admin: bool = False, note: str = "", expires_in=None) -> tuple[int, str]:
    """An open invitation made from the command line: its id and the secret of its link."""
    with app.app_context():
        invitation, secret = invitations.create_invitation(
            Actor.command_line(),
            expires_in=expires_in or dt.timedelta(days=7),
            as_admin=as_admin,
            note=note,
            now=utcnow(),
        )
        return invitation.id, secret


@pytest.fixture
def make_user(app):
    def make(username: str, password: str = PASSWORD, is_admin: bool = False) -> User:
        with app.app_context():
            user = create_account(Actor.command_line(), username, password, is_admin=is_admin)
            db.session.refresh(user)  # load every column before the session lets go of it
            db.session.expunge(user)
            return user

    return make


CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class Browser:
    """A test client that acts like a signed-in reader's browser: forms carry the CSRF token,
    and `htmx=True` adds the headers htmx sends."""

    def __init__(self, app, base_url: str | None = None):
        self.app = app
        self.client = app.test_client()
        self.csrf_token: str | None = None
        # Another address than http://localhost (its Host header, e.g. https://books.example.com), if given.
        self.site = {"base_url": base_url} if base_url else {}

    def get(self, url: str, htmx: bool = False, **kwargs):
        return self.client.get(url, headers=self._headers(htmx), **self.site, **kwargs)

    def post(self, url: str, data: dict | None = None, htmx: bool = False, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        headers = self._headers(htmx)
        if self.site:  # over HTTPS, Flask-WTF wants the Referer a browser sends from the site's own page
            headers["Referer"] = self.site["base_url"].rstrip("/") + "/"
        return self.client.post(url, data=data, headers=headers, **self.site, **kwargs)

    def token(self) -> str:
        if self.csrf_token is None:
            for url in ("/login", "/account/password"):  # a signed-in reader is sent away from /login
                match = CSRF_PATTERN.search(self.client.get(url, **self.site).get_data(as_text=True))
                if match:
                    break
            assert match, "no CSRF token on the login or password page"
            self.csrf_token = match.group(1) or match.group(2)
        return self.csrf_token

    def login(self, username: str, password: str = PASSWORD):
        response = self.post("/login", {"username": username, "password": password})
        assert response.status_code == 303, f"sign-in as {username} failed: {response.status_code}"
        self.csrf_token = None  # sign-in starts a new session, with a new CSRF token
        return response

    @staticmethod
    def _headers(htmx: bool) -> dict[str, str]:
        return {"HX-Request": "true"} if htmx else {}


@pytest.fixture
def browser(app):
    """An anonymous browser."""
    return Browser(app)


@pytest.fixture
def reader(app, make_user):
    """A signed-in reader named alice."""
    make_user("alice")
    browser = Browser(app)
    browser.login("alice")
    return browser


@pytest.fixture
def admin(app, make_user):
    """A signed-in admin named boss."""
    make_user("boss", is_admin=True)
    browser = Browser(app)
    browser.login("boss")
    return browser
