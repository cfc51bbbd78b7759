"""The book page: every part of a book's record shown and edited in place, with and without htmx;
what the record refuses is refused beside its field with the input kept and nothing stored."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from bookapp.books import Status
from bookapp.books.reads import MAX_READ_THROUGHS, Outcome, ReadThrough
from bookapp.books.record import NOTES_MAX_LENGTH, BookFormat, PartialDate, Progress
from bookapp.users import repository as users

TODAY = dt.datetime.now(dt.UTC).date()
NO_SUCH_BOOK = "01JABCDEFGHJKMNPQRSTVWXYZ0"
# What each form of the page sends when it saves something (besides the version).
SAVES = {
    "facts": {"isbn": "978-0-306-40615-7", "pages": "412"},
    "rating": {"rating": "4"},
    "notes": {"notes": "Spice."},
    "tags": {"add": "classics"},
    "reads": {"outcome": "finished", "started": "2019", "ended": "2019"},
    "reads/1": {"outcome": "finished", "started": "2018", "ended": ""},
    "reads/1/delete": {},
}
# Another save by the same form, once the first one is stored.
SAVES_AGAIN = {
    "facts": {"pages": "413"},
    "rating": {"rating": "4.5"},
    "notes": {"notes": "Spice, and sand."},
    "tags": {"add": "sci-fi"},
    "reads": {"outcome": "did_not_finish", "started": "2020", "ended": "2020"},
    "reads/1": {"outcome": "finished", "started": "2017", "ended": ""},
    "reads/1/delete": {},
}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def alice_key(reader, app) -> str:
    with app.app_context():
        return users.find_by_username("alice").books_key


@pytest.fixture
def dune(books, alice_key):
    """A book being read, with one earlier read-through: reads[0] is open, reads[1] finished."""
    book = books.add(alice_key, "Dune", "Frank Herbert", Status.READING, TODAY)
    earlier = ReadThrough(Outcome.FINISHED, started=PartialDate(2015, 3), ended=PartialDate(2015, 4, 2))
    return books.save(dataclasses.replace(book, reads=(*book.reads, earlier)), book.version)


def send(reader, book, path: str, data: dict, htmx: bool = False, version: int | None = None):
    """POST one of the book page's forms, with the book's version unless told otherwise."""
    form = {"version": book.version if version is None else version, **data}
    return reader.post(f"/books/{book.book_id}/{path}", form, htmx=htmx)


def part(page: str, name: str) -> str:
    """One part of the page (`facts`, `rating`, …), from its section to the section's end."""
    return page.split(f'id="book-{name}"', 1)[1].split("</section>", 1)[0]


def field_html(page: str, field_id: str) -> str:
    """The input (or textarea, or select) with this id, and what follows it up to the next field."""
    return page.split(f'id="{field_id}"', 1)[1].split('class="form-label"', 1)[0]


def error_of(page: str, field_id: str) -> str:
    """The error shown beside a field (its text), checked to be tied to the field for screen readers."""
    match = re.search(rf'<div id="{field_id}-errors" class="invalid-feedback[^"]*">([^<]*)</div>', page)
    assert match, f"no error beside {field_id}"
    tag = page.split(f'id="{field_id}"', 1)[0].rsplit("<", 1)[1] + page.split(f'id="{field_id}"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in tag and f"{field_id}-errors" in tag and "is-invalid" in tag
    return html.unescape(match.group(1))


# -- the page ----------------------------------------------------------------------------------------


def test_the_book_page_shows_the_card_and_every_part_of_the_record(reader, books, alice_key):
    book = books.add(alice_key, "Dune Messiah", "Frank Herbert", Status.FINISHED, TODAY)
    book = books.save(
        dataclasses.replace(
            book,
            isbn13="9780306406157",
            pages=336,
            year_published=1969,
            series="Dune",
            series_number=Decimal("2"),
            format=BookFormat.EBOOK,
            owned=True,
            rating=Decimal("3.5"),
            notes="First line\n  second, indented\n\n<script>alert(1)</script>",
            tags=("sci-fi", "re-read"),
            reads=(*book.reads, ReadThrough(Outcome.DID_NOT_FINISH, started=PartialDate(2019, 7), ended=None)),
        ),
        book.version,
    )
    response = reader.get(f"/books/{book.book_id}")
    assert response.status_code == 200
    page = text(response)
    assert f'id="book-{book.book_id}"' in page and "Move to Reading" in page  # the card, with its moves
    facts = part(page, "facts")
    assert "978-0306406157" in facts and "(ISBN-10 0306406152)" in facts
    assert "<dd>336</dd>" in facts and "<dd>1969</dd>" in facts and "Dune, book 2" in facts
    assert "<dd>E-book</dd>" in facts and "You own one" in facts
    assert 'value="3.5" id="rating-3-5" checked' in part(page, "rating")
    notes = part(page, "notes")
    assert (
        '<div class="book-notes">First line\n  second, indented\n\n&lt;script&gt;alert(1)&lt;/script&gt;</div>' in notes
    )
    assert "<script>alert" not in page
    tags = part(page, "tags")
    assert '<a href="/?tag=sci-fi">sci-fi</a>' in tags and 'aria-label="Remove the tag re-read"' in tags
    reads = part(page, "reads")
    assert "Started " + PartialDate.from_date(TODAY).display() in reads and "Started July 2019" in reads
    assert reads.index("Finished</span>") < reads.index("Did not finish</span>")  # newest first


def test_the_year_before_the_common_era_and_a_979_isbn_are_shown_as_such(reader, books, alice_key):
    book = books.add(alice_key, "The Iliad", "Homer", Status.NOT_STARTED, TODAY)
    send(reader, book, "facts", {"isbn": "979-10-90636-07-1", "year_published": "-750"})
    facts = part(text(reader.get(f"/books/{book.book_id}")), "facts")
    assert "979-1090636071" in facts and "(ISBN-10" not in facts  # a 979 ISBN has no ISBN-10
    assert "<dd>750 BCE</dd>" in facts


def test_a_book_with_nothing_recorded_says_so_in_each_part(reader, books, alice_key):
    book = books.add(alice_key, "Emma", "Jane Austen", Status.NOT_STARTED, TODAY)
    page = text(reader.get(f"/books/{book.book_id}"))
    assert "Nothing recorded yet." in page and "No notes yet." in page and "No tags yet." in page
    assert "No read-throughs yet." in page and 'value="" id="rating-none" checked' in page


def test_the_book_page_is_reached_from_the_cards_title(reader, books, alice_key):
    book = books.add(alice_key, "Dune", "Frank Herbert", Status.NOT_STARTED, TODAY)
    assert f'<a href="/books/{book.book_id}">Dune</a>' in text(reader.get("/"))


# -- saving, with and without htmx -------------------------------------------------------------------


def test_facts_are_saved_without_javascript_303_back_to_the_page(reader, books, dune, alice_key):
    response = send(
        reader,
        dune,
        "facts",
        {
            "isbn": "0-441-17271-7",
            "pages": "412",
            "year_published": "1965",
            "series": "  Dune   Chronicles ",
            "series_number": "1",
            "format": "paper",
            "owned": "y",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/books/{dune.book_id}#book-facts"
    stored = books.get(alice_key, dune.book_id)
    assert (stored.isbn13, stored.pages, stored.year_published) == ("9780441172719", 412, 1965)
    assert (stored.series, stored.series_number, stored.format, stored.owned) == (
        "Dune Chronicles",
        Decimal("1"),
        BookFormat.PAPER,
        True,
    )
    assert stored.version == dune.version + 1 and stored.reads == dune.reads
    page = text(reader.get(response.headers["Location"]))
    assert "Saved the facts of “Dune”." in page and "978-0441172719" in part(page, "facts")


def test_facts_left_empty_clear_the_record(reader, books, dune, alice_key):
    send(reader, dune, "facts", {"isbn": "9780441172719", "pages": "412", "format": "ebook", "owned": "y"})
    stored = books.get(alice_key, dune.book_id)
    send(reader, stored, "facts", {})
    cleared = books.get(alice_key, dune.book_id)
    assert (cleared.isbn13, cleared.pages, cleared.format, cleared.owned) == ("", None, None, False)


def test_a_save_with_htmx_answers_with_its_part_the_new_version_for_every_form_and_the_card(reader, dune):
    response = send(reader, dune, "facts", SAVES["facts"], htmx=True)
    assert response.status_code == 200
    answer = text(response)
    assert "<html" not in answer and answer.count("<section") == 1 and 'id="book-facts"' in answer
    new_version = dune.version + 1
    assert (
        f'<input type="hidden" name="version" value="{new_version}" class="book-version" '
        'hx-swap-oob="outerHTML:.book-version">' in answer
    )
    assert '<div id="book-card" hx-disable hx-swap-oob="true">' in answer
    card_version = f'<input type="hidden" name="version" value="{new_version}"><input type="hidden" name="from_status"'
    assert card_version in answer
    assert 'id="messages" hx-swap-oob="innerHTML"' in answer and "Saved the facts of “Dune”." in answer
    assert response.headers["HX-Trigger-After-Settle"] == '{"bookapp:focus": "#book-facts summary"}'


@pytest.mark.parametrize("path", list(SAVES))
def test_every_form_saves_without_javascript_and_with_htmx(reader, books, dune, alice_key, path):
    plain = send(reader, dune, path, SAVES[path])
    assert plain.status_code == 303, text(plain)[:300]
    saved = books.get(alice_key, dune.book_id)
    assert saved.version == dune.version + 1
    # The same form again from the page as it is now, with htmx: its part, 200.
    if path == "reads/1/delete":
        saved = books.save(dataclasses.replace(saved, reads=dune.reads), saved.version)  # one to delete again
    response = send(reader, saved, path, SAVES_AGAIN[path], htmx=True)
    assert response.status_code == 200, text(response)[:300]
    part_name = path.split("/")[0]
    assert f'id="book-{part_name}"' in text(response) and "<html" not in text(response)
    assert books.get(alice_key, dune.book_id).version == saved.version + 1


def test_two_saves_in_a_row_each_carry_the_version_the_last_answered(reader, books, dune, alice_key):
    first = send(reader, dune, "rating", {"rating": "5"}, htmx=True)
    version = int(re.search(r'value="(\d+)" class="book-version" hx-swap-oob', text(first)).group(1))
    second = send(reader, dune, "notes", {"notes": "Read it again."}, htmx=True, version=version)
    assert second.status_code == 200
    stored = books.get(alice_key, dune.book_id)
    assert (stored.rating, stored.notes, stored.version) == (Decimal("5"), "Read it again.", dune.version + 2)


def test_saving_what_the_book_already_has_writes_nothing(reader, books, dune, alice_key):
    response = send(reader, dune, "notes", {"notes": ""}, htmx=True)
    assert response.status_code == 200 and "Nothing to change in “Dune”." in text(response)
    assert 'hx-swap-oob="outerHTML:.book-version"' not in text(response)
    assert books.get(alice_key, dune.book_id) == dune


# -- the rating --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sent", "stored"), [("4.5", Decimal("4.5")), ("0.5", Decimal("0.5")), ("5", Decimal("5"))])
def test_a_rating_in_half_steps_is_saved(reader, books, dune, alice_key, sent, stored):
    response = send(reader, dune, "rating", {"rating": sent})
    assert response.status_code == 303
    assert books.get(alice_key, dune.book_id).rating == stored
    page = text(reader.get(f"/books/{dune.book_id}"))
    assert f'value="{sent}" id="rating-{sent.replace(".", "-")}" checked' in part(page, "rating")
    assert f"Rated “Dune” {sent} of 5." in page


def test_no_rating_clears_the_rating(reader, books, dune, alice_key):
    send(reader, dune, "rating", {"rating": "3"})
    rated = books.get(alice_key, dune.book_id)
    response = send(reader, rated, "rating", {"rating": ""}, htmx=True)
    assert "“Dune” has no rating now." in text(response) and 'id="rating-none" checked' in text(response)
    assert books.get(alice_key, dune.book_id).rating is None


@pytest.mark.parametrize("sent", ["4.3", "6", "0", "-1", "four", "4.25", "NaN"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_rating_not_in_half_steps_is_refused_and_nothing_stored(reader, books, dune, alice_key, sent, htmx):
    response = send(reader, dune, "rating", {"rating": sent}, htmx=htmx)
    assert response.status_code == 422
    rating = part(text(response), "rating")
    assert "Give a rating in half steps from 0.5 to 5, like 4 or 3.5." in rating
    assert 'aria-describedby="rating-errors"' in rating and 'id="rating-errors"' in rating
    assert books.get(alice_key, dune.book_id) == dune


# -- the facts refused -------------------------------------------------------------------------------

FACTS_REFUSED = [
    ("isbn", "978-0-306-40615-8", "That ISBN’s check digit is wrong: check for a typo."),
    ("isbn", "0-306-40615-3", "That ISBN’s check digit is wrong: check for a typo."),
    ("isbn", "12345", "An ISBN has 10 or 13 digits, and this one has 5: check for a typo."),
    ("pages", "three hundred", "Enter the number of pages as a whole number from 1 to 100,000."),
    ("pages", "0", "Enter the number of pages as a whole number from 1 to 100,000."),
    ("year_published", "2019-13", "with a minus sign for BCE"),
    ("series_number", "4.25", "with at most one decimal place"),
    ("format", "vinyl", "Choose paper, e-book or audiobook."),
]


@pytest.mark.parametrize(("name", "sent", "message"), FACTS_REFUSED)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_fact_the_record_refuses_is_refused_beside_its_field_with_the_input_kept(
    reader, books, dune, alice_key, name, sent, message, htmx
):
    response = send(reader, dune, "facts", {"isbn": "", "series": "Dune", name: sent}, htmx=htmx)
    assert response.status_code == 422
    page = text(response)
    assert (page.count("<html") == 0) == htmx
    facts = part(page, "facts")
    assert '<details class="book-edit" open>' in facts
    assert message in error_of(facts, f"facts-{name}")
    if name != "format":
        assert f'value="{html.escape(sent)}"' in field_html(facts, f"facts-{name}")
    assert 'value="Dune"' in field_html(facts, "facts-series")  # the other fields as sent too
    assert books.get(alice_key, dune.book_id) == dune
    if htmx:
        focus = '{"bookapp:focus": "#book-facts [aria-invalid=true], #book-facts .form-errors"}'
        assert response.headers["HX-Trigger-After-Settle"] == focus


def test_every_refused_fact_is_told_at_once(reader, books, dune, alice_key):
    response = send(reader, dune, "facts", {"isbn": "978-0-306-40615-8", "pages": "-3", "year_published": "soon"})
    facts = part(text(response), "facts")
    assert "check digit" in error_of(facts, "facts-isbn")
    assert "whole number" in error_of(facts, "facts-pages")
    assert "BCE" in error_of(facts, "facts-year_published")
    assert books.get(alice_key, dune.book_id) == dune


def test_fewer_pages_than_the_page_the_reader_is_on_is_refused(reader, books, dune, alice_key):
    """Page 500 of 300: the book's pages may not drop below where the reader is."""
    on_page_500 = books.set_progress(alice_key, dune.book_id, Progress(page=500), dune.version)
    response = send(reader, on_page_500, "facts", {"pages": "300"})
    assert response.status_code == 422
    assert "You’re on page 500 of this book" in error_of(part(text(response), "facts"), "facts-pages")
    assert books.get(alice_key, dune.book_id) == on_page_500
    assert send(reader, on_page_500, "facts", {"pages": "500"}).status_code == 303


def test_a_page_past_the_last_from_the_card_on_the_book_page_is_refused_on_the_page(reader, books, dune, alice_key):
    book = books.save(dataclasses.replace(dune, pages=300), dune.version)
    response = reader.post(f"/books/{book.book_id}/progress", {"progress": "500", "version": book.version})
    assert response.status_code == 422
    page = text(response)
    assert "This book has 300 pages: enter a page from 0 to 300." in page and 'value="500"' in page
    assert 'id="book-facts"' in page  # the whole book page, with the card's error
    assert books.get(alice_key, dune.book_id) == book


# -- notes -------------------------------------------------------------------------------------------


def test_notes_keep_their_line_breaks_and_are_shown_as_text(reader, books, dune, alice_key):
    notes = "<script>alert('x')</script>\r\nSecond line\r\n\r\n    indented & <b>bold</b>?\r\n\r\n"
    response = send(reader, dune, "notes", {"notes": notes}, htmx=True)
    assert response.status_code == 200
    stored = books.get(alice_key, dune.book_id).notes
    assert stored == "<script>alert('x')</script>\nSecond line\n\n    indented & <b>bold</b>?"
    for page in (text(response), text(reader.get(f"/books/{dune.book_id}"))):
        shown = re.search(r'<div class="book-notes">(.*?)</div>', page, re.DOTALL).group(1)
        assert html.unescape(shown) == stored and "<script>" not in shown and "<b>" not in shown


def test_notes_up_to_the_limit_are_saved_in_any_script(reader, books, dune, alice_key):
    notes = "é" * NOTES_MAX_LENGTH  # 240 KB as a browser sends it: more than any other form may be
    response = send(reader, dune, "notes", {"notes": notes})
    assert response.status_code == 303
    assert books.get(alice_key, dune.book_id).notes == notes


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_notes_over_the_limit_are_refused_with_the_text_kept(reader, books, dune, alice_key, htmx):
    notes = "x" * (NOTES_MAX_LENGTH + 1)
    response = send(reader, dune, "notes", {"notes": notes}, htmx=htmx)
    assert response.status_code == 422
    page = part(text(response), "notes")
    assert error_of(page, "notes-text") == "Notes can have up to 20,000 characters: these are 1 character over."
    assert notes in page  # in the textarea, to shorten
    assert books.get(alice_key, dune.book_id) == dune


def test_a_body_larger_than_any_notes_is_too_large(reader, books, dune, alice_key):
    response = send(reader, dune, "notes", {"notes": "é" * (NOTES_MAX_LENGTH * 3)})
    assert response.status_code == 413
    assert books.get(alice_key, dune.book_id) == dune


# -- tags --------------------------------------------------------------------------------------------


def test_tags_are_added_trimmed_and_removed_whatever_their_case(reader, books, dune, alice_key):
    assert send(reader, dune, "tags", {"add": " Science   Fiction , classics,,"}).status_code == 303
    tagged = books.get(alice_key, dune.book_id)
    assert tagged.tags == ("Science Fiction", "classics")
    again = send(reader, tagged, "tags", {"add": "science fiction, CLASSICS"}, htmx=True)
    assert "Nothing to change in “Dune”." in text(again)  # the same tags, in other cases
    response = send(reader, tagged, "tags", {"remove": "SCIENCE FICTION"}, htmx=True)
    assert response.status_code == 200 and "Tags of “Dune”: classics." in text(response)
    assert books.get(alice_key, dune.book_id).tags == ("classics",)
    assert response.headers["HX-Trigger-After-Settle"] == '{"bookapp:focus": "#tags-add"}'


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_21st_tag_is_refused_with_the_input_kept(reader, books, dune, alice_key, htmx):
    twenty = books.save(dataclasses.replace(dune, tags=tuple(f"tag {i}" for i in range(20))), dune.version)
    response = send(reader, twenty, "tags", {"add": "one too many"}, htmx=htmx)
    assert response.status_code == 422
    tags = part(text(response), "tags")
    assert error_of(tags, "tags-add") == "A book can have up to 20 tags, and these are 21: remove 1 tag."
    assert 'value="one too many"' in tags
    assert books.get(alice_key, dune.book_id) == twenty


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("x" * 41, "is too long: a tag can have up to 40 characters."),
        ("", "Type a tag to add, or several separated by commas."),
        (" , ", "Type a tag to add, or several separated by commas."),
    ],
)
def test_a_tag_the_record_refuses_is_refused(reader, books, dune, alice_key, sent, message):
    response = send(reader, dune, "tags", {"add": sent})
    assert response.status_code == 422
    assert message in error_of(part(text(response), "tags"), "tags-add")
    assert books.get(alice_key, dune.book_id) == dune


def test_the_tags_field_suggests_the_readers_other_tags(reader, books, dune, alice_key):
    other = books.add(alice_key, "Emma", "Jane Austen", Status.NOT_STARTED, TODAY)
    send(reader, other, "tags", {"add": "Classics, romance"})
    send(reader, dune, "tags", {"add": "sci-fi, classics"})
    suggestions = part(text(reader.get(f"/books/{dune.book_id}")), "tags").split("<datalist", 1)[1]
    assert '<option value="romance">' in suggestions  # Emma's
    assert "classics" not in suggestions.lower() and "sci-fi" not in suggestions  # Dune has them
    emma = text(reader.get(f"/books/{other.book_id}")).split("<datalist", 1)[1]
    assert '<option value="sci-fi">' in emma and "classics" not in emma.lower()


def test_a_tag_no_book_has_any_more_is_no_longer_suggested(reader, books, dune, alice_key):
    other = books.add(alice_key, "Emma", "Jane Austen", Status.NOT_STARTED, TODAY)
    send(reader, dune, "tags", {"add": "typo, sci-fi"})
    send(reader, books.get(alice_key, dune.book_id), "tags", {"remove": "typo"})
    assert books.reader_tags(alice_key) == ("sci-fi",)
    reader.post(f"/books/{dune.book_id}/delete", {"confirm": "yes"})
    assert books.reader_tags(alice_key) == ()
    assert "<option" not in text(reader.get(f"/books/{other.book_id}")).split("<datalist", 1)[1].split("</datalist>")[0]


# -- read-throughs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "ended", "shown"),
    [
        ("2019", "2019", "Started 2019, finished 2019"),
        ("2019-07", "2019-08-03", "Started July 2019, finished 3 August 2019"),
        ("2019-07-14", "", "Started 14 July 2019"),
        ("", "2019-07", "Finished July 2019"),
        ("", "", "Date unknown"),
    ],
)
def test_a_past_read_through_is_added_with_partial_dates_or_none(reader, books, dune, alice_key, started, ended, shown):
    response = send(reader, dune, "reads", {"outcome": "finished", "started": started, "ended": ended})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/books/{dune.book_id}#book-reads"
    stored = books.get(alice_key, dune.book_id)
    added = ReadThrough(
        Outcome.FINISHED,
        started=PartialDate.parse(started) if started else None,
        ended=PartialDate.parse(ended) if ended else None,
    )
    assert added in stored.reads and stored.reads[0] == dune.reads[0]  # the open one stays first
    assert stored.times_finished == 2
    assert shown in part(text(reader.get(f"/books/{dune.book_id}")), "reads")


def test_a_read_through_given_up_is_kept_with_the_day_it_ended(reader, books, dune, alice_key):
    send(reader, dune, "reads", {"outcome": "did_not_finish", "started": "2021-02", "ended": "2021-03-09"})
    stored = books.get(alice_key, dune.book_id)
    given_up = ReadThrough(Outcome.DID_NOT_FINISH, started=PartialDate(2021, 2), ended=PartialDate(2021, 3, 9))
    assert stored.reads == (dune.reads[0], given_up, dune.reads[1])  # newest first
    assert "Started February 2021, stopped 9 March 2021" in part(text(reader.get(f"/books/{dune.book_id}")), "reads")


READS_REFUSED = [
    ({"started": "2019-13"}, "new-read-started", "There is no month 13: enter a month from 01 to 12."),
    ({"ended": "2019-02-30"}, "new-read-ended", "February 2019 has no day 30: it has 28 days."),
    ({"started": "July 2019"}, "new-read-started", "Enter the date as YYYY, YYYY-MM or YYYY-MM-DD"),
    (
        {"started": "2019-07-14", "ended": "2019-06"},
        "new-read-ended",
        "The finish date (June 2019) is before the start date (14 July 2019): check both dates.",
    ),
    (
        {"outcome": "did_not_finish", "started": "2019-07-14", "ended": "2018"},
        "new-read-ended",
        "The day you stopped (2018) is before the start (14 July 2019): check both dates.",
    ),
    ({"outcome": "reading"}, "new-read-outcome", "Choose how it ended: Finished or Did not finish."),
]


@pytest.mark.parametrize(("sent", "field_id", "message"), READS_REFUSED)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_read_through_the_record_refuses_is_refused_beside_its_field(
    reader, books, dune, alice_key, sent, field_id, message, htmx
):
    form = {"outcome": "finished", "started": "", "ended": "", **sent}
    response = send(reader, dune, "reads", form, htmx=htmx)
    assert response.status_code == 422
    reads = part(text(response), "reads")
    assert message in error_of(reads, field_id)
    assert '<details class="book-edit" id="new-read" open>' in reads
    for name in ("started", "ended"):
        assert f'value="{form[name]}"' in field_html(reads, f"new-read-{name}")
    assert books.get(alice_key, dune.book_id) == dune


def test_a_read_through_is_edited_and_the_history_kept_newest_first(reader, books, dune, alice_key):
    send(reader, dune, "reads", {"outcome": "finished", "started": "2010", "ended": "2010"})
    book = books.get(alice_key, dune.book_id)
    assert [read.started for read in book.reads[1:]] == [PartialDate(2015, 3), PartialDate(2010)]
    # The 2010 read was in 2020 in fact: it is now the newest past one.
    in_2020 = {"outcome": "finished", "started": "2020-01", "ended": "2020-02"}
    response = send(reader, book, "reads/2", in_2020, htmx=True)
    assert response.status_code == 200 and "Saved the read-through of “Dune”." in text(response)
    edited = books.get(alice_key, dune.book_id)
    starts = [read.started for read in edited.reads]
    assert starts == [dune.reads[0].started, PartialDate(2020, 1), PartialDate(2015, 3)]
    assert edited.reads[0].is_open
    reads = part(text(response), "reads")
    assert reads.index("Started January 2020") < reads.index("Started March 2015")


def test_a_read_through_given_up_keeps_where_the_reader_stopped_when_edited(reader, books, alice_key):
    book = books.add(alice_key, "Ulysses", "James Joyce", Status.READING, TODAY)
    book = books.set_progress(alice_key, book.book_id, Progress(page=120), book.version)
    moved = books.move(
        alice_key,
        book.book_id,
        from_status=Status.READING,
        to_status=Status.DID_NOT_FINISH,
        rank=book.column_rank,
        expected_version=book.version,
        today=TODAY,
    ).book
    assert "stopped at page 120" in part(text(reader.get(f"/books/{book.book_id}")), "reads")
    send(reader, moved, "reads/0", {"outcome": "did_not_finish", "started": "2024", "ended": "2024"})
    assert books.get(alice_key, book.book_id).reads[0].progress == Progress(page=120)


def test_the_open_read_throughs_start_can_change_but_it_stays_open_and_first(reader, books, dune, alice_key):
    response = send(reader, dune, "reads/0", {"started": "2014"})  # before the finished one's
    assert response.status_code == 303
    stored = books.get(alice_key, dune.book_id)
    assert stored.reads[0] == ReadThrough(Outcome.READING, started=PartialDate(2014))
    assert stored.reads[1] == dune.reads[1]
    unknown = send(reader, stored, "reads/0", {"started": ""})
    assert unknown.status_code == 303 and books.get(alice_key, dune.book_id).reads[0].started is None


@pytest.mark.parametrize(
    "sent",
    [{"outcome": "finished", "started": "2026", "ended": "2026"}, {"started": "2026", "ended": "2026"}],
)
def test_the_open_read_through_cannot_be_closed_from_the_page(reader, books, dune, alice_key, sent):
    response = send(reader, dune, "reads/0", sent)
    assert response.status_code == 422
    assert "move it on the board to finish it or give up" in text(response)
    assert books.get(alice_key, dune.book_id) == dune


def test_a_past_read_through_is_deleted(reader, books, dune, alice_key):
    response = send(reader, dune, "reads/1/delete", {}, htmx=True)
    assert response.status_code == 200 and "Deleted a read-through of “Dune”." in text(response)
    assert books.get(alice_key, dune.book_id).reads == dune.reads[:1]
    assert response.headers["HX-Trigger-After-Settle"] == '{"bookapp:focus": "#book-reads-heading"}'


def test_the_open_read_through_cannot_be_deleted_from_the_page(reader, books, dune, alice_key):
    response = send(reader, dune, "reads/0/delete", {})
    assert response.status_code == 422
    assert "move it back to Not started on the board" in part(text(response), "reads")
    assert books.get(alice_key, dune.book_id) == dune


@pytest.mark.parametrize("path", ["reads/2", "reads/2/delete", "reads/99999999999999999999"])
def test_a_read_through_that_is_not_there_is_not_found(reader, books, dune, alice_key, path):
    response = send(reader, dune, path, {"outcome": "finished"})
    assert response.status_code == 404
    assert books.get(alice_key, dune.book_id) == dune


def test_a_book_keeps_at_most_max_read_throughs(reader, books, dune, alice_key):
    past = tuple(ReadThrough(Outcome.FINISHED) for _ in range(MAX_READ_THROUGHS))
    full = books.save(dataclasses.replace(dune, reads=(dune.reads[0], *past)), dune.version)
    response = send(reader, full, "reads", {"outcome": "finished"})
    assert response.status_code == 422
    message = f"A book keeps up to {MAX_READ_THROUGHS} read-throughs, and this one has them all"
    assert message in part(text(response), "reads")
    assert books.get(alice_key, dune.book_id) == full
    assert send(reader, full, "reads/1/delete", {}).status_code == 303  # room again


# -- whose book, which version -----------------------------------------------------------------------

ROUTES = list(SAVES)


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_someone_elses_book_is_not_found_and_left_as_it_was(reader, books, make_user, path, htmx):
    bob = make_user("bob")
    book = books.add(bob.books_key, "Bob’s diary", "Bob", Status.READING, TODAY)
    book = books.save(dataclasses.replace(book, reads=(*book.reads, ReadThrough(Outcome.FINISHED))), book.version)
    for data in (SAVES[path], {}):  # a complete form, and an empty one (404 before 400)
        response = send(reader, book, path, data, htmx=htmx, version=book.version if data else "")
        assert response.status_code == 404
        assert "Bob’s diary" not in text(response)
        missing = reader.post(f"/books/{NO_SUCH_BOOK}/{path}", {"version": book.version, **data}, htmx=htmx)
        assert missing.status_code == 404
    assert books.get(bob.books_key, book.book_id) == book


@pytest.mark.parametrize("path", ROUTES)
def test_a_stale_version_is_the_changed_meanwhile_answer_and_nothing_is_stored(reader, books, dune, alice_key, path):
    changed = books.save(dataclasses.replace(dune, notes="From another tab."), dune.version)
    response = send(reader, dune, path, SAVES[path], htmx=True)
    assert response.status_code == 409
    assert (response.headers["HX-Retarget"], response.headers["HX-Reswap"]) == ("#book-page", "outerHTML")
    answer = text(response)
    assert answer.startswith('<div id="book-page"') or '<div id="book-page"' in answer.split("<section", 1)[0]
    assert "From another tab." in answer and "changed in another tab or device meanwhile" in answer
    assert f'value="{changed.version}" class="book-version"' in answer
    plain = send(reader, dune, path, SAVES[path])
    assert plain.status_code == 303 and plain.headers["Location"] == f"/books/{dune.book_id}"
    assert books.get(alice_key, dune.book_id) == changed


@pytest.mark.parametrize("path", ROUTES)
def test_a_form_without_a_version_is_a_bad_request(reader, books, dune, alice_key, path):
    response = send(reader, dune, path, SAVES[path], version="")
    assert response.status_code == 400
    assert books.get(alice_key, dune.book_id) == dune


def test_a_stale_version_with_bad_input_is_the_changed_meanwhile_answer(reader, books, dune, alice_key):
    changed = books.save(dataclasses.replace(dune, notes="From another tab."), dune.version)
    response = send(reader, dune, "rating", {"rating": "4.3"}, htmx=True)
    assert response.status_code == 409
    assert books.get(alice_key, dune.book_id) == changed


def test_a_refused_edit_shows_the_other_parts_as_stored(reader, books, dune, alice_key):
    send(reader, dune, "facts", {"isbn": "9780441172719"})
    book = books.get(alice_key, dune.book_id)
    response = send(reader, book, "notes", {"notes": "x" * (NOTES_MAX_LENGTH + 1), "isbn": "junk"})
    assert response.status_code == 422
    assert 'value="978-0441172719"' in field_html(part(text(response), "facts"), "facts-isbn")
