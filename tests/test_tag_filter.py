"""The board filtered by a tag (`/?tag=sci-fi`): reached from a tag on a card or the book page, said
on the page with its counts, cleared, kept through moves, and never showing another reader's books."""

import dataclasses
import datetime as dt
import re

import pytest

from bookapp.books import Status
from tests.conftest import Browser

TODAY = dt.datetime.now(dt.UTC).date()


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def alice_key(reader, app):
    with app.app_context():
        from bookapp.users import repository as users

        return users.find_by_username("alice").books_key


def add(books, user_key, title, status=Status.NOT_STARTED, tags=()):
    book = books.add(user_key, title, "Someone", status, TODAY)
    if tags:
        book = books.save(dataclasses.replace(book, tags=tuple(tags)), book.version)
    return book


def column_titles(page: str, status: str) -> list[str]:
    section = page.split(f'id="column-{status}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="card-title"[^>]*><a href="[^"]+">([^<]+)</a>', section)


def count_badge(page: str, status: str) -> str:
    badge = re.search(rf'id="count-{status}">(.*?)</span></span>', page).group(1)
    return re.sub(r"<[^>]+>", "", badge)


@pytest.fixture
def library(books, alice_key):
    """Alice's books: two of her three waiting books and one of her two finished ones are sci-fi."""
    return {
        "dune": add(books, alice_key, "Dune", tags=["Sci-Fi", "desert"]),
        "solaris": add(books, alice_key, "Solaris", tags=["sci-fi"]),
        "emma": add(books, alice_key, "Emma", tags=["classics"]),
        "neuromancer": add(books, alice_key, "Neuromancer", Status.FINISHED, tags=["sci-fi"]),
        "beloved": add(books, alice_key, "Beloved", Status.FINISHED),
    }


def test_a_tag_on_a_card_and_on_the_book_page_links_to_the_filtered_board(reader, library):
    dune = library["dune"]
    assert '<p class="book-tags"><a href="/?tag=Sci-Fi">Sci-Fi</a><a href="/?tag=desert">desert</a></p>' in text(
        reader.get("/")
    )
    assert '<a href="/?tag=desert">desert</a>' in text(reader.get(f"/books/{dune.book_id}"))


def test_the_filtered_board_shows_only_that_tag_says_so_and_counts_honestly(reader, library):
    page = text(reader.get("/?tag=sci-fi"))  # any case finds "Sci-Fi"
    assert column_titles(page, "not_started") == ["Solaris", "Dune"]
    assert column_titles(page, "finished") == ["Neuromancer"]
    assert column_titles(page, "reading") == []
    assert count_badge(page, "not_started") == "2 of 3 in this column have the tag"
    assert count_badge(page, "finished") == "1 of 2 in this column have the tag"
    assert "Filtered: only books tagged <strong>sci-fi</strong>." in page
    assert '<a class="alert-link ms-auto" href="/">Clear filter</a>' in page
    assert "<title>Your board: tagged sci-fi" in page
    assert "No book in Reading has the tag “sci-fi”." in page
    assert "Drag and drop and ▲/▼ are off until you clear the filter." in page
    assert page.count('data-arranged="true"') == 3


def test_clearing_the_filter_shows_the_whole_board_again(reader, library):
    reader.get("/?tag=classics")
    page = text(reader.get("/"))
    assert column_titles(page, "not_started") == ["Emma", "Solaris", "Dune"]
    assert "Filtered" not in page and "data-arranged" not in page
    assert count_badge(page, "not_started") == "3 books"


def test_filtered_and_whole_boards_are_kept_apart_in_the_page_cache(reader, library):
    for _ in range(2):
        assert column_titles(text(reader.get("/?tag=classics")), "not_started") == ["Emma"]
        assert column_titles(text(reader.get("/")), "not_started") == ["Emma", "Solaris", "Dune"]
        assert column_titles(text(reader.get("/?tag=desert")), "not_started") == ["Dune"]


def test_another_readers_books_with_the_same_tag_never_show(app, reader, library, make_user, books):
    bob = make_user("bob")
    add(books, bob.books_key, "Foundation", tags=["sci-fi"])
    page = text(reader.get("/?tag=sci-fi"))
    assert "Foundation" not in page and column_titles(page, "not_started") == ["Solaris", "Dune"]
    bob_browser = Browser(app)
    bob_browser.login("bob")
    bobs = text(bob_browser.get("/?tag=sci-fi"))
    assert column_titles(bobs, "not_started") == ["Foundation"] and "Dune" not in bobs


def test_a_tag_is_text_never_markup(reader, books, alice_key):
    add(books, alice_key, "Dune", tags=["<b>x</b>"])
    page = text(reader.get("/", query_string={"tag": "<b>x</b>"}))
    assert "only books tagged <strong>&lt;b&gt;x&lt;/b&gt;</strong>" in page and "<b>x</b>" not in page
    assert column_titles(page, "not_started") == ["Dune"]


def test_a_tag_longer_than_any_tag_is_a_400_that_says_why(reader):
    response = reader.get("/", query_string={"tag": "x" * 41})
    assert response.status_code == 400 and "A tag has up to 40 characters" in text(response)
    assert reader.get("/", query_string={"tag": "   "}).status_code == 200  # blank: no filter


def test_a_move_without_javascript_comes_back_to_the_filtered_board(reader, library):
    dune = library["dune"]
    response = reader.client.post(
        f"/books/{dune.book_id}/move",
        data={"status": "reading", "version": dune.version, "from_status": "not_started", "csrf_token": reader.token()},
        headers={"Referer": "http://localhost/?tag=sci-fi"},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/?tag=sci-fi"
    page = text(reader.get(response.headers["Location"]))
    assert (
        column_titles(page, "reading") == ["Dune"]
        and count_badge(page, "reading") == "1 of 1 in this column have the tag"
    )


def test_a_move_with_htmx_on_the_filtered_board_answers_with_its_filtered_columns(reader, library):
    solaris = library["solaris"]
    response = reader.client.post(
        f"/books/{solaris.book_id}/move",
        data={
            "status": "finished",
            "version": solaris.version,
            "from_status": "not_started",
            "csrf_token": reader.token(),
        },
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/?tag=sci-fi"},
    )
    assert response.status_code == 200 and response.headers["HX-Reswap"] == "none"
    answer = text(response)
    assert column_titles(answer, "finished") == ["Solaris", "Neuromancer"]
    assert column_titles(answer, "not_started") == ["Dune"]
    assert count_badge(answer, "finished") == "2 of 3 in this column have the tag"
    assert "Emma" not in answer and "Moved “Solaris” to Finished." in answer


def test_an_add_on_the_filtered_board_counts_it_without_showing_it(reader, library):
    response = reader.client.post(
        "/books",
        data={"title": "Persuasion", "author": "Jane Austen", "status": "not_started", "csrf_token": reader.token()},
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/?tag=sci-fi"},
    )
    answer = text(response)
    assert response.status_code == 200 and "HX-Reswap" not in response.headers  # the add form is swapped
    assert 'id="add-book-form"' in answer and count_badge(answer, "not_started") == "2 of 4 in this column have the tag"
    assert "Persuasion" not in column_titles(answer, "not_started")


def test_show_more_keeps_the_filter(reader, books, alice_key):
    for number in range(7):  # the test page size is 5
        add(books, alice_key, f"Tagged {number}", tags=["sci-fi"])
        add(books, alice_key, f"Plain {number}")
    page = text(reader.get("/?tag=sci-fi"))
    assert column_titles(page, "not_started") == [f"Tagged {number}" for number in (6, 5, 4, 3, 2)]
    more_url = re.search(r'href="(/columns/not_started\?start=5&amp;tag=sci-fi)"', page).group(1).replace("&amp;", "&")
    more = text(reader.get(more_url, htmx=True))
    assert re.findall(r'<a href="/books/\w+">([^<]+)</a>', more) == ["Tagged 1", "Tagged 0"]


def test_the_sort_control_on_a_filtered_board_comes_back_to_it(reader, library):
    page = text(reader.get("/?tag=sci-fi"))
    assert '<input type="hidden" name="tag" value="sci-fi">' in page
    response = reader.post("/columns/not_started/sort", {"key": "title", "direction": "asc", "tag": "sci-fi"})
    assert response.headers["Location"] == "/?tag=sci-fi"
    assert column_titles(text(reader.get("/?tag=sci-fi")), "not_started") == ["Dune", "Solaris"]


def test_a_delete_on_the_filtered_board_answers_with_its_filtered_columns(reader, library):
    dune = library["dune"]
    response = reader.client.post(
        f"/books/{dune.book_id}/delete",
        data={"confirm": "yes", "csrf_token": reader.token()},
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/?tag=sci-fi"},
    )
    assert response.status_code == 200 and response.headers["HX-Reswap"] == "none"
    answer = text(response)
    assert column_titles(answer, "not_started") == ["Solaris"]
    assert count_badge(answer, "not_started") == "1 of 2 in this column have the tag"
