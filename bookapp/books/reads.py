"""Read-throughs: a book's history of reads, and what moving it between columns does to them.

A book keeps its read-throughs newest first. While it is in Reading the first one is open (it has
no end yet, and holds the reader's progress); in every other place none is open. That invariant is
what lets a move change the history in one conditional write without reading it first: the open
read-through, when there is one, is always `reads[0]` (`READ_CHANGES`, used by `Book.moved_to` and
by the repository's update expression alike)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from bookapp.books.record import PartialDate, Progress
from bookapp.books.status import Status

# Enough for a lifetime of re-reads; it bounds the book's item (docs/data-model.md).
MAX_READ_THROUGHS = 200
# Where a finished read-through stands, whatever page the reader last entered.
READ_TO_THE_END = Progress(percent=100)


class Outcome(enum.StrEnum):
    """How a read-through stands: still being read, finished, or given up (did not finish)."""

    READING = "reading"
    FINISHED = "finished"
    DID_NOT_FINISH = "did_not_finish"

    @property
    def label(self) -> str:
        return {"reading": "Reading", "finished": "Finished", "did_not_finish": "Did not finish"}[self.value]


@dataclasses.dataclass(frozen=True)
class ReadThrough:
    """One read of a book. Either date may be missing ("read, date unknown"); `ended` is the day it
    was finished or given up. Progress is where the reader is in an open one, where they stopped in
    one given up, and 100 % in one finished by a move."""

    outcome: Outcome
    started: PartialDate | None = None
    ended: PartialDate | None = None
    progress: Progress | None = None

    @property
    def is_open(self) -> bool:
        return self.outcome is Outcome.READING

    def sort_key(self) -> tuple:
        """Newest first by the dates it has; an open one before all, undated ones last."""
        when = self.started or self.ended
        return (self.is_open, when is not None, when.sort_key() if when else (0, 0, 0))


def newest_first(reads: list[ReadThrough] | tuple[ReadThrough, ...]) -> tuple[ReadThrough, ...]:
    """The order a book keeps its history in: the open read-through (if any) first, then by date,
    newest first; undated reads last, in the order they were added."""
    return tuple(sorted(reads, key=ReadThrough.sort_key, reverse=True))


class ReadChange(enum.Enum):
    """What arriving in a column does to the history."""

    NONE = "none"
    START = "start"  # a new open read-through, dated today, goes first
    FINISH_OPEN = "finish open"  # the open read-through ends today, finished: its progress is 100 %
    GIVE_UP_OPEN = "give up open"  # the open read-through ends today, not finished (progress kept)
    DROP_OPEN = "drop open"  # the open read-through is removed (back to Not started)
    ADD_FINISHED = "add finished"  # a read-through started and finished today goes first
    ADD_GIVEN_UP = "add given up"  # a read-through started and given up today goes first

    def new_read(self, today: dt.date) -> ReadThrough | None:
        """The read-through this change puts first, if it adds one."""
        day = PartialDate.from_date(today)
        if self is ReadChange.START:
            return ReadThrough(Outcome.READING, started=day)
        if self is ReadChange.ADD_FINISHED:
            return ReadThrough(Outcome.FINISHED, started=day, ended=day, progress=READ_TO_THE_END)
        if self is ReadChange.ADD_GIVEN_UP:
            return ReadThrough(Outcome.DID_NOT_FINISH, started=day, ended=day)
        return None

    @property
    def finishes(self) -> bool:
        """Whether the change adds a finished read-through (one more read, on the card's "Read ×N")."""
        return self in (ReadChange.FINISH_OPEN, ReadChange.ADD_FINISHED)

    @property
    def ends_open_as(self) -> Outcome | None:
        return {ReadChange.FINISH_OPEN: Outcome.FINISHED, ReadChange.GIVE_UP_OPEN: Outcome.DID_NOT_FINISH}.get(self)


# The rules of a move to another column, in one place:
# - out of Reading, the open read-through ends today (finished, or given up) or, back to Not started,
#   is dropped: finished read-throughs always stay in the history;
# - into Reading from anywhere else, a new read-through starts today (a re-read of a finished book);
# - into Finished or Did not finish from anywhere but Reading, a read-through of today is recorded.
READ_CHANGES_FROM_READING = {
    Status.NOT_STARTED: ReadChange.DROP_OPEN,
    Status.FINISHED: ReadChange.FINISH_OPEN,
    Status.DID_NOT_FINISH: ReadChange.GIVE_UP_OPEN,
}
READ_CHANGES_ON_ARRIVAL = {
    Status.NOT_STARTED: ReadChange.NONE,
    Status.READING: ReadChange.START,
    Status.FINISHED: ReadChange.ADD_FINISHED,
    Status.DID_NOT_FINISH: ReadChange.ADD_GIVEN_UP,
}


def read_change(from_status: Status, to_status: Status) -> ReadChange:
    if from_status == to_status:
        return ReadChange.NONE
    if from_status is Status.READING:
        return READ_CHANGES_FROM_READING[to_status]
    return READ_CHANGES_ON_ARRIVAL[to_status]


def apply_read_change(reads: tuple[ReadThrough, ...], change: ReadChange, today: dt.date) -> tuple[ReadThrough, ...]:
    """The history after `change` (what the repository's update expression does to the stored list)."""
    if new := change.new_read(today):
        return (new, *reads)
    if change is ReadChange.DROP_OPEN:
        return reads[1:]
    if outcome := change.ends_open_as:
        first = reads[0]
        ended = dataclasses.replace(
            first,
            outcome=outcome,
            ended=PartialDate.from_date(today),
            progress=first.progress if outcome is Outcome.DID_NOT_FINISH else READ_TO_THE_END,
        )
        return (ended, *reads[1:])
    return reads
