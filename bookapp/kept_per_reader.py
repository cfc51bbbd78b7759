"""One value per reader kept in this process while their books are unchanged: the search and sort
library (blueprints/books/library.py) and the stats' counting (blueprints/stats/kept_stats.py).

Each value is kept with the key it was made under, `books_state_key`: a value is only handed back
for the same key, so a change to the reader's books shows at the next read."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

from bookapp.users.models import User

Kept = TypeVar("Kept")


def books_state_key(user: User) -> tuple[Hashable, ...]:
    """What a kept value depends on: the reader's books revision, which every write to their books
    counts up; their board generation (`flask recount-books` counts it up after a write made outside
    the app); and their session token (a restore into a fresh database makes new tokens, and may
    reuse ids and revisions)."""
    return (user.session_token, user.books_revision, user.board_generation)


class KeptPerReader(Generic[Kept]):
    """At most `readers` values, one per reader, each for at most `seconds`; safe between threads."""

    def __init__(self, readers: int, seconds: float):
        self._kept: TTLCache = TTLCache(maxsize=readers, ttl=seconds)
        self._lock = threading.Lock()

    def get(self, owner: Hashable, key: Hashable) -> Kept | None:
        kept = self.kept(owner)
        return kept[1] if kept is not None and kept[0] == key else None

    def kept(self, owner: Hashable) -> tuple[Hashable, Kept] | None:
        """The reader's kept value with the key it was made under, whatever that key is: for a
        value that can be brought up to date from an older key."""
        with self._lock:
            return self._kept.get(owner)

    def put(self, owner: Hashable, key: Hashable, value: Kept) -> None:
        with self._lock:
            self._kept[owner] = (key, value)
