"""Passwords are stored only as argon2id hashes, with parameters that keep up with the policy."""

import re

from argon2 import PasswordHasher

from bookapp.users import repository as users
from bookapp.users.passwords import HASH_MEMORY_KIB, HASH_TIME_COST
from tests.conftest import PASSWORD, Browser

ARGON2_PARAMETERS = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$")


def stored_hash(app, username: str) -> str:
    with app.app_context():
        return users.find_by_username(username).password_hash


def test_stored_hashes_are_argon2id_with_at_least_19_mib_and_2_iterations(app, make_user):
    make_user("alice")
    memory_kib, iterations, lanes = map(int, ARGON2_PARAMETERS.match(stored_hash(app, "alice")).groups())
    assert memory_kib >= 19 * 1024 and iterations >= 2 and lanes >= 1
    assert (memory_kib, iterations) == (HASH_MEMORY_KIB, HASH_TIME_COST)
    assert PASSWORD not in stored_hash(app, "alice")


def test_hashes_with_old_parameters_are_rehashed_at_the_next_sign_in(app, make_user):
    make_user("alice")
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    with app.app_context():
        user = users.find_by_username("alice")
        user.password_hash = weak
        users.save(user)
    browser = Browser(app)
    assert browser.post("/login", {"username": "alice", "password": "wrong password here"}).status_code == 200
    assert stored_hash(app, "alice") == weak  # a failed sign-in changes nothing
    browser.login("alice")
    memory_kib, iterations, _ = map(int, ARGON2_PARAMETERS.match(stored_hash(app, "alice")).groups())
    assert (memory_kib, iterations) == (HASH_MEMORY_KIB, HASH_TIME_COST)
    Browser(app).login("alice")  # and the new hash opens the account
