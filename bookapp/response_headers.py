"""Headers on every response: a strict Content-Security-Policy and the other browser protections.

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
    # Pages and their htmx fragments share URLs: caches must keep them apart.
    response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
