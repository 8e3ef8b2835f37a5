"""Reading a `.qde` as a stream: each source handed over as its end tag is read, then let go.

A project's XML can hold hundreds of thousands of codings; parsed whole into
an element tree and then into records it took over a gigabyte. Here the
parser reads the archive entry a block at a time. The caller gets each
top-level section (Users, CodeBook, Cases, Notes, ...) whole, as those are
small, and each child of the first <Sources> as soon as it is complete; both
are cleared and unlinked once handled, so the tree never holds more than one
source. The safety of xmlsafe.parse_xml is kept: defusedxml refuses a
DOCTYPE, entity declarations and external references where the parser meets
them (with the same messages), and tags are reduced to their local names.
"""
from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

from workbench.core.errors import ImportRefused
from workbench.io.refi.safezip import QdpxArchive
from workbench.io.refi.xmlsafe import dtd_message

_BLOCK = 1 << 16


def _local(tag) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and tag.startswith("{") else tag


class QdeStream:
    """The events of one archive's `.qde`: ("project", root) when the root starts, then ("section", el)
    for each top-level child but the sources and ("source", el) for each child of the first <Sources>,
    in document order. An element handed over is cleared after the caller's turn."""

    def __init__(self, archive: QdpxArchive, label: str, what: str = "the XML"):
        self.archive, self.label, self.what = archive, label, what

    def _open(self):
        try:
            return self.archive.zf.open(self.archive.qde_name)
        except (OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise ImportRefused(f"{self.archive.path}: the archive entry {self.archive.qde_name!r} cannot be "
                                f"read ({exc})") from None

    def _head(self) -> bytes:
        """The first MiB of the XML, for saying what a refused declaration was."""
        with self._open() as fh:
            return fh.read(1 << 20)

    def events(self) -> Iterator[tuple[str, Element]]:
        import zipfile

        import defusedxml.ElementTree as dET
        from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

        label, what = self.label, self.what
        with self._open() as fh:
            try:
                first = fh.read(_BLOCK)
                while first and not first.strip():  # whitespace alone is an empty file, as parse_xml says
                    first = fh.read(_BLOCK)
                if not first:
                    raise ImportRefused(f"{label}: {what} is empty")
                yield from self._walk(_Rejoined(first, fh), dET)
            except DTDForbidden:
                raise ImportRefused(f"{label}: refused: {dtd_message(self._head())}") from None
            except EntitiesForbidden:
                raise ImportRefused(f"{label}: refused: {dtd_message(self._head())}") from None
            except ExternalReferenceForbidden:
                raise ImportRefused(f"{label}: refused: the XML refers to an external resource; it was not "
                                    "fetched") from None
            except dET.ParseError as exc:
                raise ImportRefused(f"{label}: {what} is not well-formed ({exc})") from None
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ImportRefused(f"{self.archive.path}: the archive entry {self.archive.qde_name!r} cannot be "
                                    f"read ({exc})") from None
            except (ValueError, LookupError) as exc:  # e.g. an unknown encoding in the XML declaration
                raise ImportRefused(f"{label}: {what} cannot be decoded ({exc})") from None

    def _walk(self, fh, dET) -> Iterator[tuple[str, Element]]:
        parser = dET.iterparse(fh, events=("start", "end"), forbid_dtd=True, forbid_entities=True,
                               forbid_external=True)
        depth = 0
        root = section = None  # the root, and the top-level element open now
        sources: Element | None = None  # the first <Sources>, whose children come one by one
        for event, el in parser:
            if event == "start":
                el.tag = _local(el.tag)
                depth += 1
                if depth == 1:
                    root = el
                    yield "project", el
                elif depth == 2:
                    section = el
                    if el.tag == "Sources" and sources is None:
                        sources = el
                continue
            depth -= 1
            if depth == 2 and section is sources:
                yield "source", el
                el.clear()
                sources.remove(el)
            elif depth == 1:
                if el is not sources:
                    yield "section", el
                el.clear()
                root.remove(el)
                section = None


class _Rejoined:
    """A file whose first block was already read: read() gives that block, then the rest."""

    def __init__(self, first: bytes, fh):
        self._first, self._fh = first, fh

    def read(self, n: int = -1) -> bytes:
        if self._first:
            out, self._first = self._first, b""
            return out
        return self._fh.read(_BLOCK if n is None or n < 0 else max(n, _BLOCK))
