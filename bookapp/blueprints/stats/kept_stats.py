"""The reader's stats kept in this process while their books are unchanged, so a repeat view of the
stats page (any year) costs no DynamoDB request, and a change shows at the next view.

What is kept is the counting (`ReadingStats`: titles and numbers, not the books), keyed by what it
was counted from (`books_state_key`: the reader's books revision, board generation and session
token). It is counted from the reader's library kept for search and sorted columns
(blueprints/books/library.py), which a change brings up to date by reading the changed books alone:
after a change the stats are counted again, but the books are not read again. The goal is not in it:
the page reads the goals from SQL at every view and weighs them against today, which the kept
counting never holds.
"""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from bookapp.blueprints.books.library import reader_library
from bookapp.books.stats import ReadingStats
from bookapp.kept_per_reader import KeptPerReader, books_state_key

# Readers whose stats a process keeps, one each (a new revision replaces the old one), and for how
# long: a kept counting is small (a list of a few titles and some numbers per year).
STATS_READERS = 64
STATS_SECONDS = 300


def reader_stats() -> ReadingStats:
    """The signed-in reader's stats: kept ones, or counted from their library."""
    cache: KeptPerReader[ReadingStats] = current_app.extensions["reading_stats"]
    owner, key = current_user.books_key, books_state_key(current_user)
    stats = cache.get(owner, key)
    if stats is None:
        stats = ReadingStats.of(reader_library().books.values())
        cache.put(owner, key, stats)
    return stats
