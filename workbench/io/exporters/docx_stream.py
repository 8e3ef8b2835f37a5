"""Saving a python-docx Document whose body is streamed into the file, never built in memory.

A report of every excerpt of a large project holds hundreds of thousands of paragraphs: as
lxml elements of one tree they took 518 MB at 60,000 excerpts (issue 11). Here paragraphs
are serialised as they are made into a spool (a temporary file) and read back in the order
the report wants them; the document's package (styles, settings, the template's parts) is
saved by python-docx with a marker paragraph where the body goes, and word/document.xml is
copied around the marker with the spooled paragraphs written in its place, straight into
the zip. The result is the document BodyWriter.flush would have saved, byte for byte in
its body's paragraphs.
"""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from docx.oxml import OxmlElement

from workbench.io.exporters.docx_xml import xml_of  # noqa: F401 (the writers' serialiser, also from here)

DOCUMENT_PART = "word/document.xml"
_MARKER = "workbench-streamed-body-7d1c0e"


class Spool:
    """Serialised paragraphs in a temporary file: `add` returns where they lie, `read` gives them back."""

    def __init__(self, folder: str | Path | None = None):
        self._file = tempfile.TemporaryFile(dir=folder)
        self._end = 0
        self._flushed = False

    def add(self, data: bytes) -> tuple[int, int]:
        """Append (only before the first read)."""
        offset = self._end
        self._file.write(data)
        self._end += len(data)
        return offset, len(data)

    def read(self, offset: int, length: int) -> bytes:
        # pread, not a memory map: mapped pages would count in the process's resident memory.
        if not self._flushed:
            self._file.flush()
            self._flushed = True
        return os.pread(self._file.fileno(), length, offset)

    def close(self) -> None:
        self._file.close()


def save_streamed(document, path: str | Path, body: Iterable[bytes]) -> None:
    """Save `document` to path with the XML pieces of `body` added at the end of its body,
    before its section properties."""
    element = document.element.body
    marker = OxmlElement("w:p")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = _MARKER
    run.append(t)
    marker.append(run)
    sect = element.sectPr
    if sect is not None:
        sect.addprevious(marker)
    else:
        element.append(marker)
    package = io.BytesIO()
    try:
        document.save(package)
    finally:
        element.remove(marker)
    package.seek(0)
    # The lowest deflate level: a third of the time of the default for 5% more bytes.
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in src.infolist():
            if info.filename != DOCUMENT_PART:
                out.writestr(info, src.read(info.filename), compresslevel=6)
                continue
            xml = src.read(info.filename)
            at = xml.index(_MARKER.encode())
            head_end = xml.rindex(b"<w:p", 0, at)
            tail_start = xml.index(b"</w:p>", at) + len(b"</w:p>")
            # No ZIP64 (some readers of .docx stumble on it): the body must stay under 2 GiB of
            # XML, about two million excerpts; zipfile refuses past that, and nothing is placed.
            with out.open(DOCUMENT_PART, "w") as fh:
                fh.write(xml[:head_end])
                buf: list[bytes] = []
                size = 0
                for piece in body:
                    buf.append(piece)
                    size += len(piece)
                    if size > 1 << 20:
                        fh.write(b"".join(buf))
                        buf, size = [], 0
                fh.write(b"".join(buf))
                fh.write(xml[tail_start:])
