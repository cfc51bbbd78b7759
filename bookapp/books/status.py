"""Where a book is: one of the board's three columns, or the Did not finish shelf beside them."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    """The board's columns in board order, then the Did not finish shelf (not a column: the board
    links to it with its count, and a book given up is never counted as finished)."""

    NOT_STARTED = "not_started"
    READING = "reading"
    FINISHED = "finished"
    DID_NOT_FINISH = "did_not_finish"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def on_board(self) -> bool:
        return self in BOARD_COLUMNS


_LABELS = {
    Status.NOT_STARTED: "Not started",
    Status.READING: "Reading",
    Status.FINISHED: "Finished",
    Status.DID_NOT_FINISH: "Did not finish",
}

BOARD_COLUMNS = (Status.NOT_STARTED, Status.READING, Status.FINISHED)
