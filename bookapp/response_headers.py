"""Headers on every response: a strict Content-Security-Policy and the other browser protections,
and on the app's own responses, which depend on the session, that no one may store them.

The CSP allows scripts, styles, fonts and requests from our own origin only: no inline scripts or
styles anywhere (htmx runs with allowEval false and includeIndicatorStyles false), images also as
data: URIs (Bootstrap draws its select arrow and close button that way)."""

from __future__ import annotations

from flask import Flask, Response, current_app

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

# Every response the app itself makes depends on the session: the reader's books and name, an admin's
# accounts, and on every form (the sign-in page too) a CSRF token tied to the session, with the add
# form's new book id. None may be kept by a browser (on disk, in its back/forward history) or a proxy.
# Not `private, no-cache`: there is nothing to revalidate (no ETag or Last-Modified), and a copy
# revalidated would bring back an old token and book id. The board's page cache is the app's own,
# in each worker's memory, and keyed by the session: this header does not touch it. Static files
# are answered before the app (bookapp/static_files.py) with their own long lifetimes.
SESSION_CACHE_CONTROL = "no-store"


def protection_headers(hsts: bool) -> dict[str, str]:
    """The protections every response carries: the app's own, and static files, which WhiteNoise
    (bookapp/static_files.py) and Elastic Beanstalk's nginx (.platform/nginx/) send without the app."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
    if hsts:
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return headers


def add_headers(response: Response) -> Response:
    for name, value in protection_headers(current_app.config["SECURITY_HSTS"]).items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", SESSION_CACHE_CONTROL)
    # Pages and their htmx fragments share URLs: caches must keep them apart.
    response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
