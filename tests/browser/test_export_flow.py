"""The export page in the browser: reached from the board's navigation, both downloads arrive as
files with dated names, a JSON export uploaded into another account brings its books, a wrong file
is refused beside the field, and axe finds no violation on any of these states."""

from __future__ import annotations

import csv
import io
import json
import re

from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.test_board_flow import expect_counts, sign_in
from tests.browser.test_screenshots import screenshots_dir, shoot
from tests.library_fixtures import TODAY, shelve


def open_export_page(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Export").click()
    expect(page).to_have_title(re.compile(r"^Export your books"))
    expect(page.get_by_role("link", name="Export")).to_have_attribute("aria-current", "page")


def test_download_both_files_and_bring_the_json_into_another_account(new_page, make_user, books, tmp_path):
    alice = make_user("alice")
    make_user("carol")
    shelve(books, alice.books_key)
    page = new_page()
    sign_in(page, "alice")
    open_export_page(page)
    assert_accessible(page, "export page")
    shoot(page, screenshots_dir(), "export")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download Goodreads CSV").click()
    with page.expect_download() as json_download:
        page.get_by_role("link", name="Download everything (JSON)").click()

    assert csv_download.value.suggested_filename == f"book-tracking-online-goodreads-{TODAY.isoformat()}.csv"
    rows = list(csv.DictReader(io.StringIO(csv_download.value.path().read_text(encoding="utf-8"))))
    assert {row["Title"] for row in rows} >= {"Dune", "The Hobbit", "Tiny"}
    library_file = tmp_path / json_download.value.suggested_filename
    json_download.value.save_as(library_file)
    assert library_file.name == f"book-tracking-online-library-{TODAY.isoformat()}.json"
    assert len(json.loads(library_file.read_text(encoding="utf-8"))["books"]) == 5

    other = new_page()
    sign_in(other, "carol")
    open_export_page(other)
    other.get_by_label("Library export (.json)").set_input_files(str(library_file))
    other.get_by_role("button", name="Import").click()

    expect(other.get_by_text("Imported 5 books.")).to_be_visible()
    assert_accessible(other, "export page, after an import")
    other.get_by_role("link", name="Board", exact=True).click()
    expect_counts(other, 1, 1, 2)  # and the fifth book on the Did not finish shelf
    expect(other.get_by_role("link", name="The Hobbit")).to_be_visible()


def test_a_wrong_file_is_refused_beside_the_field(page: Page, page_problems, make_user, tmp_path):
    page_problems.allow_status(422)  # the form's answer when it refuses the file
    make_user("alice")
    wrong = tmp_path / "goodreads.csv"
    wrong.write_text("Book Id,Title\n1,Dune\n", encoding="utf-8")
    sign_in(page, "alice")
    open_export_page(page)

    field = page.get_by_label("Library export (.json)")
    field.set_input_files(str(wrong))
    page.get_by_role("button", name="Import").click()

    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("This file is not JSON"))
    assert_accessible(page, "export page, a file refused")
