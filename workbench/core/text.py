"""Text that is not valid Unicode, where it can come from: file names and extracted text.

A file name the file system holds as bytes that are not UTF-8 reaches Python with lone
surrogates (PEP 383), and so does text from a PDF whose ToUnicode map names half a UTF-16
pair or a page declaring a codec such as unicode_escape. Such a string cannot be stored or
printed, so it is repaired here with a warning (issue 12, item 6): never stored broken.
"""
from __future__ import annotations

import os
import re

_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters and line separators (what str.splitlines breaks at); tab stays.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
REPLACEMENT = "\ufffd"


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def repair_text(text: str) -> tuple[str, int]:
    """(text with valid surrogate pairs joined and lone surrogates made U+FFFD, how many were lone)."""
    if not has_surrogates(text):
        return text, 0
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    lone = sum(1 for _ in _SURROGATE.finditer(text)) - 2 * (len(text) - len(joined))
    return joined, lone


def repair_name(name: str) -> tuple[str, str | None]:
    """A file name fit to be a source name, and a warning when it had to be changed.

    Bytes that are not UTF-8 are read as Windows-1252, the likeliest origin of such names
    (a zip or USB stick from an older Windows machine)."""
    if not has_surrogates(name):
        return name, None
    try:
        raw = os.fsencode(name)
        fixed = raw.decode("cp1252", "replace")
        fixed, _ = repair_text(fixed)
    except UnicodeError:
        fixed, _ = repair_text(name)
    return fixed, (f"the file name is not valid UTF-8; the source is named {fixed!r} "
                   "(rename it if letters look wrong)")


def shown(text: object) -> str:
    """Text safe to print as one line on any stream: bytes of a file name that are not UTF-8
    appear as \\xNN, other lone surrogates as \\udNNN, and line breaks and other control
    characters (a file may be named so) as escapes; a message must never fail to print."""
    s = str(text)
    if _CONTROL.search(s):
        s = _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), s)
    if not has_surrogates(s):
        return s
    try:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return s.encode("utf-8", "backslashreplace").decode("utf-8")
