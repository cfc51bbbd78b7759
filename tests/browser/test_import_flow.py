"""Importing from the browser: upload → preview → mapping a shelf → the progress bar → done →
repairing a bad row, with no accessibility violation on any step; and the preview's screenshot."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from bookapp.books import Status
from tests.browser.accessibility import assert_accessible
from tests.browser.test_board_flow import sign_in
from tests.browser.test_screenshots import DESKTOP, screenshots_dir, shoot
from tests.test_import_parsers import SAMPLES, goodreads_row

PAUSED = goodreads_row(
    **{"Book Id": "9001", "Title": "Paused Book", "Author": "Ann Author", "Exclusive Shelf": "paused"}
)
BAD = goodreads_row(**{"Book Id": "9002", "Title": "Bad Rating", "Author": "Ann Author", "My Rating": "7"})


def export_file(tmp_path, extra_rows: int = 0):
    """The Goodreads sample, a book on a custom shelf, a bad row, and `extra_rows` more books."""
    sample = (SAMPLES / "goodreads_library_export.csv").read_text(encoding="utf-8-sig")
    more = [
        goodreads_row(**{"Book Id": str(i), "Title": f"Extra {i}", "Exclusive Shelf": "to-read"})
        for i in range(extra_rows)
    ]
    path = tmp_path / "goodreads_library_export.csv"
    path.write_text(sample.rstrip("\n") + "\n" + "\n".join([PAUSED, BAD, *more]) + "\n", encoding="utf-8")
    return path


def upload(page: Page, path) -> None:
    page.goto("/")
    page.get_by_role("link", name="Import books from Goodreads or StoryGraph").click()
    expect(page.get_by_role("heading", name="Import from Goodreads or StoryGraph")).to_be_visible()
    page.get_by_label("Your Goodreads or StoryGraph export (.csv)").set_input_files(path)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Preview of your import")).to_be_visible()


def test_upload_preview_map_progress_done_and_repair(page: Page, make_user, books, tmp_path, page_problems):
    reader = make_user("alice")
    sign_in(page, "alice")
    page.goto("/import")
    assert_accessible(page, "the upload page")
    upload(page, export_file(tmp_path, extra_rows=600))
    expect(page.locator("#import-format")).to_contain_text("Goodreads library export")
    assert_accessible(page, "the preview")

    page.get_by_label("Books on “paused” go to").select_option("reading")
    page.get_by_label("Keep “paused” as a tag").uncheck()
    page.get_by_role("button", name="Update the preview").click()
    expect(page.get_by_label("Books on “paused” go to")).to_have_value("reading")
    page.get_by_role("button", name=re.compile(r"^Import [\d,]+ books$")).click()

    expect(page.locator("progress#import-progress")).to_be_visible()
    assert_accessible(page, "the progress page")
    expect(page.locator("#import-done")).to_contain_text("Import done.", timeout=60_000)
    expect(page.locator("#import-done")).to_contain_text("641 books added")
    assert_accessible(page, "the finished import with its repair list")

    page_problems.allow_status(422)
    row = page.locator("li", has=page.get_by_role("heading", name=re.compile(r"^Line \d+: Bad Rating")))
    expect(row).to_contain_text("My Rating “7” is not a rating")
    row.get_by_label("My Rating").fill("4")
    row.get_by_role("button", name=re.compile(r"^Import line")).click()
    expect(page.locator("#messages")).to_contain_text("imported.")
    expect(page.get_by_role("heading", name="Rows to repair")).to_have_count(0)

    library = {book.title: book for book in books.all_for_user(reader.books_key)}
    assert library["Paused Book"].status is Status.READING and library["Paused Book"].tags == ()
    assert library["Bad Rating"].rating == 4
    page.get_by_role("link", name="See your board").click()
    expect(page.locator("#count-not_started")).to_contain_text(str(books.counts(reader.books_key)[Status.NOT_STARTED]))


def test_screenshots_of_the_import_preview(new_page, make_user, tmp_path):
    make_user("grace")
    page = new_page(viewport=DESKTOP, color_scheme="light", reduced_motion="reduce")
    sign_in(page, "grace")
    upload(page, export_file(tmp_path))
    shoot(page, screenshots_dir(), "import-preview")


def test_an_import_without_javascript(new_page, make_user, books, tmp_path):
    reader = make_user("alice")
    page = new_page(java_script_enabled=False)
    sign_in(page, "alice")
    upload(page, export_file(tmp_path, extra_rows=450))
    page.get_by_role("button", name=re.compile(r"^Import [\d,]+ books$")).click()
    for _ in range(5):
        button = page.get_by_role("button", name="Import the next rows")
        if not button.count():
            break
        button.click()  # without JavaScript, each press imports the next chunk
    expect(page.locator("#import-done")).to_contain_text("491 books added")
    assert len(list(books.all_for_user(reader.books_key))) == 491


def test_the_preview_and_the_finished_import_are_accessible_in_dark_mode(new_page, make_user, tmp_path, page_problems):
    make_user("alice")
    page = new_page(color_scheme="dark")
    sign_in(page, "alice")
    upload(page, export_file(tmp_path))
    assert_accessible(page, "the preview in dark mode")
    page.get_by_role("button", name=re.compile(r"^Import [\d,]+ books$")).click()
    expect(page.locator("#import-done")).to_contain_text("Import done.")
    assert_accessible(page, "the finished import in dark mode")
