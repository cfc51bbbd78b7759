"""The host names the app answers to: `ALLOWED_HOSTS` (docs/operations.md#host-names).

A client can send any Host header, and proxies pass it on. The app builds nothing from it (every
redirect is a path: redirects.py), so an unknown Host gains nothing; naming the hosts also refuses
requests meant for another site (DNS rebinding, a shared cache keyed by Host). Werkzeug's own
`host_is_trusted` does the matching ("books.example.com", or ".example.com" for its subdomains; the
port is ignored), as Flask's TRUSTED_HOSTS would. Flask checks TRUSTED_HOSTS before it knows the route,
so it would refuse the load balancer's health checks too: those name the instance by its private IP
address, which changes with every instance, so `/healthz` answers whatever the Host.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from flask import Flask, current_app, request
from werkzeug.sansio.utils import host_is_trusted

from bookapp.errors import render_error
from bookapp.request_log import loggable_path

log = logging.getLogger(__name__)

# Endpoints that answer under any Host: only the health check, which says nothing about the site.
ANY_HOST_ENDPOINTS = frozenset({"healthz"})

NOT_THIS_SITE = "This server does not answer to the address you used. Check the address and try again."


def is_allowed_host(host: str, allowed: Collection[str]) -> bool:
    """Whether `host` (a Host header, port and all) is one of `allowed`; every host when none are named."""
    return not allowed or host_is_trusted(host, allowed)


def refuse_other_hosts():
    """400 for a request whose Host is not one of ALLOWED_HOSTS (before any other hook sees it)."""
    if request.endpoint in ANY_HOST_ENDPOINTS or is_allowed_host(request.host, current_app.config["ALLOWED_HOSTS"]):
        return None
    # request.host holds only host-name characters (Werkzeug empties any other value): safe to log.
    log.warning(
        "host not allowed host=%r %s %s ip=%s", request.host, request.method, loggable_path(), request.remote_addr
    )
    return render_error(400, NOT_THIS_SITE)


def init_app(app: Flask) -> None:
    app.before_request(refuse_other_hosts)
