"""The stats page: `/stats/<year>` (and `/stats`, this year; `/stats?year=2024`, the year form), the
reader's reads of that year and of every year, ratings, books being read, and their yearly goal,
set and cleared with plain forms (POST → 303 back to the page; a refusal is the page, 422)."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from bookapp.blueprints.stats import bp
from bookapp.blueprints.stats.forms import GoalForm
from bookapp.blueprints.stats.kept_stats import STATS_READERS, STATS_SECONDS, reader_stats
from bookapp.blueprints.stats.page import stats_page_context
from bookapp.books.record import YEAR_MAX, YEAR_MIN
from bookapp.errors import render_error
from bookapp.kept_per_reader import KeptPerReader
from bookapp.users import repository as users


class NoSuchYear(LookupError):
    """A year the stats page has no page for: not a number, or outside the years a date can name."""

    def __init__(self, typed: str):
        shown = typed if len(typed) <= 20 else typed[:20] + "…"
        super().__init__(
            f"There is no stats page for “{shown}”: choose a year from {YEAR_MIN} to {YEAR_MAX}, like 2024."
        )


@bp.record_once
def _keep_stats(state) -> None:
    state.app.extensions["reading_stats"] = KeptPerReader(STATS_READERS, STATS_SECONDS)


@bp.errorhandler(NoSuchYear)
def no_such_year(error: NoSuchYear):
    return render_error(404, str(error))


@bp.before_request
@login_required
def require_login():
    """The stats are a signed-in reader's own."""


def _today() -> dt.date:
    # Reading dates are calendar days in UTC (the board's moves date them so).
    return dt.datetime.now(dt.UTC).date()


def _checked_year(year: int) -> int:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise NoSuchYear(str(year))
    return year


@bp.get("/stats")
def this_year():
    """This year's page; `?year=` (the page's year form, or a typed URL) goes to that year's page."""
    typed = request.args.get("year")
    if typed is None:
        return _page(_today().year)
    typed = typed.strip()
    if not (typed.isascii() and typed.isdigit() and len(typed) == 4):
        raise NoSuchYear(typed)
    return redirect(url_for("stats.year_page", year=_checked_year(int(typed))), 303)


@bp.get("/stats/<int:year>")
def year_page(year: int):
    """A year's reads, every year's, ratings, books being read and the year's goal."""
    return _page(_checked_year(year))


@bp.post("/stats/<int:year>/goal")
def set_goal(year: int):
    """Set (or change) the reader's goal for the year."""
    year = _checked_year(year)
    form = GoalForm()
    if not form.validate():
        return _page(year, goal_form=form, status=422)
    goal = form.goal(year)
    users.set_reading_goal(current_user.id, goal)
    pages = f" and {goal.pages:,} pages" if goal.pages else ""
    flash(f"Your goal for {year}: {goal.books:,} {'book' if goal.books == 1 else 'books'}{pages}.", "success")
    return redirect(url_for("stats.year_page", year=year, _anchor="goal"), 303)


@bp.post("/stats/<int:year>/goal/delete")
def clear_goal(year: int):
    """Clear the reader's goal for the year (their reads stay as they are)."""
    year = _checked_year(year)  # the CSRF token was checked before (CSRFProtect, for every POST)
    users.clear_reading_goal(current_user.id, year)
    flash(f"The goal for {year} is cleared.", "success")
    return redirect(url_for("stats.year_page", year=year, _anchor="goal"), 303)


def _page(year: int, goal_form: GoalForm | None = None, status: int = 200):
    goals = users.reading_goals(current_user.id)
    context = stats_page_context(year, reader_stats(), goals, _today())
    form = goal_form or GoalForm.showing(goals.get(year))
    return render_template("stats/stats.html", **context, goal_form=form), status
