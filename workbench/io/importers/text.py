"""Plain text files as real transcripts come: UTF-8 (with or without BOM), UTF-16, Windows-1252, Latin-1...

The common case (UTF-8) costs one strict decode; the slower guesses (encodings.py) run only
when it fails, and say in the import report which encoding they chose and how sure they are.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import Extracted
from workbench.io.importers.encodings import CHOICES, MULTIBYTE, guess_legacy, label_of, utf7_guess
from workbench.io.importers.encodings import describe as describe_guess
from workbench.io.importers.sniff import describe, refuse_as

# Bytes that never occur in text (C0 controls other than tab, line feed, vertical tab,
# form feed, carriage return and the DOS end-of-file mark ^Z).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26))
# A valid UTF-8 multi-byte sequence: its presence in a file that is not valid UTF-8 as a
# whole means the file mixes encodings (a UTF-8 transcript edited in a Windows-1252 tool).
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CHOOSABLE = {codecs.lookup(c).name for c, _ in CHOICES} | {"utf-16-le", "utf-16-be", "utf-32"}
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
        raise ImportRefused(f"{path}: starts like {label} text but is not valid {label}") from None
    return text, codec


def decode(path: Path, data: bytes, warnings: list[str] | None = None,
           encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes to text and name the encoding used; only the BOM is dropped.

    `encoding` is the user's choice and is used as given. Otherwise a byte-order mark,
    UTF-8 or UTF-16 decide with certainty, and for anything else the code page is guessed:
    a note in `warnings` then names the encoding chosen and the confidence.
    """
    if encoding:
        return decode_as(path, data, encoding)
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise ImportRefused(f"{path}: starts like UTF-8 text but is not valid UTF-8") from None
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        return _decode_unicode(path, data, "utf-32", "UTF-32")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _decode_unicode(path, data, "utf-16", "UTF-16")
    head = data[:4096]
    if 0 in head:
        codec = _utf16_without_bom(head)
        if codec is None:
            raise ImportRefused(f"{path}: is not a text file (it holds binary data)")
        return _decode_unicode(path, data, codec, "UTF-16")
    if len(head) - len(head.translate(None, _CONTROL)) > max(8, len(head) // 20):
        raise ImportRefused(f"{path}: is not a text file (it holds binary data)")
    utf7 = utf7_guess(data)
    if utf7 is not None:
        if warnings is not None:
            warnings.append(describe_guess(utf7))
        return data.decode("utf-7"), "utf-7"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_legacy(path, data, warnings)


def decode_as(path: Path, data: bytes, encoding: str) -> tuple[str, str]:
    """Decode with the encoding the user chose (a BOM of that encoding is dropped)."""
    if encoding.startswith("utf-8+"):  # what _decode_legacy names a mixed file
        other = decode_as(path, b"", encoding[6:])[1]
        return _decode_mixed(data.removeprefix(codecs.BOM_UTF8), other), f"utf-8+{other}"
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise ImportRefused(f"{path}: {encoding!r} is not an encoding the workbench knows") from None
    if codec not in _CHOOSABLE:
        raise ImportRefused(f"{path}: {encoding!r} is not a text encoding one can choose for a source")
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        data, codec = data[3:], "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{path}: is not {label_of(codec)} text (byte {exc.object[exc.start]:#04x} "
                           f"at position {exc.start} does not fit it)") from None
    return text.removeprefix("\ufeff") if codec.startswith(("utf-16", "utf-32")) else text, codec


def _decode_legacy(path: Path, data: bytes, warnings: list[str] | None) -> tuple[str, str]:
    """Bytes that are neither UTF-8 nor UTF-16: a guessed code page, with a note saying how sure.

    A UTF-8 file edited in a tool that wrote another code page keeps its UTF-8 letters: the
    code page is guessed from the other bytes and reads only those ("utf-8+cp1252").
    """
    mixed = _UTF8_SEQ.search(data) is not None
    guess = guess_legacy(_UTF8_SEQ.sub(b" ", data) if mixed else data)
    if guess is None:
        raise ImportRefused(f"{path}: the text encoding could not be recognised")
    if mixed and guess.codec not in MULTIBYTE:
        if warnings is not None:
            warnings.append(f"the file mixes UTF-8 with another encoding; the other bytes were read as "
                            f"{guess.label}: check accented letters")
            warnings.append(describe_guess(guess))
        return _decode_mixed(data, guess.codec), f"utf-8+{guess.codec}"
    if guess.codec == "cp1252" and not any(0x80 <= b <= 0x9F for b in data):
        guess.codec = "latin-1"  # Latin-1 and Windows-1252 agree outside 0x80-0x9F
    if warnings is not None:
        warnings.append(describe_guess(guess))
    return data.decode(guess.codec), guess.codec


def _decode_mixed(data: bytes, codec: str) -> str:
    """UTF-8 where the bytes are UTF-8, `codec` (a single-byte code page) for the rest."""
    name = f"workbench-{codec}"
    try:
        codecs.lookup_error(name)
    except LookupError:
        def fallback(exc: UnicodeDecodeError, codec=codec):
            return exc.object[exc.start:exc.end].decode(codec, "replace"), exc.end
        codecs.register_error(name, fallback)
    return data.decode("utf-8", name)


def extract(path: Path, data: bytes, encoding: str | None = None) -> Extracted:
    check_is_text(path, data)
    warnings: list[str] = []
    text, used = decode(path, data, warnings, encoding)
    return Extracted(normalize_newlines(text), used, warnings)
