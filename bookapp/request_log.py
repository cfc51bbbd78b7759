"""Logging to stdout, and one line per request: method, path, status, duration, user id, client IP.

Never the query string, form data, cookies or headers: those can carry passwords and tokens; and
never a secret a path carries (an invitation link's), which `loggable_path` masks."""

from __future__ import annotations

import logging
import re
import sys
import time

from flask import Flask, Response, g, request
from flask_login import current_user

log = logging.getLogger("bookapp.requests")

# C0 and C1 control characters, CR and LF among them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class OneLineFormatter(logging.Formatter):
    """Every message is one line: control characters that came with a request (a path holding
    %0d%0a, a Host header) are written as \\xNN, so no request can forge a log line. A traceback
    (`log.exception`) still follows on lines of its own."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802  (logging's name)
        record.message = _CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", record.message)
        return super().formatMessage(record)


def configure_logging(app: Flask) -> None:
    """Send the app's log lines to stdout (gunicorn and Elastic Beanstalk collect it)."""
    package_logger = logging.getLogger("bookapp")
    if not package_logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        package_logger.addHandler(handler)
    package_logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))


# The path argument that holds a secret (an invitation link's): whoever reads the logs could use it.
SECRET_PATH_ARGUMENT = "secret"  # noqa: S105  (the name of an argument, not a secret)


def loggable_path() -> str:
    """The request's path, fit for a log line: a route's secret argument appears as its name."""
    if request.url_rule is not None and SECRET_PATH_ARGUMENT in (request.view_args or {}):
        return request.url_rule.rule
    return request.path


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.pop("request_started", None)
    duration_ms = (time.perf_counter() - started) * 1000 if started is not None else -1.0
    # The user's numeric id, never get_id(): that is the session token. A request signed in another
    # way than the session (the API's tokens) names its user in `g.token_user_id`, and its session,
    # if it came with one, signs nobody in.
    user_id = g.get("token_user_id")
    if user_id is None:
        user_id = current_user.id if current_user and current_user.is_authenticated else "-"
    log.info(
        "%s %s %s %.1fms user=%s ip=%s",
        request.method,
        loggable_path(),
        response.status_code,
        duration_ms,
        user_id,
        request.remote_addr,
    )
    return response


def init_app(app: Flask) -> None:
    configure_logging(app)
    app.before_request(_start_timer)
    app.after_request(_log_request)
