"""The app as operators run it: gunicorn exactly as the Procfile says, in production config, against
MariaDB and dynalite, prepared with the same commands a deploy runs."""

import gzip
import http.cookiejar
import json
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from bookapp.config import unshared_rate_limit_warning
from local_services import BIN, free_port, production_environment, start_gunicorn, stop, wait_for_port
from tests.conftest import ROOT, start_dynalite

ADMIN_PASSWORD = "gunicorn check passphrase 1"


class Client:
    """A cookie-keeping HTTP client that sends forms like a browser (and htmx)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf_token = ""
        self.headers = {}  # the last response's

    def request(self, path: str, form: dict | None = None, headers: dict | None = None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=10) as response:
                body = response.read().decode()
                status, self.headers = response.status, response.headers
        except urllib.error.HTTPError as error:
            body, status, self.headers = error.read().decode(), error.code, error.headers
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', body)
        if token:
            self.csrf_token = token.group(1)
        return status, body


def prepare_deployment(
    mariadb_url: str, name: str, admin: str, admin_password: str, **settings: str
) -> tuple[dict[str, str], subprocess.Popen, int]:
    """A deployment before gunicorn starts: dynalite running, and the stores prepared by the commands
    a deploy runs (migrations, the books table, the first admin, named `admin`). Returns gunicorn's
    environment (production settings, two workers, `settings` on top), dynalite's process and the
    app's port."""
    dynalite_port, app_port = free_port(), free_port()
    dynalite = start_dynalite(dynalite_port)
    environment = production_environment(
        database_url=mariadb_url,
        books_table=f"books-{name}-{uuid.uuid4().hex[:8]}",
        dynalite_port=dynalite_port,
        app_port=app_port,
    )
    environment.update(ADMIN_PASSWORD=admin_password, GUNICORN_WORKERS="2", **settings)
    for command in (["db", "upgrade"], ["create-books-table"], ["create-admin", admin]):
        subprocess.run(
            [BIN / "flask", "--app", "application", *command],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )
    return environment, dynalite, app_port


def test_procfile_runs_the_app_under_gunicorn_against_mariadb_and_dynalite(mariadb, tmp_path):
    _, mariadb_url = mariadb
    environment, dynalite, app_port = prepare_deployment(mariadb_url, "gunicorn", "smoke", ADMIN_PASSWORD)
    log_path = tmp_path / "gunicorn.log"
    gunicorn = start_gunicorn(environment, log_path)
    try:
        wait_for_port(app_port, timeout=30)
        client = Client(f"http://127.0.0.1:{app_port}")

        status, body = client.request("/healthz")
        assert status == 200 and json.loads(body) == {"status": "ok", "checks": {"database": "ok", "books": "ok"}}

        client.request("/login")
        status, board = client.request(
            "/login", {"csrf_token": client.csrf_token, "username": "smoke", "password": ADMIN_PASSWORD}
        )
        assert status == 200 and "Signed in as <strong>smoke</strong>" in board
        assert client.headers["Cache-Control"] == "no-store"  # a signed-in page: no browser or proxy keeps it
        assets = re.findall(r'<(?:link|script)\b[^>]*\b(?:href|src)="(/static/[^"]+)"', board)
        assert len(assets) == 8
        for asset in assets:  # WhiteNoise, in front of the app: hashed names, gzipped, kept a year
            request = urllib.request.Request(f"{client.base_url}{asset}", headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (127.0.0.1)
                assert re.search(r"\.[0-9a-f]{8}\.\w+$", asset) and response.headers["Content-Encoding"] == "gzip"
                assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
                assert gzip.decompress(response.read()) == (ROOT / "bookapp" / asset.lstrip("/")).read_bytes()

        status, board = client.request(
            "/books",
            {"csrf_token": client.csrf_token, "title": "Smoke Signals", "author": "A. Tester", "status": "not_started"},
        )
        assert status == 200 and ">Smoke Signals</a></h3>" in board
        book_id = re.search(r'id="book-([0-9A-Z]{26})"', board).group(1)

        status, fragment = client.request(
            f"/books/{book_id}/move",
            {"status": "reading", "version": "1"},
            headers={"HX-Request": "true", "X-CSRFToken": client.csrf_token},
        )
        assert status == 200
        assert re.search(rf'hx-swap-oob="afterbegin:#cards-reading">\s*<article [^>]*id="book-{book_id}"', fragment)

        stop(dynalite)
        started = time.monotonic()
        status, body = client.request("/healthz")
        assert status == 503
        assert json.loads(body) == {"status": "unavailable", "checks": {"database": "ok", "books": "unavailable"}}
        assert time.monotonic() - started < 5
    finally:
        stop(gunicorn)
        stop(dynalite)

    log = log_path.read_text()
    assert re.search(r"bookapp.requests: POST /books/[0-9A-Z]{26}/move 200 [\d.]+ms user=1 ip=127.0.0.1", log)
    assert "sign-in succeeded user_id=1" in log
    # Two workers counting sign-ins in their own memory: said once per start, not once per worker.
    assert log.count("RATELIMIT_STORAGE_URI is memory:// with 2 worker processes") == 1
    assert ADMIN_PASSWORD not in log and environment["SECRET_KEY"] not in log


@pytest.mark.parametrize(
    ("storage_uri", "workers", "warned"),
    [
        ("memory://", 2, True),
        ("memory://", 4, True),
        ("memory://", 1, False),
        ("redis://my-cache.abc123.0001.use1.cache.amazonaws.com:6379/0", 2, False),
        ("rediss://my-cache.abc123.use1.cache.amazonaws.com:6379", 4, False),
        ("memcached://127.0.0.1:11211", 2, False),
    ],
)
def test_start_up_warns_when_several_workers_count_sign_ins_apart(storage_uri, workers, warned):
    warning = unshared_rate_limit_warning(storage_uri, workers)

    assert (warning is not None) == warned
    if warned:
        assert f"{workers} worker processes" in warning and f"up to {workers} times LOGIN_RATE_LIMIT" in warning
        assert "redis://" in warning and "docs/operations.md" in warning
