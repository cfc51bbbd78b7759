"""Static files as browsers get them, through the app's WSGI stack (WhiteNoise in front of Flask):
hashed names, gzip, cache lifetimes; and the build behind them (bookapp/static_files.py)."""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from bookapp import create_app
from bookapp.config import DevelopmentConfig, TestingConfig
from bookapp.static_files import build, source_names
from tests.conftest import ROOT

STATIC = ROOT / "bookapp" / "static"
LINKED = re.compile(r'<(?:link|script)\b[^>]*\b(?:href|src)="([^"]+)"')
HASHED_URL = re.compile(r"^/static/dist/(?:[\w.-]+/)*[\w.-]+\.[0-9a-f]{8}(?:\.\w+)?$")
# The files base.html links: the stylesheets, the scripts and the icon.
ASSETS = {
    "favicon.svg",
    "vendor/bootstrap-5.3.9/bootstrap.min.css",
    "app.css",
    "color-mode.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
    "vendor/sortablejs-1.15.7/Sortable.min.js",
    "app.js",
}
NOBODY = 65534


def linked_urls(page: str) -> list[str]:
    return LINKED.findall(page)


def copy_of_static(destination: Path) -> Path:
    shutil.copytree(STATIC, destination, ignore=shutil.ignore_patterns("dist"))
    return destination


def app_on(folder: Path, database_url: str, config=TestingConfig):
    return create_app(
        config,
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "BOOKS_TABLE": f"books-{uuid.uuid4().hex[:12]}",
            "STATIC_FOLDER": str(folder),
            "SECRET_KEY": "testing-only-not-secret",
        },
    )


def max_age(response) -> int:
    return int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"]).group(1))


# -- what pages link to, and how it is served ----------------------------------------------------------


@pytest.fixture
def board_assets(app, reader):
    """{logical name: URL} of every file the board links to, read from the board page itself."""
    board = reader.get("/")
    assert board.status_code == 200
    urls = linked_urls(board.get_data(as_text=True))
    by_url = {f"/static/{target}": name for name, target in app.extensions["static_files"].items()}
    assert len(urls) == len(set(urls)) == len(ASSETS)
    return {by_url[url]: url for url in urls}


def test_the_login_page_and_the_board_link_every_asset_by_its_hashed_name(app, browser, board_assets):
    assert set(board_assets) == ASSETS
    assert [url for url in board_assets.values() if not HASHED_URL.match(url)] == []
    login = linked_urls(browser.get("/login").get_data(as_text=True))
    assert sorted(login) == sorted(board_assets.values())


def test_each_hashed_file_is_served_gzipped_and_decompresses_to_the_original(app, board_assets):
    client = app.test_client()
    for name, url in board_assets.items():
        original = (STATIC / name).read_bytes()
        response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert response.status_code == 200, url
        assert response.headers.get("Content-Encoding") == "gzip", url
        assert "Accept-Encoding" in response.headers.get("Vary", ""), url
        assert int(response.headers["Content-Length"]) == len(response.data) < len(original), url
        assert gzip.decompress(response.data) == original, url
        # A client that does not take gzip gets the same bytes as they are.
        plain = client.get(url)
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
        assert plain.data == original, url


def test_hashed_files_are_cached_a_year_and_never_revalidated_the_originals_briefly(app, board_assets):
    client = app.test_client()
    for name, url in board_assets.items():
        hashed = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        original = client.get(f"/static/{name}")
        assert original.status_code == 200 and original.data == (STATIC / name).read_bytes()
        assert "immutable" not in original.headers["Cache-Control"]
        assert 0 < max_age(original) <= 3600, name


def test_static_files_carry_the_same_protection_headers_as_pages(app, browser, board_assets):
    page = browser.get("/login")
    for url in [*board_assets.values(), "/static/app.css"]:
        response = app.test_client().get(url, headers={"Accept-Encoding": "gzip"})
        for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
            assert response.headers.get(header) == page.headers[header], (url, header)


@pytest.mark.parametrize(
    "url",
    ["/static/no-such-file.css", "/static/dist/app.00000000.css", "/static/dist/", "/static/../application.py"],
)
def test_an_unknown_static_path_is_404(app, url):
    response = app.test_client().get(url)
    assert response.status_code == 404
    assert "Cache-Control" not in response.headers or "immutable" not in response.headers["Cache-Control"]


# -- the build -----------------------------------------------------------------------------------------


def test_the_build_copies_every_file_but_readmes_and_writes_nothing_when_up_to_date(tmp_path):
    folder = copy_of_static(tmp_path / "static")
    first = build(folder)
    names = set(first.paths)
    assert "app.css" in names and "vendor/htmx-2.0.11/htmx.min.js" in names
    assert not [name for name in names if name.endswith("README.md") or name.startswith("dist/")]
    manifest = json.loads((folder / "dist" / "manifest.json").read_text())
    assert manifest == {"files": first.paths}
    for name, target in first.paths.items():
        assert (folder / target).read_bytes() == (folder / name).read_bytes()
        assert gzip.decompress((folder / f"{target}.gz").read_bytes()) == (folder / name).read_bytes()
    again = build(folder)
    assert again.paths == first.paths and again.written == []


def test_changing_a_file_changes_its_hashed_name_and_only_its_own(tmp_path):
    folder = copy_of_static(tmp_path / "static")
    before = build(folder).paths
    with (folder / "app.css").open("a") as css:
        css.write("\n.newly-added { color: inherit; }\n")
    after = build(folder)
    assert after.paths["app.css"] != before["app.css"]
    assert re.fullmatch(r"dist/app\.[0-9a-f]{8}\.css", after.paths["app.css"])
    assert (folder / after.paths["app.css"]).read_bytes() == (folder / "app.css").read_bytes()
    assert {name: path for name, path in after.paths.items() if name != "app.css"} == {
        name: path for name, path in before.items() if name != "app.css"
    }
    assert sorted(after.written) == sorted(
        [after.paths["app.css"], after.paths["app.css"] + ".gz", "dist/manifest.json"]
    )
    # The old copy stays: pages already open in browsers may still ask for it.
    assert (folder / before["app.css"]).is_file()


BUILD_IN_A_WORKER = """
import json, sys, time
from pathlib import Path
from bookapp.static_files import build
folder, ready, go = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
ready.touch()
while not go.exists():
    time.sleep(0.001)
print(json.dumps(build(folder).paths))
"""


def test_builds_started_at_the_same_moment_agree_on_one_complete_manifest(tmp_path):
    """Like gunicorn workers starting together on a fresh deploy: separate processes, one folder."""
    folder = copy_of_static(tmp_path / "static")
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{index}" for index in range(4)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD_IN_A_WORKER, str(folder), str(flag), str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag in ready
    ]
    deadline = time.monotonic() + 30
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)  # every worker has imported the app's code and waits for the signal
    go.touch()
    results = [worker.communicate(timeout=60) for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * 4, [err for _, err in results]
    paths = [json.loads(out) for out, _ in results]
    assert all(each == paths[0] for each in paths)
    assert json.loads((folder / "dist" / "manifest.json").read_text()) == {"files": paths[0]}
    for name, target in paths[0].items():
        original = (folder / name).read_bytes()
        assert (folder / target).read_bytes() == original
        assert gzip.decompress((folder / f"{target}.gz").read_bytes()) == original
        assert stat.S_IMODE((folder / target).stat().st_mode) == 0o644  # nginx reads them as another user
    assert [path.name for path in (folder / "dist").rglob("*.tmp")] == []


def test_no_stylesheet_points_at_another_file_by_a_relative_url():
    """The hashed copies would not find a neighbour by its unhashed name: the build rewrites no url()."""
    for name in source_names(STATIC):
        if name.endswith(".css"):
            references = re.findall(r"url\(\s*['\"]?([^'\")]+)", (STATIC / name).read_text())
            assert [ref for ref in references if not ref.startswith("data:")] == [], name


def test_build_static_command_writes_what_is_missing(tmp_path, database_url):
    folder = copy_of_static(tmp_path / "static")
    app = app_on(folder, database_url)
    shutil.rmtree(folder / "dist")
    result = app.test_cli_runner().invoke(args=["build-static"])
    assert result.exit_code == 0, result.output
    assert "static files hashed and gzipped" in result.output
    assert json.loads((folder / "dist" / "manifest.json").read_text())["files"] == app.extensions["static_files"]


def test_in_development_an_edited_file_shows_on_the_next_page_load(tmp_path, database_url):
    folder = copy_of_static(tmp_path / "static")
    app = app_on(folder, database_url, DevelopmentConfig)
    client = app.test_client()

    def script_url() -> str:
        (url,) = [
            url
            for url in linked_urls(client.get("/login").get_data(as_text=True))
            if url.endswith(".js") and "/app." in url
        ]
        return url

    old_url = script_url()
    with (folder / "app.js").open("a") as script:
        script.write("\n// edited\n")
    new_url = script_url()
    assert HASHED_URL.match(new_url) and new_url != old_url
    response = client.get(new_url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert gzip.decompress(response.data).endswith(b"// edited\n")


# -- a folder the app cannot write ---------------------------------------------------------------------


@contextlib.contextmanager
def as_a_user_who_cannot_write():
    """Permission bits do not stop root: act as nobody meanwhile (only the effective id changes)."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.fixture
def read_only_static():
    """A copy of the static folder that nobody may write, in a folder anyone may read."""
    parent = Path(tempfile.mkdtemp(prefix="bookapp-read-only-"))
    parent.chmod(0o755)
    folder = copy_of_static(parent / "static")
    for path in [*folder.rglob("*"), folder]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(parent)


def test_a_read_only_static_folder_falls_back_to_plain_urls_without_crashing(read_only_static, database_url, caplog):
    with as_a_user_who_cannot_write():
        with caplog.at_level(logging.WARNING, logger="bookapp.static_files"):
            app = app_on(read_only_static, database_url)
        refused = app.test_cli_runner().invoke(args=["build-static"])
    assert not (read_only_static / "dist").exists()
    assert any("cannot write" in record.getMessage() for record in caplog.records)
    assert refused.exit_code != 0 and "Cannot write" in refused.output

    client = app.test_client()
    login = client.get("/login")
    assert login.status_code == 200
    urls = linked_urls(login.get_data(as_text=True))
    assert sorted(urls) == sorted(f"/static/{name}" for name in ASSETS)
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, url
        assert response.data == (read_only_static / url.removeprefix("/static/")).read_bytes()
        assert 0 < max_age(response) <= 3600 and "immutable" not in response.headers["Cache-Control"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
