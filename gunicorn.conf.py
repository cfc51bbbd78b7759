"""gunicorn settings, read from the environment so the Procfile stays one line.

Defaults suit a small instance (2 vCPUs, e.g. t3.small): 2 worker processes of 4 threads each. Requests
mostly wait on DynamoDB and MySQL, so threads add concurrency cheaply.
"""

import ctypes
import os

# Elastic Beanstalk's nginx forwards to port 8000 on the instance; PORT overrides it.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# The web workers never change the schema (`flask db upgrade` does, in its own process): the app
# leaves out Flask-Migrate and alembic, 11 MB a worker (bookapp/config.py).
os.environ.setdefault("BOOKAPP_SCHEMA_COMMANDS", "0")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# The app logs one line per request itself (with the user id); gunicorn's access log would repeat it.
accesslog = None
errorlog = "-"

# glibc's malloc (Amazon Linux, Debian) gives each thread of a process its own arena and keeps
# freed memory for reuse: with 4 threads a worker's memory grows by arenas it barely uses, and
# argon2's 19 MiB block per sign-in stays in the heap after the hash. Two arenas, and blocks of
# 1 MiB or more always mapped and unmapped (a fixed threshold: glibc would otherwise raise it after
# the first large free), keep a worker near what it holds (planned for at most 120 MB: docs/performance.md).
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8


def post_fork(server, worker):
    _tune_malloc()
    if worker.age == 1:  # the first worker of this start: the warning is said once, not once per worker
        _warn_if_sign_in_limit_is_not_shared(server)


def _tune_malloc():
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return  # not glibc (musl, macOS): its own allocator, nothing to tune
    libc.mallopt(M_ARENA_MAX, 2)
    libc.mallopt(M_MMAP_THRESHOLD, 1024 * 1024)


def _warn_if_sign_in_limit_is_not_shared(server):
    """Only gunicorn knows how many workers there are, and only the app's configuration knows where the
    sign-in limiter counts. Imported here, in a worker, which loads the app next anyway: importing the
    app's package in the master would add about 75 MB to a process that serves nothing."""
    from bookapp.config import ConfigError, config_from_environment, unshared_rate_limit_warning

    try:
        storage_uri = config_from_environment().RATELIMIT_STORAGE_URI
    except ConfigError:
        return  # the app refuses to start with the same error, and says so
    warning = unshared_rate_limit_warning(storage_uri, server.cfg.workers)
    if warning:
        server.log.warning(warning)
