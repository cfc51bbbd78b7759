"""Secure session cookies meet plain HTTP: a browser drops a Secure cookie that a plain-HTTP page sets
(loopback addresses aside), so the session never comes back, a form's CSRF token has nothing to match
and nobody can sign in. The sign-in page says so, and the app warns at start-up when it is likely."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import current_app, request

log = logging.getLogger(__name__)


def secure_cookie_over_plain_http() -> bool:
    """Whether this request came over plain HTTP, as the app sees it once ProxyFix has read
    X-Forwarded-Proto, while the session cookie is Secure: then the browser will not keep it."""
    return bool(current_app.config.get("SESSION_COOKIE_SECURE")) and not request.is_secure


def warn_if_browsers_may_come_over_plain_http(config: Mapping[str, Any]) -> None:
    """One line at start-up when no proxy is trusted to say a request came over HTTPS: most likely
    gunicorn serves browsers itself, over plain HTTP, and every sign-in will fail."""
    if config.get("SESSION_COOKIE_SECURE") and not config.get("PROXY_X_PROTO"):
        log.warning(
            "Sign-in needs HTTPS: session cookies are Secure (SESSION_COOKIE_SECURE) and no proxy passes on "
            "X-Forwarded-Proto (PROXY_X_PROTO=0), so a browser that opens this server over plain HTTP "
            "(e.g. http://192.168.1.20:8000) drops the cookie and cannot sign in. Serve it over HTTPS (behind a "
            "proxy: set PROXY_X_PROTO), or on a trusted home network set SESSION_COOKIE_SECURE=0."
        )
