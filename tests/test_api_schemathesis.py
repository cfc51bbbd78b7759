"""The API checked by a tool nobody here wrote: schemathesis reads /api/v1/openapi.json from the app
running as operators run it (gunicorn as the Procfile says, MariaDB, dynalite), with a token made on
the Access tokens page, and sends what the document allows and what it forbids, then chains
operations (add, get, change, delete) in its stateful phase.

Its checks: no 5xx, every status and content type documented, every response valid against its
schema, no request the schema forbids accepted, auth enforced, a deleted book gone. Not
`positive_data_acceptance`: a request the schema allows may still break a rule of the record (a year
too far ahead, progress of a book not in Reading) and is rightly refused with 422.

Kept short (SCHEMATHESIS_MAX_EXAMPLES, 10 by default) with a fixed seed, so a failure reproduces;
SCHEMATHESIS_SEED=random explores further."""

import os
import re
import subprocess

from local_services import BIN, start_gunicorn, stop, wait_for_port
from tests.test_gunicorn import Client, prepare_deployment

ADMIN_PASSWORD = "schemathesis check passphrase 1"
EXCLUDED_CHECKS = "positive_data_acceptance"
DEFAULT_SEED = "20261130"


def test_schemathesis_finds_nothing_wrong_with_the_live_api(mariadb, tmp_path):
    _, mariadb_url = mariadb
    # Hundreds of requests in seconds: the tool tests the API, not the limit (test_api_errors.py does).
    environment, dynalite, app_port = prepare_deployment(
        mariadb_url, "schemathesis", "reader", ADMIN_PASSWORD, API_RATE_LIMIT="100000 per minute"
    )
    gunicorn = start_gunicorn(environment, tmp_path / "gunicorn.log")
    try:
        wait_for_port(app_port, timeout=30)
        base_url = f"http://127.0.0.1:{app_port}"
        token = _token_made_on_the_access_tokens_page(base_url)
        seed = os.environ.get("SCHEMATHESIS_SEED", DEFAULT_SEED)
        command = [
            str(BIN / "st"),
            "run",
            f"{base_url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--exclude-checks",
            EXCLUDED_CHECKS,
            "--max-examples",
            os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"),
            "--workers",
            "1",
            "--no-color",
            *(["--seed", seed] if seed != "random" else []),
        ]
        run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    finally:
        stop(gunicorn)
        stop(dynalite)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-8000:]
    assert re.search(r"Stateful \(in [\d.]+s\)", report), "the stateful phase did not run:\n" + report[-3000:]
    assert re.search(r"Operations:\s+6 selected / 6 total", report), report[-3000:]
    assert token not in (tmp_path / "gunicorn.log").read_text()


def _token_made_on_the_access_tokens_page(base_url: str) -> str:
    client = Client(base_url)
    client.request("/login")
    status, _ = client.request(
        "/login", {"csrf_token": client.csrf_token, "username": "reader", "password": ADMIN_PASSWORD}
    )
    assert status == 200
    client.request("/account/tokens")
    status, page = client.request(
        "/account/tokens",
        {"csrf_token": client.csrf_token, "name": "schemathesis", "expiry": "7", "scope": "read-write"},
    )
    assert status == 201, page[:2000]
    return re.search(r'id="new-token-value"[^>]* value="(bt_[A-Za-z0-9_-]{43})"', page).group(1)
