"""OpenDocument text (.odt) sources: the text LibreOffice shows, in order, from content.xml.

Rendering matches the .docx importer: one paragraph or heading a line; list items with
their bullet or number; tables a row a line with cells joined by a tab; text:s, text:tab
and text:line-break as spaces, tab and '\\n'; note citations as [1] in the text and the
notes under a line "Notes" at the end; text boxes after their paragraph. Whitespace in
the XML is collapsed as the ODF specification (6.1.2) requires.
"""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import Extracted
from workbench.io.importers.limits import MAX_EXPANDED_CHARS, TextBudget, list_number
from workbench.io.importers.odt_lists import ListStyles
from workbench.io.importers.sniff import describe_zip
from workbench.io.importers.zipguard import open_package

DAMAGED = "is not a valid .odt (damaged or not an OpenDocument text)"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"

P, H, LIST, LIST_ITEM, LIST_HEADER = (f"{TEXT}{n}" for n in ("p", "h", "list", "list-item", "list-header"))
TBL, ROW, CELL, COVERED = f"{TABLE}table", f"{TABLE}table-row", f"{TABLE}table-cell", f"{TABLE}covered-table-cell"
NOTE, NUMBER = f"{TEXT}note", f"{TEXT}number"
_ROW_GROUPS = {f"{TABLE}{n}" for n in ("table-header-rows", "table-rows", "table-row-group")}
# Block containers whose paragraphs are part of the text (sections, a table of contents' body).
_CONTAINERS = {f"{TEXT}{n}" for n in ("section", "index-body", "index-title", "table-of-content",
                                      "illustration-index", "alphabetical-index", "bibliography",
                                      "user-index", "object-index", "table-index")}
# Inline elements whose content is not part of the paragraph's visible text.
_SKIP_INLINE = {f"{OFFICE}annotation", f"{OFFICE}annotation-end", f"{TEXT}ruby-text", f"{SVG}title",
                f"{SVG}desc", f"{TEXT}tracked-changes", NUMBER}
_WS = re.compile(r"[ \t\r\n]+")
MAX_REPEAT = 1000  # table:number-*-repeated beyond this is layout filler, not content
ODT_MIME = b"application/vnd.oasis.opendocument.text"


class _Paragraph:
    """Collects a paragraph's text with ODF whitespace collapsing."""

    def __init__(self):
        self.parts: list[str] = []
        self.after_space = True  # the previous character data ended in a collapsible space
        self.trailing = False  # the last part is a collapsible space

    def chars(self, data: str | None) -> None:
        if not data:
            return
        data = _WS.sub(" ", data)
        if self.after_space and data.startswith(" "):
            data = data[1:]
        if not data:
            return
        self.parts.append(data)
        self.after_space = data.endswith(" ")
        self.trailing = self.after_space

    def literal(self, text: str) -> None:
        self.parts.append(text)
        self.trailing = False

    def text(self) -> str:
        if self.trailing:
            self.parts[-1] = self.parts[-1][:-1]
        return "".join(self.parts)


class _Writer:
    def __init__(self, path: Path, lists: ListStyles, budget: TextBudget):
        self.path = path
        self.lists = lists
        self.notes: list[tuple[str, Element]] = []
        self.expanded = 0
        self.budget = budget

    def expand(self, count: int, size: int) -> int:
        """Charge `count` copies of `size` characters to the expansion budget."""
        self.expanded += max(0, count - 1) * max(1, size)
        if self.expanded > MAX_EXPANDED_CHARS:
            raise ImportRefused(f"{self.path}: is too large: its repeated cells and spaces expand past "
                               f"{MAX_EXPANDED_CHARS // 1_000_000} million characters")
        return count

    def blocks(self, parent: Element, out: list[str]) -> None:
        for child in parent:
            tag = child.tag
            if tag in (P, H):
                self.paragraph(child, out)
            elif tag == LIST:
                self.list(child, out, level=0)
            elif tag == TBL:
                out.extend(self.table(child))
            elif tag in _CONTAINERS:
                self.blocks(child, out)

    def paragraph(self, el: Element, out: list[str], label: str = "") -> None:
        para = _Paragraph()
        boxes: list[Element] = []
        number = el.find(NUMBER)
        if number is not None and number.text:
            label = number.text + " "  # the writer stored the number it showed
        self.inline(el, para, boxes)
        text = para.text()
        self.budget.charge(len(label) + len(text) + 1)
        out.append(label + text if text else label.rstrip())
        for box in boxes:
            self.blocks(box, out)

    def inline(self, el: Element, para: _Paragraph, boxes: list[Element]) -> None:
        para.chars(el.text)
        for child in el:
            tag = child.tag
            if tag == f"{TEXT}s":
                spaces = max(1, min(list_number(child.get(f"{TEXT}c"), 1), MAX_REPEAT))
                para.literal(" " * self.expand(spaces, 1))
            elif tag == f"{TEXT}tab":
                para.literal("\t")
            elif tag == f"{TEXT}line-break":
                para.literal("\n")
            elif tag == NOTE:
                para.literal(self.cite(child))
            elif tag.startswith(DRAW):
                self.find_boxes(child, boxes)
            elif tag not in _SKIP_INLINE:
                self.inline(child, para, boxes)
            para.chars(child.tail)

    def find_boxes(self, el: Element, boxes: list[Element]) -> None:
        """Shapes and text boxes holding paragraphs; their text follows the anchor paragraph."""
        if any(child.tag in (P, H, LIST, TBL) for child in el):
            boxes.append(el)
            return
        for child in el:
            if child.tag not in (f"{SVG}title", f"{SVG}desc"):
                self.find_boxes(child, boxes)

    def cite(self, note: Element) -> str:
        citation = note.find(f"{TEXT}note-citation")
        label = (citation.get(f"{TEXT}label") or "".join(citation.itertext())) if citation is not None else ""
        label = label.strip() or str(len(self.notes) + 1)
        body = note.find(f"{TEXT}note-body")
        if body is not None:
            self.notes.append((label, body))
        return f"[{label}]"

    def list(self, el: Element, out: list[str], level: int, style: str | None = None) -> None:
        style = el.get(f"{TEXT}style-name") or style
        if level == 0:
            self.lists.start_list(style, continues=el.get(f"{TEXT}continue-numbering") == "true"
                                  or el.get(f"{TEXT}continue-list") is not None)
        for item in el:
            if item.tag not in (LIST_ITEM, LIST_HEADER):
                continue
            first = True
            for child in item:
                if child.tag in (P, H):
                    label = ""
                    if first and item.tag == LIST_ITEM:
                        start = list_number(item.get(f"{TEXT}start-value"), -1)
                        label = self.lists.label(style, level, start if start >= 0 else None)
                    self.paragraph(child, out, label)
                    first = False
                elif child.tag == LIST:
                    self.list(child, out, level + 1, style)
                    first = False
                elif child.tag == TBL:
                    out.extend(self.table(child))

    def table(self, tbl: Element) -> list[str]:
        rows: list[str] = []
        for row in _rows(tbl):
            cells: list[str] = []
            for cell in row:
                if cell.tag not in (CELL, COVERED):
                    continue
                lines: list[str] = []
                self.blocks(cell, lines)
                text = " ".join(line for line in lines if line).replace("\n", " ").replace("\t", " ")
                cells.extend([text] * self.expand(_repeat(cell, f"{TABLE}number-columns-repeated"), len(text) + 1))
            line = "\t".join(cells)
            rows.extend([line] * self.expand(_repeat(row, f"{TABLE}number-rows-repeated"), len(line) + 1))
        return rows

    def notes_section(self) -> list[str]:
        out = []
        for label, body in self.notes:
            lines: list[str] = []
            self.blocks(body, lines)
            text = "\n".join(lines).strip("\n")
            out.append(f"[{label}] {text}" if text else f"[{label}]")
        return ["", "Notes", *out] if out else []


def _repeat(el: Element, attr: str) -> int:
    return max(1, min(list_number(el.get(attr), 1), MAX_REPEAT))


def _rows(parent: Element):
    for child in parent:
        if child.tag == ROW:
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


def extract(path: Path, data: bytes) -> Extracted:
    pkg = open_package(path, data, "an OpenDocument text (.odt)", DAMAGED)
    mimetype = (pkg.read("mimetype") or b"").strip()
    if mimetype and not mimetype.startswith(ODT_MIME):
        kind = mimetype.decode("ascii", "replace").rsplit(".", 1)[-1]
        raise ImportRefused(f"{path}: is not an OpenDocument text (.odt): it is an OpenDocument {kind}")
    manifest = pkg.read("META-INF/manifest.xml") or b""
    if b"encryption-data" in manifest:
        raise ImportRefused(f"{path}: is password-protected; save it without a password and import it again")
    if "content.xml" not in pkg.names:
        what = describe_zip(data)
        if what not in ("a zip archive", "an OpenDocument text (.odt)"):
            hint = "; rename it to .docx to import it" if ".docx" in what else ""
            raise ImportRefused(f"{path}: is not an OpenDocument text (.odt): it looks like {what}{hint}")
        raise ImportRefused(f"{path}: {DAMAGED}")
    content = pkg.xml("content.xml")
    body = content.find(f"{OFFICE}body/{OFFICE}text") if content is not None else None
    if body is None:
        raise ImportRefused(f"{path}: {DAMAGED} (it has no text body)")
    writer = _Writer(path, ListStyles(content, pkg.xml("styles.xml")), TextBudget(path, len(data)))
    lines: list[str] = []
    writer.blocks(body, lines)
    lines.extend(writer.notes_section())
    return Extracted("\n".join(lines))
