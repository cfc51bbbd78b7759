"""Guessing passwords is slowed per account (in SQL, across processes) and per client address."""

import datetime as dt
import os
import subprocess
import sys
import uuid

from bookapp import create_app
from bookapp.config import TestingConfig
from bookapp.users import repository as users
from bookapp.users.accounts import LOCK_AFTER_FAILURES, LOCK_DURATION
from tests.conftest import PASSWORD, ROOT, Browser

LOCKED = "Too many failed sign-ins for this account."


def attempt(app, password, username="alice", address="127.0.0.1"):
    browser = Browser(app)
    browser.client.environ_base["REMOTE_ADDR"] = address
    return browser.post("/login", {"username": username, "password": password})


def test_an_account_sees_at_most_100_failures_an_hour():
    failures_per_hour = LOCK_AFTER_FAILURES * (dt.timedelta(hours=1) / LOCK_DURATION)
    assert failures_per_hour <= 100


def test_the_tenth_failure_locks_the_account_even_for_the_right_password(app, make_user):
    make_user("alice")
    for _ in range(LOCK_AFTER_FAILURES):
        assert LOCKED not in attempt(app, "a wrong password!").get_data(as_text=True)
    refused = attempt(app, PASSWORD)
    assert refused.status_code == 200 and LOCKED in refused.get_data(as_text=True)
    assert "Signed in as" not in refused.get_data(as_text=True)


def test_the_lock_ends_after_its_time(app, make_user):
    make_user("alice")
    for _ in range(LOCK_AFTER_FAILURES):
        attempt(app, "a wrong password!")
    with app.app_context():
        user = users.find_by_username("alice")
        user.sign_in_locked_until = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
        users.save(user)
    assert attempt(app, PASSWORD).status_code == 303


def test_a_success_clears_the_failure_count(app, make_user):
    make_user("alice")
    for _ in range(LOCK_AFTER_FAILURES - 1):
        attempt(app, "a wrong password!")
    assert attempt(app, PASSWORD).status_code == 303
    for _ in range(LOCK_AFTER_FAILURES - 1):
        attempt(app, "a wrong password!")
    assert attempt(app, PASSWORD).status_code == 303


def test_failures_from_two_processes_add_up_in_the_database(app, make_user, database_url):
    """Two app processes, each guessing 6 times at once: together they reach the lock."""
    make_user("alice")
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.security.sign_in_worker", database_url, "alice", "6"],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120)[0].splitlines() for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    statuses = [line for output in outputs for line in output if line.isdigit()]  # the rest is log lines
    assert statuses == ["200"] * 12
    with app.app_context():
        user = users.find_by_username("alice")
        assert user.sign_in_locked_until is not None
        assert user.sign_in_locked_until > dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert LOCKED in attempt(app, PASSWORD).get_data(as_text=True)


def limited_app(database_url: str, **config):
    return create_app(
        TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "LOGIN_RATE_LIMIT": "3 per minute", **config}
    )


def test_sign_in_attempts_are_limited_per_client_address(database_url, make_user):
    app = limited_app(database_url)
    for _ in range(3):
        assert attempt(app, "a wrong password!", username="nobody", address="198.51.100.1").status_code == 200
    refused = attempt(app, "a wrong password!", username="nobody", address="198.51.100.1")
    assert refused.status_code == 429
    assert "Too many sign-in attempts from your network." in refused.get_data(as_text=True)
    assert attempt(app, "a wrong password!", username="nobody", address="198.51.100.2").status_code == 200
    assert app.test_client().get("/login", environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 200


def test_the_limit_is_shared_through_redis_by_several_app_instances(database_url):
    """RATELIMIT_STORAGE_URI names a shared store: two app instances count the same address together."""
    shared = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    first = limited_app(database_url, **shared)
    second = limited_app(database_url, **shared)
    for app in (first, second, first):
        assert attempt(app, "a wrong password!", username="nobody", address="198.51.100.3").status_code == 200
    assert attempt(second, "a wrong password!", username="nobody", address="198.51.100.3").status_code == 429


def test_sign_in_still_works_when_the_limiter_store_is_down(database_url, make_user):
    """The limiter fails open (and logs) rather than locking everyone out when Redis is away."""
    make_user("alice")
    app = limited_app(database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    assert attempt(app, PASSWORD).status_code == 303
