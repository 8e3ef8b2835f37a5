"""The bounds every import stays within, so a small hostile file cannot take minutes or gigabytes.

Each limit is charged before the work it bounds (issue 12, item 5): a list number is capped
before it is written out, a PDF page's content is weighed before pypdf parses it, and text
is counted as it is produced. What goes past a limit is refused in one line naming the file.
`workbench import --help` states them (help_text).
"""
from __future__ import annotations

from pathlib import Path

from workbench.core.errors import ImportRefused
from workbench.core.files import MAX_FILE_BYTES

# Files on disk and the text they give: at most MAX_TEXT_CHARS, and no more than
# TEXT_PER_BYTE characters a byte of the file past the first TEXT_FLOOR (real documents give
# a few characters a byte at most; a file sharing one page a thousand times gives thousands).
MAX_TEXT_CHARS = 50 * 1024 * 1024
TEXT_FLOOR = 1024 * 1024
TEXT_PER_BYTE = 100
# pypdf parses content streams at a few hundred KB a second; a page that many pages share
# is read once. The whole document may make it parse this much content.
PDF_WORK_FLOOR = 1024 * 1024
PDF_WORK_PER_BYTE = 16
# List numbers: Word and HTML store them as 32-bit integers; Roman numerals end at 3999 and
# letter numbering (a..z, aa..zz, ...) is written out only while it stays this short.
MAX_LIST_NUMBER = 2**31 - 1
MAX_ROMAN = 3999
MAX_LETTERS = 32


# .odt repeats and space counts let a small content.xml ask for gigabytes of text; the
# characters they add are counted and a document past this is refused.
MAX_EXPANDED_CHARS = 20_000_000


def text_limit(file_bytes: int) -> int:
    """How many characters of text a file of this size may give."""
    return min(MAX_TEXT_CHARS, max(TEXT_FLOOR, TEXT_PER_BYTE * file_bytes))


def too_much_text(path: Path, limit: int) -> ImportRefused:
    return ImportRefused(f"{path}: the text is longer than the workbench imports from a file of this size "
                        f"(more than {limit:,} characters; see workbench import --help)")


class TextBudget:
    """Counts characters as an importer produces them and stops it past text_limit."""

    def __init__(self, path: Path, file_bytes: int):
        self.path, self.limit, self.used = path, text_limit(file_bytes), 0

    def charge(self, chars: int) -> None:
        self.used += chars
        if self.used > self.limit:
            raise too_much_text(self.path, self.limit)


def list_number(text: str | None, default: int) -> int:
    """A list start or value attribute read as Word and browsers keep it: an integer that fits
    32 bits; anything else (a 5,000-digit number, garbage) gives the default."""
    if not text:
        return default
    value = text.strip()
    sign = -1 if value.startswith("-") else 1
    body = value[1:] if value[:1] in ("-", "+") else value
    if not body or not body.isascii() or not body.isdigit():
        return default
    body = body.lstrip("0") or "0"
    if len(body) > 10 or int(body) > MAX_LIST_NUMBER:
        return default
    return sign * int(body)


def help_text() -> str:
    """The limits in words, for `workbench import --help`."""
    from workbench.io.importers.zipguard import MAX_MEMBER_BYTES, MAX_RATIO, MAX_TOTAL_BYTES

    mib = 2**20
    return (
        "Limits (a file past one is refused with a line saying which):\n"
        f"  a regular file (no pipe or device) of at most {MAX_FILE_BYTES // mib} MiB;\n"
        f"  text of at most {MAX_TEXT_CHARS:,} characters, and of at most {TEXT_PER_BYTE} characters\n"
        f"    a byte of the file ({TEXT_FLOOR:,} are always allowed);\n"
        f"  .docx/.odt: at most {MAX_TOTAL_BYTES // mib} MiB unpacked, {MAX_MEMBER_BYTES // mib} MiB a part, "
        f"a part past 1 MiB packed at most {MAX_RATIO}:1;\n"
        f"    .odt repeated cells and spaces add at most {MAX_EXPANDED_CHARS:,} characters;\n"
        f"  .pdf: page content parsed at most {PDF_WORK_FLOOR // mib} MiB + {PDF_WORK_PER_BYTE} bytes a byte "
        "of the file\n    (pages sharing their content are read once);\n"
        f"  list numbers up to {MAX_LIST_NUMBER:,}; Roman numerals up to {MAX_ROMAN} and letter numbering up to\n"
        f"    {MAX_LETTERS} letters, larger numbers in digits."
    )
