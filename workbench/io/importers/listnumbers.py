"""Writing list numbers as Word and LibreOffice show them (1, a, iv, ...), shared by .docx, .odt and .html.

A label is never longer than a few dozen characters, whatever number a file asks for:
Roman numerals stop at MAX_ROMAN and letter numbering at MAX_LETTERS letters; past them
the number is written in digits (issue 12, item 5: 85 bytes of HTML asked for 1.2 GB).
"""
from __future__ import annotations

from workbench.io.importers.limits import MAX_LETTERS, MAX_ROMAN

BULLET = "\u2022"

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def roman(n: int) -> str:
    if n <= 0 or n > MAX_ROMAN:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def letters_repeated(n: int) -> str:
    """Word's letter numbering: a..z, then aa, bb, ... zz, then aaa."""
    if n <= 0 or (n - 1) // 26 + 1 > MAX_LETTERS:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def letters_base26(n: int) -> str:
    """LibreOffice's default letter numbering: a..z, then aa, ab, ... like spreadsheet columns."""
    if n <= 0:
        return str(n)
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def format_number(n: int, fmt: str) -> str:
    """`n` written in Word's numFmt `fmt`; unknown formats fall back to decimal."""
    if fmt == "decimal":
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return letters_repeated(n)
    if fmt == "upperLetter":
        return letters_repeated(n).upper()
    if fmt == "lowerRoman":
        return roman(n)
    if fmt == "upperRoman":
        return roman(n).upper()
    if fmt == "none":
        return ""
    return str(n)


def format_odf_number(n: int, num_format: str, letter_sync: bool = False) -> str:
    """`n` written in an ODF style:num-format ('1', 'a', 'A', 'i', 'I', or '' for none)."""
    if num_format == "":
        return ""
    if num_format in ("a", "A"):
        text = letters_repeated(n) if letter_sync else letters_base26(n)
        return text.upper() if num_format == "A" else text
    if num_format == "i":
        return roman(n)
    if num_format == "I":
        return roman(n).upper()
    return str(n)
