"""The stats page over HTTP: a year's reads and every year's, the charts with their title, description
and table, the years asked for (junk is a clear 404, never a 500), the yearly goal's form, and that a
reader sees only their own books and goals, counted once while their books are unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest

from bookapp.books import Status
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import PartialDate
from tests.conftest import Browser
from tests.test_book_repository import dynamodb_calls

TODAY = dt.datetime.now(dt.UTC).date()


def text(response) -> str:
    return response.get_data(as_text=True)


def finished(ended: str | None) -> ReadThrough:
    return ReadThrough(Outcome.FINISHED, ended=PartialDate.parse(ended) if ended else None)


def add(books, user_key, title, status=Status.FINISHED, **record):
    book = books.add(user_key, title, f"Author of {title}", Status.NOT_STARTED, TODAY)
    return books.save(dataclasses.replace(book, status=status, **record), book.version)


def table_rows(page: str, table_id: str) -> list[list[str]]:
    """The body rows of a chart's table, each as its cells' text."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', page, re.S)
    assert table, f"no table {table_id}"
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def stats_page(reader, year: int) -> str:
    response = reader.get(f"/stats/{year}")
    assert response.status_code == 200, response.status_code
    return text(response)


@pytest.fixture
def alice_key(reader, app):
    with app.app_context():
        from bookapp.users import repository as users

        return users.find_by_username("alice").books_key


@pytest.fixture
def library(books, alice_key):
    """Dune read in March 2024 and again in January 2025; Emma finished "2024" and once on a date unknown;
    Ulysses given up in June 2024; Middlemarch being read."""
    add(
        books,
        alice_key,
        "Dune",
        reads=(finished("2025-01-09"), finished("2024-03-10")),
        pages=600,
        rating=Decimal("4.5"),
    )
    add(books, alice_key, "Emma", reads=(finished("2024"), finished(None)), pages=400, rating=Decimal("3"))
    add(
        books,
        alice_key,
        "Ulysses",
        status=Status.DID_NOT_FINISH,
        reads=(ReadThrough(Outcome.DID_NOT_FINISH, ended=PartialDate(2024, 6)),),
    )
    add(books, alice_key, "Middlemarch", status=Status.READING, reads=(ReadThrough(Outcome.READING),))


def test_the_navigation_links_to_the_stats(reader):
    assert 'href="/stats">Stats</a>' in text(reader.get("/"))


def test_anonymous_visitors_are_sent_to_sign_in(browser):
    for url in ("/stats", "/stats/2024"):
        response = browser.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_stats_opens_on_this_year(reader):
    page = text(reader.get("/stats"))
    assert f"Your reading in {TODAY.year}" in page
    assert '<span class="page-link" aria-current="page">' + str(TODAY.year) in page


def test_a_year_shows_its_reads_per_month_with_month_unknown_apart(reader, library):
    page = stats_page(reader, 2024)
    rows = table_rows(page, "chart-months-table")
    assert rows[2] == ["March", "1", "600"]
    assert rows[12:] == [["Month unknown", "1", "400"], ["Total", "2", "1,000"]]
    assert all(row[1:] == ["0", "0"] for index, row in enumerate(rows[:12]) if index != 2)
    assert "<strong>2</strong> books finished" in page
    assert "Given up in 2024" in page and "Ulysses" in page
    assert "<strong>1</strong> given up (did not finish)" in page


def test_a_re_read_counts_in_its_own_year(reader, library):
    page = stats_page(reader, 2025)
    assert table_rows(page, "chart-months-table")[0] == ["January", "1", "600"]
    assert "(1 of them a re-read)" in page


def test_every_year_date_unknown_ratings_and_reading_now(reader, library):
    page = stats_page(reader, 2024)
    assert table_rows(page, "chart-years-table") == [["2024", "2", "1,000", "1"], ["2025", "1", "600", "0"]]
    assert "Finished, date unknown (1)" in page  # Emma's undated read: listed, in no year
    ratings = dict(row[:2] for row in table_rows(page, "chart-ratings-table"))
    assert (ratings["3"], ratings["4.5"], ratings["5"]) == ("1", "1", "0")
    assert "Average: <strong>3.8</strong> stars over 2 rated books." in page  # (4.5 + 3) / 2 = 3.75
    reading = page.split('id="reading-heading"', 1)[1].split("</section>", 1)[0]
    assert "Middlemarch" in reading and "no progress entered" in reading


def test_each_chart_is_an_svg_with_a_title_a_description_and_a_table(reader, library):
    page = stats_page(reader, 2024)
    for chart_id in ("chart-months", "chart-years", "chart-ratings"):
        svg = re.search(
            rf'<svg class="chart"[^>]*aria-labelledby="{chart_id}-title" '
            rf'aria-describedby="{chart_id}-desc"[^>]*>(.*?)</svg>',
            page,
            re.S,
        )
        assert svg, chart_id
        assert 'role="img"' in svg.group(0)
        assert re.search(rf'<title id="{chart_id}-title">[^<]+</title>', svg.group(1))
        assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', svg.group(1))
        assert f'<table class="table table-sm chart-table" id="{chart_id}-table">' in page
    description = "2 books finished in 2024, 1,000 pages; the most in March (1). 1 book with no month, not drawn."
    assert f'<desc id="chart-months-desc">{description}</desc>' in page
    assert "style=" not in page and "<script>" not in page.split("</head>", 1)[1]


def test_a_bar_is_drawn_for_each_month_with_reads(reader, library):
    page = stats_page(reader, 2024)
    months = re.search(r'aria-labelledby="chart-months-title.*?</svg>', page, re.S).group(0)
    assert months.count('<rect class="chart-bar"') == 1


def test_year_links_reach_the_years_around_and_those_with_reads(reader, library):
    page = stats_page(reader, 2024)
    for year in (2023, 2025, TODAY.year):
        assert f'href="/stats/{year}"' in page


def test_the_year_form_goes_to_that_years_page(reader):
    response = reader.get("/stats?year=2019")
    assert response.status_code == 303 and response.headers["Location"].endswith("/stats/2019")
    assert "Your reading in 2019" in stats_page(reader, 2019)


@pytest.mark.parametrize(
    "url",
    [
        "/stats?year=abc",
        "/stats?year=99999",
        "/stats?year=",
        "/stats?year=-1",
        "/stats?year=٢٠٢٤",
        "/stats/99999",
        "/stats/999",
        "/stats/0",
    ],
)
def test_a_year_that_is_no_year_is_a_clear_404(reader, url):
    response = reader.get(url)
    assert response.status_code == 404
    assert "choose a year from 1000 to 9999" in text(response)


def test_a_year_typed_as_markup_comes_back_as_text(reader):
    page = text(reader.get("/stats", query_string={"year": "<b>x</b>"}))
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_a_path_that_is_no_year_is_not_found(reader):
    assert reader.get("/stats/abc").status_code == 404


# -- the goal ----------------------------------------------------------------------------------------


def test_a_reader_without_a_goal_sees_no_goal_anywhere(reader, library):
    page = stats_page(reader, TODAY.year)
    assert "Goal for" not in page and "schedule" not in page
    assert f"Set a goal for {TODAY.year}" in page
    assert "goal" not in text(reader.get("/")).lower()


def test_setting_a_goal_shows_progress_against_the_calendar(reader, library):
    response = reader.post(f"/stats/{TODAY.year}/goal", {"books": "10,000", "pages": ""})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/stats/{TODAY.year}#goal")
    page = stats_page(reader, TODAY.year)
    assert f"Your goal for {TODAY.year}: 10,000 books." in page  # said once, after saving
    assert f"Goal for {TODAY.year}" in page
    assert "0 of 10,000 books" in page and "books behind schedule" in page
    assert 'id="goal-standing-pages"' not in page  # no pages goal, no pages standing
    assert 'name="books" type="text" value="10000"' in page  # the form shows the goal to change


def test_a_past_years_goal_is_reached_or_not(reader, library):
    reader.post("/stats/2024/goal", {"books": "2", "pages": "5000"})
    page = stats_page(reader, 2024)
    assert "2 of 2 books</strong> · goal reached" in page
    assert "1,000 of 5,000 pages</strong> · goal not reached" in page
    # The goal is in every year's table, beside what was read.
    assert table_rows(page, "chart-years-table")[0] == ["2024", "2", "1,000", "1", "2"]
    assert table_rows(page, "chart-years-table")[1] == ["2025", "1", "600", "0", "–"]


def test_changing_and_clearing_a_goal(reader):
    reader.post("/stats/2024/goal", {"books": "12"})
    reader.post("/stats/2024/goal", {"books": "24", "pages": "9000"})
    page = stats_page(reader, 2024)
    assert "Your goal for 2024: 24 books and 9,000 pages." in page
    assert "0 of 24 books" in page and "0 of 9,000 pages" in page
    response = reader.post("/stats/2024/goal/delete")
    assert response.status_code == 303
    page = stats_page(reader, 2024)
    assert "The goal for 2024 is cleared." in page
    assert "Goal for 2024" not in page and "Set a goal for 2024" in page


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"books": "abc", "pages": "300"}, "books", "Enter the number of books as a whole number from 1 to 10,000."),
        ({"books": "0", "pages": ""}, "books", "Enter the number of books as a whole number from 1 to 10,000."),
        ({"books": "", "pages": ""}, "books", "Enter how many books you want to read this year."),
        ({"books": "12", "pages": "99999999999"}, "pages", "from 1 to 10,000,000, or leave it empty."),
        ({"books": "12", "pages": "1.5"}, "pages", "from 1 to 10,000,000, or leave it empty."),
    ],
)
def test_a_refused_goal_says_why_beside_the_field_and_keeps_the_input(reader, form, field, message):
    response = reader.post("/stats/2024/goal", form)
    assert response.status_code == 422
    page = text(response)
    assert re.search(rf'<div id="goal-{field}-errors" class="invalid-feedback">[^<]*{re.escape(message)}', page)
    assert f'aria-describedby="goal-{field}-help goal-{field}-errors"' in page
    for name, typed in form.items():
        assert f'name="{name}" type="text" value="{typed}"' in page
    assert '<details class="goal-edit" open>' in page
    assert "Goal for 2024" not in stats_page(reader, 2024)  # nothing saved


def test_a_goal_for_a_year_that_is_no_year_is_refused(reader):
    assert reader.post("/stats/99999/goal", {"books": "12"}).status_code == 404


# -- whose, and what it costs ------------------------------------------------------------------------


def test_another_readers_books_and_goal_never_show(app, reader, books, make_user, library):
    bob = make_user("bob")
    add(books, bob.books_key, "Bob’s secret diary", reads=(finished("2024-05"), finished(None)), pages=99)
    add(books, bob.books_key, "Bob’s current read", status=Status.READING, reads=(ReadThrough(Outcome.READING),))
    bobs_browser = Browser(app)
    bobs_browser.login("bob")
    bobs_browser.post("/stats/2024/goal", {"books": "77"})
    bobs_page = stats_page(bobs_browser, 2024)  # his own, kept in this process too
    assert "Bob’s secret diary" in bobs_page and "Bob’s current read" in bobs_page and "1 of 77 books" in bobs_page
    assert table_rows(bobs_page, "chart-months-table")[4] == ["May", "1", "99"]

    page = stats_page(reader, 2024)
    assert "Bob’s" not in page and "of 77 books" not in page and "Goal for 2024" not in page
    assert table_rows(page, "chart-months-table")[4] == ["May", "0", "0"]


def test_a_repeat_view_costs_no_dynamodb_request_and_a_change_shows_at_once(reader, books, alice_key, library):
    stats_page(reader, 2024)
    calls = dynamodb_calls(books)
    page = stats_page(reader, 2025)  # another year: the same counting
    assert calls == []
    assert table_rows(page, "chart-months-table")[0] == ["January", "1", "600"]

    add(books, alice_key, "Persuasion", reads=(finished("2025-01-20"),), pages=250)
    calls.clear()
    page = stats_page(reader, 2025)
    assert table_rows(page, "chart-months-table")[0] == ["January", "2", "850"]
    assert calls == ["BatchGetItem"]  # the changed book alone, by key: not the reader's partition again


def test_a_goal_changes_the_page_at_once_without_reading_the_books_again(reader, books, library):
    stats_page(reader, 2024)
    calls = dynamodb_calls(books)
    reader.post("/stats/2024/goal", {"books": "3"})
    assert "2 of 3 books" in stats_page(reader, 2024)
    assert calls == []


def test_deleting_an_account_deletes_its_goals(app, admin, make_user):
    from bookapp.extensions import db
    from bookapp.users.models import ReadingGoal

    carol = make_user("carol")
    carols_browser = Browser(app)
    carols_browser.login("carol")
    carols_browser.post("/stats/2024/goal", {"books": "5"})
    response = admin.post(f"/admin/users/{carol.id}/delete", {"confirm": "yes"})
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.query(ReadingGoal).filter_by(user_id=carol.id).count() == 0
