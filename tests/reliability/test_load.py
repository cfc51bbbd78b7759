"""The load test's short form, run with the suite: 10 simulated readers for 15 s (the full 50 readers
for 60 s: docs/performance.md, "Load test"). It fails on any failed request or any acknowledged write
missing from DynamoDB."""

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_ten_readers_for_fifteen_seconds_lose_nothing(dynalite):
    mysql = os.environ.get("TEST_DATABASE_URL", "")
    arguments = ["--users", "10", "--seconds", "15"]
    if mysql.startswith("mysql"):
        arguments += ["--mysql", mysql]
    result = subprocess.run(
        [sys.executable, str(ROOT / "loadtest" / "run.py"), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    print(result.stdout[-2000:])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "RESULT: PASS" in result.stdout
    assert ", 0 errors" in result.stdout and "missing: 0; wrong state: 0" in result.stdout
