"""The admin's user list: search, filters and order from the URL, pages that keep them, and each
account's books per column from one batched DynamoDB read."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bookapp.books import BookRepository, Status
from bookapp.extensions import db
from bookapp.users import repository as users

TODAY = dt.date(2026, 11, 27)


def text(response) -> str:
    return response.get_data(as_text=True)


def listed(response) -> list[str]:
    """The usernames the list shows, in its order."""
    return [name for name in re.findall(r'<th scope="row">([^<]+?)(?: <span|</th>)', text(response))]


def arrange(app, username: str, **columns) -> None:
    """Set columns of an account's row (when it was created, last signed in, is disabled...)."""
    with app.app_context():
        user = users.find_by_username(username)
        for name, value in columns.items():
            setattr(user, name, value)
        db.session.commit()


@pytest.fixture
def group(app, admin, make_user):
    """boss (the signed-in admin) and: ada (admin, signed in), alice (reader, disabled), bob (reader,
    never signed in), malice (reader, signed in long ago), created one day apart in that order."""
    make_user("ada", is_admin=True)
    for name in ("alice", "bob", "malice"):
        make_user(name)
    day = dt.datetime(2026, 1, 1)
    for offset, name in enumerate(("boss", "ada", "alice", "bob", "malice")):
        arrange(app, name, created_at=day + dt.timedelta(days=offset))
    arrange(app, "boss", last_sign_in_at=day + dt.timedelta(days=30))
    arrange(app, "ada", last_sign_in_at=day + dt.timedelta(days=20))
    arrange(app, "alice", is_disabled=True, last_sign_in_at=day + dt.timedelta(days=10))
    arrange(app, "bob", last_sign_in_at=None)
    arrange(app, "malice", last_sign_in_at=day + dt.timedelta(days=5))


def test_search_finds_usernames_containing_the_words_whatever_the_case(admin, group):
    assert listed(admin.get("/admin/users?q=ALI")) == ["alice", "malice"]
    assert listed(admin.get("/admin/users?q=+bo+")) == ["bob", "boss"]


def test_search_takes_wildcards_as_plain_characters(admin, group):
    for search in ("%", "_", "a%e", "b_b"):
        page = admin.get("/admin/users", query_string={"q": search})
        assert page.status_code == 200
        assert listed(page) == [], search
        assert "No account matches these filters." in text(page)


def test_filters_by_role_state_and_never_signed_in_alone_and_together(admin, group):
    assert listed(admin.get("/admin/users?role=admin")) == ["ada", "boss"]
    assert listed(admin.get("/admin/users?role=reader")) == ["alice", "bob", "malice"]
    assert listed(admin.get("/admin/users?state=disabled")) == ["alice"]
    assert listed(admin.get("/admin/users?state=active")) == ["ada", "bob", "boss", "malice"]
    assert listed(admin.get("/admin/users?never=1")) == ["bob"]
    assert listed(admin.get("/admin/users?role=reader&state=active&q=li")) == ["malice"]
    assert listed(admin.get("/admin/users?role=admin&never=1")) == []


def test_sorts_by_username_created_and_last_sign_in_both_ways(admin, group):
    assert listed(admin.get("/admin/users?direction=desc")) == ["malice", "boss", "bob", "alice", "ada"]
    assert listed(admin.get("/admin/users?sort=created")) == ["boss", "ada", "alice", "bob", "malice"]
    assert listed(admin.get("/admin/users?sort=created&direction=desc")) == ["malice", "bob", "alice", "ada", "boss"]
    # Never signed in comes last either way.
    assert listed(admin.get("/admin/users?sort=last_sign_in")) == ["malice", "alice", "ada", "boss", "bob"]
    recent_first = listed(admin.get("/admin/users?sort=last_sign_in&direction=desc"))
    assert recent_first == ["boss", "ada", "alice", "malice", "bob"]


def test_the_form_shows_the_choices_the_url_made(admin, group):
    page = text(admin.get("/admin/users?q=ali&role=reader&state=disabled&never=1&sort=created&direction=desc"))
    assert 'name="q" value="ali"' in page
    assert '<option value="reader" selected>' in page and '<option value="disabled" selected>' in page
    assert 'name="never" value="1" checked' in page
    assert '<option value="created" selected>' in page and '<option value="desc" selected>' in page


def test_pages_keep_the_search_filters_and_order(app, admin):
    with app.app_context():
        for i in range(30):
            users.add_user(f"reader{i:02}", "x" * 12, False)
        users.add_user("someone", "x" * 12, False)
    first = admin.get("/admin/users?q=reader&role=reader&direction=desc")
    assert listed(first)[:2] == ["reader29", "reader28"] and len(listed(first)) == 25
    assert 'href="/admin/users?page=2&amp;q=reader&amp;role=reader&amp;direction=desc"' in text(first)
    second = admin.get("/admin/users?page=2&q=reader&role=reader&direction=desc")
    assert listed(second) == ["reader04", "reader03", "reader02", "reader01", "reader00"]
    assert "30 accounts match." in text(second)


def test_values_the_list_does_not_know_are_left_out_and_named(admin, group):
    page = admin.get("/admin/users?role=owner&state=gone&sort=age&direction=up&never=maybe&q=" + "a" * 65)
    assert page.status_code == 200
    assert listed(page) == ["ada", "alice", "bob", "boss", "malice"]
    assert "the list does not know their value: q, role, state, never, sort, direction." in text(page)


def test_an_empty_result_offers_to_clear_the_filters_and_keeps_the_order(admin, group):
    page = text(admin.get("/admin/users?q=nobody&sort=created&direction=desc"))
    assert "No account matches these filters." in page
    assert 'href="/admin/users?sort=created&amp;direction=desc">Clear filters</a>' in page


def test_htmx_gets_the_results_alone(admin, group):
    response = admin.get("/admin/users?q=ali", htmx=True)
    assert response.status_code == 200
    assert "<html" not in text(response) and 'id="bulk-actions"' in text(response)
    assert listed(response) == ["alice", "malice"]
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" in text(admin.get("/admin/users?q=ali"))


def row_counts(response, user_id: int) -> list[int]:
    """The books per column (Not started, Reading, Finished, Did not finish) and tokens in a row."""
    row = re.search(rf'<tr id="user-{user_id}">(.*?)</tr>', text(response), re.S).group(1)
    return [int(number) for number in re.findall(r'<td class="text-end">(\d+)</td>', row)]


def test_each_row_counts_the_accounts_books_per_column(admin, make_user, books):
    alice = make_user("alice")
    bob = make_user("bob")
    for status, how_many in ((Status.NOT_STARTED, 3), (Status.READING, 1), (Status.FINISHED, 2)):
        for i in range(how_many):
            books.add(alice.books_key, f"{status} {i}", "Author", status, TODAY)
    books.add(alice.books_key, "Given up", "Author", Status.DID_NOT_FINISH, TODAY)

    page = admin.get("/admin/users")

    assert row_counts(page, alice.id) == [3, 1, 2, 1, 0]  # four columns, then access tokens
    assert row_counts(page, bob.id) == [0, 0, 0, 0, 0]  # no book yet: no counter item


def dynamodb_calls(books: BookRepository) -> list[str]:
    """The DynamoDB operations sent from here on, by name (botocore's event hooks)."""
    calls: list[str] = []
    books.client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    return calls


def test_a_page_of_25_accounts_costs_one_batched_dynamodb_request(app, admin, books):
    with app.app_context():
        for i in range(30):
            user = users.add_user(f"reader{i:02}", "x" * 12, False)
            if i % 3 == 0:
                books.add(user.books_key, "A book", "Author", Status.READING, TODAY)
    calls = dynamodb_calls(books)

    page = admin.get("/admin/users")

    assert len(listed(page)) == 25
    assert calls == ["BatchGetItem"]
    with app.app_context():
        reader00 = users.find_by_username("reader00").id
    assert row_counts(page, reader00)[:4] == [0, 1, 0, 0]


def test_the_list_shows_without_counts_when_dynamodb_does_not_answer(app, admin, make_user):
    alice = make_user("alice")
    # A table that is not there fails the read the way an outage does.
    app.extensions["book_repository"] = BookRepository("no-such-table", "us-east-1")

    page = admin.get("/admin/users")

    assert page.status_code == 200
    assert "The books per account are unavailable right now" in text(page)
    assert "alice" in listed(page)
    row = re.search(rf'<tr id="user-{alice.id}">(.*?)</tr>', text(page), re.S).group(1)
    assert row.count('–<span class="visually-hidden"> unavailable</span>') == 4


def test_the_heading_counts_every_account_whatever_the_filter(admin, group):
    page = text(admin.get("/admin/users?role=admin"))
    assert 'text-bg-secondary">5</span>' in page
    assert "2 accounts match." in page
