"""CSV cells that spreadsheets show as text, and the importer's exact undoing of it."""

import pytest

from bookapp.books.spreadsheet_cells import defuse, undefuse


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2 and more", "'-2 and more"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("'=already quoted", "''=already quoted"),
        ("The Hobbit", "The Hobbit"),
        ("'Tis the season", "'Tis the season"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_formula_like_text_is_defused_and_comes_back_exactly(text, cell):
    assert defuse(text) == cell
    assert undefuse(cell) == text


def test_cells_we_did_not_write_are_read_as_they_are():
    assert undefuse("'Tis the season") == "'Tis the season"
    assert undefuse("=1+1") == "=1+1"
