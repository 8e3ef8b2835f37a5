"""The one interface every source importer meets, and the checks all formats share."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.errors import ImportRefused
from workbench.core.files import MAX_FILE_BYTES, read_regular_file
from workbench.io.importers.limits import text_limit, too_much_text
from workbench.core.text import repair_name, repair_text

# Extension -> module in workbench.io.importers whose `extract(path, data)` returns the text.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".md": "markdown",
    ".docx": "docx",
    ".odt": "odt",
    ".rtf": "rtf",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
}


@dataclass
class Turn:
    """A speaker turn: `start`-`end` in code points; `label_end` ends the 'Name:' label."""

    speaker: str
    start: int
    end: int
    label_end: int
    timestamp: str | None = None
    timestamp_ms: int | None = None


@dataclass
class PageSpan:
    """A page of a paginated source: number (1 = first), printed label or "", start-end in code points."""

    page: int
    label: str
    start: int
    end: int


@dataclass
class Extracted:
    """What a format module returns: plain text (BOM dropped, '\\n' line ends), notes, and
    for a paginated format (PDF) where each page lies in the text."""

    text: str
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)
    pages: list[PageSpan] = field(default_factory=list)


@dataclass
class ImportedDocument:
    """A source ready to store: its text, its original bytes, and the speaker turns found."""

    name: str
    kind: str
    text: str
    original: bytes
    encoding: str = ""
    turns: list[Turn] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: list[PageSpan] = field(default_factory=list)


def supported_suffixes() -> list[str]:
    return sorted(FORMATS)


def read_document(path: str | Path, encoding: str | None = None) -> ImportedDocument:
    """Read one file into an ImportedDocument, or raise ImportRefused naming the file and the problem.

    `encoding` forces the encoding of a text-like file (.txt, .md, .html) instead of the guess.
    Whatever the file holds, the result is valid Unicode: what was not is repaired with a warning.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if path.is_dir():
            raise ImportRefused(f"{path}: is a folder, not a file; name the files in it (e.g. {path / '*.docx'})")
        path.stat()
    except FileNotFoundError:
        raise ImportRefused(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if suffix not in FORMATS:
        raise ImportRefused(f"{path}: cannot import {suffix or 'files without an extension'}; "
                           f"the workbench reads {', '.join(supported_suffixes())}")
    return document_from_bytes(path, read_regular_file(path, MAX_FILE_BYTES), encoding)


def document_from_bytes(path: Path, data: bytes, encoding: str | None = None) -> ImportedDocument:
    """The document in `data`, read as a file named `path` (its suffix says the format);
    also how a stored original is read again in another encoding."""
    from workbench.io.transcript import find_turns

    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ImportRefused(f"{path}: cannot import {suffix or 'files without an extension'}; "
                           f"the workbench reads {', '.join(supported_suffixes())}")
    if encoding and FORMATS[suffix] not in _TEXT_LIKE:
        raise ImportRefused(f"{path}: an encoding can be chosen only for .txt, .md and .html files")
    if not data.strip():
        raise ImportRefused(f"{path}: the file is empty")
    extracted = _extract(path, suffix, data, encoding)
    text, lone = repair_text(extracted.text)
    warnings = list(extracted.warnings)
    if lone:
        warnings.append(f"{lone} character{'s' if lone > 1 else ''} of the text {'were' if lone > 1 else 'was'} "
                        "not valid Unicode (a damaged font map or a wrong charset?) and became \ufffd")
    if not text.strip():
        raise ImportRefused(f"{path}: no text could be found in the file")
    if len(text) > text_limit(len(data)):
        raise too_much_text(path, text_limit(len(data)))
    name, note = repair_name(path.name)
    if note:
        warnings.append(note)
    return ImportedDocument(
        name=name,
        kind=suffix.lstrip(".").replace("htm", "html").replace("htmll", "html"),
        text=text,
        original=data,
        encoding=extracted.encoding,
        turns=find_turns(text),
        warnings=warnings,
        pages=extracted.pages,
    )


_TEXT_LIKE = {"text", "markdown", "html"}


def _extract(path: Path, suffix: str, data: bytes, encoding: str | None) -> Extracted:
    module = importlib.import_module(f"workbench.io.importers.{FORMATS[suffix]}")
    try:
        return module.extract(path, data, encoding) if encoding else module.extract(path, data)
    except ImportRefused:
        raise
    except RecursionError:
        raise ImportRefused(f"{path}: is nested too deeply to read (a damaged or hostile {suffix} file)") from None
    except MemoryError:
        raise ImportRefused(f"{path}: needs more memory to read than there is") from None
    except Exception as exc:  # a parser failing on a damaged file must not surface as a traceback
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise ImportRefused(f"{path}: not a readable {suffix} file ({type(exc).__name__}: {detail})") from None
