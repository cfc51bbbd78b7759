"""The values a book's record holds, and the rules a reader's input must meet to become one of them.

Here live the value types (`PartialDate`, `Progress`, `BookFormat`) and one parse or clean function per form
field: ISBN, pages, reading dates, rating, tags, notes, progress, year published, series and format. Every rule a
reader can break raises `RecordError`, whose message is a sentence to show beside the form field it names.

Pure Python, no I/O: nothing here knows about Flask, storage or the clock (the current year is passed in).
Numbers with a fraction are `Decimal` because that is what DynamoDB stores and gives back.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# The limits of a record, in one place, so that a form's maxlength, min and max can be the same numbers.
RATING_MIN, RATING_MAX = Decimal("0.5"), Decimal("5")
TAG_MAX_LENGTH = 40
MAX_TAGS = 20
NOTES_MAX_LENGTH = 20_000
PAGES_MAX = 100_000
YEAR_PUBLISHED_MIN = -3000  # negative years are BCE: the oldest written works are about this old
SERIES_MAX_LENGTH = 200
SERIES_NUMBER_MAX = 10_000


class RecordError(ValueError):
    """A value the reader typed breaks a rule of the record. `message` is written for the reader; `field` names
    the form field to show it beside."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


# Whole numbers as a reader types them: ASCII digits only (int() would also take "١٢" or "1_000"), and few
# enough of them that int() never meets Python's limit on digits.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,12}")


def _whole_number(text: str) -> int | None:
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


# Written out rather than taken from `calendar.month_name`, which follows the server's locale.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
YEAR_MIN, YEAR_MAX = 1000, 9999  # four digits, so that iso() text sorts and parses back the same
_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def _check_date_parts(year: int, month: int | None, day: int | None, field: str) -> None:
    if day is not None and month is None:
        raise ValueError("a partial date with a day needs a month")
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise RecordError(f"Enter a year from {YEAR_MIN} to {YEAR_MAX}.", field)
    if month is not None and not 1 <= month <= 12:
        raise RecordError(f"There is no month {month:02d}: enter a month from 01 to 12.", field)
    if month is not None and day is not None:
        days_in_month = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days_in_month:
            raise RecordError(f"{MONTH_NAMES[month - 1]} {year} has no day {day}: it has {days_in_month} days.", field)


@functools.total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date as much as a reader remembers it: a year, a year and month, or a day."""

    year: int
    month: int | None = None
    day: int | None = None  # only with a month

    def __post_init__(self) -> None:
        _check_date_parts(self.year, self.month, self.day, "date")

    @classmethod
    def parse(cls, text: str, field: str = "date") -> PartialDate:
        """A year, month or day as YYYY, YYYY-MM or YYYY-MM-DD (spaces around it are fine); errors name `field`."""
        match = _PARTIAL_DATE.fullmatch(text.strip())
        if match is None:
            raise RecordError(
                "Enter the date as YYYY, YYYY-MM or YYYY-MM-DD, for example 2019, 2019-07 or 2019-07-14.", field
            )
        year, month, day = (int(part) if part else None for part in match.groups())
        _check_date_parts(year, month, day, field)
        return cls(year, month, day)

    @classmethod
    def from_date(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)

    def iso(self) -> str:
        return "-".join([f"{self.year:04d}"] + [f"{part:02d}" for part in (self.month, self.day) if part is not None])

    def display(self) -> str:
        if self.month is None:
            return str(self.year)
        month_and_year = f"{MONTH_NAMES[self.month - 1]} {self.year}"
        return month_and_year if self.day is None else f"{self.day} {month_and_year}"

    def sort_key(self) -> tuple[int, int, int]:
        """A missing part counts as 0, so a vaguer date sorts just before the more precise dates it contains:
        2019 < 2019-07 < 2019-07-14 < 2019-08."""
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def earliest(self) -> dt.date:
        """The first day this date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        """The last day this date can mean."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


def finish_not_before_start(started: PartialDate | None, finished: PartialDate | None) -> None:
    """A finish date is wrong only when every day it can mean is before every day the start can mean: a book
    started in 2019 may well have been finished on 14 July 2019."""
    if started is not None and finished is not None and finished.latest() < started.earliest():
        raise RecordError(
            f"The finish date ({finished.display()}) is before the start date ({started.display()}): check both dates.",
            "finished",
        )


_ISBN_LABEL = re.compile(r"^ISBN(?:-1[03])?:?", re.IGNORECASE)  # as printed on a copyright page
_ISBN_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013]")  # hyphens and dashes, as typed or pasted
_GOODREADS_QUOTED = re.compile(r'="(.*)"')  # Goodreads' CSV export keeps leading zeros this way


def _isbn10_check_digit(first_nine: str) -> str:
    remainder = -sum((10 - position) * int(digit) for position, digit in enumerate(first_nine)) % 11
    return "X" if remainder == 10 else str(remainder)


def _isbn13_check_digit(first_twelve: str) -> str:
    return str(-sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(first_twelve)) % 10)


def normalize_isbn(text: str) -> str:
    """The ISBN-13, as 13 digits, of an ISBN-10 or ISBN-13 the reader typed or imported; "" for none.

    Hyphens, spaces, an "ISBN" label and Goodreads' ="..." wrapping are ignored; the check digit must be right."""
    text = text.strip()
    if quoted := _GOODREADS_QUOTED.fullmatch(text):
        text = quoted.group(1).strip()
    digits = _ISBN_SEPARATORS.sub("", _ISBN_LABEL.sub("", text, count=1)).upper()
    if not digits:
        return ""
    if not re.fullmatch(r"[0-9]*X?", digits) or (digits.endswith("X") and len(digits) == 13):
        raise RecordError("An ISBN has only digits, and sometimes an X at the end: remove anything else.", "isbn")
    if len(digits) not in (10, 13):
        raise RecordError(f"An ISBN has 10 or 13 digits, and this one has {len(digits)}: check for a typo.", "isbn")
    if len(digits) == 13 and not digits.startswith(("978", "979")):
        raise RecordError("An ISBN-13 starts with 978 or 979: this looks like another kind of barcode.", "isbn")
    expected = _isbn10_check_digit(digits[:9]) if len(digits) == 10 else _isbn13_check_digit(digits[:12])
    if digits[-1] != expected:
        raise RecordError("That ISBN’s check digit is wrong: check for a typo.", "isbn")
    if len(digits) == 13:
        return digits
    return "978" + digits[:9] + _isbn13_check_digit("978" + digits[:9])


def isbn10_of(isbn13: str) -> str | None:
    """The ISBN-10 of a normalized ISBN-13; None for 979 ISBNs, which have none (and for anything else)."""
    if not re.fullmatch(r"978[0-9]{10}", isbn13):
        return None
    return isbn13[3:12] + _isbn10_check_digit(isbn13[3:12])


def format_isbn13(isbn13: str) -> str:
    """A normalized ISBN-13 for reading: "978-0439023481". Only the prefix is split off, because where the other
    hyphens go depends on the registration group and publisher ranges, a table that changes over time."""
    return f"{isbn13[:3]}-{isbn13[3:]}" if isbn13 else ""


# Plain decimals only: Decimal() itself would also take "NaN", "Infinity", "1e0" and "4_5".
_PLAIN_DECIMAL = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,6})?|\.[0-9]{1,6}")


def parse_rating(text: str) -> Decimal | None:
    """A rating in half stars ("4", "4.5"); None when left empty. "4.0" becomes Decimal("4")."""
    if not (text := text.strip()):
        return None
    rating = Decimal(text) if _PLAIN_DECIMAL.fullmatch(text) else None
    if rating is None or not RATING_MIN <= rating <= RATING_MAX or (rating * 2) % 1:
        raise RecordError("Give a rating in half steps from 0.5 to 5, like 4 or 3.5.", "rating")
    return (rating * 2).to_integral_value() / 2


def rating_stars(rating: Decimal) -> tuple[int, bool, int]:
    """(full stars, whether a half star follows, empty stars) for drawing a rating as five stars."""
    if not 0 <= rating <= RATING_MAX:
        raise ValueError(f"a rating is from 0 to {RATING_MAX}, not {rating}")
    full, half = divmod(int(rating * 2), 2)
    return full, bool(half), 5 - full - half


def normalize_tag(text: str) -> str:
    """A tag as the reader spelled it, with its spaces tidied (and in Unicode NFC form, so that an "é" typed on
    one system and pasted from another is the same tag)."""
    tag = " ".join(unicodedata.normalize("NFC", text).split())
    if not tag:
        raise RecordError("A tag can’t be empty.", "tags")
    if len(tag) > TAG_MAX_LENGTH:
        raise RecordError(f"“{tag[:20]}…” is too long: a tag can have up to {TAG_MAX_LENGTH} characters.", "tags")
    if "," in tag:  # tags are edited as one comma-separated list, so a comma could never be typed back
        raise RecordError(f"“{tag}” has a comma: commas separate tags.", "tags")
    return tag


def tag_key(tag: str) -> str:
    """What makes two tags the same tag: their letters, whatever the case ("SCI-FI" is "Sci-Fi")."""
    return tag.casefold()


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """The book's tags, tidied, blanks dropped and repeats removed (the first spelling, in the first place)."""
    if isinstance(tags, str):
        raise TypeError("normalize_tags takes a collection of tags; parse_tag_list takes text")
    kept: dict[str, str] = {}
    for text in tags:
        if text.strip():
            tag = normalize_tag(text)
            kept.setdefault(tag_key(tag), tag)
    if len(kept) > MAX_TAGS:
        raise RecordError(
            f"A book can have up to {MAX_TAGS} tags, and these are {len(kept)}: "
            f"remove {_count(len(kept) - MAX_TAGS, 'tag')}.",
            "tags",
        )
    return tuple(kept.values())


def parse_tag_list(text: str) -> tuple[str, ...]:
    """Tags typed as one comma-separated list: "fantasy, re-read ,  Book Club"."""
    return normalize_tags(text.split(","))


def clean_notes(text: str) -> str:
    """The reader's notes with one kind of line break, and no trailing blank lines or spaces; inner line breaks
    and indentation are the reader's and stay."""
    notes = text.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    if len(notes) > NOTES_MAX_LENGTH:
        over = _count(len(notes) - NOTES_MAX_LENGTH, "character")
        raise RecordError(f"Notes can have up to {NOTES_MAX_LENGTH:,} characters: these are {over} over.", "notes")
    return notes


def parse_pages(text: str) -> int | None:
    if not (text := text.strip()):
        return None
    pages = _whole_number(text)
    if pages is None or not 1 <= pages <= PAGES_MAX:
        raise RecordError(f"Enter the number of pages as a whole number from 1 to {PAGES_MAX:,}.", "pages")
    return pages


def parse_year_published(text: str, this_year: int) -> int | None:
    """A year of publication; negative for BCE. Up to five years ahead, for announced books."""
    if not (text := text.strip()):
        return None
    year = _whole_number(text)
    if year is None or not YEAR_PUBLISHED_MIN <= year <= this_year + 5:
        raise RecordError(
            f"Enter the year as a whole number from {YEAR_PUBLISHED_MIN} to {this_year + 5}, "
            "with a minus sign for BCE (-500 is 500 BCE).",
            "year_published",
        )
    return year


_SERIES_NUMBER = re.compile(r"[0-9]{1,5}(?:\.[0-9])?|\.[0-9]")  # at most one decimal place: 4, 4.5, 0.5


def clean_series(text: str) -> str:
    """The name of the book's series, with its spaces tidied; "" for none."""
    series = " ".join(text.split())
    if len(series) > SERIES_MAX_LENGTH:
        raise RecordError(f"A series name can have up to {SERIES_MAX_LENGTH} characters.", "series")
    return series


def parse_series_number(text: str) -> Decimal | None:
    """The book's place in its series; 0 for a prequel, 4.5 for a novella between books 4 and 5."""
    if not (text := text.strip()):
        return None
    number = Decimal(text) if _SERIES_NUMBER.fullmatch(text) else None
    if number is None or number > SERIES_NUMBER_MAX:
        raise RecordError(
            f"Enter the book’s number in its series from 0 to {SERIES_NUMBER_MAX:,}, "
            "with at most one decimal place (like 4 or 4.5).",
            "series_number",
        )
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


class BookFormat(enum.StrEnum):
    """The kind of copy the reader has."""

    PAPER = "paper"
    EBOOK = "ebook"
    AUDIOBOOK = "audiobook"

    @property
    def label(self) -> str:
        return _FORMAT_LABELS[self]


_FORMAT_LABELS = {BookFormat.PAPER: "Paper", BookFormat.EBOOK: "E-book", BookFormat.AUDIOBOOK: "Audiobook"}


def parse_format(text: str) -> BookFormat | None:
    """A format by its value ("ebook", in any case); None when left empty."""
    if not (text := text.strip().lower()):
        return None
    try:
        return BookFormat(text)
    except ValueError:
        raise RecordError("Choose paper, e-book or audiobook.", "format") from None


@dataclass(frozen=True)
class Progress:
    """Where a reader is in an open read-through: a page, or a percentage when the book's pages are unknown."""

    page: int | None = None
    percent: int | None = None  # exactly one of page and percent is set

    def __post_init__(self) -> None:
        if (self.page is None) == (self.percent is None):
            raise ValueError("progress is a page or a percentage, exactly one of them")

    def fraction(self, pages: int | None) -> float | None:
        """How far along, from 0 to 1, for the progress bar; None for a page of a book whose pages are unknown."""
        if self.percent is not None:
            return self.percent / 100
        if not pages:
            return None
        return min(self.page / pages, 1.0)  # the page count may have been lowered since the page was entered

    def display(self, pages: int | None) -> str:
        """Like "page 120 of 300", "page 120" (pages unknown) or "40%"."""
        if self.percent is not None:
            return f"{self.percent}%"
        return f"page {self.page} of {pages}" if pages else f"page {self.page}"


_PERCENT = re.compile(r"([0-9]{1,6})\s*%")


def parse_progress(text: str, pages: int | None) -> Progress | None:
    """A page ("120") or a percentage ("45%"); None when left empty, which clears the progress."""
    if not (text := text.strip()):
        return None
    if percent_match := _PERCENT.fullmatch(text):
        percent = int(percent_match.group(1))
        if percent > 100:
            raise RecordError("Enter a percentage from 0 to 100.", "progress")
        return Progress(percent=percent)
    page = _whole_number(text)
    if page is None or page < 0:
        raise RecordError("Enter the page you’re on, like 120, or how far you are, like 45%.", "progress")
    if pages and page > pages:
        raise RecordError(f"This book has {_count(pages, 'page')}: enter a page from 0 to {pages:,}.", "progress")
    if page > PAGES_MAX:
        raise RecordError(f"Enter a page from 0 to {PAGES_MAX:,}.", "progress")
    return Progress(page=page)
