"""Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): a browser that
has signed in to a username keeps a signed note of it, and its failed sign-ins to that username are
counted apart from everyone else's (`users/brakes.py`). So an attacker who locks a username for
unknown browsers does not lock out its owner's own browsers.

The cookie holds, for each of up to `MAX_USERNAMES` usernames (a family computer), a random nonce;
it is signed with the app's secret key, sent only to the sign-in page, and lasts a year from the
last sign-in. It proves nothing but a past sign-in from this browser, so it never signs anyone in."""

from __future__ import annotations

import secrets

from flask import Response, current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "bookapp_device"
LIFETIME_SECONDS = 365 * 24 * 60 * 60
MAX_USERNAMES = 8


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def _known_devices() -> dict[str, str]:
    """Username → nonce from this request's device cookie; nothing if it is missing, forged, expired
    or not of the expected shape."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw or len(raw) > 4000:
        return {}
    try:
        devices = _serializer().loads(raw, max_age=LIFETIME_SECONDS)
    except BadSignature:
        return {}
    if not isinstance(devices, dict):
        return {}
    return {name: nonce for name, nonce in devices.items() if isinstance(name, str) and isinstance(nonce, str)}


def device_for(username: str) -> str | None:
    """This browser's nonce for `username`, if it signed in to it before."""
    return _known_devices().get(username)


def remember_device(response: Response, username: str) -> None:
    """After a successful sign-in: keep (or make) this browser's nonce for `username`, most recent
    last, and drop the oldest beyond `MAX_USERNAMES`."""
    devices = _known_devices()
    nonce = devices.pop(username, None) or secrets.token_urlsafe(16)
    devices[username] = nonce
    kept = dict(list(devices.items())[-MAX_USERNAMES:])
    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps(kept),
        max_age=LIFETIME_SECONDS,
        path=url_for("auth.login"),
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
