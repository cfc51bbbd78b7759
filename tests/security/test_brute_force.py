"""Guessing passwords is slowed per username and client, per username and device cookie, per
username overall (in SQL, across processes), and per client address (Flask-Limiter): it costs the
guesser, not the account's owner, and says nothing about whether an account exists."""

import datetime as dt
import os
import re
import subprocess
import sys
import uuid

from sqlalchemy import func, select, update

from bookapp import create_app
from bookapp.blueprints.auth.devices import COOKIE_NAME
from bookapp.config import TestingConfig
from bookapp.extensions import db
from bookapp.users.brakes import PER_ACCOUNT, PER_CLIENT, PER_DEVICE
from bookapp.users.models import SignInBrake, utcnow
from tests.conftest import PASSWORD, ROOT, Browser

LOCKED = "Too many failed sign-ins with this username from here."
WRONG = "That username and password do not match an account."
OWNER = "203.0.113.5"
ATTACKER = "198.51.100.66"


def attempt(app, password, username="alice", address="127.0.0.1", browser=None):
    browser = browser or Browser(app)
    browser.client.environ_base["REMOTE_ADDR"] = address
    return browser.post("/login", {"username": username, "password": password})


def text_of(response) -> str:
    return response.get_data(as_text=True)


def signed_in_before(app, username="alice", address=OWNER) -> Browser:
    """A browser that signed in to `username` and out again: it holds that username's device cookie."""
    browser = Browser(app)
    browser.client.environ_base["REMOTE_ADDR"] = address
    browser.login(username)
    assert browser.post("/logout").status_code == 303
    browser.csrf_token = None
    assert browser.client.get_cookie(COOKIE_NAME, path="/login") is not None
    return browser


def fail(app, times, **where):
    for _ in range(times):
        attempt(app, "a wrong password!", **where)


def test_the_brakes_bound_guessing_per_hour():
    assert PER_CLIENT.failures_an_hour_at_most() <= 40
    assert PER_DEVICE.failures_an_hour_at_most() <= 40
    assert PER_ACCOUNT.failures_an_hour_at_most() <= 100


def test_the_tenth_failure_from_a_client_locks_it_even_for_the_right_password(app, make_user):
    make_user("alice")
    for _ in range(PER_CLIENT.lock_after):
        assert LOCKED not in text_of(attempt(app, "a wrong password!"))
    refused = attempt(app, PASSWORD)
    assert refused.status_code == 200 and LOCKED in text_of(refused)
    assert "Try again in 15 minutes" in text_of(refused)
    assert "Signed in as" not in text_of(refused)


def test_a_lock_is_logged_with_its_brake_username_and_client(app, make_user, caplog):
    make_user("alice")
    fail(app, PER_CLIENT.lock_after, address=ATTACKER)
    locks = [record.getMessage() for record in caplog.records if "sign-in locked" in record.getMessage()]
    assert locks == [f"sign-in locked brake=client username='alice' client={ATTACKER} minutes=15"]


def test_an_attacker_at_one_address_cannot_keep_the_owner_at_another_out(app, make_user):
    make_user("alice")
    fail(app, 2 * PER_CLIENT.lock_after, address=ATTACKER)
    assert LOCKED in text_of(attempt(app, PASSWORD, address=ATTACKER))
    assert attempt(app, PASSWORD, address=OWNER).status_code == 303


def test_guessing_spread_over_many_addresses_locks_new_browsers_but_not_the_owners(app, make_user):
    """100 failures from 10 addresses lock the username for browsers that never signed in to it;
    the owner's browser, which did, signs in."""
    make_user("alice")
    owners_browser = signed_in_before(app)
    addresses = [f"198.51.100.{n}" for n in range(1, 1 + PER_ACCOUNT.lock_after // PER_CLIENT.lock_after)]
    for address in addresses:
        fail(app, PER_CLIENT.lock_after, address=address)
    new_browser = attempt(app, PASSWORD, address="192.0.2.44")
    assert new_browser.status_code == 200 and LOCKED in text_of(new_browser)
    assert "Try again in 60 minutes" in text_of(new_browser)
    assert attempt(app, PASSWORD, address=OWNER, browser=owners_browser).status_code == 303
    # the owner's browser from another network (a phone leaving home Wi-Fi) too
    owners_browser.csrf_token = None
    assert owners_browser.post("/logout").status_code == 303
    owners_browser.csrf_token = None
    assert attempt(app, PASSWORD, address="192.0.2.200", browser=owners_browser).status_code == 303


def test_a_forged_or_foreign_device_cookie_is_not_trusted(app, make_user):
    make_user("alice")
    make_user("bob")
    bobs_browser = signed_in_before(app, "bob")
    for address in [f"198.51.100.{n}" for n in range(1, 11)]:
        fail(app, PER_CLIENT.lock_after, address=address)
    # a cookie for another username, and one signed with another key, count as no cookie
    assert LOCKED in text_of(attempt(app, PASSWORD, address="192.0.2.45", browser=bobs_browser))
    forged = Browser(app)
    forged.client.set_cookie(COOKIE_NAME, "eyJhbGljZSI6Im5vbmNlIn0.Zz0Zz0.forgedsignature", path="/login")
    assert LOCKED in text_of(attempt(app, PASSWORD, address="192.0.2.46", browser=forged))


def test_a_device_cookie_used_from_many_addresses_locks_at_the_device_count(app, make_user):
    """A stolen device cookie passes the account brake but not its own."""
    make_user("alice")
    browser = signed_in_before(app)
    for n in range(PER_DEVICE.lock_after):
        attempt(app, "a wrong password!", address=f"198.51.100.{n + 1}", browser=browser)
    assert LOCKED in text_of(attempt(app, PASSWORD, address="192.0.2.47", browser=browser))
    assert attempt(app, PASSWORD, address="192.0.2.48").status_code == 303  # a new browser is not locked


def normalized_page(response) -> str:
    """The answer as a reader sees it, without the parts that differ on every request anyway (the
    CSRF token) or that echo the input (the username typed)."""
    page = CSRF_TOKEN.sub("", text_of(response))
    return re.sub(r'(name="username"[^>]*?value=")[^"]*', r"\1", page)


CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="[^"]+"|"X-CSRFToken": "[^"]+"')


def test_known_and_unknown_usernames_get_identical_answers_at_every_count(app, make_user):
    make_user("alice")
    answers = {}
    for username, address in (("alice", "198.51.100.1"), ("nosuchreader", "198.51.100.2")):
        for number in range(1, 21):
            response = attempt(app, "a wrong password!", username=username, address=address)
            if number in (1, 10, 11, 20):
                answers[username, number] = (response.status_code, normalized_page(response))
    for number in (1, 10, 11, 20):
        assert answers["alice", number] == answers["nosuchreader", number], f"try {number}"
    assert WRONG in answers["alice", 1][1] and WRONG in answers["alice", 10][1]
    assert LOCKED in answers["alice", 11][1] and LOCKED in answers["alice", 20][1]
    # the right password changes nothing while locked
    assert normalized_page(attempt(app, PASSWORD, address="198.51.100.1")) == answers["alice", 20][1]


def test_unknown_usernames_reach_the_account_brake_like_known_ones(app, make_user):
    make_user("alice")
    for username in ("alice", "nosuchreader"):
        for n in range(1, 11):
            fail(app, PER_CLIENT.lock_after, username=username, address=f"198.51.100.{n}")
    known = attempt(app, PASSWORD, username="alice", address="192.0.2.50")
    unknown = attempt(app, PASSWORD, username="nosuchreader", address="192.0.2.51")
    assert LOCKED in text_of(known)
    assert normalized_page(known) == normalized_page(unknown)


def expire_every_lock(app):
    with app.app_context():
        past = utcnow() - dt.timedelta(seconds=1)
        db.session.execute(update(SignInBrake).values(locked_until=past))
        db.session.commit()


def test_the_lock_ends_after_its_time(app, make_user):
    make_user("alice")
    fail(app, PER_CLIENT.lock_after)
    assert LOCKED in text_of(attempt(app, PASSWORD))
    expire_every_lock(app)
    assert attempt(app, PASSWORD).status_code == 303


def test_a_success_clears_the_clients_failure_count(app, make_user):
    make_user("alice")
    fail(app, PER_CLIENT.lock_after - 1)
    assert attempt(app, PASSWORD).status_code == 303
    fail(app, PER_CLIENT.lock_after - 1)
    assert attempt(app, PASSWORD).status_code == 303


def test_failures_older_than_the_count_do_not_add_up(app, make_user):
    make_user("alice")
    fail(app, PER_CLIENT.lock_after - 1)
    with app.app_context():
        long_ago = utcnow() - PER_CLIENT.counting_for - dt.timedelta(minutes=1)
        db.session.execute(update(SignInBrake).values(counting_since=long_ago))
        db.session.commit()
    fail(app, PER_CLIENT.lock_after - 1)
    assert attempt(app, PASSWORD).status_code == 303


def test_ipv6_addresses_of_one_slash_64_count_as_one_client(app, make_user):
    make_user("alice")
    for n in range(PER_CLIENT.lock_after):
        attempt(app, "a wrong password!", address=f"2001:db8:1:2::{n + 1:x}")
    assert LOCKED in text_of(attempt(app, PASSWORD, address="2001:db8:1:2:ffff::9"))
    assert attempt(app, PASSWORD, address="2001:db8:1:3::1").status_code == 303


def test_guessed_usernames_leave_no_lasting_rows(app):
    fail(app, 3, username="guess-one")
    fail(app, 3, username="guess-two")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInBrake)) == 4  # client + account each
        long_ago = utcnow() - dt.timedelta(days=1)
        db.session.execute(update(SignInBrake).values(counting_since=long_ago))
        db.session.commit()
    fail(app, 1, username="guess-three")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInBrake)) == 2


def test_failures_from_two_processes_add_up_in_the_database(app, make_user, database_url):
    """Two app processes, each guessing 6 times at once from the same client: together they reach
    the lock."""
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
    assert LOCKED in text_of(attempt(app, PASSWORD))


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


def test_the_address_limit_counts_an_ipv6_slash_64_as_one_client(database_url, make_user):
    app = limited_app(database_url)
    for n in range(3):
        attempt(app, "a wrong password!", username="nobody", address=f"2001:db8:5:6::{n + 1}")
    assert attempt(app, "a wrong password!", username="nobody", address="2001:db8:5:6::ff").status_code == 429
    assert attempt(app, "a wrong password!", username="nobody", address="2001:db8:5:7::1").status_code == 200


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
