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
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bookapp.users.accounts import create_account  # noqa: E402  (after the path is set)
from bookapp.users.audit import Actor  # noqa: E402
from loadtest.stack import Stack  # noqa: E402
from local_services import BIN  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--mysql", default="mysql+pymysql://root@127.0.0.1:3306/?charset=utf8mb4")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bookapp-load-"))
    password = "load test passphrase " + secrets.token_hex(4)
    usernames = [f"reader{i:03}" for i in range(args.users)]
    locust_environment = {
        "LOAD_PASSWORD": password,
        "LOAD_USERNAMES": ",".join(usernames),
        "LOAD_ACKNOWLEDGED_FILE": str(work / "acknowledged.json"),
    }
    with Stack(args.mysql, "load", locust_environment) as stack:
        app = stack.prepared_app()
        with app.app_context():
            for username in usernames:
                create_account(Actor.command_line(), username, password, is_admin=False)
        stack.start_app(work / "gunicorn.log")
        started = time.monotonic()
        locust = subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "loadtest/locustfile.py"), "--headless"]
            + ["-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s"]
            + ["--host", f"http://127.0.0.1:{stack.app_port}", "--csv", str(work / "stats")]
            + ["--only-summary", "--stop-timeout", "10"],
            cwd=ROOT,
            env=stack.environment,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.monotonic() - started
        return report(work, args, elapsed, locust, stack.environment)


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
