"""The archive side of a QDPX import: the `.qde`'s events, and each text and note's file, read as needed.

A `Feed` is one pass over an opened, checked archive (safezip). It hands out
the stream of the `.qde` (qde_stream) and reads a text's file from the
archive when its source comes, so only the source being built is in memory.
What it cannot read goes to the report given.
"""
from __future__ import annotations

import codecs
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from workbench.core.errors import ImportRefused
from workbench.io.refi.offsets import PlainText
from workbench.io.refi.qde_read import QdeProject, QText, guid_key, project_of
from workbench.io.refi.qde_stream import QdeStream
from workbench.io.refi.report import ImportReport
from workbench.io.refi.safezip import QdpxArchive


@dataclass
class LoadedText:
    """A text record with its decoded plain text and its original document, if the archive had it."""

    q: QText
    plain: PlainText
    kind: str  # txt, docx, pdf
    encoding: str
    original: bytes | None
    original_name: str


def decode_text(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding, clean): UTF-8 with or without BOM, UTF-16 with BOM; bad bytes replaced."""
    if data.startswith(codecs.BOM_UTF8):
        data, enc = data[3:], "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", True
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), "utf-16", False
    else:
        enc = "utf-8"
    try:
        return data.decode("utf-8"), enc, True
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), enc, False


class Feed:
    """One pass over the archive: `start` reads up to the Project element, `events` gives the rest."""

    def __init__(self, archive: QdpxArchive, label: str):
        self.archive, self.label = archive, label
        self._events: Iterator[tuple[str, Element]] | None = None
        self._seen_paths: dict[str, str] = {}  # a transcript's text file -> the source that had it first

    def start(self) -> QdeProject:
        """The records of the Project element's attributes; refuses a file whose root is not <Project>."""
        self._events = QdeStream(self.archive, self.label).events()
        for kind, root in self._events:
            if root.tag != "Project":
                raise ImportRefused(f"{self.label}: not a REFI-QDA project (the root element is <{root.tag}>, "
                                    "not <Project>)")
            return project_of(root)
        raise ImportRefused(f"{self.label}: the XML is empty")

    def events(self) -> Iterator[tuple[str, Element]]:
        """("section", el) and ("source", el) after `start`, in document order."""
        assert self._events is not None, "Feed.start first"
        return self._events

    def load_text(self, q: QText, rep: ImportReport) -> LoadedText | None:
        """The text (and original) of one text record, or None when it cannot be imported (reported)."""
        label = q.name or q.plain_path or q.guid
        path_key = q.plain_path.strip().lower()
        if q.element == "Transcript" and path_key and path_key in self._seen_paths:
            rep.not_carry("transcript", label, f"the same text file as source {self._seen_paths[path_key]!r}")
            return None
        if path_key:
            self._seen_paths.setdefault(path_key, label)
        archive = self.archive
        if q.plain_path:
            data = archive.read_internal(q.plain_path)
            if data is None and q.inline is None:
                rep.skip("source", label, f"its text file {q.plain_path!r} is not in the archive; "
                                          f"{len(q.selections)} selections skipped with it")
                return None
            raw, enc, clean = decode_text(data) if data is not None else (q.inline or "", "utf-8", True)
        elif q.inline is not None:
            raw, enc, clean = q.inline, "utf-8", True
        else:
            rep.skip("source", label, "it has neither a text file nor inline text")
            return None
        if not clean:
            rep.warn(f"source {label!r}: the text is not valid {enc}; bad bytes were replaced, offsets may shift")
        kind, original, original_name = "txt", None, q.name or posixpath.basename(q.plain_path.replace("\\", "/"))
        for ref, ext in ((q.rich_path, ".docx"), (q.original_path, ".pdf")):
            if not ref:
                continue
            if not ref.lower().endswith(ext):
                rep.warn(f"source {label!r}: the original {ref!r} is not a {ext} file; not kept")
                continue
            data = archive.read_internal(ref)
            if data is None:
                rep.warn(f"source {label!r}: the original {ref!r} is not in the archive; the plain text is imported")
                continue
            kind, original = ext[1:], data
            original_name = q.name if q.name.lower().endswith(ext) else f"{q.name or q.guid}{ext}"
        plain = PlainText(raw)
        if not plain.text.strip():
            rep.warn(f"source {label!r}: the text is empty")
        return LoadedText(q, plain, kind, enc, original, original_name)

    def load_notes(self, doc: QdeProject, rep: ImportReport) -> dict[str, str]:
        """Each note's text by its GUID key (inline, or its file in the archive)."""
        texts: dict[str, str] = {}
        for n in doc.notes_list:
            if n.inline is not None:
                texts[guid_key(n.guid)] = n.inline
            elif n.plain_path and (data := self.archive.read_internal(n.plain_path)) is not None:
                texts[guid_key(n.guid)] = PlainText(decode_text(data)[0]).text
            elif n.description:
                texts[guid_key(n.guid)] = ""
            else:
                rep.skip("note", n.name or n.guid, f"its text {n.plain_path!r} is not in the archive")
        return texts
