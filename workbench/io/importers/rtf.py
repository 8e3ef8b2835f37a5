"""RTF sources (WordPad, TextEdit, older transcription tools), read with striprtf.

A paragraph a line and tables a row a line with cells joined by a tab, as for .docx.
Footnotes and hidden groups (font tables, pictures, document info) are dropped by
striprtf; emoji written as UTF-16 surrogate pairs (\\u-10179?\\u-8704?) are joined.
"""
from __future__ import annotations

import re
from pathlib import Path

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import Extracted
from workbench.io.importers.sniff import refuse_as
from workbench.io.importers.text import normalize_newlines

# striprtf writes '|' for a cell end, which would be indistinguishable from a '|' in the
# text; a cell end is rewritten to a private-use character first and turned into a tab.
_CELL_MARK = "\ue000"
_CELL = re.compile(r"\\\\|\\(?:nest)?cell(?![a-zA-Z]) ?")
_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _decode_source(data: bytes) -> str:
    """RTF is 7-bit in principle; raw 8-bit bytes are in the \\ansicpg code page, or UTF-8."""
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = _CODEPAGE.search(data[:4096])
    codepage = f"cp{int(m.group(1))}" if m else "cp1252"
    try:
        return data.decode(codepage)
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin-1")


def _mark_cells(source: str) -> str:
    # A group with \uc0 so that no fallback character follows the \u control word.
    mark = f"{{\\uc0\\u{ord(_CELL_MARK)} }}"
    return _CELL.sub(lambda m: m.group(0) if m.group(0) == "\\\\" else mark, source)


def _join_surrogates(text: str) -> str:
    if not _SURROGATES.search(text):
        return text
    # Pairs become one character; a lone half (a damaged file) becomes U+FFFD.
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _cells_to_tabs(text: str) -> str:
    if _CELL_MARK not in text:
        return text
    lines = [line.rstrip(_CELL_MARK).replace(_CELL_MARK, "\t") for line in text.split("\n")]
    return "\n".join(lines)


def extract(path: Path, data: bytes) -> Extracted:
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise refuse_as(path, "an RTF document", data, "is not an RTF document (it does not start with {\\rtf)")
    from striprtf.striprtf import rtf_to_text

    source = _mark_cells(_decode_source(data))
    warnings: list[str] = []
    try:
        text = rtf_to_text(source, errors="strict")
    except UnicodeDecodeError:
        text = rtf_to_text(source, errors="replace")
        warnings.append("some characters could not be decoded and were replaced by \ufffd")
    except (ValueError, IndexError, LookupError) as exc:
        raise ImportRefused(f"{path}: is a damaged RTF document ({exc})") from None
    text = _cells_to_tabs(normalize_newlines(_join_surrogates(text)))
    return Extracted(text, "", warnings)
