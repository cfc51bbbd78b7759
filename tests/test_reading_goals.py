"""A yearly reading goal's rules (bookapp/books/goals.py): what a reader may type, and how they stand
against the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from bookapp.books.goals import GoalError, Pace, parse_goal_books, parse_goal_pages, standing


@pytest.mark.parametrize(("text", "books"), [("12", 12), (" 52 ", 52), ("1", 1), ("10,000", 10_000), ("10000", 10_000)])
def test_a_books_goal_is_a_whole_number_from_1_to_10000(text, books):
    assert parse_goal_books(text) == books


@pytest.mark.parametrize("text", ["0", "10001", "10,001", "-3", "+3", "1.5", "1e3", "abc", "1_000", "١٢", "1,00", "½"])
def test_a_books_goal_refuses_anything_else_with_a_sentence(text):
    with pytest.raises(GoalError) as refused:
        parse_goal_books(text)
    assert refused.value.field == "books"
    assert refused.value.message == "Enter the number of books as a whole number from 1 to 10,000."


def test_a_books_goal_is_required():
    with pytest.raises(GoalError, match="Enter how many books"):
        parse_goal_books("  ")


@pytest.mark.parametrize(("text", "pages"), [("", None), ("  ", None), ("15000", 15_000), ("10,000,000", 10_000_000)])
def test_a_pages_goal_is_optional_up_to_ten_million(text, pages):
    assert parse_goal_pages(text) == pages


@pytest.mark.parametrize("text", ["0", "10000001", "10,000,001", "12 pages", "9" * 40])
def test_a_pages_goal_refuses_anything_else(text):
    with pytest.raises(GoalError) as refused:
        parse_goal_pages(text)
    assert refused.value.field == "pages" and "10,000,000" in refused.value.message


# 2 July 2026 is day 183 of 365: a goal of 52 books is 52 × 183 / 365 = 26.07 books on schedule.
JULY_2 = dt.date(2026, 7, 2)


@pytest.mark.parametrize(
    ("done", "pace", "by", "sentence"),
    [
        (29, Pace.AHEAD, 2, "2 books ahead of schedule"),  # 2.93 ahead: whole books only
        (28, Pace.AHEAD, 1, "1 book ahead of schedule"),
        (27, Pace.ON_TRACK, 0, "on track"),  # 0.93 ahead
        (26, Pace.ON_TRACK, 0, "on track"),  # 0.07 behind
        (25, Pace.BEHIND, 1, "1 book behind schedule"),
        (24, Pace.BEHIND, 2, "2 books behind schedule"),
        (52, Pace.ACHIEVED, 0, "goal reached"),
        (60, Pace.ACHIEVED, 0, "goal reached"),
    ],
)
def test_this_years_goal_against_the_calendar(done, pace, by, sentence):
    result = standing(52, done, 2026, JULY_2)
    assert (result.pace, result.by, result.describe("book")) == (pace, by, sentence)


def test_a_leap_years_last_day_expects_the_whole_goal():
    assert standing(10, 9, 2024, dt.date(2024, 12, 31)).describe("book") == "1 book behind schedule"
    assert standing(10, 9, 2024, dt.date(2024, 12, 30)).pace is Pace.ON_TRACK  # 10 × 365/366 = 9.97


def test_pages_are_told_in_pages():
    assert standing(10_000, 4_000, 2026, JULY_2).describe("page") == "1,013 pages behind schedule"


def test_a_past_year_is_only_achieved_or_not():
    assert standing(12, 11, 2025, JULY_2).pace is Pace.NOT_ACHIEVED
    assert standing(12, 12, 2025, JULY_2).pace is Pace.ACHIEVED


def test_a_year_to_come_has_not_started():
    assert standing(12, 0, 2027, JULY_2).describe("book") == "the year has not started"


def test_the_fraction_done_stops_at_the_whole_goal():
    assert standing(4, 1, 2026, JULY_2).fraction == 0.25
    assert standing(4, 9, 2026, JULY_2).fraction == 1.0
