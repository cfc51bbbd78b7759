"""Importing an export file from the web: upload, preview, start, chunks, cancel, repair, report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import update

from bookapp.books import Status
from bookapp.books.reads import Outcome
from bookapp.books.record import PartialDate
from bookapp.extensions import db
from bookapp.imports import jobs, repository
from bookapp.imports.models import ImportJob, ImportRow
from tests.conftest import Browser
from tests.test_import_parsers import GOODREADS_HEADER, SAMPLES, goodreads_row

GOODREADS_SAMPLE = (SAMPLES / "goodreads_library_export.csv").read_bytes()
STORYGRAPH_SAMPLE = (SAMPLES / "storygraph_export.csv").read_bytes()
TWO_CHUNKS_AND_SOME = 2 * jobs.CHUNK_ROWS + 50


def upload(reader: Browser, data: bytes, filename: str = "library.csv"):
    return reader.post("/import", {"export_file": (io.BytesIO(data), filename)})


def uploaded_job_url(reader: Browser, data: bytes) -> str:
    response = upload(reader, data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def run_to_the_end(reader: Browser, job_url: str, choices: dict | None = None, polls: int = 100) -> str:
    assert (
        reader.post(f"{job_url}/start", {"existing": "update", "action": "start", **(choices or {})}).status_code == 303
    )
    for _ in range(polls):
        page = reader.post(f"{job_url}/next", htmx=True).get_data(as_text=True)
        if 'id="import-done"' in page:
            return reader.get(job_url).get_data(as_text=True)
    raise AssertionError("the import did not finish")


def all_books(books, user):
    return {book.title: book for book in books.all_for_user(user.books_key)}


def generated_file(count: int) -> bytes:
    rows = [
        goodreads_row(**{"Book Id": str(i), "Title": f"Generated {i}", "Exclusive Shelf": "to-read"})
        for i in range(count)
    ]
    return "\n".join([GOODREADS_HEADER, *rows, ""]).encode()


def sample_counts() -> dict[str, int]:
    counted: dict[str, int] = {}
    for row in csv.DictReader(io.StringIO(GOODREADS_SAMPLE.decode("utf-8-sig"))):
        counted[row["Exclusive Shelf"]] = counted.get(row["Exclusive Shelf"], 0) + 1
    return counted


def test_the_board_links_to_the_import(reader):
    assert 'href="/import"' in reader.get("/").get_data(as_text=True)


def test_the_preview_recognises_the_file_and_writes_nothing(reader, books, make_user):
    alice = make_user("bob")  # another reader's library is not alice's
    job_url = uploaded_job_url(reader, GOODREADS_SAMPLE)
    page = reader.get(job_url).get_data(as_text=True)
    assert "Recognised as a <strong>Goodreads library export</strong>" in page
    expected = sample_counts()
    assert f'data-status="not_started">{expected["to-read"]}<' in page
    assert f'data-status="reading">{expected["currently-reading"]}<' in page
    assert f'data-status="finished">{expected["read"]}<' in page
    assert "0 already in your library" in page
    assert page.count("<tr>") >= 10  # the first ten rows as they will land
    assert "Steve Jobs" in page and "Finished (5 July 2016); Finished" in page
    assert list(books.all_for_user("1")) == [] and list(books.all_for_user(alice.books_key)) == []


def test_an_import_lands_every_book_with_its_record_and_the_board_shows_them(reader, books, make_user, app):
    page = run_to_the_end(reader, uploaded_job_url(reader, GOODREADS_SAMPLE))
    assert "40 books added" in page
    library = {book.title: book for book in books.all_for_user(reader_id(reader, app))}
    assert len(library) == 40
    steve = library["Steve Jobs"]
    assert steve.status is Status.FINISHED and steve.isbn13 == "9789139099604"
    assert [(read.outcome, read.ended) for read in steve.reads] == [
        (Outcome.FINISHED, PartialDate(2016, 7, 5)),
        (Outcome.FINISHED, None),
    ]
    assert steve.notes == "Loved it.\nSecond line, with a comma." and steve.tags == ("book-club", "classics")
    assert library["Murder on the Orient Express"].rating == 3
    counts = books.counts(reader_id(reader, app))
    expected = sample_counts()
    assert counts[Status.NOT_STARTED] == expected["to-read"] and counts[Status.FINISHED] == expected["read"]
    board = reader.get("/").get_data(as_text=True)  # the board's cache saw the import
    assert f'id="count-finished">{expected["read"]}<' in board
    newest_to_read = max(
        (
            row
            for row in csv.DictReader(io.StringIO(GOODREADS_SAMPLE.decode("utf-8-sig")))
            if row["Exclusive Shelf"] == "to-read"
        ),
        key=lambda row: row["Date Added"],
    )
    assert newest_to_read["Title"] in board.split('id="cards-not_started"')[1][:3000]  # on top: newest added
    assert "classics" in books.reader_tags(reader_id(reader, app))


def reader_id(reader: Browser, app) -> str:
    with app.app_context():
        return str(db.session.scalar(db.select(ImportJob.user_id).limit(1)))


def test_importing_the_same_file_again_adds_nothing_twice(reader, books, app):
    run_to_the_end(reader, uploaded_job_url(reader, GOODREADS_SAMPLE))
    user_id = reader_id(reader, app)
    before = {book.book_id: book for book in books.all_for_user(user_id)}
    second = uploaded_job_url(reader, GOODREADS_SAMPLE)
    assert "40 already in your library" in reader.get(second).get_data(as_text=True)
    page = run_to_the_end(reader, second)
    assert "0 books added, 0 updated, 40 unchanged" in page
    after = {book.book_id: book for book in books.all_for_user(user_id)}
    assert after == before
    assert sum(books.counts(user_id).values()) == 40


def test_a_double_submit_of_start_starts_once(reader, books, app):
    job_url = uploaded_job_url(reader, GOODREADS_SAMPLE)
    run_to_the_end(reader, job_url)
    again = reader.post(f"{job_url}/start", {"existing": "update", "action": "start"})
    assert again.status_code == 303
    assert len(list(books.all_for_user(reader_id(reader, app)))) == 40


def test_reimport_never_moves_a_book_backwards_nor_loses_a_read(reader, books, app):
    run_to_the_end(reader, uploaded_job_url(reader, GOODREADS_SAMPLE))
    user_id = reader_id(reader, app)
    steve = next(book for book in books.all_for_user(user_id) if book.title == "Steve Jobs")
    # An older export, from before the book was read: to-read, no reads.
    older = "\n".join([GOODREADS_HEADER, goodreads_row(**{"Book Id": "1000007", "Title": "Steve Jobs",
                                                         "Author": "Walter Isaacson", "Exclusive Shelf": "to-read",
                                                         "Bookshelves": "biography"})]).encode()  # fmt: skip
    job_url = uploaded_job_url(reader, older)
    preview = reader.get(job_url).get_data(as_text=True)
    assert "Finished here, Not started in the file → stays Finished" in preview
    run_to_the_end(reader, job_url)
    now = books.get(user_id, steve.book_id)
    assert now.status is Status.FINISHED and now.reads == steve.reads
    assert now.tags == ("book-club", "classics", "biography")


def test_books_already_in_the_library_can_be_skipped(reader, books, app):
    reader.post("/books", {"title": "Dune", "author": "Frank Herbert", "status": "not_started"})
    data = "\n".join([GOODREADS_HEADER, goodreads_row(**{"My Rating": "5"})]).encode()
    job_url = uploaded_job_url(reader, data)
    assert "1 already in your library" in reader.get(job_url).get_data(as_text=True)
    page = run_to_the_end(reader, job_url, {"existing": "skip"})
    assert "1 skipped" in page
    (dune,) = books.all_for_user(reader_id(reader, app))
    assert dune.status is Status.NOT_STARTED and dune.rating is None


def test_unknown_shelves_are_mapped_as_the_reader_chooses(reader, books, app):
    data = "\n".join([
        GOODREADS_HEADER,
        goodreads_row(**{"Book Id": "1", "Title": "Paused one", "Exclusive Shelf": "paused"}),
        goodreads_row(**{"Book Id": "2", "Title": "Given up", "Exclusive Shelf": "abandoned"}),
    ]).encode()  # fmt: skip
    job_url = uploaded_job_url(reader, data)
    preview = reader.get(job_url).get_data(as_text=True)
    assert "Books on “paused” go to" in preview and "Books on “abandoned” go to" in preview
    # "abandoned" is offered as Did not finish; "paused" as Not started, until the reader says otherwise.
    assert re.search(r'<option selected value="did_not_finish">Did not finish', preview)
    shelves = re.findall(r"<strong>([a-z]+)</strong>: 1 book<", preview)
    choices = {}
    for index, shelf in enumerate(shelves):
        if shelf == "paused":
            choices[f"shelf_{index}"] = "reading"  # and not kept as a tag: the checkbox is left out
        else:
            choices.update({f"shelf_{index}": "did_not_finish", f"shelf_{index}_tag": "y"})
    run_to_the_end(reader, job_url, choices)
    library = all_books(books, type("U", (), {"books_key": reader_id(reader, app)}))
    assert library["Paused one"].status is Status.READING and library["Paused one"].tags == ()
    assert library["Given up"].status is Status.DID_NOT_FINISH and library["Given up"].tags == ("abandoned",)
    assert books.counts(reader_id(reader, app))[Status.DID_NOT_FINISH] == 1


def test_a_chunk_cut_short_is_run_again_without_doubling_anything(reader, books, app):
    job_url = uploaded_job_url(reader, generated_file(TWO_CHUNKS_AND_SOME))
    job_id = int(job_url.rsplit("/", 1)[1])
    reader.post(f"{job_url}/start", {"existing": "update", "action": "start"})
    reader.post(f"{job_url}/next")  # the first chunk
    # As if the worker had been killed after its DynamoDB writes and before its SQL commit: the
    # rows' outcomes and the cursor are as before the chunk, and the lease is still held.
    with app.app_context():
        db.session.execute(update(ImportRow).where(ImportRow.job_id == job_id).values(outcome=None))
        db.session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id)
            .values(cursor_line=0, done_rows=0, created=0, lease_until=dt.datetime(2999, 1, 1))
        )
        db.session.commit()
    page = reader.post(f"{job_url}/next", htmx=True).get_data(as_text=True)
    assert f"0 of {TWO_CHUNKS_AND_SOME} rows" in page  # held by the "killed" worker: nothing happens
    with app.app_context():
        db.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(lease_until=dt.datetime(2000, 1, 1)))
        db.session.commit()
    for _ in range(10):
        page = reader.post(f"{job_url}/next", htmx=True).get_data(as_text=True)
        if 'id="import-done"' in page:
            break
    assert f"{TWO_CHUNKS_AND_SOME} books added" in page
    user_id = reader_id(reader, app)
    assert len(list(books.all_for_user(user_id))) == TWO_CHUNKS_AND_SOME
    assert books.counts(user_id)[Status.NOT_STARTED] == TWO_CHUNKS_AND_SOME


def test_cancel_keeps_what_was_imported_and_says_how_much(reader, books, app):
    job_url = uploaded_job_url(reader, generated_file(TWO_CHUNKS_AND_SOME))
    reader.post(f"{job_url}/start", {"existing": "update", "action": "start"})
    reader.post(f"{job_url}/next")
    response = reader.post(f"{job_url}/cancel")
    assert response.status_code == 303
    page = reader.get(job_url).get_data(as_text=True)
    assert (
        f"Import cancelled. {jobs.CHUNK_ROWS} books were imported or updated and stay in your library; "
        f"{TWO_CHUNKS_AND_SOME - jobs.CHUNK_ROWS} rows were not imported." in page
    )
    reader.post(f"{job_url}/next")
    user_id = reader_id(reader, app)
    assert len(list(books.all_for_user(user_id))) == jobs.CHUNK_ROWS
    assert books.counts(user_id)[Status.NOT_STARTED] == jobs.CHUNK_ROWS


def test_bad_rows_are_listed_repaired_in_place_or_dismissed_and_reported(reader, books, app):
    page = run_to_the_end(reader, uploaded_job_url(reader, STORYGRAPH_SAMPLE))
    assert "38 books added" in page
    assert "Rows to repair (2)" in page
    assert "Line 11: Norwegian Wood" in page and "Star Rating “5.50” is not a rating" in page
    job_url = re.search(r'action="(/import/\d+)/rows/11"', page).group(1)
    cells = dict(re.findall(r'id="row-11-cell-\d+" name="(cell-\d+)" value="([^"]*)"', page))
    still_bad = reader.post(f"{job_url}/rows/11", {**cells, "cell-4": "seven"})
    assert still_bad.status_code == 422
    assert "Star Rating “seven” is not a rating" in still_bad.get_data(as_text=True)
    assert 'value="seven"' in still_bad.get_data(as_text=True)  # what the reader typed stays
    assert reader.post(f"{job_url}/rows/11", {**cells, "cell-4": "5"}).status_code == 303
    assert reader.post(f"{job_url}/rows/47/dismiss").status_code == 303
    page = reader.get(job_url).get_data(as_text=True)
    assert "Rows to repair" not in page
    library = {book.title: book for book in books.all_for_user(reader_id(reader, app))}
    assert library["Norwegian Wood"].rating == 5 and library["Norwegian Wood"].status is Status.FINISHED
    report = reader.get(f"{job_url}/report.csv")
    assert report.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(report.get_data(as_text=True))))
    assert rows[0] == ["Line", "Outcome", "Reason", "Title", "Author"]
    assert [(row[0], row[1], row[3]) for row in rows[1:]] == [
        ("11", "repaired", "Norwegian Wood"),
        ("47", "dismissed", "The Hitchhiker's Guide to the Galaxy (vol. 2)"),
    ]
    assert "5.50" in rows[2][2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"Title,Author\nDune,Herbert\n", "not a Goodreads or StoryGraph export"),
        ("Book Id,Title,Author,Exclusive Shelf\n1,Été,A,read\n".encode("latin-1"), "not UTF-8 text"),
        (
            b"Book Id,Title,Author,Exclusive Shelf\n"
            + b"".join(b"%d,Fine,A,read\n" % i for i in range(1500))
            + b'9,"Broken" quote,A,read\n',
            "Line 1502 is not valid CSV",
        ),
    ],
)
def test_a_file_that_is_no_export_is_refused_clearly_and_nothing_is_kept(reader, app, data, message):
    response = upload(reader, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ImportJob)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(ImportRow)) == 0


def test_no_file_is_refused_beside_the_field(reader):
    response = reader.post("/import", {})
    assert response.status_code == 422
    assert "Choose the .csv file of your export." in response.get_data(as_text=True)


def test_a_file_over_the_size_cap_is_refused_with_the_limit(reader):
    response = upload(reader, b"x" * (21 * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than 20 MB" in response.get_data(as_text=True)


def test_another_readers_job_and_report_are_not_found(reader, app, make_user):
    job_url = uploaded_job_url(reader, STORYGRAPH_SAMPLE)
    make_user("mallory")
    mallory = Browser(app)
    mallory.login("mallory")
    assert mallory.get(job_url).status_code == 404
    assert mallory.get(f"{job_url}/report.csv").status_code == 404
    for action in ("start", "next", "cancel", "rows/11", "rows/11/dismiss"):
        assert mallory.post(f"{job_url}/{action}", {"existing": "update", "action": "start"}).status_code == 404
    assert reader.get(job_url).status_code == 200


def test_the_preview_of_a_large_file_shows_the_first_ten_rows(reader):
    page = reader.get(uploaded_job_url(reader, generated_file(30))).get_data(as_text=True)
    assert "Generated 9<" in page and "Generated 10<" not in page
    assert "The first 10 rows as they will land" in page


def test_the_job_service_takes_one_chunk_at_a_time(reader, books, app):
    job_url = uploaded_job_url(reader, generated_file(TWO_CHUNKS_AND_SOME))
    reader.post(f"{job_url}/start", {"existing": "update", "action": "start"})
    with app.test_request_context():
        job = db.session.get(ImportJob, int(job_url.rsplit("/", 1)[1]))
        now = dt.datetime(2026, 11, 30, 12)
        assert repository.take_lease(job, now, 60)
        assert not jobs.run_next_chunk(job, books, str(job.user_id), now)  # another worker holds it
        assert jobs.run_next_chunk(job, books, str(job.user_id), now + dt.timedelta(seconds=61))
        assert job.done_rows == jobs.CHUNK_ROWS


def test_titles_that_look_like_html_stay_text_on_the_preview_and_in_the_library(reader, books, app):
    title = '<img src=x onerror="alert(1)"> “Quoted”, 北京 עברית (Series, #2)'
    data = "\n".join([GOODREADS_HEADER, goodreads_row(Title=title)]).encode()
    job_url = uploaded_job_url(reader, data)
    preview = reader.get(job_url).get_data(as_text=True)
    assert "<img src=x" not in preview and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in preview
    run_to_the_end(reader, job_url)
    (book,) = books.all_for_user(reader_id(reader, app))
    assert book.title == title and book.series == "Series"


def test_deleting_an_account_deletes_its_imports(reader, admin, app):
    uploaded_job_url(reader, GOODREADS_SAMPLE)
    with app.app_context():
        alice_id = db.session.scalar(db.select(ImportJob.user_id))
    assert admin.post(f"/admin/users/{alice_id}/delete", {"confirm": "yes"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ImportJob)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(ImportRow)) == 0


def test_asking_for_the_next_rows_of_an_import_not_started_imports_nothing(reader, books, app):
    job_url = uploaded_job_url(reader, GOODREADS_SAMPLE)
    page = reader.post(f"{job_url}/next", htmx=True).get_data(as_text=True)
    assert "This import has not started" in page and "cancelled" not in page
    assert reader.post(f"{job_url}/next").headers["Location"].endswith(job_url)
    assert list(books.all_for_user(reader_id(reader, app))) == []


def test_a_file_with_very_many_shelves_offers_a_choice_for_the_largest(reader):
    rows = [goodreads_row(**{"Book Id": str(i), "Title": f"T{i}", "Exclusive Shelf": f"shelf-{i}"}) for i in range(40)]
    page = reader.get(uploaded_job_url(reader, "\n".join([GOODREADS_HEADER, *rows]).encode())).get_data(as_text=True)
    assert page.count("go to</label>") == 30
    assert "10 more shelves with fewer books land in Not started" in page


def test_a_shelf_kept_as_a_21st_tag_is_a_row_to_repair_with_its_reason(reader, books, app):
    shelves = ", ".join(f"tag-{i}" for i in range(20))
    data = "\n".join([GOODREADS_HEADER, goodreads_row(Bookshelves=shelves, **{"Exclusive Shelf": "paused"})]).encode()
    page = run_to_the_end(reader, uploaded_job_url(reader, data), {"shelf_0": "not_started", "shelf_0_tag": "y"})
    assert "Rows to repair (1)" in page and "up to 20 tags" in page
    assert list(books.all_for_user(reader_id(reader, app))) == []
