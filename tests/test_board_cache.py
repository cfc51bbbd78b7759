"""The board's page cache (bookapp/page_cache.py, blueprints/books/board_cache.py): an unchanged
board is served from memory, and no change, session token or new book id is ever lost to it."""

import datetime as dt
import re
import sys
import threading

import boto3

from bookapp import create_app
from bookapp.books import BookRepository, Status, get_book_repository
from bookapp.config import TestingConfig
from bookapp.page_cache import Page, PageCache
from tests.conftest import CSRF_PATTERN, Browser

NEW_BOOK_ID = re.compile(r'name="book_id" type="hidden" value="([0-9A-Z]{26})"')


def text(response) -> str:
    return response.get_data(as_text=True)


def second_app(app, **overrides):
    """Another process of the same deployment: the same users database and books table."""
    return create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "BOOKS_TABLE": app.config["BOOKS_TABLE"],
            "BOOKS_PAGE_SIZE": app.config["BOOKS_PAGE_SIZE"],
            **overrides,
        },
    )


def repository_that_does_not_count_changes(app) -> BookRepository:
    """A write the users database never heard of (as when it failed just after DynamoDB's write)."""
    return BookRepository(table_name=app.config["BOOKS_TABLE"], region_name=app.config["AWS_REGION"])


def test_an_unchanged_board_is_served_without_reading_dynamodb(app, make_user):
    bench = second_app(app, BENCHMARK_MODE=True)
    alice = make_user("alice")
    with bench.app_context():
        get_book_repository().add(alice.books_key, "Dune", "Frank Herbert", Status.READING, dt.date(2026, 1, 1))
    reader = Browser(bench)
    reader.login("alice")

    first, second = reader.get("/"), reader.get("/")

    assert first.headers["X-DynamoDB-Requests"] == "4"
    assert second.headers["X-DynamoDB-Requests"] == "0"
    assert "Dune" in text(second)
    assert second.headers["Content-Type"] == "text/html; charset=utf-8"
    assert second.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_a_change_made_through_another_process_shows_at_the_next_view(app, make_user, books):
    alice = make_user("alice")
    book = books.add(alice.books_key, "Dune", "Frank Herbert", Status.NOT_STARTED, dt.date(2026, 1, 1))
    here = Browser(app)
    here.login("alice")
    assert 'id="count-reading">0<' in text(here.get("/"))  # now cached in this process
    there = Browser(second_app(app))
    there.login("alice")

    moved = there.post(f"/books/{book.book_id}/move", {"status": "reading", "version": "1"})
    assert moved.status_code == 303
    page = text(here.get("/"))

    assert 'id="count-reading">1<' in page
    assert "Started " in page


def test_every_session_gets_its_own_csrf_token_from_a_cached_board(app, make_user, books):
    alice = make_user("alice")
    book = books.add(alice.books_key, "Dune", "Frank Herbert", Status.NOT_STARTED, dt.date(2026, 1, 1))
    phone, laptop = Browser(app), Browser(app)
    phone.login("alice")
    laptop.login("alice")

    phone_page, laptop_page = text(phone.get("/")), text(laptop.get("/"))  # the laptop's is from the cache
    phone_tokens = {match[0] or match[1] for match in CSRF_PATTERN.findall(phone_page)}
    laptop_tokens = {match[0] or match[1] for match in CSRF_PATTERN.findall(laptop_page)}

    assert len(phone_tokens) == 1 and len(laptop_tokens) == 1 and phone_tokens != laptop_tokens
    (laptop_token,) = laptop_tokens
    assert f'"X-CSRFToken": "{laptop_token}"' in laptop_page  # htmx's header too
    moved = laptop.post(
        f"/books/{book.book_id}/move", {"status": "reading", "version": "1", "csrf_token": laptop_token}
    )
    assert moved.status_code == 303
    refused = laptop.post(
        f"/books/{book.book_id}/move", {"status": "finished", "version": "2", "csrf_token": next(iter(phone_tokens))}
    )
    assert refused.status_code == 400


def test_a_rendered_board_reuses_kept_cards_with_this_sessions_token(app, make_user, books):
    alice = make_user("alice")
    for title in ("Dune", "Emma", "Ulysses"):
        books.add(alice.books_key, title, "Someone", Status.READING, dt.date(2026, 1, 1))
    phone, laptop = Browser(app), Browser(app)
    phone.login("alice")
    laptop.login("alice")
    text(phone.get("/"))  # renders the cards, and keeps them
    cache = app.extensions["page_cache"]
    kept = len(cache)

    page = text(laptop.client.get("/", headers={"Cache-Control": "no-cache"}))  # rendered, cards kept

    tokens = {match[0] or match[1] for match in CSRF_PATTERN.findall(page)}
    assert len(tokens) == 1 and f'"X-CSRFToken": "{next(iter(tokens))}"' in page
    assert page.count('name="csrf_token"') == 1 + 3 + 1 + 3  # sign-out form, three cards, add form, column sorts
    assert len(cache) == kept  # the board's page again, and no new card
    book = books.list_column(alice.books_key, Status.READING, 5).books[0]
    moved = laptop.post(
        f"/books/{book.book_id}/move", {"status": "finished", "version": "1", "csrf_token": next(iter(tokens))}
    )
    assert moved.status_code == 303
    assert 'id="count-finished">1<' in text(phone.get("/"))


def test_every_view_of_a_cached_board_offers_a_new_book_id_so_two_tabs_add_two_books(reader, books, app):
    first_tab, second_tab = text(reader.get("/")), text(reader.get("/"))
    first_id, second_id = NEW_BOOK_ID.search(first_tab).group(1), NEW_BOOK_ID.search(second_tab).group(1)
    assert first_id != second_id

    for book_id, title in ((first_id, "Dune"), (second_id, "Emma")):
        added = reader.post(
            "/books", {"title": title, "author": "Someone", "status": "not_started", "book_id": book_id}
        )
        assert added.status_code == 303

    page = text(reader.get("/"))
    assert "Dune" in page and "Emma" in page
    assert 'id="count-not_started">2<' in page


def test_a_message_shows_once_and_then_the_board_as_it_stands(reader):
    reader.get("/")  # cached before the add
    reader.post("/books", {"title": "Dune", "author": "Frank Herbert", "status": "not_started"})

    after_add, next_view = text(reader.get("/")), text(reader.get("/"))

    assert "Added “Dune” to Not started." in after_add
    assert "Added “Dune”" not in next_view
    assert "Dune" in next_view


def test_a_hard_reload_renders_from_dynamodb_even_a_change_that_was_not_counted(app, make_user):
    alice = make_user("alice")
    reader = Browser(app)
    reader.login("alice")
    reader.get("/")
    uncounted = repository_that_does_not_count_changes(app)
    uncounted.add(alice.books_key, "Dune", "Frank Herbert", Status.READING, dt.date(2026, 1, 1))

    cached = text(reader.get("/"))
    reloaded = text(reader.client.get("/", headers={"Cache-Control": "no-cache"}))
    after_reload = text(reader.get("/"))

    assert "Dune" not in cached  # what a lost count costs: the cached page, until a hard reload
    assert "Dune" in reloaded
    assert "Dune" in after_reload  # the reload's render is the one kept


def outside_rename(app, book, title: str) -> None:
    """An operator's script renaming a book straight in DynamoDB, leaving its version as it was."""
    table = boto3.resource("dynamodb", region_name=app.config["AWS_REGION"]).Table(app.config["BOOKS_TABLE"])
    table.update_item(
        Key={"user_id": book.user_id, "book_id": book.book_id},
        UpdateExpression="SET title = :title",
        ExpressionAttributeValues={":title": title},
    )


def test_a_hard_reload_shows_a_book_changed_outside_the_app_even_at_the_same_version(app, make_user, books):
    alice = make_user("alice")
    book = books.add(alice.books_key, "Dune", "Frank Herbert", Status.READING, dt.date(2026, 1, 1))
    reader = Browser(app)
    reader.login("alice")
    reader.get("/")  # the page and its card are kept
    outside_rename(app, book, "Dune Messiah")

    reloaded = text(reader.client.get("/", headers={"Cache-Control": "no-cache"}))

    assert "Dune Messiah" in reloaded
    assert "Dune Messiah" in text(reader.get("/"))  # the reload's cards are the ones kept


def test_recount_books_makes_every_process_show_a_book_changed_outside_the_app(app, make_user, books):
    alice = make_user("alice")
    book = books.add(alice.books_key, "Dune", "Frank Herbert", Status.READING, dt.date(2026, 1, 1))
    reader = Browser(app)
    reader.login("alice")
    reader.get("/")  # the page and its card are kept in this process
    outside_rename(app, book, "Dune Messiah")
    assert "Dune Messiah" not in text(reader.get("/"))  # what an uncounted write costs, until…

    result = second_app(app).test_cli_runner().invoke(args=["recount-books", "alice"])  # the operator's way out

    assert result.exit_code == 0, result.output
    assert "Dune Messiah" in text(reader.get("/"))


def test_a_board_rendered_right_after_a_change_is_not_kept(app, make_user, books):
    # DynamoDB's index may lag a change by a moment: a render that soon might miss it.
    settling = second_app(app, BOARD_CACHE_SETTLE_SECONDS=60)
    alice = make_user("alice")
    books.add(alice.books_key, "Dune", "Frank Herbert", Status.READING, dt.date(2026, 1, 1))
    reader = Browser(settling)
    reader.login("alice")
    assert "Dune" in text(reader.get("/"))

    repository_that_does_not_count_changes(app).add(
        alice.books_key, "Emma", "Jane Austen", Status.READING, dt.date(2026, 1, 1)
    )

    assert "Emma" in text(reader.get("/"))  # rendered again: the first render was not kept


# -- the cache itself -------------------------------------------------------------------------------


def test_a_page_is_cut_at_every_per_response_value_and_filled_anew():
    html = '<body data-token="T0K">é<input value="T0K"><input value="ID1">T0KID1</body>'
    page = Page.with_holes(html, {"token": "T0K", "id": "ID1"})

    assert page.holes == ("token", "token", "id", "token", "id")
    assert page.fill({"token": "T0K", "id": "ID1"}) == html.encode()
    assert (
        page.fill({"token": "new", "id": "2"})
        == '<body data-token="new">é<input value="new"><input value="2">new2</body>'.encode()
    )
    assert page.size == len(html.encode()) - 3 * 3 - 2 * 3


def page_of(size: int) -> Page:
    """A page that takes `size` bytes in the cache."""
    return Page.with_holes("x" * size, {})


def test_the_cache_keeps_the_recently_used_pages_within_its_bytes():
    pages = {name: page_of(1000) for name in "abc"}
    cache = PageCache(max_bytes=2500, max_age=60)
    cache.put("a", pages["a"], owner="alice")
    cache.put("b", pages["b"], owner="bob")
    assert cache.get("a") is pages["a"]  # a is now the most recently used

    cache.put("c", pages["c"], owner="carol")

    assert cache.get("b") is None
    assert cache.get("a") is pages["a"] and cache.get("c") is pages["c"]
    assert cache.size == 2000 and len(cache) == 2
    cache.put("huge", page_of(2501), owner="dan")
    assert cache.get("huge") is None and len(cache) == 2  # larger than the cache: not kept


def test_an_owners_new_page_replaces_their_old_one():
    cache = PageCache(max_bytes=100_000, max_age=60)
    old, new, other = page_of(1000), page_of(1000), page_of(1000)
    cache.put(("board", 1, "revision 1"), old, owner=1)
    cache.put(("board", 2, "revision 1"), other, owner=2)

    cache.put(("board", 1, "revision 2"), new, owner=1)

    assert cache.get(("board", 1, "revision 1")) is None  # no one will ask for it again
    assert cache.get(("board", 1, "revision 2")) is new
    assert cache.get(("board", 2, "revision 1")) is other
    assert cache.size == 2000


def test_a_page_is_kept_at_most_max_age_seconds():
    now = [0.0]
    cache = PageCache(max_bytes=1000, max_age=300, clock=lambda: now[0])
    cache.put("board", Page.with_holes("page", {}), owner="alice")
    now[0] = 299.5
    assert cache.get("board") is not None
    now[0] = 300
    assert cache.get("board") is None
    assert cache.size == 0


def test_a_cache_of_zero_bytes_renders_every_view(app, make_user):
    bench = second_app(app, BENCHMARK_MODE=True, PAGE_CACHE_BYTES=0)
    make_user("alice")
    reader = Browser(bench)
    reader.login("alice")

    assert [reader.get("/").headers["X-DynamoDB-Requests"] for _ in range(2)] == ["4", "4"]


def test_a_kept_card_is_as_escaped_as_a_rendered_one(app, make_user, books):
    alice = make_user("alice")
    books.add(alice.books_key, "</script><script>alert(1)</script>", "<b>x</b>", Status.READING, dt.date(2026, 1, 1))
    reader = Browser(app)
    reader.login("alice")

    rendered = text(reader.get("/"))
    from_kept_card = text(reader.client.get("/", headers={"Cache-Control": "no-cache"}))

    for page in (rendered, from_kept_card):
        assert "<script>alert(1)" not in page and "<b>x</b>" not in page
        assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert len(app.extensions["page_cache"]) == 2  # the page and its one card


def test_a_workers_threads_share_the_cache_and_it_keeps_count():
    """gunicorn's threads put and get at once: no error, the bytes counted are the bytes held, and
    still one page per owner."""
    cache = PageCache(max_bytes=2000, max_age=60)
    pages = [page_of(100 + owner) for owner in range(40)]
    errors: list[Exception] = []

    def serve(thread: int) -> None:
        try:
            for step in range(3000):
                owner = (thread * 7 + step) % 40
                cache.put(("board", owner, step % 3), pages[owner], owner=owner)
                cache.get(("board", (owner + 1) % 40, step % 3))
        except Exception as error:  # what a race would raise, reported below
            errors.append(error)

    threads = [threading.Thread(target=serve, args=(number,)) for number in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can, to meet any race
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)

    assert errors == []
    held = {owner: [cache.get(("board", owner, version)) for version in range(3)] for owner in range(40)}
    kept = [page for versions in held.values() for page in versions if page is not None]
    assert all(sum(page is not None for page in versions) <= 1 for versions in held.values())
    assert cache.size == sum(page.size for page in kept) <= 2000
    assert len(cache) == len(kept)


# -- a book deleted and added again under its id -----------------------------------------------------


def add_from_the_form(reader: Browser, form_id: str, title: str, htmx: bool = False) -> None:
    """Submit the board's add form, which carries the book id `form_id` made when it was shown."""
    response = reader.post(
        "/books", {"title": title, "author": "Someone", "status": "not_started", "book_id": form_id}, htmx=htmx
    )
    assert response.status_code == (200 if htmx else 303), text(response)[:500]


def card_titles(page: str) -> dict[str, str]:
    """Each card's title on a page, by book id (messages may name a book too: they do not count)."""
    return dict(
        re.findall(r'<h3 class="card-title" id="book-([0-9A-Z]{26})-title"><a href="[^"]*">([^<]*)</a></h3>', page)
    )


def test_a_deleted_book_added_again_from_the_same_form_shows_what_is_stored(reader):
    for htmx in (False, True):
        form_id = NEW_BOOK_ID.search(text(reader.get("/"))).group(1)
        add_from_the_form(reader, form_id, f"First title {htmx}", htmx=htmx)
        reader.get("/")  # shows the message
        assert card_titles(text(reader.get("/"))) == {form_id: f"First title {htmx}"}  # its card is kept
        assert reader.post(f"/books/{form_id}/delete", htmx=htmx).status_code == (200 if htmx else 303)

        add_from_the_form(reader, form_id, f"Second title {htmx}", htmx=htmx)  # the same form, again

        reader.get("/")  # shows the message
        assert card_titles(text(reader.get("/"))) == {form_id: f"Second title {htmx}"}
        assert card_titles(text(reader.get(f"/books/{form_id}"))) == {form_id: f"Second title {htmx}"}
        assert reader.post(f"/books/{form_id}/delete", htmx=htmx).status_code == (200 if htmx else 303)


def test_a_deleted_book_added_again_through_another_worker_shows_what_is_stored(app, make_user):
    make_user("alice")
    here, there = Browser(app), Browser(second_app(app))
    here.login("alice")
    there.login("alice")
    form_id = NEW_BOOK_ID.search(text(there.get("/"))).group(1)
    add_from_the_form(there, form_id, "First title")
    there.get("/")  # shows the message
    assert card_titles(text(here.get("/"))) == {form_id: "First title"}  # this worker keeps its card

    assert there.post(f"/books/{form_id}/delete").status_code == 303
    add_from_the_form(there, form_id, "Second title", htmx=True)

    assert card_titles(text(here.get("/"))) == {form_id: "Second title"}


def test_deleting_a_book_forgets_its_cards(reader, app):
    form_id = NEW_BOOK_ID.search(text(reader.get("/"))).group(1)
    add_from_the_form(reader, form_id, "Dune")
    reader.get("/")  # shows the message
    reader.get("/")  # renders the card, and keeps it and the page
    cache = app.extensions["page_cache"]
    kept = len(cache)

    reader.post(f"/books/{form_id}/delete")

    assert len(cache) == kept - 1  # the card; the page stays until the reader's next view replaces it
