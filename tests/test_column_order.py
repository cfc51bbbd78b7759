"""The order a column can be sorted in, and the tag filter's matching: a table of cases per key and
direction, books without the value last."""

from decimal import Decimal

import pytest

from bookapp.books.column_order import (
    MANUAL_ORDER,
    ColumnSort,
    Direction,
    FilterRefused,
    SortKey,
    SortRefused,
    has_tag,
    parse_tag_filter,
    sort_books,
)
from bookapp.books.model import Book, Status, new_book_id
from bookapp.books.reads import Outcome, ReadThrough
from bookapp.books.record import PartialDate


def book(title, author="Someone", *, rank="5", creation="", rating=None, reads=(), tags=()):
    return Book(
        user_id="7",
        book_id=new_book_id(),
        title=title,
        author=author,
        status=Status.FINISHED,
        column_rank=rank,
        version=1,
        creation=creation or new_book_id(),
        rating=Decimal(rating) if rating is not None else None,
        reads=tuple(reads),
        tags=tuple(tags),
    )


def finished(started, ended):
    return ReadThrough(
        Outcome.FINISHED,
        started=PartialDate.parse(started) if started else None,
        ended=PartialDate.parse(ended) if ended else None,
    )


LIBRARY = [
    book(
        "Émile", "Jean-Jacques Rousseau", rank="3", creation="01A", rating="4", reads=[finished("2019-07", "2019-08")]
    ),
    book("dune", "Frank Herbert", rank="9", creation="01C", rating="4.5", reads=[finished("2021", "2021-03-02")]),
    book("Beloved", "Toni Morrison", rank="5", creation="01B", reads=[finished(None, "2018")]),
    book("Ulysses", "James Joyce", rank="7", creation="01D", rating="2", reads=[finished("2020-01-05", None)]),
    book("Anna Karenina", "Leo Tolstoy", rank="1", creation="01E"),
]


def titles(books):
    return [each.title for each in books]


@pytest.mark.parametrize(
    ("key", "direction", "expected"),
    [
        (SortKey.MANUAL, Direction.ASCENDING, ["dune", "Ulysses", "Beloved", "Émile", "Anna Karenina"]),
        # Case and accents do not count: "Émile" is among the E's, "dune" among the D's.
        (SortKey.TITLE, Direction.ASCENDING, ["Anna Karenina", "Beloved", "dune", "Émile", "Ulysses"]),
        (SortKey.TITLE, Direction.DESCENDING, ["Ulysses", "Émile", "dune", "Beloved", "Anna Karenina"]),
        (SortKey.AUTHOR, Direction.ASCENDING, ["dune", "Ulysses", "Émile", "Anna Karenina", "Beloved"]),
        (SortKey.AUTHOR, Direction.DESCENDING, ["Beloved", "Anna Karenina", "Émile", "Ulysses", "dune"]),
        (SortKey.ADDED, Direction.ASCENDING, ["Émile", "Beloved", "dune", "Ulysses", "Anna Karenina"]),
        (SortKey.ADDED, Direction.DESCENDING, ["Anna Karenina", "Ulysses", "dune", "Beloved", "Émile"]),
        # Without the value last, in both directions, by title among themselves.
        (SortKey.STARTED, Direction.ASCENDING, ["Émile", "Ulysses", "dune", "Anna Karenina", "Beloved"]),
        (SortKey.STARTED, Direction.DESCENDING, ["dune", "Ulysses", "Émile", "Anna Karenina", "Beloved"]),
        (SortKey.FINISHED, Direction.ASCENDING, ["Beloved", "Émile", "dune", "Anna Karenina", "Ulysses"]),
        (SortKey.FINISHED, Direction.DESCENDING, ["dune", "Émile", "Beloved", "Anna Karenina", "Ulysses"]),
        (SortKey.RATING, Direction.ASCENDING, ["Ulysses", "Émile", "dune", "Anna Karenina", "Beloved"]),
        (SortKey.RATING, Direction.DESCENDING, ["dune", "Émile", "Ulysses", "Anna Karenina", "Beloved"]),
    ],
)
def test_a_column_sorts_by_each_key_both_ways_with_books_lacking_the_value_last(key, direction, expected):
    assert titles(sort_books(LIBRARY, ColumnSort(key, direction))) == expected


def test_equal_values_keep_title_order_in_both_directions():
    same = [book("Zed", rating="3"), book("Alpha", rating="3"), book("Mid", rating="5")]
    assert titles(sort_books(same, ColumnSort(SortKey.RATING, Direction.ASCENDING))) == ["Alpha", "Zed", "Mid"]
    assert titles(sort_books(same, ColumnSort(SortKey.RATING, Direction.DESCENDING))) == ["Mid", "Alpha", "Zed"]


def test_a_vaguer_date_sorts_just_before_the_precise_dates_it_contains():
    library = [
        book("Day", reads=[finished(None, "2019-07-14")]),
        book("Year", reads=[finished(None, "2019")]),
        book("Month", reads=[finished(None, "2019-07")]),
    ]
    assert titles(sort_books(library, ColumnSort(SortKey.FINISHED))) == ["Year", "Month", "Day"]


def test_the_finish_date_is_of_the_latest_read_to_the_end_not_a_stopped_one():
    stopped = ReadThrough(Outcome.DID_NOT_FINISH, started=PartialDate(2024), ended=PartialDate(2024, 5))
    library = [book("Reread", reads=[stopped, finished(None, "2010")]), book("Once", reads=[finished(None, "2015")])]
    assert titles(sort_books(library, ColumnSort(SortKey.FINISHED, Direction.DESCENDING))) == ["Once", "Reread"]


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, MANUAL_ORDER),
        ("title:desc", ColumnSort(SortKey.TITLE, Direction.DESCENDING)),
        ("rating:asc", ColumnSort(SortKey.RATING, Direction.ASCENDING)),
        ("popularity:asc", MANUAL_ORDER),  # a key a later version dropped: manual order, no error
        ("title:sideways", MANUAL_ORDER),
    ],
)
def test_a_stored_choice_reads_back_and_an_unknown_one_is_manual_order(stored, expected):
    assert ColumnSort.from_stored(stored) == expected
    assert ColumnSort.from_stored(expected.stored()) == expected


def test_manual_order_has_no_direction_and_is_stored_as_nothing():
    assert ColumnSort.parse("manual", "desc") == MANUAL_ORDER and MANUAL_ORDER.stored() is None
    assert ColumnSort(SortKey.RATING, Direction.DESCENDING).describe() == "rating, highest first"


@pytest.mark.parametrize(("key", "direction"), [("price", "asc"), ("", "asc"), (None, None), ("title", "up")])
def test_a_sort_no_control_offers_is_refused_in_words(key, direction):
    with pytest.raises(SortRefused) as refused:
        ColumnSort.parse(key, direction)
    assert "sorted" in str(refused.value)


def test_a_tag_filter_is_trimmed_matches_any_case_and_refuses_what_no_tag_can_be():
    assert parse_tag_filter("  sci-fi ") == "sci-fi"
    assert parse_tag_filter("") is None and parse_tag_filter(None) is None and parse_tag_filter("   ") is None
    assert has_tag(book("Dune", tags=["Sci-Fi", "desert"]), "SCI-FI")
    assert not has_tag(book("Dune", tags=["sci-fi classics"]), "sci-fi")  # a tag, not a substring
    with pytest.raises(FilterRefused):
        parse_tag_filter("x" * 41)
