"""The API's PATCH of a book's read-throughs: the whole history sent at once, checked by the book
page's rules, versioned like every write, and shown on the book page and the board's card."""

import datetime as dt

import pytest

from bookapp.books.reads import MAX_READ_THROUGHS
from bookapp.users import repository as users
from bookapp.users.access_tokens import Scope
from tests.api_helpers import ApiClient, make_token
from tests.conftest import Browser

TODAY = dt.datetime.now(dt.UTC).date().isoformat()


@pytest.fixture
def api(app, make_user):
    """alice's script, with a read-and-write token."""
    make_user("alice")
    return ApiClient(app, make_token(app, "alice"))


def read(outcome: str = "finished", started: str | None = None, ended: str | None = None, progress=None) -> dict:
    return {"outcome": outcome, "started": started, "ended": ended, "progress": progress}


def patch_reads(api, book: dict, reads: list[dict], **fields):
    return api.patch(f"/books/{book['id']}", {"version": book["version"], "reads": reads, **fields})


def refused_fields(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    return {error["field"]: error["reason"] for error in response.get_json()["errors"]}


def test_the_history_is_replaced_and_kept_newest_first(api):
    book = api.add(status="finished")
    response = patch_reads(
        api,
        book,
        [read(started="2015-03", ended="2015-04-02"), read(started="2019", ended="2019-07"), read()],
    )
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["version"] == 2 and response.headers["ETag"] == '"2"'
    assert changed["reads"] == [
        read(started="2019", ended="2019-07"),
        read(started="2015-03", ended="2015-04-02"),
        read(),  # "read, date unknown": last
    ]  # the move's read-through of today is gone: the history sent replaces it
    assert api.get(f"/books/{book['id']}").get_json() == changed


def test_the_history_as_get_answers_it_comes_back_unchanged_and_writes_nothing(api):
    book = api.add(status="reading")
    book = api.patch(f"/books/{book['id']}", {"version": 1, "status": "finished"}).get_json()
    response = patch_reads(api, book, book["reads"])
    assert response.status_code == 200 and response.get_json() == book


def test_an_empty_list_clears_the_history_of_a_book_not_being_read(api):
    book = api.add(status="finished")
    response = patch_reads(api, book, [])
    assert response.status_code == 200 and response.get_json()["reads"] == []


def test_a_past_read_is_added_with_its_date_unknown_beside_the_open_one(api):
    book = api.add(status="reading")
    open_read = book["reads"][0]
    response = patch_reads(api, book, [read(), {**open_read, "progress": {"page": 40}}])
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["reads"] == [{**open_read, "progress": {"page": 40, "percent": None}}, read()]
    assert changed["progress"] == {"page": 40, "percent": None}


def test_a_read_given_up_keeps_where_the_reader_stopped(api):
    book = api.add(status="did_not_finish")
    given_up = read("did_not_finish", "2021-02", "2021-03-09", {"percent": 30})
    response = patch_reads(api, book, [given_up])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["reads"] == [{**given_up, "progress": {"page": None, "percent": 30}}]


@pytest.mark.parametrize(
    ("sent", "field", "reason"),
    [
        (read(started="2019-13"), "reads[1].started", "There is no month 13: enter a month from 01 to 12."),
        (read(ended="2019-02-30"), "reads[1].ended", "February 2019 has no day 30: it has 28 days."),
        (read(started="0999"), "reads[1].started", "Enter a year from 1000 to 9999."),
        (
            read(started="2019-07-14", ended="2019-06"),
            "reads[1].ended",
            "The finish date (June 2019) is before the start date (14 July 2019): check both dates.",
        ),
        (
            read("did_not_finish", "2019-07-14", "2018"),
            "reads[1].ended",
            "The day you stopped (2018) is before the start (14 July 2019): check both dates.",
        ),
        (
            read(started="2019", progress={"page": 301}),
            "reads[1].progress",
            "This book has 300 pages: enter a page from 0 to 300.",
        ),
    ],
)
def test_a_read_through_the_record_refuses_is_named_by_its_place_and_nothing_is_written(api, sent, field, reason):
    book = api.add(status="finished")
    book = api.patch(f"/books/{book['id']}", {"version": 1, "pages": 300}).get_json()
    response = patch_reads(api, book, [read(started="2020"), sent], rating=4)
    assert refused_fields(response) == {field: reason}
    assert api.get(f"/books/{book['id']}").get_json() == book


def test_a_date_not_written_as_a_partial_date_is_refused_by_the_schema(api):
    book = api.add(status="finished")
    response = patch_reads(api, book, [read(), read(started="July 2019")])
    assert set(refused_fields(response)) == {"reads[1].started"}


def test_every_bad_read_through_is_named_at_once(api):
    book = api.add(status="finished")
    response = patch_reads(api, book, [read(started="2019-13"), read(), read(started="2020", ended="2019")])
    assert set(refused_fields(response)) == {"reads[0].started", "reads[2].ended"}


def test_only_one_read_through_is_open_and_only_in_reading(api):
    reading = api.add(status="reading")
    open_read = reading["reads"][0]
    two_open = patch_reads(api, reading, [open_read, read("reading", "2019")])
    assert set(refused_fields(two_open)) == {"reads[1].outcome"}
    none_open = patch_reads(api, reading, [read(started="2019")])
    assert "is in Reading" in refused_fields(none_open)["reads"]
    closed = patch_reads(api, reading, [{**open_read, "ended": TODAY}])
    assert "move it on the board to finish it" in refused_fields(closed)["reads[0].ended"]
    waiting = api.add(title="Emma")
    open_elsewhere = patch_reads(api, waiting, [read("reading", "2019")])
    assert "Only a book in Reading" in refused_fields(open_elsewhere)["reads[0].outcome"]
    assert api.get(f"/books/{reading['id']}").get_json() == reading


def test_reads_are_applied_after_a_move_in_the_same_change(api):
    book = api.add()
    into_reading = patch_reads(api, book, [read("reading", "2026-01"), read(started="2019")], status="reading")
    assert into_reading.status_code == 200, into_reading.get_json()
    moved = into_reading.get_json()
    assert moved["status"] == "reading" and [r["started"] for r in moved["reads"]] == ["2026-01", "2019"]
    # Out of Reading the history sent must end the open read-through: the move's end of it is replaced.
    still_open = patch_reads(api, moved, moved["reads"], status="finished")
    assert "Only a book in Reading" in refused_fields(still_open)["reads[0].outcome"]
    finished = patch_reads(
        api, moved, [read(started="2026-01", ended="2026-02"), read(started="2019")], status="finished"
    )
    assert finished.status_code == 200 and finished.get_json()["status"] == "finished"
    assert finished.get_json()["reads"][0] == read(started="2026-01", ended="2026-02")


def test_progress_is_set_after_reads(api):
    book = api.add(status="reading")
    response = patch_reads(api, book, [{**book["reads"][0], "progress": {"page": 10}}], progress={"percent": 50})
    assert response.get_json()["reads"][0]["progress"] == {"page": None, "percent": 50}


def test_pages_and_reads_in_one_change_are_checked_against_each_other(api):
    book = api.add(status="reading")
    book = api.patch(f"/books/{book['id']}", {"version": 1, "pages": 300, "progress": {"page": 250}}).get_json()
    fewer_pages = patch_reads(api, book, [{**book["reads"][0], "progress": {"page": 100}}], pages=200)
    assert fewer_pages.status_code == 200, fewer_pages.get_json()
    book = fewer_pages.get_json()
    more_pages = patch_reads(api, book, [{**book["reads"][0], "progress": {"page": 400}}], pages=500)
    assert more_pages.status_code == 200, more_pages.get_json()
    too_far = patch_reads(api, more_pages.get_json(), [{**book["reads"][0], "progress": {"page": 600}}])
    assert set(refused_fields(too_far)) == {"reads[0].progress"}


def test_no_more_read_throughs_than_the_book_page_allows(api):
    book = api.add(status="finished")
    most = [read(started=f"{2000 + number % 20}") for number in range(MAX_READ_THROUGHS)]
    full = patch_reads(api, book, most)
    assert full.status_code == 200 and len(full.get_json()["reads"]) == MAX_READ_THROUGHS
    one_more = patch_reads(api, full.get_json(), [*most, read()])
    assert "up to 200 read-throughs" in refused_fields(one_more)["reads"]
    past_the_schema = patch_reads(api, full.get_json(), [read()] * (MAX_READ_THROUGHS + 2))
    assert set(refused_fields(past_the_schema)) == {"reads"}
    assert len(api.get(f"/books/{book['id']}").get_json()["reads"]) == MAX_READ_THROUGHS


def test_null_is_not_a_history(api):
    book = api.add(status="finished")
    assert set(refused_fields(patch_reads(api, book, None))) == {"reads"}


def test_a_stale_version_is_409_and_writes_nothing(api):
    book = api.add(status="finished")
    api.patch(f"/books/{book['id']}", {"version": 1, "title": "Dune (1965)"})
    response = patch_reads(api, book, [])
    assert response.status_code == 409 and response.get_json()["book"]["version"] == 2
    assert len(api.get(f"/books/{book['id']}").get_json()["reads"]) == 1


def test_a_read_only_token_cannot_change_reads(app, api):
    book = api.add(status="finished")
    reader = ApiClient(app, make_token(app, "alice", scope=Scope.READ))
    assert patch_reads(reader, book, []).status_code == 403
    assert api.get(f"/books/{book['id']}").get_json() == book


def test_another_readers_book_is_not_found(app, api, make_user):
    make_user("bob")
    bob = ApiClient(app, make_token(app, "bob"))
    bobs = bob.add(status="finished")
    assert patch_reads(api, bobs, []).status_code == 404
    assert bob.get(f"/books/{bobs['id']}").get_json() == bobs


def test_the_new_history_shows_on_the_book_page_and_the_card_at_the_next_view(api, app):
    browser = Browser(app)
    browser.login("alice")
    book = api.add(status="finished")
    board = browser.get("/").get_data(as_text=True)  # kept in the page cache
    assert "Read ×" not in board
    with app.app_context():
        revision = users.find_by_username("alice").books_revision
    response = patch_reads(
        api, book, [read(started="2019", ended="2019-07"), read(), read(started="2010", ended="2010")]
    )
    assert response.status_code == 200
    with app.app_context():
        assert users.find_by_username("alice").books_revision > revision
    card = browser.get("/").get_data(as_text=True).split(f'id="book-{book["id"]}"', 1)[1].split("</article>", 1)[0]
    assert "Read ×3" in card
    page = browser.get(f"/books/{book['id']}").get_data(as_text=True)
    reads = page.split('id="book-reads"', 1)[1].split("</section>", 1)[0]
    assert "Started 2019, finished July 2019" in reads and "Date unknown" in reads
    assert reads.index("Started 2019") < reads.index("Started 2010") < reads.index("Date unknown")


def test_the_openapi_document_and_the_reference_page_describe_reads(app, api):
    document = api.get("/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    change = schemas["BookChangeIn"]["properties"]["reads"]
    assert change["items"] == {"$ref": "#/components/schemas/ReadThroughIn"}
    assert change["maxItems"] == MAX_READ_THROUGHS + 1
    assert set(schemas["ReadThroughIn"]["properties"]) == {"outcome", "started", "ended", "progress"}
    assert schemas["ReadThroughIn"]["required"] == ["outcome"]
    page = app.test_client().get("/api/docs").get_data(as_text=True)
    assert "ReadThroughIn" in page and "replaces the whole" in page
