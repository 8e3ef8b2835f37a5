"""CSV cells a spreadsheet shows as text, never runs as a formula (issue 12, item 4).

Excel, LibreOffice and Google Sheets evaluate a cell that starts with '=', '+', '-' or
'@' (and some treat a leading tab or carriage return the same way), so a code named
`=1+1` or an excerpt starting `=HYPERLINK(` would run when a colleague opens the export.
OWASP's rule is applied to every text cell the program writes to CSV: such a cell gets a
single quote in front ("'=1+1"), which spreadsheets show as text.

The codebook CSV is read back by the program too, so the rule is made reversible: a cell
that starts with quotes followed by one of those characters gets one more quote, and
`unguard` removes exactly one. Every name survives export and import unchanged
(`unguard(guard(s)) == s` for every string), and a hand-written cell like "'quoted'"
is read as written.
"""
from __future__ import annotations

import re

# OWASP's list, plus the full-width forms some spreadsheets also take as formula starts.
TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# A plain signed number ("-0.25", a negative kappa) is read as a number, never as a formula.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def needs_guard(text: str) -> bool:
    rest = text.lstrip("'")
    return bool(rest) and rest[0] in TRIGGERS and _NUMBER.fullmatch(rest) is None


def guard(value):
    """The cell as written to CSV: text that would start a formula gets a leading quote."""
    if isinstance(value, str) and needs_guard(value):
        return "'" + value
    return value


# A cell needs a look only if it starts with a trigger or a quote (needs_guard strips quotes).
_FIRST = TRIGGERS | {"'"}


def guard_row(row) -> list:
    """guard() of every cell; most cells start with neither a trigger nor a quote, and are
    passed by one set lookup (an excerpt export guards ten cells a row)."""
    return [("'" + v if v[:1] in _FIRST and needs_guard(v) else v) if isinstance(v, str) else v for v in row]


def unguard(text: str) -> str:
    """The inverse of guard, for reading the program's own CSV back."""
    if text.startswith("'") and needs_guard(text[1:]):
        return text[1:]
    return text
