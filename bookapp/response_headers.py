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


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if current_app.config["SECURITY_HSTS"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages and their htmx fragments share URLs: caches must keep them apart.
    response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
