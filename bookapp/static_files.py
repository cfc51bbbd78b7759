# Not Flask-Static-Digest: it writes in place (workers starting together may read half a file), and only from its CLI.
"""Static files: content-hashed, gzipped copies, served with long cache lifetimes.

`build()` copies every file under bookapp/static (but README.md files and its own output folder) into
`dist/`, under a name that carries a short hash of its content (`dist/vendor/htmx-2.0.11/htmx.min.3f2a9c1b.js`),
with a gzip copy beside it (`….js.gz`), and writes `dist/manifest.json`: each file's name → its hashed
path under /static/. A hashed file never changes (other content, other name), so browsers may keep it
a year without asking again. Templates name files with `asset_url('app.css')`, which gives the hashed URL.
A stylesheet's relative `url(…)` would not find its neighbour's hashed copy, so none may have one
(Bootstrap draws its icons with data: URIs; tests/test_static_files.py keeps it so).

The build runs when the app starts, writing only what is missing (a second start, or the second gunicorn
worker, writes nothing), and as `flask build-static`, which Elastic Beanstalk runs on each instance
before the app starts: there nginx serves /static itself (.platform/nginx/conf.d/elasticbeanstalk/).
Each file is written to a temporary file and renamed into place, so two workers building at once
write the same bytes under the same names and no reader ever sees half a file. When the folder
cannot be written (a read-only deploy), pages link to the unhashed files instead, with a warning.

WhiteNoise serves both in front of Flask (under gunicorn, the development server and the tests):
the hashed files for a year and gzipped when the client accepts it (`Vary: Accept-Encoding`), the
originals for a short while, all with the protection headers of the app's own responses.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from wsgiref.headers import Headers

from flask import Flask, current_app, url_for
from whitenoise import WhiteNoise

from bookapp.response_headers import protection_headers

log = logging.getLogger(__name__)

OUTPUT_FOLDER = "dist"
MANIFEST = "manifest.json"
HASH_LENGTH = 8  # hex digits of the SHA-256: plenty to tell apart the versions of one file
ONE_YEAR = 365 * 24 * 60 * 60
HASHED_CACHE_CONTROL = f"public, max-age={ONE_YEAR}, immutable"
# An original keeps its URL when a deploy changes it, so a browser holding a copy would use it with
# newer pages until it expires. Pages link to originals only when the hashed copies could not be
# written; 5 minutes keeps such a mismatch short, and afterwards a browser only revalidates (304).
ORIGINAL_MAX_AGE = 5 * 60


@dataclass
class Build:
    paths: dict[str, str]  # each file's name under the static folder → its hashed copy's
    written: list[str]  # the files this build had to write (none when the output was up to date)


def source_names(static_folder: Path) -> list[str]:
    """The files the build copies, by name under the static folder ('vendor/htmx-2.0.11/htmx.min.js')."""
    names = []
    for folder, subfolders, files in os.walk(static_folder):
        relative = Path(folder).relative_to(static_folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".") and not (relative == Path(".") and name == OUTPUT_FOLDER)
        )
        names += [(relative / name).as_posix() for name in files if name != "README.md" and not name.startswith(".")]
    return sorted(names)


def hashed_name(name: str, content: bytes) -> str:
    """'vendor/htmx-2.0.11/htmx.min.js' → 'dist/vendor/htmx-2.0.11/htmx.min.3f2a9c1b.js'."""
    path = PurePosixPath(name)
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return str(PurePosixPath(OUTPUT_FOLDER, path.parent, f"{path.stem}.{digest}{path.suffix}"))


def build(static_folder: Path) -> Build:
    """Write the hashed copies, their gzip copies and the manifest that are missing or out of date.

    Raises OSError when the output folder cannot be written."""
    static_folder = Path(static_folder)
    paths: dict[str, str] = {}
    written: list[str] = []
    for name in source_names(static_folder):
        content = (static_folder / name).read_bytes()
        paths[name] = hashed = hashed_name(name, content)
        # The name says the content: a file of that name (written whole, by a rename) is this one.
        target = static_folder / hashed
        if not target.is_file():
            _write_atomically(target, content)
            written.append(hashed)
        compressed = target.with_name(target.name + ".gz")
        if not compressed.is_file():
            # mtime=0: the same bytes on every build and every instance.
            _write_atomically(compressed, gzip.compress(content, compresslevel=9, mtime=0))
            written.append(hashed + ".gz")
    manifest = static_folder / OUTPUT_FOLDER / MANIFEST
    text = json.dumps({"files": paths}, indent=1, sort_keys=True) + "\n"
    if not manifest.is_file() or manifest.read_text(encoding="utf-8") != text:
        _write_atomically(manifest, text.encode())
        written.append(f"{OUTPUT_FOLDER}/{MANIFEST}")
    return Build(paths, written)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; nginx and the app's user read these files
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def link_targets(static_folder: Path) -> dict[str, str]:
    """What pages link to for each static file: its hashed copy, or itself when the build cannot write."""
    try:
        return build(static_folder).paths
    except OSError as error:
        log.warning(
            "Static files: cannot write %s (%s). Pages link to the unhashed files, cached %d s, not compressed.",
            Path(static_folder) / OUTPUT_FOLDER,
            error,
            ORIGINAL_MAX_AGE,
        )
        return {name: name for name in source_names(static_folder)}


def asset_url(name: str) -> str:
    """Template global: the URL of a static file, by its name under bookapp/static ('app.css')."""
    targets = current_app.extensions["static_files"]
    if name not in targets:
        raise LookupError(f"no static file {name!r} in {current_app.static_folder}")
    return url_for("static", filename=targets[name])


def assets_version() -> int:
    """What pages link to, as one value that changes when any hashed name does (the board page
    cache keys on it); computed when the names are, not per page."""
    return current_app.extensions["static_files_version"]


def _link_to(app: Flask, targets: dict[str, str]) -> dict[str, str]:
    app.extensions["static_files"] = targets
    app.extensions["static_files_version"] = hash(frozenset(targets.items()))
    return targets


def init_app(app: Flask) -> None:
    """Build the hashed copies, and serve static files with WhiteNoise in front of the app.

    Call it after every other WSGI middleware is in place: WhiteNoise answers first."""
    if app.config["STATIC_FOLDER"]:
        app.static_folder = app.config["STATIC_FOLDER"]
    folder = Path(app.static_folder)
    targets = _link_to(app, link_targets(folder))
    app.add_template_global(asset_url)

    prefix = f"{app.static_url_path}/"
    hashed_prefix = f"{prefix}{OUTPUT_FOLDER}/"
    security = protection_headers(app.config["SECURITY_HSTS"])

    def add_headers(headers: Headers, path: str, url: str) -> None:
        # WhiteNoise answers without Flask, so without its after_request headers: the same ones here.
        for name, value in security.items():
            headers[name] = value
        if url.startswith(hashed_prefix):
            headers["Cache-Control"] = HASHED_CACHE_CONTROL

    autorefresh = app.config["STATIC_AUTOREFRESH"]
    static = WhiteNoise(
        app.wsgi_app,
        autorefresh=autorefresh,
        max_age=ORIGINAL_MAX_AGE,
        allow_all_origins=False,  # everything here is used by our own pages only
        add_headers_function=add_headers,
    )
    if autorefresh:
        # Development: WhiteNoise looks files up on each request, and a page request rebuilds what an
        # edit changed, so the next page load shows it (as Flask's own static route would).
        static.add_files(folder, prefix=prefix)

        @app.before_request
        def rebuild_static_files() -> None:
            _link_to(app, link_targets(folder))

    else:
        # Exactly the originals and their hashed copies, each with its .gz when there is one. Not a scan
        # of the folder: another worker's temporary files come and go in it while this one starts.
        for name, target in targets.items():
            static.add_file_to_dictionary(prefix + name, str(folder / name))
            if target != name:
                static.add_file_to_dictionary(prefix + target, str(folder / target))
    app.wsgi_app = static
