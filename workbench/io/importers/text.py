"""Plain text files as real transcripts come: UTF-8 (with or without BOM), UTF-16, Windows-1252, Latin-1.

The common case (UTF-8) costs one strict decode; the slower guesses run only when it fails.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from workbench.core.errors import ImportError_
from workbench.io.importers.base import Extracted
from workbench.io.importers.sniff import describe, refuse_as

# Bytes that never occur in text (C0 controls other than tab, line feed, vertical tab,
# form feed, carriage return and the DOS end-of-file mark ^Z).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26))
_HIGH = bytes(range(0x80, 0x100))
# A valid UTF-8 multi-byte sequence: its presence in a file that is not valid UTF-8 as a
# whole means the file mixes encodings (a UTF-8 transcript edited in a Windows-1252 tool).
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# What describe() may call a text file without it being refused as a text source.
_TEXT_KINDS = {"an HTML page"}


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF; nothing else changes."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_is_text(path: Path, data: bytes, expected: str = "a text file", allowed: set[str] = _TEXT_KINDS) -> None:
    """Refuse a PDF, Word file, image... saved under a text extension, naming what it is."""
    what = describe(data)
    if what is not None and what not in allowed:
        raise refuse_as(path, expected, data, "")


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL, as in UTF-16 text without a BOM."""
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    if odd_nul >= 0.4 * pairs and even_nul <= 0.02 * pairs:
        return "utf-16-le"
    if even_nul >= 0.4 * pairs and odd_nul <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _decode_unicode(path: Path, data: bytes, codec: str, label: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise ImportError_(f"{path}: starts like {label} text but is not valid {label}") from None
    return text, codec


def decode(path: Path, data: bytes, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode bytes to text and name the encoding used; only the BOM is dropped.

    Appends a note to `warnings` when the guess is uncertain (mixed encodings).
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise ImportError_(f"{path}: starts like UTF-8 text but is not valid UTF-8") from None
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        return _decode_unicode(path, data, "utf-32", "UTF-32")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _decode_unicode(path, data, "utf-16", "UTF-16")
    head = data[:4096]
    if 0 in head:
        codec = _utf16_without_bom(head)
        if codec is None:
            raise ImportError_(f"{path}: is not a text file (it holds binary data)")
        return _decode_unicode(path, data, codec, "UTF-16")
    if len(head) - len(head.translate(None, _CONTROL)) > max(8, len(head) // 20):
        raise ImportError_(f"{path}: is not a text file (it holds binary data)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_legacy(path, data, warnings)


def _decode_legacy(path: Path, data: bytes, warnings: list[str] | None) -> tuple[str, str]:
    """Bytes that are not UTF-8: Windows-1252 / Latin-1 unless the bytes say otherwise."""
    if warnings is not None and _UTF8_SEQ.search(data):
        warnings.append("the file mixes UTF-8 with another encoding; read as Windows-1252, "
                        "check accented letters")
    high = len(data) - len(data.translate(None, _HIGH))
    # Western European text has a few accented letters; text where a large share of the
    # bytes is high is in a non-Latin single-byte code page (Cyrillic, Greek...): ask.
    if high <= 0.3 * len(data) or high < 20:
        if not any(0x80 <= b <= 0x9F for b in data):
            # Latin-1 and Windows-1252 agree outside 0x80-0x9F.
            return data.decode("latin-1"), "latin-1"
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ImportError_(f"{path}: the text encoding could not be recognised")
    return str(best), best.encoding


def extract(path: Path, data: bytes) -> Extracted:
    check_is_text(path, data)
    warnings: list[str] = []
    text, encoding = decode(path, data, warnings)
    return Extracted(normalize_newlines(text), encoding, warnings)
