"""Unusual input is stored and shown exactly, or refused with a clear message: never a 500."""

import pytest

from bookapp.books import Status

EXACT = [
    ("emoji", "📚 The Book of Dragons 🐉", "Edith Nesbit 👩‍🦰"),
    ("right-to-left", "مئة عام من العزلة", "غابرييل غارسيا ماركيث"),
    ("mixed direction", "Hebrew עברית and English", "א. ב. יהושע"),
    ("combining characters", "Cafe\u0301 Society", "Zoe\u0308 Ae\u0301"),
    ("zero-width joiner", "👨‍👩‍👧 Family", "Anon\u200d"),
    ("markup-like", "<b>Bold</b> & 'quotes' \"too\"", "O'Brien & Sons"),
    ("exactly the caps", "t" * 300, "a" * 200),
    ("CJK", "吾輩は猫である", "夏目漱石"),
]


@pytest.mark.parametrize("case, title, author", EXACT, ids=[case for case, _, _ in EXACT])
def test_unusual_text_is_stored_and_shown_exactly(reader, books, app, case, title, author):
    from bookapp.users import repository as users

    response = reader.post("/books", {"title": title, "author": author, "status": "reading"})
    assert response.status_code == 303
    with app.app_context():
        alice = users.find_by_username("alice")
    (book,) = books.list_column(alice.books_key, Status.READING, 5).books
    assert (book.title, book.author) == (title, author)
    page = reader.get("/").get_data(as_text=True)
    from markupsafe import escape

    assert str(escape(title)) in page and str(escape(author)) in page


@pytest.mark.parametrize(
    "title, author, message",
    [
        ("x" * 1000, "Author", "Keep the title under 300 characters."),
        ("Title", "y" * 1000, "Keep the author under 200 characters."),
        ("\u200b\u200b", "Author", "Enter the book’s title."),
        ("   \t\n ", "Author", "Enter the book’s title."),
    ],
)
def test_too_long_or_empty_text_is_refused_with_a_message(reader, title, author, message):
    response = reader.post("/books", {"title": title, "author": author})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_invalid_utf8_in_a_form_is_not_a_server_error(reader):
    response = reader.client.post(
        "/books",
        data=b"title=%FF%FE%FD&author=%C3%28&csrf_token=" + reader.token().encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (303, 400, 422)


def test_oversized_request_bodies_are_refused(reader):
    response = reader.post("/books", {"title": "x" * 70_000, "author": "y"})
    assert response.status_code == 413
    assert "larger than this app accepts" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/books/not-a-ulid", "/books/%00", "/books/01JABCDEFGHJKMNPQRSTVWXYZ0/edit", "/columns/borrowed"]
)
def test_malformed_ids_and_unknown_columns_are_not_found(reader, url):
    assert reader.get(url).status_code == 404


def test_an_unknown_status_on_a_move_is_a_bad_request(reader, books, app):
    reader.post("/books", {"title": "Dune", "author": "Frank Herbert"})
    from bookapp.users import repository as users

    with app.app_context():
        alice = users.find_by_username("alice")
    (book,) = books.list_column(alice.books_key, Status.NOT_STARTED, 5).books
    assert reader.post(f"/books/{book.book_id}/move", {"status": "borrowed", "version": 1}).status_code == 400
    assert reader.post(f"/books/{book.book_id}/reorder", {"direction": "sideways", "version": 1}).status_code == 400


@pytest.mark.parametrize("version", ["9" * 1000, str(2**63), "0", "-1"])
def test_a_version_no_page_showed_is_a_bad_request(reader, books, app, version):
    """A thousand-digit number overflows a float (WTForms' NumberRange compares through one), and
    DynamoDB refuses numbers of more than 38 digits: either would be a server error."""
    reader.post("/books", {"title": "Dune", "author": "Frank Herbert"})
    from bookapp.users import repository as users

    with app.app_context():
        alice = users.find_by_username("alice")
    (book,) = books.list_column(alice.books_key, Status.NOT_STARTED, 5).books
    move = reader.post(f"/books/{book.book_id}/move", {"status": "reading", "version": version})
    edit = reader.post(f"/books/{book.book_id}/edit", {"title": "Dune", "author": "F. Herbert", "version": version})
    assert (move.status_code, edit.status_code) == (400, 422)
    assert books.get(alice.books_key, book.book_id) == book
