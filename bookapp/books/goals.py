"""A yearly reading goal (books, and optionally pages) and how a reader stands against it.

The goal is the reader's setting, stored in the users database; here are only its rules: what a
reader may type, and where they are against the calendar. Pure Python: the day is passed in.

Against the calendar: by the end of a day, a reader on schedule has read the goal times the share of
the year gone by (day of the year ÷ days in the year). The difference is told in whole units, cut
towards zero: less than one whole book either way is "on track". A year that is over is only
achieved or not; a year to come has not started.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from dataclasses import dataclass

GOAL_BOOKS_MIN, GOAL_BOOKS_MAX = 1, 10_000
GOAL_PAGES_MIN, GOAL_PAGES_MAX = 1, 10_000_000

# Digits, with commas between groups of three if the reader likes ("10,000"): nothing int() would
# also take ("١٢", "1_000", "+5"), and few enough digits that int() never meets Python's limit.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}|[0-9]{1,3}(?:,[0-9]{3}){1,2}")


class GoalError(ValueError):
    """A goal the reader typed breaks a rule. `message` is written for the reader; `field` names the
    form field to show it beside."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Goal:
    """A reader's goal for one year."""

    year: int
    books: int
    pages: int | None = None


def _parse_whole_number(text: str, minimum: int, maximum: int, message: str, field: str) -> int:
    text = text.strip()
    number = int(text.replace(",", "")) if _WHOLE_NUMBER.fullmatch(text) else None
    if number is None or not minimum <= number <= maximum:
        raise GoalError(message, field)
    return number


def parse_goal_books(text: str) -> int:
    if not text.strip():
        raise GoalError("Enter how many books you want to read this year.", "books")
    return _parse_whole_number(
        text,
        GOAL_BOOKS_MIN,
        GOAL_BOOKS_MAX,
        f"Enter the number of books as a whole number from {GOAL_BOOKS_MIN} to {GOAL_BOOKS_MAX:,}.",
        "books",
    )


def parse_goal_pages(text: str) -> int | None:
    """Pages are optional: None when left empty."""
    if not text.strip():
        return None
    return _parse_whole_number(
        text,
        GOAL_PAGES_MIN,
        GOAL_PAGES_MAX,
        f"Enter the number of pages as a whole number from {GOAL_PAGES_MIN} to {GOAL_PAGES_MAX:,}, or leave it empty.",
        "pages",
    )


class Pace(enum.Enum):
    """Where a reader stands against their goal."""

    AHEAD = "ahead"
    ON_TRACK = "on track"
    BEHIND = "behind"
    ACHIEVED = "achieved"  # the goal is reached, whatever the date
    NOT_ACHIEVED = "not achieved"  # the year is over and the goal was not reached
    NOT_STARTED = "not started"  # the year has not begun


@dataclass(frozen=True)
class Standing:
    """Progress towards one target (books, or pages) of a goal."""

    target: int
    done: int
    pace: Pace
    by: int = 0  # whole units ahead or behind; 0 otherwise

    @property
    def fraction(self) -> float:
        return min(self.done / self.target, 1.0)

    def describe(self, unit: str) -> str:
        """A sentence for the reader: "3 books ahead of schedule", "on track", "2 books behind"…"""
        noun = _units(self.by, unit)
        return {
            Pace.AHEAD: f"{noun} ahead of schedule",
            Pace.ON_TRACK: "on track",
            Pace.BEHIND: f"{noun} behind schedule",
            Pace.ACHIEVED: "goal reached",
            Pace.NOT_ACHIEVED: "goal not reached",
            Pace.NOT_STARTED: "the year has not started",
        }[self.pace]


def standing(target: int, done: int, year: int, today: dt.date) -> Standing:
    """How `done` of `target` stands on `today`, for a goal of `year`."""
    if done >= target:
        return Standing(target, done, Pace.ACHIEVED)
    if year < today.year:
        return Standing(target, done, Pace.NOT_ACHIEVED)
    if year > today.year:
        return Standing(target, done, Pace.NOT_STARTED)
    days_in_year = 366 if calendar.isleap(year) else 365
    on_schedule = target * today.timetuple().tm_yday / days_in_year
    difference = int(done - on_schedule)  # towards zero: less than one whole unit is on track
    if difference > 0:
        return Standing(target, done, Pace.AHEAD, difference)
    if difference < 0:
        return Standing(target, done, Pace.BEHIND, -difference)
    return Standing(target, done, Pace.ON_TRACK)


def _units(count: int, unit: str) -> str:
    return f"{count:,} {unit}" if count == 1 else f"{count:,} {unit}s"
