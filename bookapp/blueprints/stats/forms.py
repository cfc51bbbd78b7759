from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from bookapp.books.goals import GOAL_BOOKS_MAX, GOAL_PAGES_MAX, Goal, GoalError, parse_goal_books, parse_goal_pages


class GoalForm(FlaskForm):
    """A yearly goal: books, and optionally pages. Text fields, checked by the goal's own rules
    (books/goals.py), so the messages are the same sentences everywhere."""

    books = StringField(
        "Books",
        description=f"A whole number from 1 to {GOAL_BOOKS_MAX:,}.",
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20},
    )
    pages = StringField(
        "Pages (optional)",
        description=f"Up to {GOAL_PAGES_MAX:,}; leave empty for no pages goal.",
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20},
    )

    @classmethod
    def showing(cls, goal: Goal | None) -> GoalForm:
        """The form filled with the goal the reader has (empty for none)."""
        if goal is None:
            return cls(formdata=None)
        return cls(formdata=None, books=f"{goal.books}", pages=f"{goal.pages}" if goal.pages else "")

    def validate_books(self, field) -> None:
        _check(parse_goal_books, field)

    def validate_pages(self, field) -> None:
        _check(parse_goal_pages, field)

    def goal(self, year: int) -> Goal:
        """The goal typed, once the form has validated."""
        return Goal(year, parse_goal_books(self.books.data or ""), parse_goal_pages(self.pages.data or ""))


def _check(parse, field) -> None:
    try:
        parse(field.data or "")
    except GoalError as refused:
        raise ValidationError(refused.message) from None
