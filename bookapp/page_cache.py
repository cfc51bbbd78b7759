"""Rendered pages, and parts of pages, kept in this process's memory, so that what has not changed is
not read and rendered again (a board view is 4 DynamoDB requests and 60 cards of rendering).
The board keeps its pages and its cards here (blueprints/books/board_cache.py).

Whether a page is still right is decided by its key, not by its age: the caller puts in the key
whatever the page shows that can change (the board's key holds the reader's `books_revision`, which
every change to their books counts up in the shared users database; a card's, the book's `creation`
and `version`).
`max_age` only bounds how long a page can outlive a change that was made without counting up (a
write that succeeded while the users database failed).

A page is stored with holes where each response needs its own values (a CSRF token, a new id),
filled in per response: a cached page never hands one session's token to another. Pages are kept
as they are sent, not compressed: a hit then costs one join, and a 60-card board is about 130 KB.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Callable, Hashable, Mapping

from cachetools import TTLCache
from flask import Flask


@dataclasses.dataclass(frozen=True)
class Page:
    """A rendered page as UTF-8 bytes, cut where per-response values go."""

    parts: tuple[bytes, ...]
    holes: tuple[str, ...]  # the name of the value between parts[i] and parts[i + 1]

    @classmethod
    def with_holes(cls, html: str, values: Mapping[str, str]) -> Page:
        """Cut `html` at every occurrence of each of `values` (name → the value this render used).

        The values must be ones no reader could have typed into the page (a signed token, an id
        made for this render), or a reader's text would be cut too."""
        by_value = {value: name for name, value in values.items() if value}
        if not by_value:
            return cls((html.encode(),), ())
        pattern = re.compile("|".join(re.escape(value) for value in sorted(by_value, key=len, reverse=True)))
        parts, holes, start = [], [], 0
        for match in pattern.finditer(html):
            parts.append(html[start : match.start()].encode())
            holes.append(by_value[match.group()])
            start = match.end()
        parts.append(html[start:].encode())
        return cls(tuple(parts), tuple(holes))

    def fill(self, values: Mapping[str, str]) -> bytes:
        pieces = [self.parts[0]]
        for hole, part in zip(self.holes, self.parts[1:], strict=True):
            pieces.append(values[hole].encode())
            pieces.append(part)
        return b"".join(pieces)

    def forget(self, owner: Hashable) -> None:
        """Drop the owner's page, when what it showed is gone."""
        with self._lock:
            key = self._key_of_owner.pop(owner, None)
            if key is not None:
                self._pages.pop(key, None)

    @property
    def size(self) -> int:
        return sum(len(part) for part in self.parts)


class _PagesByRecentUse(TTLCache):
    """cachetools' LRU cache with a time to live, sized in bytes, that reports each page it drops of
    its own accord (too old, or least recently used when room is needed), so `PageCache` can forget
    which owner it belonged to."""

    def __init__(
        self, max_bytes: int, max_age: float, clock: Callable[[], float], dropped: Callable[[Hashable, Hashable], None]
    ) -> None:
        super().__init__(maxsize=max_bytes, ttl=max_age, timer=clock, getsizeof=lambda entry: entry[1].size)
        self._dropped = dropped

    def popitem(self) -> tuple[Hashable, tuple[Hashable, Page]]:
        key, entry = super().popitem()
        self._dropped(key, entry[0])
        return key, entry

    def expire(self, time: float | None = None) -> list[tuple[Hashable, tuple[Hashable, Page]]]:
        expired = super().expire(time)
        for key, (owner, _) in expired:
            self._dropped(key, owner)
        return expired


class PageCache:
    """Least recently used pages up to `max_bytes`, each kept less than `max_age` seconds, and one
    page per owner: a reader's new board replaces their old one, which no key will ask for again.

    One per process (each gunicorn worker has its own); safe to share between a worker's threads
    (cachetools' caches are not: every use holds the lock)."""

    def __init__(self, max_bytes: int, max_age: float, clock: Callable[[], float] = time.monotonic):
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._pages = _PagesByRecentUse(max_bytes, max_age, clock, dropped=self._forget_owner)
        self._key_of_owner: dict[Hashable, Hashable] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Page | None:
        with self._lock:
            entry = self._pages.get(key)
        return None if entry is None else entry[1]

    def put(self, key: Hashable, page: Page, owner: Hashable) -> None:
        if page.size > self.max_bytes:
            return  # larger than the whole cache (or the cache is off): not worth evicting everything
        with self._lock:
            previous = self._key_of_owner.get(owner)
            if previous is not None and previous != key:
                self._pages.pop(previous, None)
            self._pages[key] = (owner, page)
            self._key_of_owner[owner] = key

    def forget(self, owner: Hashable) -> None:
        """Drop the owner's page, when what it showed is gone."""
        with self._lock:
            key = self._key_of_owner.pop(owner, None)
            if key is not None:
                self._pages.pop(key, None)

    @property
    def size(self) -> int:
        """Bytes of pages held."""
        with self._lock:
            return self._pages.currsize

    def __len__(self) -> int:
        with self._lock:
            return len(self._pages)

    def _forget_owner(self, key: Hashable, owner: Hashable) -> None:
        if self._key_of_owner.get(owner) == key:
            del self._key_of_owner[owner]


def init_app(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache(
        max_bytes=app.config["PAGE_CACHE_BYTES"], max_age=app.config["PAGE_CACHE_SECONDS"]
    )
