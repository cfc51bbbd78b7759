"""Load test: simulated readers against gunicorn (as the Procfile runs it), MariaDB and dynalite.

    .venv/bin/python loadtest/run.py --users 50 --seconds 60

Prepares a throwaway MariaDB database, a dynalite and the reader accounts, runs locust headless,
then checks that every write the app acknowledged is in DynamoDB with the right column and version.
Prints a summary and exits non-zero on any failed request or missing write.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own loopback server)
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--mysql", default="mysql+pymysql://root@127.0.0.1:3306/?charset=utf8mb4")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bookapp-load-"))
    database = f"bookapp_load_{uuid.uuid4().hex[:8]}"
    server = create_engine(make_url(args.mysql).set(database=""))
    with server.begin() as connection:
        connection.execute(text(f"CREATE DATABASE {database} CHARACTER SET utf8mb4"))
    dynalite_port, app_port = free_port(), free_port()
    password = "load test passphrase " + secrets.token_hex(4)
    usernames = [f"reader{i:03}" for i in range(args.users)]
    environment = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "BOOKAPP_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": make_url(args.mysql).set(database=database).render_as_string(hide_password=False),
        "BOOKS_TABLE": f"books-load-{uuid.uuid4().hex[:8]}",
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{dynalite_port}",
        "AWS_ACCESS_KEY_ID": "load",
        "AWS_SECRET_ACCESS_KEY": "load",
        "AWS_REGION": "us-east-1",
        "PORT": str(app_port),
        "SESSION_COOKIE_SECURE": "0",
        "LOGIN_RATE_LIMIT": "100000 per minute",  # every simulated reader signs in from 127.0.0.1
        "LOG_LEVEL": "WARNING",
        "LOAD_PASSWORD": password,
        "LOAD_USERNAMES": ",".join(usernames),
        "LOAD_ACKNOWLEDGED_FILE": str(work / "acknowledged.json"),
    }
    os.environ.update({k: v for k, v in environment.items() if k.startswith(("AWS_", "BOOK", "DATABASE", "SECRET"))})
    processes: list[subprocess.Popen] = []
    try:
        processes.append(
            subprocess.Popen(
                [
                    str(ROOT / "node_modules/.bin/dynalite"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(dynalite_port),
                    "--createTableMs",
                    "0",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        time.sleep(0.5)
        prepare(environment, usernames, password)
        procfile = (ROOT / "Procfile").read_text().split("web:", 1)[1].strip()
        gunicorn_log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
        processes.append(
            subprocess.Popen(
                shlex.split(procfile),
                cwd=ROOT,
                env=environment,
                stdout=gunicorn_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        wait_for(f"http://127.0.0.1:{app_port}/healthz")
        started = time.monotonic()
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest/locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.users),
                "-t",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{app_port}",
                "--csv",
                str(work / "stats"),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.monotonic() - started
        return report(work, args, elapsed, locust, environment)
    finally:
        for process in reversed(processes):
            if process.poll() is None and process is processes[0]:
                process.terminate()  # dynalite
            elif process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # gunicorn and its workers
            process.wait(timeout=30)
        with server.begin() as connection:
            connection.execute(text(f"DROP DATABASE {database}"))
        server.dispose()


def prepare(environment: dict, usernames: list[str], password: str) -> None:
    """Schema, table and reader accounts, made the way an operator would (migrations, CLI code)."""
    from flask_migrate import upgrade

    from bookapp import create_app
    from bookapp.books import get_book_repository
    from bookapp.config import TestingConfig
    from bookapp.users.accounts import create_account

    app = create_app(
        TestingConfig,
        {"SQLALCHEMY_DATABASE_URI": environment["DATABASE_URL"], "BOOKS_TABLE": environment["BOOKS_TABLE"]},
    )
    with app.app_context():
        upgrade()
        get_book_repository().create_table()
        for username in usernames:
            create_account(username, password, is_admin=False)


def report(work: Path, args, elapsed: float, locust, environment: dict) -> int:
    from bookapp.books import BookNotFound, BookRepository, Status

    with open(work / "stats_stats.csv") as stats_file:
        rows = list(csv.DictReader(stats_file))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    acknowledged = json.loads((work / "acknowledged.json").read_text())
    books = BookRepository(environment["BOOKS_TABLE"], "us-east-1")
    user_ids = _user_ids(environment["DATABASE_URL"])
    missing = wrong = 0
    for record in acknowledged:
        try:
            stored = books.get(user_ids[record["username"]], record["book_id"])
        except BookNotFound:
            missing += 1
            continue
        if stored.status != Status(record["status"]) or stored.version != record["version"]:
            wrong += 1
    print(f"Load test: {args.users} readers for {args.seconds} s (ran {elapsed:.0f} s), gunicorn + MariaDB + dynalite")
    print(f"{'endpoint':<20} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for row in rows:
        print(f"{row['Name']:<20} {row['Request Count']:>9} {row['Failure Count']:>9} {row['50%']:>8} {row['95%']:>8}")
    print(f"throughput: {float(total['Requests/s']):.1f} requests/s")
    print(f"acknowledged writes checked in DynamoDB: {len(acknowledged)}; missing: {missing}; wrong state: {wrong}")
    print(f"{requests} requests, {failures} errors")
    if locust.returncode not in (0, 1):
        print(locust.stderr[-3000:])
    ok = failures == 0 and missing == 0 and wrong == 0 and requests > 0 and len(acknowledged) > 0
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


def _user_ids(database_url: str) -> dict[str, str]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT username, id FROM users")).all()
    engine.dispose()
    return {username: str(user_id) for username, user_id in rows}


if __name__ == "__main__":
    sys.exit(main())
