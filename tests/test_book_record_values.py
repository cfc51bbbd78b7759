"""The rules of a book's record, as a reader meets them in the form (pure values, no services)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookapp.books.record import (
    MAX_TAGS,
    NOTES_MAX_LENGTH,
    PAGES_MAX,
    TAG_MAX_LENGTH,
    BookFormat,
    PartialDate,
    Progress,
    RecordError,
    clean_notes,
    clean_series,
    finish_not_before_start,
    format_isbn13,
    isbn10_of,
    normalize_isbn,
    normalize_tag,
    normalize_tags,
    parse_format,
    parse_pages,
    parse_progress,
    parse_rating,
    parse_series_number,
    parse_tag_list,
    parse_year_published,
    rating_stars,
    tag_key,
)

DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"


def rejected(parse, *args) -> RecordError:
    """The error a parse raises for input a reader should be told about."""
    with pytest.raises(RecordError) as caught:
        parse(*args)
    return caught.value


# --- Partial dates ---------------------------------------------------------------------------------------------

days = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31))


@st.composite
def partial_dates(draw) -> PartialDate:
    day = draw(days)
    parts = draw(st.sampled_from([(day.year,), (day.year, day.month), (day.year, day.month, day.day)]))
    return PartialDate(*parts)


def specificity(date: PartialDate) -> int:
    return 1 + (date.month is not None) + (date.day is not None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019", PartialDate(2019)),
        ("2019-07", PartialDate(2019, 7)),
        ("2019-07-14", PartialDate(2019, 7, 14)),
        ("  2019-07-14 ", PartialDate(2019, 7, 14)),
        ("2020-02-29", PartialDate(2020, 2, 29)),
        ("1000", PartialDate(1000)),
        ("9999-12-31", PartialDate(9999, 12, 31)),
    ],
)
def test_a_date_can_be_a_year_a_month_or_a_day(text, expected):
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "19", "2019/07", "2019-7", "2019-07-4", "14-07-2019", "July 2019", "2019-", "2019-07-14T10:00"]
)
def test_a_date_in_another_form_is_told_the_forms_we_accept(text):
    error = rejected(PartialDate.parse, text, "started")
    assert DATE_FORMS in error.message
    assert error.field == "started"


def test_a_date_in_non_ascii_digits_is_not_taken():
    assert DATE_FORMS in rejected(PartialDate.parse, "٢٠١٩").message


@pytest.mark.parametrize("text", ["2019-13", "2019-00", "2019-13-01"])
def test_a_month_that_does_not_exist_is_named(text):
    error = rejected(PartialDate.parse, text, "finished")
    assert "month" in error.message
    assert text[5:7] in error.message
    assert error.field == "finished"


@pytest.mark.parametrize(
    "text, month_named", [("2019-02-29", "February 2019"), ("2019-04-31", "April 2019"), ("2019-07-00", "July 2019")]
)
def test_a_day_that_does_not_exist_is_named(text, month_named):
    error = rejected(PartialDate.parse, text)
    assert month_named in error.message
    assert "has no day" in error.message


def test_february_29_exists_in_leap_years_only():
    assert PartialDate.parse("2020-02-29").latest() == dt.date(2020, 2, 29)
    assert "28 days" in rejected(PartialDate.parse, "2019-02-29").message


def test_a_year_before_1000_is_out_of_range():
    assert "1000 to 9999" in rejected(PartialDate.parse, "0999").message


def test_an_impossible_date_cannot_be_built_in_code_either():
    with pytest.raises(RecordError):
        PartialDate(2019, 2, 30)
    with pytest.raises(ValueError, match="needs a month"):
        PartialDate(2019, None, 14)


@pytest.mark.parametrize(
    "date, iso, shown",
    [
        (PartialDate(2019), "2019", "2019"),
        (PartialDate(2019, 7), "2019-07", "July 2019"),
        (PartialDate(2019, 7, 14), "2019-07-14", "14 July 2019"),
        (PartialDate(2019, 1, 1), "2019-01-01", "1 January 2019"),
        (PartialDate(2019, 12), "2019-12", "December 2019"),
    ],
)
def test_a_date_is_written_as_iso_and_shown_in_words(date, iso, shown):
    assert (date.iso(), date.display()) == (iso, shown)


def test_month_names_do_not_follow_the_servers_locale():
    assert [PartialDate(2019, month).display() for month in (3, 8)] == ["March 2019", "August 2019"]


@given(partial_dates())
def test_iso_text_parses_back_to_the_same_date(date):
    assert PartialDate.parse(date.iso()) == date


def test_a_vaguer_date_sorts_just_before_the_dates_it_contains():
    year, month, day, next_month = (PartialDate.parse(text) for text in ("2019", "2019-07", "2019-07-14", "2019-08"))
    assert year < month < day < next_month
    assert sorted([next_month, day, year, month]) == [year, month, day, next_month]
    assert next_month > day and not day < day


@given(st.lists(partial_dates(), max_size=12))
def test_sorting_agrees_with_the_first_day_meant_then_the_vaguer_first(dates):
    assert sorted(dates) == sorted(dates, key=lambda date: (date.earliest(), specificity(date)))


@given(partial_dates(), partial_dates())
def test_two_dates_are_ordered_one_way_only(first, second):
    assert [first < second, first == second, first > second].count(True) == 1
    assert (first == second) == (first.sort_key() == second.sort_key())


@pytest.mark.parametrize(
    "text, earliest, latest",
    [
        ("2019", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
        ("2019-02", dt.date(2019, 2, 1), dt.date(2019, 2, 28)),
        ("2020-02", dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
        ("2019-07-14", dt.date(2019, 7, 14), dt.date(2019, 7, 14)),
    ],
)
def test_a_date_means_a_range_of_days(text, earliest, latest):
    date = PartialDate.parse(text)
    assert (date.earliest(), date.latest()) == (earliest, latest)


@given(days)
def test_every_partial_date_of_a_day_contains_that_day(day):
    exact = PartialDate.from_date(day)
    assert exact.earliest() == exact.latest() == day
    for vaguer in (PartialDate(day.year), PartialDate(day.year, day.month)):
        assert vaguer.earliest() <= day <= vaguer.latest()
        assert vaguer <= exact


# --- Finish before start ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "started, finished",
    [
        ("2019", "2019-07-14"),
        ("2019-07-14", "2019-07"),  # finished some day in July, perhaps after the 14th
        ("2019-07-14", "2019"),
        ("2019-07-14", "2019-07-14"),
        ("2019-07", "2020"),
    ],
)
def test_a_finish_that_can_be_after_the_start_is_accepted(started, finished):
    finish_not_before_start(PartialDate.parse(started), PartialDate.parse(finished))


@pytest.mark.parametrize(
    "started, finished", [("2019-07", "2019-06-30"), ("2019-07-14", "2019-07-13"), ("2019", "2018-12")]
)
def test_a_finish_that_must_be_before_the_start_is_refused_on_the_finish_field(started, finished):
    error = rejected(finish_not_before_start, PartialDate.parse(started), PartialDate.parse(finished))
    assert error.field == "finished"
    assert "before the start" in error.message


def test_a_missing_start_or_finish_cannot_be_out_of_order():
    finish_not_before_start(None, PartialDate(2019))
    finish_not_before_start(PartialDate(2019), None)
    finish_not_before_start(None, None)


@given(partial_dates())
def test_a_book_can_be_finished_on_the_date_it_was_started(date):
    finish_not_before_start(date, date)


# --- ISBN ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, isbn13",
    [
        ("0-306-40615-2", "9780306406157"),
        ("0306406152", "9780306406157"),
        ("043942089X", "9780439420891"),
        ("0-439-42089-x", "9780439420891"),
        ("0439023483", "9780439023481"),
        ("978-0-306-40615-7", "9780306406157"),
        ("978 0 306 40615 7", "9780306406157"),
        ("  9780439023481 ", "9780439023481"),
        ("979-10-90636-07-1", "9791090636071"),
        ("ISBN 0-306-40615-2", "9780306406157"),
        ("ISBN-13: 978-0-306-40615-7", "9780306406157"),
        ("978‐0‐306‐40615‐7", "9780306406157"),  # Unicode hyphens, as pasted from a web page
    ],
)
def test_an_isbn_10_or_13_is_kept_as_its_13_digits(typed, isbn13):
    assert normalize_isbn(typed) == isbn13


@pytest.mark.parametrize(
    "exported, isbn13", [('="0439023483"', "9780439023481"), ('="9780439023481"', "9780439023481")]
)
def test_goodreads_quoted_isbns_are_unwrapped(exported, isbn13):
    assert normalize_isbn(exported) == isbn13


@pytest.mark.parametrize("typed", ["", "   ", '=""', '="  "'])
def test_no_isbn_is_fine(typed):
    assert normalize_isbn(typed) == ""


@pytest.mark.parametrize("typed", ["0306406153", "0-306-40615-X", "9780306406158", "9780439023480", "0439420891"])
def test_an_isbn_with_a_wrong_check_digit_is_called_a_typo(typed):
    error = rejected(normalize_isbn, typed)
    assert error.message == "That ISBN’s check digit is wrong: check for a typo."
    assert error.field == "isbn"


@pytest.mark.parametrize("typed, length", [("030640615", 9), ("97803064061", 11), ("97803064061570", 14)])
def test_an_isbn_of_the_wrong_length_says_how_long_it_is(typed, length):
    assert f"10 or 13 digits, and this one has {length}" in rejected(normalize_isbn, typed).message


@pytest.mark.parametrize("typed", ["0306A06152", "03064X6152", "978030640615X", "0306406152!", "٠٣٠٦٤٠٦١٥٢"])
def test_an_isbn_with_other_characters_is_told_to_keep_digits(typed):
    assert "only digits" in rejected(normalize_isbn, typed).message


def test_a_barcode_that_is_not_an_isbn_is_told_so():
    assert "978 or 979" in rejected(normalize_isbn, "5012345678900").message  # a valid EAN-13, not a book


def test_each_kind_of_isbn_mistake_has_its_own_message():
    messages = {rejected(normalize_isbn, typed).message for typed in ("0306406153", "030640615", "0306A06152")}
    assert len(messages) == 3


@st.composite
def isbn10s(draw) -> str:
    first_nine = draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    remainder = -sum((10 - position) * int(digit) for position, digit in enumerate(first_nine)) % 11
    return first_nine + ("X" if remainder == 10 else str(remainder))


@given(isbn10s())
def test_an_isbn_10_and_its_isbn_13_name_the_same_book(isbn10):
    isbn13 = normalize_isbn(isbn10)
    assert isbn13 == "978" + isbn10[:9] + isbn13[-1]
    assert normalize_isbn(isbn13) == isbn13
    assert isbn10_of(isbn13) == isbn10


@given(isbn10s(), st.integers(0, 12), st.integers(1, 9))
def test_one_mistyped_digit_of_an_isbn_13_is_always_caught(isbn10, position, change):
    isbn13 = normalize_isbn(isbn10)
    typo = isbn13[:position] + str((int(isbn13[position]) + change) % 10) + isbn13[position + 1 :]
    with pytest.raises(RecordError):
        normalize_isbn(typo)


@pytest.mark.parametrize(
    "isbn13, isbn10", [("9780306406157", "0306406152"), ("9780439420891", "043942089X"), ("9791090636071", None)]
)
def test_only_978_isbns_have_an_isbn_10(isbn13, isbn10):
    assert isbn10_of(isbn13) == isbn10


def test_an_isbn_13_is_shown_with_its_prefix_apart():
    assert format_isbn13("9780439023481") == "978-0439023481"
    assert format_isbn13("") == ""


# --- Rating ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, rating",
    [("4", "4"), ("4.5", "4.5"), ("4.0", "4"), ("4.50", "4.5"), ("0.5", "0.5"), (".5", "0.5"), ("5", "5")],
)
def test_a_rating_is_in_half_steps(typed, rating):
    assert str(parse_rating(typed)) == rating


@pytest.mark.parametrize("typed", ["", "   "])
def test_no_rating_is_fine(typed):
    assert parse_rating(typed) is None


@pytest.mark.parametrize(
    "typed", ["4.3", "0", "0.0", "5.5", "6", "-1", "abc", "nan", "NaN", "inf", "Infinity", "1e0", "4,5", "4_5", "½"]
)
def test_a_rating_off_the_half_steps_is_told_the_steps(typed):
    error = rejected(parse_rating, typed)
    assert "half steps from 0.5 to 5" in error.message
    assert error.field == "rating"


@pytest.mark.parametrize(
    "rating, stars",
    [("5", (5, False, 0)), ("4.5", (4, True, 0)), ("3", (3, False, 2)), ("0.5", (0, True, 4)), ("0", (0, False, 5))],
)
def test_a_rating_is_drawn_as_five_stars(rating, stars):
    assert rating_stars(Decimal(rating)) == stars


@pytest.mark.parametrize("steps", range(1, 11))
def test_the_stars_of_every_rating_add_up_to_five_and_to_the_rating(steps):
    rating = parse_rating(str(Decimal(steps) / 2))
    full, half, empty = rating_stars(rating)
    assert full + half + empty == 5
    assert full + Decimal("0.5") * half == rating


# --- Tags ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, tag",
    [("  Sci-Fi  ", "Sci-Fi"), ("book   club", "book club"), ("re-read\t2024\n", "re-read 2024"), ("café", "café")],
)
def test_a_tag_keeps_the_readers_spelling_with_its_spaces_tidied(typed, tag):
    assert normalize_tag(typed) == tag


@pytest.mark.parametrize("typed", ["", "   ", "\t\n"])
def test_an_empty_tag_is_refused(typed):
    assert rejected(normalize_tag, typed).field == "tags"


def test_a_tag_can_have_40_characters_but_not_41():
    assert normalize_tag("x" * TAG_MAX_LENGTH) == "x" * 40
    assert normalize_tag("  " + "x" * 40 + "  ") == "x" * 40
    error = rejected(normalize_tag, "x" * (TAG_MAX_LENGTH + 1))
    assert "40 characters" in error.message
    assert error.field == "tags"


def test_a_tag_cannot_hold_the_comma_that_separates_tags():
    assert "comma" in rejected(normalize_tags, ["fantasy, sci-fi"]).message


def test_tags_differing_only_in_case_are_the_same_tag():
    assert tag_key("SCI-FI") == tag_key("sci-fi") == tag_key("Sci-Fi")
    assert tag_key("STRASSE") == tag_key("Straße")
    assert tag_key("fantasy") != tag_key("fantasy novels")


def test_tags_are_de_duplicated_keeping_the_first_spelling_and_order():
    tags = normalize_tags(["Fantasy", "re-read", "  fantasy ", "Book  Club", "FANTASY", "book club", "", "  "])
    assert tags == ("Fantasy", "re-read", "Book Club")


def test_a_book_can_have_20_tags_but_not_21():
    twenty = [f"tag {number}" for number in range(MAX_TAGS)]
    assert len(normalize_tags(twenty)) == 20
    error = rejected(normalize_tags, [*twenty, "one more"])
    assert "up to 20 tags" in error.message
    assert "remove 1 tag." in error.message
    assert error.field == "tags"


def test_repeated_tags_do_not_count_towards_the_limit():
    assert len(normalize_tags([f"tag {number}" for number in range(MAX_TAGS)] + ["TAG 0"])) == 20


def test_text_is_not_mistaken_for_a_list_of_one_letter_tags():
    with pytest.raises(TypeError):
        normalize_tags("fantasy")


@pytest.mark.parametrize(
    "typed, tags",
    [
        ("fantasy, re-read ,  Book Club", ("fantasy", "re-read", "Book Club")),
        ("fantasy,,Fantasy, ", ("fantasy",)),
        ("", ()),
        (" , ,", ()),
    ],
)
def test_tags_are_typed_as_one_comma_separated_list(typed, tags):
    assert parse_tag_list(typed) == tags


# Up to 13 characters: Unicode normalization can make a text up to three times longer.
tag_texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters=","), max_size=13)


@given(st.lists(tag_texts, max_size=MAX_TAGS))
def test_tags_written_out_as_a_list_read_back_the_same(texts):
    tags = normalize_tags(texts)
    assert parse_tag_list(", ".join(tags)) == tags
    assert normalize_tags(tags) == tags
    assert len({tag_key(tag) for tag in tags}) == len(tags)


# --- Notes -----------------------------------------------------------------------------------------------------


def test_notes_have_one_kind_of_line_break():
    assert clean_notes("one\r\ntwo\rthree\nfour") == "one\ntwo\nthree\nfour"


def test_notes_keep_their_inner_lines_and_indentation_but_lose_trailing_space():
    assert clean_notes("  Chapter 1\n\n    a quote\n\n \t\n") == "  Chapter 1\n\n    a quote"
    assert clean_notes("   \r\n") == ""


def test_notes_can_have_20000_characters_but_not_20001():
    assert len(clean_notes("x" * NOTES_MAX_LENGTH)) == 20_000
    error = rejected(clean_notes, "x" * (NOTES_MAX_LENGTH + 1))
    assert error.message == "Notes can have up to 20,000 characters: these are 1 character over."
    assert error.field == "notes"
    assert "1,234 characters over" in rejected(clean_notes, "x" * 21_234).message


def test_notes_are_counted_after_line_breaks_are_made_one_character():
    assert len(clean_notes("x" * 19_998 + "\r\n" + "y")) == 20_000
    assert "1 character over" in rejected(clean_notes, "x" * 19_999 + "\r\n" + "y").message


def test_trailing_space_does_not_count_towards_the_notes_limit():
    assert len(clean_notes("x" * NOTES_MAX_LENGTH + "\n\n   ")) == 20_000


# --- Pages, year published, series, format ---------------------------------------------------------------------


@pytest.mark.parametrize("typed, pages", [("", None), ("  ", None), ("1", 1), (" 320 ", 320), ("100000", 100_000)])
def test_pages_are_a_whole_number_from_1_to_100000(typed, pages):
    assert parse_pages(typed) == pages


@pytest.mark.parametrize("typed", ["0", "-5", "12.5", "abc", "100001", "1e3", "1_000", "³", "9" * 5000])
def test_pages_out_of_range_or_not_whole_are_refused(typed):
    error = rejected(parse_pages, typed)
    assert "from 1 to 100,000" in error.message
    assert error.field == "pages"


@pytest.mark.parametrize(
    "typed, year", [("", None), ("1965", 1965), ("-500", -500), ("-3000", -3000), ("2031", 2031), ("1", 1)]
)
def test_a_year_published_reaches_back_to_3000_bce_and_five_years_ahead(typed, year):
    assert parse_year_published(typed, this_year=2026) == year


@pytest.mark.parametrize("typed", ["-3001", "2032", "abc", "1965.5", "MCMLXV"])
def test_a_year_published_out_of_range_is_refused(typed):
    error = rejected(parse_year_published, typed, 2026)
    assert "from -3000 to 2031" in error.message
    assert error.field == "year_published"


@pytest.mark.parametrize(
    "typed, number",
    [
        ("", None),
        ("4", "4"),
        ("4.5", "4.5"),
        ("0.5", "0.5"),
        (".5", "0.5"),
        ("0", "0"),
        ("4.0", "4"),
        ("10000", "10000"),
    ],
)
def test_a_series_number_may_be_a_prequel_or_a_novella_in_between(typed, number):
    parsed = parse_series_number(typed)
    assert (None if parsed is None else str(parsed)) == number


@pytest.mark.parametrize("typed", ["4.25", "-1", "10000.5", "10001", "abc", "nan", "1e3", "4.", "4,5"])
def test_a_series_number_out_of_range_or_too_precise_is_refused(typed):
    error = rejected(parse_series_number, typed)
    assert "at most one decimal place" in error.message
    assert error.field == "series_number"


def test_a_series_name_is_tidied_and_limited_to_200_characters():
    assert clean_series("  The   Expanse ") == "The Expanse"
    assert clean_series("") == ""
    assert clean_series("x" * 200) == "x" * 200
    assert rejected(clean_series, "x" * 201).field == "series"


@pytest.mark.parametrize(
    "typed, book_format",
    [("", None), ("paper", BookFormat.PAPER), (" Ebook ", BookFormat.EBOOK), ("audiobook", BookFormat.AUDIOBOOK)],
)
def test_a_format_is_one_of_three(typed, book_format):
    assert parse_format(typed) is book_format


def test_an_unknown_format_is_refused():
    assert rejected(parse_format, "hardback").field == "format"


def test_formats_have_labels_for_the_form():
    assert [book_format.label for book_format in BookFormat] == ["Paper", "E-book", "Audiobook"]


# --- Progress --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, pages, progress",
    [
        ("", 300, None),
        ("120", 300, Progress(page=120)),
        ("0", 300, Progress(page=0)),
        ("300", 300, Progress(page=300)),
        ("500", None, Progress(page=500)),
        ("45%", 300, Progress(percent=45)),
        (" 45 % ", None, Progress(percent=45)),
        ("0%", None, Progress(percent=0)),
        ("100%", None, Progress(percent=100)),
    ],
)
def test_progress_is_a_page_or_a_percentage(typed, pages, progress):
    assert parse_progress(typed, pages) == progress


def test_a_page_past_the_end_of_the_book_is_refused_with_the_books_length():
    error = rejected(parse_progress, "500", 300)
    assert error.message == "This book has 300 pages: enter a page from 0 to 300."
    assert error.field == "progress"
    assert rejected(parse_progress, "2", 1).message == "This book has 1 page: enter a page from 0 to 1."


def test_a_page_of_a_book_of_unknown_length_is_limited_like_page_counts():
    assert parse_progress(str(PAGES_MAX), None) == Progress(page=PAGES_MAX)
    assert "0 to 100,000" in rejected(parse_progress, str(PAGES_MAX + 1), None).message


@pytest.mark.parametrize("typed", ["101%", "-5", "-5%", "12.5", "12.5%", "abc", "page 12", "%"])
def test_progress_in_another_form_or_out_of_range_is_refused(typed):
    assert rejected(parse_progress, typed, 300).field == "progress"


def test_progress_is_exactly_one_of_page_or_percentage():
    with pytest.raises(ValueError):
        Progress()
    with pytest.raises(ValueError):
        Progress(page=120, percent=40)


@pytest.mark.parametrize(
    "progress, pages, fraction",
    [
        (Progress(page=120), 300, 0.4),
        (Progress(page=120), None, None),
        (Progress(percent=40), None, 0.4),
        (Progress(percent=40), 300, 0.4),
        (Progress(page=500), 300, 1.0),  # the page count was lowered after the page was entered
    ],
)
def test_progress_fills_a_bar(progress, pages, fraction):
    assert progress.fraction(pages) == fraction


@pytest.mark.parametrize(
    "progress, pages, shown",
    [
        (Progress(page=120), 300, "page 120 of 300"),
        (Progress(page=120), None, "page 120"),
        (Progress(percent=40), 300, "40%"),
    ],
)
def test_progress_is_shown_in_words(progress, pages, shown):
    assert progress.display(pages) == shown


@given(st.integers(1, PAGES_MAX).flatmap(lambda pages: st.tuples(st.just(pages), st.integers(0, pages))))
def test_any_page_of_the_book_fills_the_bar_between_empty_and_full(pages_and_page):
    pages, page = pages_and_page
    fraction = parse_progress(str(page), pages).fraction(pages)
    assert 0 <= fraction <= 1
    assert (fraction == 1) == (page == pages)
