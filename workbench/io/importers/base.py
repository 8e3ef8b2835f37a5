"""The one interface every source importer meets, and the checks all formats share."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.errors import ImportError_

# Refuse sources larger than this (bytes on disk, and text after extraction):
# far above any transcript, small enough that a hostile file cannot exhaust memory.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_TEXT_CHARS = 50 * 1024 * 1024

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


def read_document(path: str | Path) -> ImportedDocument:
    """Read one file into an ImportedDocument, or raise ImportError_ naming the file and the problem."""
    from workbench.io.transcript import find_turns

    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if path.is_dir():
            raise ImportError_(f"{path}: is a folder, not a file; name the files in it (e.g. {path / '*.docx'})")
        size = path.stat().st_size
        if suffix not in FORMATS:
            raise ImportError_(f"{path}: cannot import {suffix or 'files without an extension'}; "
                               f"the workbench reads {', '.join(supported_suffixes())}")
        if size > MAX_FILE_BYTES:
            raise ImportError_(f"{path}: the file is {size // 2**20} MiB, larger than the workbench imports")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportError_(f"{path}: no such file") from None
    except PermissionError:
        raise ImportError_(f"{path}: cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise ImportError_(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise ImportError_(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise ImportError_(f"{path}: the file is empty")
    module = importlib.import_module(f"workbench.io.importers.{FORMATS[suffix]}")
    try:
        extracted: Extracted = module.extract(path, data)
    except ImportError_:
        raise
    except Exception as exc:  # a parser failing on a damaged file must not surface as a traceback
        raise ImportError_(f"{path}: not a readable {suffix} file ({type(exc).__name__}: {exc})") from None
    text = extracted.text
    if not text.strip():
        raise ImportError_(f"{path}: no text could be found in the file")
    if len(text) > MAX_TEXT_CHARS:
        raise ImportError_(f"{path}: the text is longer than the workbench imports ({len(text)} characters)")
    return ImportedDocument(
        name=path.name,
        kind=suffix.lstrip(".").replace("htm", "html").replace("htmll", "html"),
        text=text,
        original=data,
        encoding=extracted.encoding,
        turns=find_turns(text),
        warnings=extracted.warnings,
        pages=extracted.pages,
    )
