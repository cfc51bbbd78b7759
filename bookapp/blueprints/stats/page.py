"""What the stats page shows for a year, from the reader's counted stats, their goals and today: the
charts (charts.py), the goal's standing, and the years to link to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bookapp.blueprints.stats.charts import BarChart, Row, bar_chart
from bookapp.books.goals import Goal, Standing, standing
from bookapp.books.record import MONTH_NAMES, YEAR_MAX, YEAR_MIN
from bookapp.books.stats import ReadingStats, YearStats, display_rating, display_step


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    books: Standing
    pages: Standing | None


def stats_page_context(year: int, stats: ReadingStats, goals: dict[int, Goal], today: dt.date) -> dict[str, Any]:
    year_stats = stats.year(year)
    goal = goals.get(year)
    return {
        "year": year,
        "this_year": today.year,
        "previous_year": year - 1 if year > YEAR_MIN else None,
        "next_year": year + 1 if year < YEAR_MAX else None,
        "years": sorted(set(stats.years) | set(goals) | {today.year, year}),
        "stats": stats,
        "year_stats": year_stats,
        "goal": _goal_view(goal, year_stats, today) if goal else None,
        "goals": goals,
        "month_chart": month_chart(year_stats),
        "years_chart": years_chart(stats, goals),
        "ratings_chart": ratings_chart(stats),
        "display_rating": display_rating,
    }


def _goal_view(goal: Goal, year_stats: YearStats, today: dt.date) -> GoalView:
    done = year_stats.total
    pages = standing(goal.pages, done.pages, goal.year, today) if goal.pages else None
    return GoalView(goal, standing(goal.books, done.books, goal.year, today), pages)


def _books(count: int) -> str:
    return f"{count:,} book" if count == 1 else f"{count:,} books"


def month_chart(year_stats: YearStats) -> BarChart:
    months = [(name[:3], tally.books) for name, tally in zip(MONTH_NAMES, year_stats.months, strict=True)]
    total = year_stats.total
    if total.books == 0:
        summary = f"No books finished in {year_stats.year}."
    else:
        best = max(months, key=lambda month: month[1])
        best_name = MONTH_NAMES[months.index(best)]
        summary = (
            f"{_books(total.books)} finished in {year_stats.year}, {total.pages:,} pages; "
            f"the most in {best_name} ({best[1]:,})."
        )
        if year_stats.month_unknown.books:
            summary += f" {_books(year_stats.month_unknown.books)} with no month, not drawn."
    rows = [
        Row(name, (f"{tally.books:,}", f"{tally.pages:,}"))
        for name, tally in zip(MONTH_NAMES, year_stats.months, strict=True)
    ]
    if year_stats.month_unknown.books:
        rows.append(
            Row("Month unknown", (f"{year_stats.month_unknown.books:,}", f"{year_stats.month_unknown.pages:,}"))
        )
    rows.append(Row("Total", (f"{total.books:,}", f"{total.pages:,}")))
    return bar_chart(
        "chart-months",
        f"Books finished per month, {year_stats.year}",
        summary,
        months,
        label_heading="Month",
        value_headings=("Books", "Pages"),
        rows=rows,
    )


def years_chart(stats: ReadingStats, goals: dict[int, Goal]) -> BarChart:
    per_year = stats.per_year()
    if per_year:
        most = max(per_year, key=lambda year: year[1].books)
        summary = (
            f"Books finished per year from {per_year[0][0]} to {per_year[-1][0]}: "
            f"the most in {most[0]} ({most[1].books:,})."
        )
    else:
        summary = "No finished books with a finish date yet."
    headings = ("Books", "Pages", "Given up") + (("Goal",) if goals else ())
    rows = []
    for year, tally in per_year:
        values = (f"{tally.books:,}", f"{tally.pages:,}", f"{stats.years[year].did_not_finish.count:,}")
        if goals:
            values += (f"{goals[year].books:,}" if year in goals else "–",)
        rows.append(Row(str(year), values))
    return bar_chart(
        "chart-years",
        "Books finished per year",
        summary,
        [(str(year), tally.books) for year, tally in per_year],
        label_heading="Year",
        value_headings=headings,
        rows=rows,
    )


def ratings_chart(stats: ReadingStats) -> BarChart:
    ratings = stats.ratings
    if ratings.average is None:
        summary = "No rated books yet."
    else:
        summary = f"{_books(ratings.rated_books)} rated, {display_rating(ratings.average)} stars on average."
    return bar_chart(
        "chart-ratings",
        "Books per rating (stars)",
        summary,
        [(display_step(step), count) for step, count in ratings.by_step()],
        label_heading="Stars",
        value_headings=("Books",),
    )
