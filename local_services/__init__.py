"""The services the tests, the load test and the benchmark start on this machine: dynalite standing in
for DynamoDB, and gunicorn run exactly as the Procfile says, each on a free port of 127.0.0.1.

Tooling, not the app: nothing in bookapp/ imports it, and `eb deploy` leaves it out (.ebignore).

    port = free_port()
    dynalite = start_dynalite(port)         # returns once it listens
    ...
    stop(dynalite)
"""

from __future__ import annotations

import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The virtualenv's bin/ (flask, gunicorn, locust): on PATH for what the services run.
BIN = Path(sys.executable).parent
DYNALITE = ROOT / "node_modules" / ".bin" / "dynalite"
HOST = "127.0.0.1"


class ServiceDidNotStart(RuntimeError):
    """A service is not installed, or nothing listens on its port in time."""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    """Return once something accepts connections on 127.0.0.1:`port`; ServiceDidNotStart after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise ServiceDidNotStart(f"nothing listens on {HOST}:{port} after {timeout} s")


def start_dynalite(port: int, path: Path | None = None) -> subprocess.Popen:
    """dynalite on `port`, in memory (or keeping its data under `path`), with tables created, updated
    and deleted at once; returns once it listens."""
    if not DYNALITE.exists():
        raise ServiceDidNotStart(f"{DYNALITE} is missing: run scripts/test (it runs npm ci)")
    options = ["--host", HOST, "--port", str(port), "--createTableMs", "0", "--deleteTableMs", "0"]
    options += ["--updateTableMs", "0", *(["--path", str(path)] if path else [])]
    process = subprocess.Popen([str(DYNALITE), *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
    except ServiceDidNotStart:
        stop(process)
        raise
    return process


def production_environment(*, database_url: str, books_table: str, dynalite_port: int, app_port: int) -> dict[str, str]:
    """This process's environment plus what an operator sets on Elastic Beanstalk, pointed at the local
    services: production config, a fresh secret key, the app on `app_port`."""
    return {
        **os.environ,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "BOOKAPP_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "BOOKS_TABLE": books_table,
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://{HOST}:{dynalite_port}",
        "PORT": str(app_port),
        "SESSION_COOKIE_SECURE": "0",  # plain HTTP on loopback; production behind HTTPS keeps it on
    }


def procfile_command() -> list[str]:
    """The Procfile's web command, as arguments."""
    (line,) = [line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")]
    return shlex.split(line.removeprefix("web:"))


def start_gunicorn(environment: dict[str, str], log_path: Path) -> subprocess.Popen:
    """gunicorn exactly as the Procfile says, its output in `log_path`, in a session of its own so that
    `stop` ends its workers with it. Returns at once: wait for its port (environment["PORT"])."""
    with log_path.open("w") as log:
        return subprocess.Popen(
            procfile_command(), cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Stop a service if it still runs (SIGTERM, to its whole process group when it leads one, as
    gunicorn does) and wait for it to end."""
    if process.poll() is not None:
        return
    if os.getpgid(process.pid) == process.pid:
        os.killpg(process.pid, signal.SIGTERM)  # the master and its workers
    else:
        process.terminate()
    process.wait(timeout=timeout)
