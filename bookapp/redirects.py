"""Where the app sends a browser: always a path on this site.

A redirect's target comes from a request (`next` after signing in) or from Werkzeug's routing, which
builds an absolute URL from the request's own Host header for a missing trailing slash or doubled
slashes (`/admin` → `http://<Host>/admin/`). Every `Location` the app sends passes through here on its
way out: it becomes a plain path, checked like `next`, so neither a forged Host nor a crafted `next`
sends a reader to another site, and no request value reaches the header unchecked.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, url_for

# Elastic Beanstalk's nginx answers 502 when an app's headers outgrow its 4 KB proxy buffer; a target
# this long is no page of ours anyway.
MAX_TARGET_LENGTH = 2000

# C0 and C1 control characters and DEL: CR and LF would split the header (Werkzeug refuses them with a
# 500), and browsers drop tabs and newlines from URLs, so "/\t/evil.example" would read as "//evil.example".
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def same_site_path(target: str | None) -> str | None:
    """`target` if every browser reads it as a path on this site, else None."""
    if not target or len(target) > MAX_TARGET_LENGTH or _CONTROL_CHARACTERS.search(target):
        return None
    if not target.startswith("/") or target.startswith("//"):  # "//evil.example" is another site
        return None
    if "\\" in target:  # browsers read a backslash as a slash: "/\evil.example" is "//evil.example"
        return None
    return target


def board_or(target: str | None) -> str:
    """`target` when it is a path on this site, else the board: the safe place to send a reader."""
    return same_site_path(target) or url_for("books.board")


def keep_location_on_this_site(response: Response) -> Response:
    """Send every redirect as a path: drop the scheme and host Werkzeug's routing names, and replace
    a target that is not a plain path on this site with the board."""
    location = response.headers.get("Location")
    if location is not None:
        response.headers["Location"] = board_or(_without_scheme_and_host(location))
    return response


def _without_scheme_and_host(location: str) -> str | None:
    if _CONTROL_CHARACTERS.search(location):
        return None  # urlsplit would quietly drop tabs and newlines, and with them what they hide
    parts = urlsplit(location)
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def init_app(app: Flask) -> None:
    app.after_request(keep_location_on_this_site)
