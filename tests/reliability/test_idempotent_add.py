"""The add form carries a one-time id: submitting it twice (double click, retry) adds one book."""

import re

from bookapp.books import Status
from tests.reliability.test_concurrent_changes import race


def add_form_fields(reader) -> dict:
    page = reader.get("/").get_data(as_text=True)
    book_id = re.search(r'id="book_id" name="book_id" type="hidden" value="([0-9A-Z]{26})"', page).group(1)
    return {"title": "Dune", "author": "Frank Herbert", "status": "reading", "book_id": book_id}


def alice_key(app):
    from bookapp.users import repository as users

    with app.app_context():
        return users.find_by_username("alice").books_key


def test_a_form_submitted_twice_adds_one_book(reader, books, app):
    fields = add_form_fields(reader)
    first = reader.post("/books", fields)
    retry = reader.post("/books", fields, htmx=True)
    assert first.status_code == 303 and retry.status_code == 200
    assert len(books.list_column(alice_key(app), Status.READING, 10).books) == 1
    assert books.counts(alice_key(app))[Status.READING] == 1


def test_a_double_click_racing_itself_adds_one_book(reader, books, app):
    for _ in range(10):
        fields = add_form_fields(reader)

        def submit(fields=fields):
            return reader.post("/books", fields, htmx=True)

        responses = race(submit, submit)
        assert [r.status_code for r in responses] == [200, 200]
    assert len(books.list_column(alice_key(app), Status.READING, 50).books) == 10
    assert books.counts(alice_key(app))[Status.READING] == 10


def test_each_shown_form_adds_its_own_book(reader, books, app):
    reader.post("/books", add_form_fields(reader))
    reader.post("/books", add_form_fields(reader))
    assert books.counts(alice_key(app))[Status.READING] == 2


def test_the_fresh_form_after_an_htmx_add_has_a_new_id(reader):
    fields = add_form_fields(reader)
    fragment = reader.post("/books", fields, htmx=True).get_data(as_text=True)
    new_id = re.search(r'name="book_id" type="hidden" value="([0-9A-Z]{26})"', fragment).group(1)
    assert new_id != fields["book_id"]
