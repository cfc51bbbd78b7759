"""The brute-force brakes on sign-in, made to cost whoever guesses rather than the account's owner.

Failed sign-ins are counted under three kinds of key (OWASP's Authentication and Credential Stuffing
cheat sheets, "device cookies"), for usernames with and without an account alike, so that no answer,
at any count, says whether an account exists:

- **client**: a username from one client (an IPv4 address or an IPv6 /64). An attacker at one
  address locks only that address out of that username; the owner elsewhere goes on signing in.
- **device**: a username from a browser that has signed in to it before (a signed device cookie,
  `blueprints/auth/devices.py`), counted instead of the account key. A stolen cookie used from many
  addresses still locks at this count.
- **account**: a username from every browser without such a cookie, together: a slower brake for
  guessing spread over many addresses. It stops new browsers only; the owner's own browsers carry
  a device cookie and pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from bookapp.users import audit, repository
from bookapp.users.audit import Action, Actor
from bookapp.users.models import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Brake:
    """`lock_after` failures counted within `counting_for` lock the key for `lock_for`."""

    kind: str
    lock_after: int
    counting_for: dt.timedelta
    lock_for: dt.timedelta

    def key(self, username: str, discriminator: str = "") -> str:
        return hashlib.sha256(f"{self.kind}\0{username}\0{discriminator}".encode()).hexdigest()

    def failures_an_hour_at_most(self) -> float:
        """Each lock ends a count of `lock_after` failures and lasts `lock_for`."""
        return self.lock_after * (dt.timedelta(hours=1) / self.lock_for)


# 10 failures from one client lock that client out of that username for 15 minutes (at most 40 an
# hour); a reader who mistypes their password nine times in an hour is not locked.
PER_CLIENT = Brake("client", lock_after=10, counting_for=dt.timedelta(hours=1), lock_for=dt.timedelta(minutes=15))
PER_DEVICE = Brake("device", lock_after=10, counting_for=dt.timedelta(hours=1), lock_for=dt.timedelta(minutes=15))
# 100 failures an hour from every browser without the account's device cookie, together, lock those
# browsers out of that username for an hour: at most 100 guesses an hour however many addresses an
# attacker has, which is about 2,400 a day against a 12-character password outside the common list.
PER_ACCOUNT = Brake("account", lock_after=100, counting_for=dt.timedelta(hours=1), lock_for=dt.timedelta(hours=1))
BRAKES = (PER_CLIENT, PER_DEVICE, PER_ACCOUNT)


@dataclass(frozen=True)
class SignInAttempt:
    """Who is trying: the username as it will be looked up, the client (`client_address.py`), and
    the nonce of this browser's device cookie for that username, if it has one."""

    username: str
    client: str
    device: str | None = None

    def counted_under(self) -> list[tuple[Brake, str]]:
        keys = [(PER_CLIENT, PER_CLIENT.key(self.username, self.client))]
        if self.device:
            keys.append((PER_DEVICE, PER_DEVICE.key(self.username, self.device)))
        else:
            keys.append((PER_ACCOUNT, PER_ACCOUNT.key(self.username)))
        return keys


def locked_until(attempt: SignInAttempt) -> dt.datetime | None:
    """Until when a brake refuses this attempt, or None."""
    return repository.brakes_locked_until([key for _, key in attempt.counted_under()], utcnow())


def count_failure(attempt: SignInAttempt) -> None:
    now = utcnow()
    for brake, key in attempt.counted_under():
        if repository.count_brake_failure(
            key, lock_after=brake.lock_after, counting_for=brake.counting_for, lock_for=brake.lock_for, now=now
        ):
            log.warning(
                "sign-in locked brake=%s username=%r client=%s minutes=%d",
                brake.kind,
                attempt.username[:64],
                attempt.client,
                brake.lock_for.total_seconds() // 60,
            )
            # Nobody signed in caused it: the actor is the client alone. The username is kept as
            # typed, whether or not it has an account (the log is for admins, who may know).
            audit.record(
                Actor(None, None, attempt.client),
                Action.SIGN_IN_LOCKOUT,
                target_name=attempt.username[:64],
                detail=f"{brake.kind} brake, {int(brake.lock_for.total_seconds() // 60)} minutes",
            )
    repository.drop_spent_brakes(now, max(brake.counting_for for brake in BRAKES))


def count_success(attempt: SignInAttempt) -> None:
    """The right password from this client (and device): its own counts start again. The account's
    count does not: a success of the owner does not excuse an attacker's guesses elsewhere."""
    repository.release_brakes([key for brake, key in attempt.counted_under() if brake is not PER_ACCOUNT])
