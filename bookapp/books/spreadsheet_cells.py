"""Text cells of a CSV file that a spreadsheet will not run as a formula, and back.

OWASP's CSV-injection guidance: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return is read by Excel, LibreOffice and Google Sheets as a formula; prefixing a single quote makes
them show it as text. The export defuses every text cell this way, and the importer undoes exactly
our own defusing so that the round trip is exact. To stay exact for text that itself begins with
quotes before a formula character (`'=x`), such text gets one more quote too, and undoing removes one.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _looks_like_formula_after_quotes(text: str) -> bool:
    return text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def defuse(text: str) -> str:
    """The cell to write for `text`: unchanged unless a spreadsheet would take it for a formula."""
    return QUOTE + text if _looks_like_formula_after_quotes(text) else text


def undefuse(cell: str) -> str:
    """The text `defuse` was given, from the cell it wrote; any other cell is returned as it is."""
    if cell.startswith(QUOTE) and _looks_like_formula_after_quotes(cell[1:]):
        return cell[1:]
    return cell
