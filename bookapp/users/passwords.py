"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id with OWASP's recommended configuration: 19 MiB, 2 iterations, 1 lane (about 20 ms a hash
# on one core of the build machine).
# The memory is what a worker needs on top of itself for each sign-in in progress; RFC 9106's
# 64 MiB profile put a gunicorn worker at 158 MB, past the 120 MB a worker is planned for
# (docs/performance.md). Hashes made with
# other parameters are re-hashed at the next successful sign-in (`needs_rehash`).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# One hash at a time per process: a burst of sign-ins queues for a few milliseconds each instead
# of multiplying the worker's memory by its threads. argon2 releases the GIL, so with one worker per
# core the cores stay busy.
_hashing = threading.BoundedSemaphore(1)
HASH_TIME_COST = _hasher.time_cost
HASH_MEMORY_KIB = _hasher.memory_cost

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


def hash_password(password: str) -> str:
    with _hashing:
        return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        with _hashing:
            return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def burn_verification_time() -> None:
    """Spend as long as a real check, so a missing username cannot be told apart by timing."""
    verify_password(_DUMMY_HASH, "not the password")


_DUMMY_HASH = _hasher.hash("a dummy password nobody uses")


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.lower() for line in lines if line and not line.startswith("# "))


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why a new password is not acceptable, or None. Any characters are allowed; nothing is cut."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Use at least {PASSWORD_MIN_LENGTH} characters."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Use at most {PASSWORD_MAX_LENGTH} characters."
    if password.lower() in common_passwords():
        return "This password is on a list of common passwords. Choose one that is harder to guess."
    if username and username.lower() in password.lower():
        return "Do not use the username in the password."
    return None
