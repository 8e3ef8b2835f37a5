"""Plain text files as real transcripts come: UTF-8 (with or without BOM), UTF-16, Windows-1252, Latin-1."""
from __future__ import annotations

import codecs
from pathlib import Path

from workbench.core.errors import ImportError_
from workbench.io.importers.base import Extracted


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode bytes to text and name the encoding used; only the BOM is dropped."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ImportError_(f"{path}: starts like UTF-16 text but is not valid UTF-16") from None
    if b"\x00" in data[:4096]:
        raise ImportError_(f"{path}: not a text file (it holds binary data)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: transcripts from Windows tools are nearly always Windows-1252, which
    # agrees with Latin-1 except in 0x80-0x9F. Ask charset-normalizer only when those occur.
    if not any(0x80 <= b <= 0x9F for b in data):
        return data.decode("latin-1"), "latin-1"
    try:
        text = data.decode("cp1252")
        return text, "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ImportError_(f"{path}: the text encoding could not be recognised")
    return str(best), best.encoding


def extract(path: Path, data: bytes) -> Extracted:
    text, encoding = decode(path, data)
    return Extracted(normalize_newlines(text), encoding)
