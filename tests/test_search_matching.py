"""How search matches a reader's books: folding, the query, every term in any field, the order of the hits,
and the matches marked in titles and notes (pure values, no services)."""

import html
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bookapp.books.model import Book
from bookapp.books.search import (
    QUERY_MAX_LENGTH,
    Query,
    QueryRefused,
    SearchCorpus,
    SearchEntry,
    _folded_with_origins,
    fold,
    highlight,
    snippet,
)
from bookapp.books.status import Status


def book(book_id: str, title: str, author: str = "", **record) -> Book:
    return Book(
        user_id="1",
        book_id=book_id,
        title=title,
        author=author,
        status=record.pop("status", Status.NOT_STARTED),
        column_rank="5",
        version=1,
        **record,
    )


LIBRARY = [
    book("hobbit", "The Hobbit", "J. R. R. Tolkien", isbn13="9780306406157", status=Status.FINISHED),
    book("silmarillion", "The Silmarillion", "J. R. R. Tolkien", notes="Harder going than the Hobbit."),
    book("cien", "Cien años de soledad", "Gabriel García Márquez", tags=("Magical realism", "Book club")),
    book("ecole", "L’École des femmes", "Molière"),
    book("strasse", "Die Straße", "Ann Petry"),
    book("angstrom", "Ångström: a life", "Anna Lindqvist"),
    book("aesop", "Æsop’s Fables", "Æsop"),
    book("istanbul", "İstanbul: Hatıralar ve Şehir", "Orhan Pamuk"),
    book("abc", "ＡＢＣ殺人事件", "アガサ・クリスティー"),
    book("definitive", "The Deﬁnitive Guide", "Oﬃce Staﬀ"),
    book("norwegian", "ノルウェイの森", "村上春樹"),
    book("hundred_zh", "百年孤独", "加西亚·马尔克斯"),
    book("hundred_ar", "مئة عام من العزلة", "غابرييل غارسيا ماركيز"),
    book("prince", "הנסיך הקטן", "אנטואן דה סנט-אכזופרי"),
    book("vegetarian", "채식주의자", "한강"),
    book("markup", '<b>x</b> & "quotes"', "Flann O’Brien"),
    book(
        "dune",
        "Dune",
        "Frank Herbert",
        isbn13="9791032305690",
        tags=("Sci-Fi",),
        notes="Re-read in 2019-07 with the book club.",
    ),
]
CORPUS = SearchCorpus(SearchEntry.of(each) for each in LIBRARY)


def found(raw: str, corpus: SearchCorpus = CORPUS) -> list[str]:
    return [hit.book_id for hit in corpus.search(Query.parse(raw))]


# --- Folding ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("García", "garcia"),
        ("École", "ecole"),
        ("E\u0301cole", "ecole"),  # decomposed, as some systems store it
        ("straße", "strasse"),
        ("STRASSE", "strasse"),
        ("STRAẞE", "strasse"),  # capital sharp s
        ("Ångström", "angstrom"),
        ("Nguyễn", "nguyen"),
        ("Łódź", "lodz"),
        ("Søren", "soren"),
        ("Æsop", "aesop"),  # a ligature that does not decompose: folded like ß, so readers without the key find it
        ("Œuvres", "oeuvres"),
        ("İstanbul", "istanbul"),  # Turkish dotted capital I: i, not i and a dot
        ("ISTANBUL", "istanbul"),
        ("ırmak", "irmak"),  # Turkish dotless i: i too, so either spelling finds it
        ("ＡＢＣ", "abc"),  # full-width Latin
        ("ﬁsh", "fish"),  # ligature
        ("Ὀδύσσεια", "οδυσσεια"),  # Greek accents and breathing
        ("ΣΊΣΥΦΟΣ", "σισυφοσ"),  # final sigma folds like any sigma
        ("O’Brien", "o'brien"),
        ("O´Brien", "o'brien"),  # an acute accent typed for an apostrophe
        ("“Quoted”", '"quoted"'),
        ("sci‐fi – 1914—1918", "sci-fi - 1914-1918"),
        ("Dostoev\u00adsky", "dostoevsky"),  # soft hyphen
        ("no\u00a0break", "no break"),
        ("ｶﾞｲﾄﾞ", "ガイド"),  # half-width katakana with its voicing mark
    ],
)
def test_fold_drops_case_accents_and_typographic_variants(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "text",
    [
        "村上春樹",  # Japanese kanji
        "ノルウェイの森",  # katakana and hiragana
        "がぎぐげご",  # kana voicing marks change the sound: kept
        "百年孤独",  # Chinese
        "مئة عام من العزلة",  # Arabic
        "הנסיך הקטן",  # Hebrew
        "채식주의자",  # Korean
        "हिन्दी",  # Devanagari, whose vowel signs are combining marks: kept
    ],
)
def test_fold_keeps_scripts_without_case_as_they_are(text):
    assert fold(text) == text


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_highlight_folds_text_exactly_as_search_does(text):
    assert _folded_with_origins(text)[0] == fold(text)


# --- The query -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "terms"),
    [
        ("  Tolkien   Hobbit ", ("tolkien", "hobbit")),
        ("hobbit Hobbit HOBBIT", ("hobbit",)),
        ("(Hobbit), “Tolkien”!", ("hobbit", "tolkien")),
        ("O’Brien", ("o'brien",)),
        ("sci-fi", ("sci-fi",)),
        ("C#", ("c#",)),
        ("c++", ("c++",)),
        ("tolkien — hobbit", ("tolkien", "hobbit")),  # a dash alone is no word
        ("978-0-306-40615-7", ("9780306406157",)),  # as stored: digits only
        ("0-306-40615-X", ("030640615x",)),
        ("ISBN 978-0-306-40615-7", ("9780306406157",)),  # pasted from a copyright page
        ("ISBN-13: 978-0-306-40615-7", ("9780306406157",)),
        ("isbn:978-0-306-40615-7", ("9780306406157",)),
        ("isbn", ("isbn",)),  # a word like any other when there is no number
        ("GARCÍA", ("garcia",)),
        ("春樹", ("春樹",)),
        ("العزلة", ("العزلة",)),
    ],
)
def test_query_words(raw, terms):
    assert Query.parse(raw).terms == terms


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_an_empty_query_is_no_error_and_finds_nothing(raw):
    query = Query.parse(raw)
    assert query.is_empty and query.text == ""
    assert CORPUS.search(query) == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("x" * (QUERY_MAX_LENGTH + 1), f"up to {QUERY_MAX_LENGTH} characters long, and this one has 201"),
        ("hobbit " * 40, "up to 200 characters"),
        ("!!! ...", "letters or digits"),
        ("— · –", "letters or digits"),
        ("📚📚", "letters or digits"),
    ],
)
def test_a_query_too_long_or_without_letters_is_refused_with_a_message(raw, message):
    with pytest.raises(QueryRefused, match=message):
        Query.parse(raw)


def test_the_length_limit_counts_what_is_typed_not_the_spaces_around_it():
    assert Query.parse("x" * QUERY_MAX_LENGTH).terms == ("x" * QUERY_MAX_LENGTH,)
    assert Query.parse(" " * 300 + "hobbit" + " " * 300).terms == ("hobbit",)


# --- What a search finds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "book_ids"),
    [
        ("garcia", ["cien"]),
        ("GARCÍA márquez", ["cien"]),
        ("ecole", ["ecole"]),
        ("moliere", ["ecole"]),
        ("strasse", ["strasse"]),
        ("STRASSE", ["strasse"]),
        ("straße", ["strasse"]),
        ("angstrom", ["angstrom"]),
        ("aesop", ["aesop"]),
        ("istanbul", ["istanbul"]),
        ("hatiralar", ["istanbul"]),
        ("abc", ["abc"]),
        ("definitive office", ["definitive"]),
        ("春樹", ["norwegian"]),  # part of the author's name
        ("ノルウェイ", ["norwegian"]),
        ("の森", ["norwegian"]),
        ("孤独", ["hundred_zh"]),
        ("العزلة", ["hundred_ar"]),
        ("عام من", ["hundred_ar"]),
        ("הקטן", ["prince"]),
        ("סנט", ["prince"]),
        ("한강", ["vegetarian"]),
        ("주의", ["vegetarian"]),
        ("o'brien", ["markup"]),
        ("O’Brien", ["markup"]),
        ("<b>", ["markup"]),
        ("9780306406157", ["hobbit"]),
        ("978-0-306-40615-7", ["hobbit"]),
        ("ISBN 978-0-306-40615-7", ["hobbit"]),
        ("0306406152", ["hobbit"]),  # the ISBN-10 of a 978 ISBN-13
        ("0-306-40615-2", ["hobbit"]),
        ("978-0306", ["hobbit"]),  # typing it, not there yet
        ("979-10-323", ["dune"]),
        ("sci-fi", ["dune"]),
        ("magical", ["cien"]),
        ("2019-07", ["dune"]),  # a date in the notes, hyphens and all
        ("book club", ["cien", "dune"]),  # a tag before the notes
        ("tolkien hobbit", ["hobbit", "silmarillion"]),
        ("hobbit tolkien", ["hobbit", "silmarillion"]),
        ("tolkien silmarillion", ["silmarillion"]),
        ("tolkien dune", []),  # every term must be found: no "or"
        ("hobbit zzz", []),
        ("nowhere", []),
    ],
)
def test_search_finds(raw, book_ids):
    assert found(raw) == book_ids


def test_words_match_in_any_order_and_in_different_fields():
    hobbit = CORPUS.search(Query.parse("tolkien hobbit"))[0]
    assert hobbit.book_id == "hobbit"
    assert hobbit.matched_fields == ("title", "author")
    assert CORPUS.search(Query.parse("hobbit tolkien"))[0] == hobbit


def test_a_term_is_found_within_one_field_never_across_two():
    assert found("hobbitj") == []  # the title's end and the author's start
    assert found("fi book") == ["dune"]  # "sci-fi" and "book club", one in the tags and one in the notes
    assert found("sci-fi | ") == ["dune"]


def test_hits_say_their_book_and_status():
    [hit] = CORPUS.search(Query.parse("hobbit"), limit=1)
    assert (hit.book_id, hit.status) == ("hobbit", "finished")


def relevance_library() -> SearchCorpus:
    # Titles in the reverse order of where "river" is, so that only relevance can put them right.
    return SearchCorpus(
        SearchEntry.of(each)
        for each in [
            book("in-notes", "A", "Nobody", notes="By the river."),
            book("in-tags", "B", "Nobody", tags=("river",)),
            book("in-isbn", "C 9780306406157", "Nobody", isbn13="9780306406157"),
            book("in-author", "D", "Joan River"),
            book("in-title", "E River", "Nobody"),
            book("in-title-and-notes", "F River", "Nobody", notes="river"),
            book("in-title-2", "E River", "Nobody"),  # the same title: ordered by id
        ]
    )


def test_hits_are_ordered_title_then_author_then_tags_then_notes_then_by_title_and_id():
    assert found("river", relevance_library()) == [
        "in-title",
        "in-title-2",
        "in-title-and-notes",
        "in-author",
        "in-tags",
        "in-notes",
    ]


def test_more_terms_in_the_title_come_first():
    corpus = SearchCorpus(
        SearchEntry.of(each)
        for each in [
            book("one-in-title", "A Hobbit", "Tolkien"),
            book("both-in-title", "Z Tolkien's Hobbit", "Someone"),
        ]
    )
    assert found("hobbit tolkien", corpus) == ["both-in-title", "one-in-title"]


def test_an_isbn_and_a_tag_count_the_same_and_then_the_title_decides():
    corpus = SearchCorpus(
        SearchEntry.of(each)
        for each in [
            book("tagged", "B", tags=("9780306406157",)),
            book("isbn", "A", isbn13="9780306406157"),
        ]
    )
    assert found("9780306406157", corpus) == ["isbn", "tagged"]


@pytest.mark.parametrize(
    ("raw", "matched_fields"),
    [
        ("hobbit", ("title",)),
        ("tolkien", ("author",)),
        ("978-0-306", ("isbn",)),
        ("sci-fi", ("tags",)),
        ("re-read", ("notes",)),
        ("sci-fi club", ("tags", "notes")),
        ("dune 979 sci club", ("title", "isbn", "tags", "notes")),
    ],
)
def test_a_hit_says_which_fields_matched(raw, matched_fields):
    assert CORPUS.search(Query.parse(raw))[0].matched_fields == matched_fields


def test_limit_keeps_the_most_relevant():
    assert [hit.book_id for hit in CORPUS.search(Query.parse("tolkien"), limit=1)] == ["hobbit"]
    assert len(CORPUS.search(Query.parse("e"))) > 5
    assert len(CORPUS.search(Query.parse("e"), limit=5)) == 5


def test_find_counts_every_match_beyond_the_hits_it_returns():
    every = CORPUS.search(Query.parse("e"))
    first, total = CORPUS.find(Query.parse("e"), limit=3)
    assert total == len(every) > 3
    assert first == every[:3]
    assert CORPUS.find(Query.parse("zzzz"), limit=3) == ([], 0)


def test_the_corpus_knows_its_size():
    assert len(CORPUS) == len(LIBRARY)
    assert len(SearchCorpus([])) == 0
    assert SearchCorpus([]).search(Query.parse("hobbit")) == []


def test_a_search_entry_holds_the_folded_fields():
    entry = SearchEntry.of(
        book("id", "L’École", "Molière", isbn13="9780306406157", tags=("Sci-Fi", "Book Club"), notes="Très Bien")
    )
    assert (entry.book_id, entry.status) == ("id", "not_started")
    assert entry.fields == {
        "title": "l'ecole",
        "author": "moliere",
        "isbn": "9780306406157 0306406152",
        "tags": "sci-fi | book club",
        "notes": "tres bien",
    }


def test_a_search_entry_has_an_isbn_10_only_when_there_is_one():
    assert SearchEntry.of(book("id", "T", isbn13="9791032305690")).fields["isbn"] == "9791032305690"
    assert SearchEntry.of(book("id", "T")).fields["isbn"] == ""
    assert SearchEntry.of(book("id", "T", isbn13="9780804429573")).fields["isbn"] == "9780804429573 080442957x"


def test_a_book_read_for_a_card_is_not_searched_without_its_notes():
    with pytest.raises(ValueError, match="notes"):
        SearchEntry.of(book("id", "T", card_only=True))


def test_a_query_typed_letter_by_letter_finds_what_it_finds_typed_at_once():
    corpus = SearchCorpus(SearchEntry.of(each) for each in LIBRARY)
    typed = ["t", "to", "tol", "tolk", "tolki", "tolk", "tolkien", "tolkien h", "tolkien ho", "tolkien hob", "hob"]
    typed += ["9", "97", "978-", "978-0", "9780", "978-0-3", "b", "bo", "boo", "book", "book c", "book cl"]
    for raw in typed:
        assert found(raw, corpus) == found(raw, SearchCorpus(SearchEntry.of(each) for each in LIBRARY)), raw


words = st.sampled_from(["t", "to", "tol", "tolkien", "hob", "hobbit", "e", "the", "97", "978-0", "9780", "club"])


@given(st.lists(st.lists(words, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=8))
def test_any_sequence_of_searches_finds_what_each_finds_alone(queries):
    corpus = SearchCorpus(SearchEntry.of(each) for each in LIBRARY)
    for raw in queries:
        assert found(raw, corpus) == found(raw, SearchCorpus(SearchEntry.of(each) for each in LIBRARY))


@given(st.text(min_size=2, max_size=300), st.data())
def test_any_part_of_a_folded_title_with_a_letter_finds_its_book(title, data):
    folded = fold(title)
    assume(len(folded) >= 2)
    start = data.draw(st.integers(0, len(folded) - 2))
    end = data.draw(st.integers(start + 2, min(len(folded), start + QUERY_MAX_LENGTH)))
    part = folded[start:end]
    assume(any(unicodedata.category(char).startswith("L") for char in part))
    corpus = SearchCorpus(SearchEntry.of(each) for each in [book("it", title), *LIBRARY[:3]])
    assert "it" in found(part, corpus)


# --- Highlighting ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "raw", "marked"),
    [
        ("<b>x</b>", "x", "&lt;b&gt;<mark>x</mark>&lt;/b&gt;"),
        ("Say \"hi\" & 'bye'", "hi", "Say &#34;<mark>hi</mark>&#34; &amp; &#39;bye&#39;"),
        ("Tom & Jerry", "tom &", "<mark>Tom</mark> &amp; Jerry"),  # punctuation alone is no term
        ("AT&T", "at&t", "<mark>AT&amp;T</mark>"),
        ("The Hobbit", "hobbit", "The <mark>Hobbit</mark>"),
        ("The Hobbit", "tolkien", "The Hobbit"),
        ("The Hobbit", "", "The Hobbit"),
        ("Straße", "strasse", "<mark>Straße</mark>"),
        ("STRASSE", "straße", "<mark>STRASSE</mark>"),
        ("Die Straße", "stras", "Die <mark>Straß</mark>e"),  # ß is "ss": marked whole
        ("École", "ecole", "<mark>École</mark>"),
        ("E\u0301cole", "ecole", "<mark>E\u0301cole</mark>"),  # the accent stays with its letter
        ("L’École", "l'ec", "<mark>L’Éc</mark>ole"),
        ("Deﬁnitive", "fin", "De<mark>ﬁn</mark>itive"),
        ("ＡＢＣ殺人事件", "abc", "<mark>ＡＢＣ</mark>殺人事件"),
        ("İstanbul", "ist", "<mark>İst</mark>anbul"),
        ("ｶﾞｲﾄﾞ", "ガイ", "<mark>ｶﾞｲ</mark>ﾄﾞ"),
        ("村上春樹", "春樹", "村上<mark>春樹</mark>"),
        ("مئة عام من العزلة", "العزلة", "مئة عام من <mark>العزلة</mark>"),
        ("הנסיך הקטן", "הקטן", "הנסיך <mark>הקטן</mark>"),
        ("The Hobbit", "hob bit", "The <mark>Hobbit</mark>"),  # adjacent marks merge
        ("The Hobbit", "hobb obbit", "The <mark>Hobbit</mark>"),  # overlapping marks merge
        ("banana", "ana", "b<mark>anana</mark>"),  # overlapping occurrences of one term
        ("Hobbit and hobbits", "hobbit", "<mark>Hobbit</mark> and <mark>hobbit</mark>s"),
        ("ISBN 978-0-306-40615-7", "978-0-306", "ISBN <mark>978-0-306</mark>-40615-7"),
        ("9780306406157", "978-0-306", "<mark>9780306</mark>406157"),
    ],
)
def test_highlight_marks_every_match_in_the_escaped_original(text, raw, marked):
    assert highlight(text, Query.parse(raw)) == marked


def unmarked(markup: str) -> str:
    return html.unescape(markup.replace("<mark>", "").replace("</mark>", ""))


queries = st.text(min_size=1, max_size=20).filter(lambda raw: any(char.isalnum() for char in raw))


@given(st.text(), queries)
def test_highlight_without_its_marks_is_the_original_text(text, raw):
    try:
        query = Query.parse(raw)
    except QueryRefused:
        assume(False)
    marked = highlight(text, query)
    assert unmarked(marked) == text
    assert "<" not in marked.replace("<mark>", "").replace("</mark>", "")


@given(st.text(min_size=1), st.data())
def test_highlight_marks_whatever_search_would_find(text, data):
    folded = fold(text)
    assume(folded)
    start = data.draw(st.integers(0, len(folded) - 1))
    part = folded[start : data.draw(st.integers(start + 1, min(len(folded), start + 50)))]
    assume(any(unicodedata.category(char)[0] in "LN" for char in part))
    assert "<mark>" in highlight(text, Query.parse(part))


# --- Snippets of the notes -------------------------------------------------------------------------------------

LONG_NOTES = " ".join(f"word{number}" for number in range(200)) + " <dragon> & " + " ".join("more" for _ in range(100))


def test_a_snippet_is_empty_when_nothing_matches():
    assert snippet(LONG_NOTES, Query.parse("hobbit")) == ""
    assert snippet("", Query.parse("hobbit")) == ""
    assert snippet("Anything", Query.parse("")) == ""


def test_a_snippet_of_short_notes_is_all_of_them():
    assert snippet("A dragon & a hobbit.", Query.parse("dragon")) == "A <mark>dragon</mark> &amp; a hobbit."


def test_a_snippet_is_a_window_around_the_first_match_cut_between_words():
    shown = snippet(LONG_NOTES, Query.parse("dragon"))
    assert "&lt;<mark>dragon</mark>&gt; &amp;" in shown
    text = unmarked(shown)
    assert text.startswith("…word") and text.endswith("more…")
    assert 100 <= len(text) <= 162
    assert text[1:-1] in LONG_NOTES  # whole words, nothing made up
    assert text.index("<dragon>") < len(text) // 2  # more after the match than before


@pytest.mark.parametrize("width", [40, 80, 160, 300])
def test_a_snippet_is_about_its_width(width):
    text = unmarked(snippet(LONG_NOTES, Query.parse("dragon"), width=width))
    assert width // 2 <= len(text) <= width + 2


def test_a_snippet_at_either_end_is_cut_on_one_side_only():
    start = unmarked(snippet(LONG_NOTES, Query.parse("word0")))
    assert start.startswith("word0 ") and start.endswith("…")
    end = unmarked(snippet(LONG_NOTES + " finale", Query.parse("finale")))
    assert end.startswith("…") and end.endswith("more finale")


def test_a_snippet_is_cut_at_line_breaks_too():
    notes = "\n".join(f"line{number}" for number in range(100)) + "\nThe dragon\n" + "\n".join(["more"] * 100)
    shown = unmarked(snippet(notes, Query.parse("dragon")))
    assert shown.startswith("…line") and shown.endswith("more…")
    assert all(word.startswith("line") or word in ("The", "dragon", "more") for word in shown[1:-1].split())


def test_a_snippet_shows_line_breaks_as_spaces_and_marks_every_term():
    notes = "First line.\n\nThe dragon\nslept on the gold. Then the dragon woke."
    assert snippet(notes, Query.parse("dragon gold")) == (
        "First line. The <mark>dragon</mark> slept on the <mark>gold</mark>. Then the <mark>dragon</mark> woke."
    )


def test_a_snippet_of_notes_without_spaces_keeps_marks_with_their_letters():
    notes = "村上春樹" * 100 + "ノルウェイの森" + "が" * 200
    shown = snippet(notes, Query.parse("ノルウェイ"), width=40)
    assert "<mark>ノルウェイ</mark>" in shown
    assert len(unmarked(shown)) <= 42
    decomposed = "e\u0301" * 300 + "hobbit" + "e\u0301" * 300
    text = unmarked(snippet(decomposed, Query.parse("hobbit"), width=41))
    assert not unicodedata.category(text[1]).startswith("M")  # the window starts on a letter, not its accent
