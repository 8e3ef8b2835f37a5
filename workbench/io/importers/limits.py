"""The bounds every import stays within, so a small hostile file cannot take minutes or gigabytes.

Each limit is charged before the work it bounds (issue 12, item 5): a list number is capped
before it is written out, a PDF page's content is weighed before pypdf parses it, and text
is counted as it is produced. What goes past a limit is refused in one line naming the file.
`workbench import --help` states them (help_text).
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from workbench.core.errors import ImportError_

# Files on disk and the text they give: at most MAX_TEXT_CHARS, and no more than
# TEXT_PER_BYTE characters a byte of the file past the first TEXT_FLOOR (real documents give
# a few characters a byte at most; a file sharing one page a thousand times gives thousands).
MAX_FILE_BYTES = 200 * 1024 * 1024
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


def text_limit(file_bytes: int) -> int:
    """How many characters of text a file of this size may give."""
    return min(MAX_TEXT_CHARS, max(TEXT_FLOOR, TEXT_PER_BYTE * file_bytes))


def too_much_text(path: Path, limit: int) -> ImportError_:
    return ImportError_(f"{path}: the text is longer than the workbench imports from a file of this size "
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


def read_regular_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or ImportError_ saying why not.

    A FIFO, socket or device (a symlink to /dev/zero) is refused without reading from it:
    it is opened without blocking, checked with fstat, and any read stops at limit + 1.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ImportError_(f"{path}: no such file") from None
    except PermissionError:
        raise ImportError_(f"{path}: cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise ImportError_(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO or socket nobody writes to
            raise ImportError_(f"{path}: is not a regular file (a pipe or socket); import a saved file") from None
        raise ImportError_(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ImportError_(f"{path}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ImportError_(f"{path}: is not a regular file ({_kind(info.st_mode)}); import a saved file")
        if info.st_size > limit:
            raise _too_large(path, info.st_size, limit)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ImportError_(f"{path}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if size > limit:
        raise _too_large(path, size, limit)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _too_large(path: Path, size: int, limit: int) -> ImportError_:
    return ImportError_(f"{path}: the file is {size / 2**20:.0f} MiB or more, larger than the "
                        f"{limit // 2**20} MiB the workbench imports")


def help_text() -> str:
    """The limits in words, for `workbench import --help`."""
    from workbench.io.importers.odt import MAX_EXPANDED_CHARS
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
