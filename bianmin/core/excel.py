"""Cells for the workbooks we export: text a spreadsheet would evaluate is written as text (CSV/formula injection).

OWASP's advice: a cell that begins with = + - @ (or a tab or carriage return, which some programs skip before
reading the rest as a formula) is prefixed with a single quote, so Excel and WPS show it and never run it.
Every export writes its text through safe_cell; an import that reads our own workbooks back uses unescape_cell.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to put in a cell: text without characters a workbook cannot hold, formulas defused."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unescape_cell(value):
    """The text safe_cell was given back (for importing a workbook we exported)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
