"""The reader's stats kept in this process while their books are unchanged, so a repeat view of the
stats page (any year) costs no DynamoDB request, and a change shows at the next view.

What is kept is the counting (`ReadingStats`: titles and numbers, not the books), keyed by what it
was counted from: the reader's books revision, which every write to their books counts up
(blueprints/books/board_cache.count_books_changes), their board generation (`flask recount-books`
counts it up after a write made outside the app) and their session token (a restore into a fresh
database makes new tokens, and may reuse ids and revisions). The goal is not in it: the page reads
the goals from SQL at every view and weighs them against today, which the kept counting never holds.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_login import current_user

from bookapp.books import get_book_repository
from bookapp.books.stats import ReadingStats
from bookapp.kept_per_reader import KeptPerReader, books_state_key
from bookapp.users.models import utcnow

# Readers whose stats a process keeps, one each (a new revision replaces the old one), and for how
# long: a kept counting is small (a list of a few titles and some numbers per year).
STATS_READERS = 64
STATS_SECONDS = 300


def reader_stats() -> ReadingStats:
    """The signed-in reader's stats: kept ones, or counted from one Query of their partition."""
    cache: KeptPerReader[ReadingStats] = current_app.extensions["reading_stats"]
    owner, key = current_user.books_key, books_state_key(current_user)
    stats = cache.get(owner, key)
    if stats is None:
        # Decided before DynamoDB is read (as for the board): a Query right after a write might
        # not see it yet, and what it counted must not be kept under the new revision.
        keep = _settled(current_user.books_changed_at)
        stats = ReadingStats.of(get_book_repository().reading_histories(current_user.books_key))
        if keep:
            cache.put(owner, key, stats)
    return stats


def _settled(changed_at: dt.datetime | None) -> bool:
    settle = dt.timedelta(seconds=current_app.config["BOARD_CACHE_SETTLE_SECONDS"])
    return changed_at is None or utcnow() - changed_at >= settle
