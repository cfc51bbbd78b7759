"""Rendered pages, and parts of pages, kept in this process's memory, so that what has not changed is
not read and rendered again (issue 7: a board view is 4 DynamoDB requests and 60 cards of rendering).
The board keeps its pages and its cards here (blueprints/books/board_cache.py).

Whether a page is still right is decided by its key, not by its age: the caller puts in the key
whatever the page shows that can change (the board's key holds the reader's `books_revision`, which
every change to their books counts up in the shared users database; a card's, the book's `version`).
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
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping

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

    @property
    def size(self) -> int:
        return sum(len(part) for part in self.parts)


class PageCache:
    """Least recently used pages up to `max_bytes`, each kept at most `max_age` seconds, and one
    page per owner: a reader's new board replaces their old one, which no key will ask for again.

    One per process (each gunicorn worker has its own); safe to share between a worker's threads."""

    def __init__(self, max_bytes: int, max_age: float, clock: Callable[[], float] = time.monotonic):
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._clock = clock
        self._pages: OrderedDict[Hashable, tuple[float, Hashable, Page]] = OrderedDict()
        self._key_of_owner: dict[Hashable, Hashable] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Page | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            stored_at, _, page = entry
            if self._clock() - stored_at > self.max_age:
                self._remove(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: Page, owner: Hashable) -> None:
        if page.size > self.max_bytes:
            return  # larger than the whole cache (or the cache is off): not worth evicting everything
        with self._lock:
            for stale in {key, self._key_of_owner.get(owner)} & self._pages.keys():
                self._remove(stale)
            self._pages[key] = (self._clock(), owner, page)
            self._key_of_owner[owner] = key
            self._bytes += page.size
            while self._bytes > self.max_bytes:
                self._remove(next(iter(self._pages)))

    @property
    def size(self) -> int:
        """Bytes of pages held."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._pages)

    def _remove(self, key: Hashable) -> None:
        _, owner, page = self._pages.pop(key)
        if self._key_of_owner.get(owner) == key:
            del self._key_of_owner[owner]
        self._bytes -= page.size


def init_app(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache(
        max_bytes=app.config["PAGE_CACHE_BYTES"], max_age=app.config["PAGE_CACHE_SECONDS"]
    )
