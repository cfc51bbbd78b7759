"""Which books the last few changes to a reader's books touched, kept on the reader's row beside
their books revision, so that a process holding a copy of their library made at an older revision
can bring it up to date by reading the few books that changed instead of every book again.

Every write to a reader's books counts their revision up (`repository.record_books_changed`) and, in
the same UPDATE, appends one entry to `users.recent_book_changes`: "<revision>:<id>,<id>", or
"<revision>:*" when the write may have touched any book (a deletion of all, a large batch). Entries
are separated by spaces; the oldest fall off the front when the text reaches RECENT_CHANGES_LENGTH.
The row is loaded on every request already, so knowing what changed costs no query."""

from __future__ import annotations

from collections.abc import Collection

RECENT_CHANGES_LENGTH = 1024
ANY_BOOK = "*"
# A write that touches more books than this (an import's chunk) is noted as touching any book: a
# long entry would push out the others, and a copy that has missed that many books is soon read again.
MOST_IDS_PER_ENTRY = 8


def entry_ids(book_ids: Collection[str] | None) -> str:
    """What an entry says after "<revision>:" for a write that touched `book_ids` (None: any book)."""
    if book_ids is None or len(book_ids) > MOST_IDS_PER_ENTRY:
        return ANY_BOOK
    return ",".join(sorted(set(book_ids)))


def changed_since(recent: str | None, kept_revision: int, revision: int) -> set[str] | None:
    """The ids of the books that the changes after `kept_revision`, up to `revision`, touched; None
    when that is not known for every one of those revisions (the entries fell off, or one touched
    any book): the caller reads every book again."""
    if revision < kept_revision:
        return None
    if revision == kept_revision:
        return set()
    tokens = (recent or "").split(" ")
    if len(recent or "") >= RECENT_CHANGES_LENGTH:
        tokens = tokens[1:]  # the oldest entry may have been cut in the middle
    touched: set[str] = set()
    seen: set[int] = set()
    for token in tokens:
        number, colon, ids = token.partition(":")
        if not colon or not number.isdigit():
            continue
        entry_revision = int(number)
        if not kept_revision < entry_revision <= revision:
            continue
        if ids == ANY_BOOK:
            return None
        seen.add(entry_revision)
        touched.update(book_id for book_id in ids.split(",") if book_id)
    if seen != set(range(kept_revision + 1, revision + 1)):
        return None
    return touched
