"""Searching a reader's own library: text folded for matching, the query, matching and ordering books,
and the matches marked in what a page shows. Pure values: no Flask, no storage.

A `SearchCorpus` is the library folded once; the caller keeps one per reader and books revision, so
a query typed letter by letter searches the same corpus again instead of reading every book again."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup

from bookapp.books.record import isbn10_of

if TYPE_CHECKING:
    from bookapp.books.model import Book

QUERY_MAX_LENGTH = 200


class QueryRefused(ValueError):
    """A query that cannot be searched for; the message is fit to show the reader."""


# What fold() replaces once a text is in its compatibility form (NFKC) and casefolded:
# - the combining marks of the general diacritics blocks, the accents of Latin, Greek and Cyrillic letters
#   ("é" is e + U+0301 once decomposed). Marks of other scripts stay: kana voicing (か/が), Arabic and
#   Hebrew vowel points, Indic vowel signs change the word, and a title must be found as it is written;
# - typographic variants of the apostrophe, quotes and dashes, to their ASCII forms (O’Brien, sci‑fi);
# - invisible characters that split a word: soft hyphen, zero-width space, word joiner, BOM;
# - Latin letters with a stroke, and ligatures, that do not decompose, so that a reader without the key
#   finds them: "aesop" finds "Æsop", "lodz" "Łódź", "soren" "Søren". The dotless ı is i: Turkish "ırmak"
#   and "IRMAK" are found by "irmak", as "İstanbul" (İ decomposes to I and a dot) is by "istanbul".
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_REPLACEMENTS = (
    dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'")
    | dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"')
    | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")
    | dict.fromkeys("\u00ad\u200b\u2060\ufeff", "")
    | {"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_REPLACED = re.compile(f"[{re.escape(''.join(_REPLACEMENTS))}]")  # regular expressions: translate() is slower
_BELOW_CJK = re.compile("[\x00-\u2fff]+")  # the scripts with accents to drop: where NFD is needed


def _without_accents(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFC", _DIACRITICS.sub("", unicodedata.normalize("NFD", match.group())))


def fold(text: str) -> str:
    """`text` as search compares it: without case, accents or typographic variants ("García" → "garcia",
    "Straße" → "strasse", "ＡＢＣ" → "abc", "ﬁ" → "fi"). Scripts without case (CJK, Arabic, Hebrew)
    come out as they went in, so that any part of a title finds it."""
    if text.isascii():
        return text.lower()
    # The acute accent alone is typed for an apostrophe ("O´Brien"), and would decompose to a space and a mark.
    # NFKC, then NFD only below the CJK blocks: decomposing kana and Hangul to compose them again is slow.
    composed = unicodedata.normalize("NFKC", text.replace("\u00b4", "'")).casefold()
    return _REPLACED.sub(lambda match: _REPLACEMENTS[match.group()], _BELOW_CJK.sub(_without_accents, composed))


def _continues_piece(char: str) -> bool:
    """Whether `char` belongs to the character before it: a combining mark, or a character that folds into
    something NFC joins to the one before: Hangul vowels and finals (conjoining, compatibility and half-width
    forms) and the half-width kana voicing marks (ｶﾞ is ガ)."""
    return (
        unicodedata.category(char)[0] == "M"
        or "\u1160" <= char <= "\u11ff"
        or "\u3131" <= char <= "\u318e"
        or "\ud7b0" <= char <= "\ud7ff"
        or "\uff9e" <= char <= "\uffdc"
    )


# Characters that fold into one character each and start a piece, so that a run of them folds in one call,
# one character for one: those of the small scripts' blocks and of the punctuation and CJK symbol and kana
# blocks (found at import), and, written out, the CJK ideographs and Hangul syllables (which fold to themselves).
_ONE_FOR_ONE = re.compile(
    "["
    + "".join(
        re.escape(char)
        for blocks in ((0, 0x800), (0x2000, 0x2070), (0x3000, 0x3100), (0xFF00, 0xFFF0))
        for char in map(chr, range(*blocks))
        if len(fold(char)) == 1 and not _continues_piece(char)
    )
    + "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]+"
)
_fold_piece = lru_cache(maxsize=8192)(fold)


def _folded_with_origins(text: str) -> tuple[str, Sequence[int], Sequence[int]]:
    """fold(text), and for each of its characters the start and end in `text` of the piece it came from (a
    character with the combining marks after it): where a match found in the folded text is in the original."""
    if _ONE_FOR_ONE.fullmatch(text) and len(folded_text := fold(text)) == len(text):  # most texts
        return folded_text, range(len(text)), range(1, len(text) + 1)
    folded: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def by_piece(start: int, end: int) -> None:
        while start < end:
            after = start + 1
            while after < len(text) and _continues_piece(text[after]):
                after += 1
            piece = _fold_piece(text[start:after])
            folded.append(piece)
            starts.extend([start] * len(piece))
            ends.extend([after] * len(piece))
            start = after

    position = 0
    for run in itertools.chain(_ONE_FOR_ONE.finditer(text), [None]):
        start, end = run.span() if run else (len(text), len(text))
        if end < len(text) and _continues_piece(text[end]):
            end -= 1  # its last character goes with the marks after it
        by_piece(position, start)
        if len(chunk := fold(text[start:end])) == end - start:
            folded.append(chunk)
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
        else:  # not one for one after all (a later Unicode version): still right, only slower
            by_piece(start, end)
        position = max(start, end)
    return "".join(folded), starts, ends


def _trim_punctuation(word: str) -> str:
    """The word without punctuation at its edges ("(hobbit)," → "hobbit"); "#" stays, for "C#"."""
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] == "P" and word[start] != "#":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] == "P" and word[end - 1] != "#":
        end -= 1
    return word[start:end]


# A number, or an ISBN as printed ("978-0-306-40615-7", "isbn:0-306-40615-x"), searched as its digits too.
_NUMBER = re.compile(r"(?:isbn(?:-?1[03])?:)?([0-9][0-9-]*x?)")
_ISBN_LABEL = re.compile(r"isbn(?:-?1[03])?")  # a word before an ISBN pasted from a copyright page


@dataclass(frozen=True)
class Query:
    """What the reader searches for: every term must be found, in any field and any order."""

    text: str  # as typed, trimmed
    terms: tuple[str, ...]  # folded words, without repeats, in the order typed
    # Each term with the spellings that count as it: a number typed with hyphens is searched as its digits
    # (the term: how an ISBN is stored) and as typed (a date in the notes: "2019-07").
    forms: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        if not self.forms:
            object.__setattr__(self, "forms", tuple((term,) for term in self.terms))

    @property
    def is_empty(self) -> bool:
        """Nothing typed yet: a page shows no results, and no error."""
        return not self.terms

    @classmethod
    def parse(cls, raw: str) -> Query:
        text = raw.strip()
        if len(text) > QUERY_MAX_LENGTH:
            raise QueryRefused(
                f"A search can be up to {QUERY_MAX_LENGTH} characters long, and this one has {len(text)}: "
                "try a few words of the title or the author’s name."
            )
        words = [_trim_punctuation(word) for word in fold(text).split()]
        words = [word for word in words if any(unicodedata.category(char)[0] in "LN" for char in word)]
        if text and not words:
            raise QueryRefused("Search for words with letters or digits in them, like a title or an author’s name.")
        has_number = any(_NUMBER.fullmatch(word) for word in words)
        forms: dict[str, tuple[str, ...]] = {}
        for word in words:
            if has_number and _ISBN_LABEL.fullmatch(word):
                continue
            if number := _NUMBER.fullmatch(word):
                word, digits = number.group(1), number.group(1).replace("-", "")
                forms.setdefault(digits, (digits, word) if word != digits else (digits,))
            else:
                forms.setdefault(word, (word,))
        return cls(text=text, terms=tuple(forms), forms=tuple(forms.values()))


FIELDS = ("title", "author", "isbn", "tags", "notes")  # in relevance order


@dataclass(frozen=True)
class SearchEntry:
    """One book as search sees it: its id and status, and its folded searchable fields, joined once into
    the one text a search looks through, with where each field is in it. Fields are joined by "\n": no
    term has a space or line break (terms are split on whitespace), so a term is found in one field,
    never across two. Made once per book and kept, so that a corpus is rebuilt after a change by
    sorting the kept entries again, without folding or copying any text."""

    book_id: str
    status: str
    text: str
    bounds: tuple[tuple[int, int], ...]  # (start, end) in `text` of each name in FIELDS

    @classmethod
    def of(cls, book: Book) -> SearchEntry:
        """The entry of a whole `bookapp.books.model.Book` (a book read for a card has no notes)."""
        if book.card_only:
            raise ValueError("a book read for a card has no notes: search whole books")
        isbn10 = isbn10_of(book.isbn13) if book.isbn13 else None
        fields = (
            fold(book.title),
            fold(book.author),
            fold(" ".join(filter(None, (book.isbn13, isbn10)))),
            fold(" | ".join(book.tags)),
            # Each word once: a term is looked for inside words, never across two, so a word's second
            # time adds nothing but length to look through and memory to keep.
            " ".join(dict.fromkeys(fold(book.notes).split())),
        )
        bounds, start = [], 0
        for field in fields:
            bounds.append((start, start + len(field)))
            start += len(field) + 1
        return cls(book_id=book.book_id, status=str(book.status), text="\n".join(fields), bounds=tuple(bounds))

    def field(self, name: str) -> str:
        start, end = self.bounds[FIELDS.index(name)]
        return self.text[start:end]

    @property
    def fields(self) -> dict[str, str]:
        """Every name in FIELDS -> its folded text."""
        return {name: self.field(name) for name in FIELDS}


@dataclass(frozen=True)
class SearchHit:
    book_id: str
    status: str
    matched_fields: tuple[str, ...]  # the fields that matched some term, in relevance order


def _containing(indices: Iterable[int], forms: tuple[str, ...], texts: list[str]) -> list[int]:
    """The indices whose text has one of the forms of a term (the loop every search runs over every book)."""
    if len(forms) == 1:
        form = forms[0]
        return [index for index in indices if form in texts[index]]
    found: set[int] = set()
    for form in forms:
        found.update([index for index in indices if index not in found and form in texts[index]])
    return [index for index in indices if index in found]


def _implies(new: tuple[str, ...], old: tuple[str, ...]) -> bool:
    """Whether a text with the term `new` (any of its forms) has the term `old`: "tolkien" implies "tolk"."""
    return all(any(form in new_form for form in old) for new_form in new)


class SearchCorpus:
    """A reader's library folded once, searched many times (kept per reader and revision by the caller)."""

    def __init__(self, entries: Iterable[SearchEntry]):
        # In the order of equal relevance (title, then id): a stable sort by relevance is all a search does.
        ordered = sorted(entries, key=lambda entry: (entry.field("title"), entry.book_id))
        self._ids = [entry.book_id for entry in ordered]
        self._statuses = [entry.status for entry in ordered]
        self._texts = [entry.text for entry in ordered]
        self._bounds = [entry.bounds for entry in ordered]
        # The fields that order the hits, apart: scanned for every hit, so small strings are faster.
        self._titles = [entry.field("title") for entry in ordered]
        self._authors = [entry.field("author") for entry in ordered]
        self._codes = [entry.field("isbn") + "\n" + entry.field("tags") for entry in ordered]
        # The last search's terms and the books that had them all: a query typed one letter further finds
        # only some of these, so it looks at them only. Replaced whole, so threads may share the corpus.
        self._last: tuple[tuple[tuple[str, ...], ...], list[int]] = ((), [])

    def __len__(self) -> int:
        return len(self._ids)

    def search(self, query: Query, limit: int | None = None) -> list[SearchHit]:
        """The books in which every term occurs, most relevant first: more terms in the title, then in the
        author, then in the ISBN or tags (the notes count only as a place to be found); then by title."""
        return self.find(query, limit)[0]

    def find(self, query: Query, limit: int | None = None) -> tuple[list[SearchHit], int]:
        """The first `limit` hits of `search`, and how many books matched in all (a hit says which
        fields matched, which costs a look through each field: only the hits shown pay for it)."""
        if query.is_empty:
            return [], 0
        last_forms, last_found = self._last
        narrowed = last_forms and all(any(_implies(new, old) for new in query.forms) for old in last_forms)
        found: Iterable[int] = last_found if narrowed else range(len(self._texts))
        for forms in sorted(query.forms, key=lambda forms: -len(forms[0])):  # longer terms: fewer books
            found = _containing(found, forms, self._texts)
        self._last = (query.forms, found)
        # One number per hit: its terms in the title, author and ISBN or tags, as digits in base len(terms) + 1.
        base = len(query.forms) + 1
        score = [0] * len(self._texts)
        for weight, fields in ((base * base, self._titles), (base, self._authors), (1, self._codes)):
            for forms in query.forms:
                for index in _containing(found, forms, fields):
                    score[index] += weight
        ranked = sorted(found, key=score.__getitem__, reverse=True)  # stable: equal scores stay in title order
        return [self._hit(index, query) for index in ranked[:limit]], len(ranked)

    def _hit(self, index: int, query: Query) -> SearchHit:
        text = self._texts[index]
        matched = tuple(
            name
            for name, (start, end) in zip(FIELDS, self._bounds[index], strict=True)
            if any(text.find(form, start, end) != -1 for forms in query.forms for form in forms)
        )
        return SearchHit(book_id=self._ids[index], status=self._statuses[index], matched_fields=matched)


_MARK, _END_MARK = Markup("<mark>"), Markup("</mark>")


def _marked_spans(text: str, query: Query) -> list[list[int]]:
    """Where in `text` the terms occur, as [start, end] pairs, overlapping and adjacent ones merged."""
    folded, starts, ends = _folded_with_origins(text)
    spans = []
    for forms in query.forms:
        for form in forms:
            at = folded.find(form)
            while at != -1:
                spans.append((starts[at], ends[at + len(form) - 1]))
                at = folded.find(form, at + 1)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def highlight(text: str, query: Query) -> Markup:
    """`text` as written, HTML-escaped, with every occurrence of a term in <mark>: matched on the folded text,
    marking the characters that folded into the match ("strasse" marks "Straße")."""
    parts: list[str] = []
    position = 0
    for start, end in _marked_spans(text, query):
        parts += [text[position:start], _MARK, text[start:end], _END_MARK]
        position = end
    parts.append(text[position:])
    return Markup("").join(parts)  # escapes every part that is not Markup: the reader's text


def snippet(text: str, query: Query, width: int = 160) -> Markup:
    """About `width` characters of `text` (the notes) around the first match, on one line, highlighted, with
    "…" where it is cut; empty when no term occurs in it."""
    spans = _marked_spans(text, query)
    if not spans:
        return Markup("")
    first_start, first_end = spans[0]
    start = max(0, first_start - max(width - (first_end - first_start), 0) // 3)  # a third before, the rest after
    end = min(len(text), max(start + width, first_end))
    start = max(0, min(start, end - width))  # near the end, more before
    # Cut between words where there is a space near the cut, and never between a letter and its marks.
    flat = text.replace("\n", " ")
    if start > 0 and (space := flat.find(" ", start, first_start)) != -1 and space - start < width // 4:
        start = space + 1
    if end < len(text) and (space := flat.rfind(" ", first_end, end)) != -1 and end - space < width // 4:
        end = space
    while 0 < start < first_start and _continues_piece(text[start]):
        start -= 1
    while end < len(text) and _continues_piece(text[end]):
        end += 1
    window = " ".join(text[start:end].split())
    return Markup("").join(["…" if start > 0 else "", highlight(window, query), "…" if end < len(text) else ""])
