"""Word (.docx) sources: the text a reader sees, in body order, read from the package's XML.

What comes out, one Word paragraph a line:
- headings and body paragraphs as written; list paragraphs with the number or bullet Word
  draws ("3.2. Approval", "• item"), since clauses are cited by number;
- tables a row a line, cells joined by a tab (inside a cell, paragraph breaks, line breaks
  and tabs become spaces so the row stays one line);
- soft line breaks as '\\n', tabs kept; text boxes after the paragraph that anchors them;
- footnote and endnote references as [1] / [i] in the text, and the notes themselves at
  the end under a line "Notes";
- tracked insertions kept and deletions dropped (what Word shows), hidden text dropped;
  headers, footers, comments and field codes are not part of the text.
The XML is read directly (not through python-docx) because python-docx has no footnotes,
list numbers or text boxes.
"""
from __future__ import annotations

import posixpath
from pathlib import Path
from xml.etree.ElementTree import Element

from workbench.core.errors import ImportRefused
from workbench.io.importers.base import Extracted
from workbench.io.importers.docx_numbering import ListNumbering, W
from workbench.io.importers.limits import TextBudget
from workbench.io.importers.listnumbers import roman
from workbench.io.importers.sniff import describe_zip
from workbench.io.importers.zipguard import Package, open_package

DAMAGED = "is not a valid .docx (damaged or not a Word file)"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# ISO 29500 Strict documents use another namespace for the same vocabulary.
_STRICT = (b"http://purl.oclc.org/ooxml/wordprocessingml/main",
           b"http://schemas.openxmlformats.org/wordprocessingml/2006/main")

P, R, T, TBL, TR, TC = (f"{W}{n}" for n in ("p", "r", "t", "tbl", "tr", "tc"))
TAB, PTAB, BR, CR = (f"{W}{n}" for n in ("tab", "ptab", "br", "cr"))
PPR, RPR, SDT, SDT_CONTENT, CUSTOM_XML = (f"{W}{n}" for n in ("pPr", "rPr", "sdt", "sdtContent", "customXml"))
NO_BREAK_HYPHEN, TXBX = f"{W}noBreakHyphen", f"{W}txbxContent"
FOOTNOTE_REF, ENDNOTE_REF = f"{W}footnoteReference", f"{W}endnoteReference"
ALT, CHOICE, FALLBACK = f"{_MC}AlternateContent", f"{_MC}Choice", f"{_MC}Fallback"
_DRAWINGS = {f"{W}drawing", f"{W}pict", f"{W}object", ALT}
# Subtrees that hold no visible text of the paragraph (properties, deletions, field codes).
_SKIP = {PPR, RPR, f"{W}sdtPr", f"{W}sdtEndPr", f"{W}del", f"{W}moveFrom", f"{W}instrText",
         f"{W}delText", f"{W}footnoteRef", f"{W}endnoteRef", f"{W}commentReference",
         f"{W}fldChar", f"{W}softHyphen", f"{W}annotationRef"}
_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _is_on(el: Element | None) -> bool:
    return el is not None and el.get(f"{W}val", "true") not in ("0", "false", "off")


def _targets(pkg: Package, part: str) -> dict[str, str]:
    """Relationship type (its last path segment) -> member name, for the part `part`."""
    folder, name = posixpath.split(part)
    rels = pkg.xml(posixpath.join(folder, "_rels", name + ".rels"))
    out: dict[str, str] = {}
    if rels is None:
        return out
    for rel in rels.iter(_REL):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out.setdefault(kind, path)
    return out


class _Writer:
    """Walks the document body and collects lines of text."""

    def __init__(self, numbering: ListNumbering, footnotes: dict[str, Element], endnotes: dict[str, Element],
                 budget: TextBudget):
        self.numbering = numbering
        self.notes = {"foot": footnotes, "end": endnotes}
        self.cited: dict[str, list[tuple[str, str]]] = {"foot": [], "end": []}  # (note id, label)
        self.labels: dict[tuple[str, str], str] = {}  # (kind, note id) -> its label, once cited
        self.budget = budget

    def blocks(self, parent: Element, out: list[str]) -> None:
        for child in parent:
            tag = child.tag
            if tag == P:
                text, boxes = self.paragraph(child)
                out.append(text)
                for box in boxes:
                    self.blocks(box, out)
            elif tag == TBL:
                out.extend(self.table(child))
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.blocks(content, out)
            elif tag in (CUSTOM_XML, f"{W}ins", f"{W}moveTo"):
                self.blocks(child, out)
            elif tag == ALT:
                branch = child.find(CHOICE)
                if branch is None:
                    branch = child.find(FALLBACK)
                if branch is not None:
                    self.blocks(branch, out)

    def paragraph(self, p: Element) -> tuple[str, list[Element]]:
        parts: list[str] = []
        boxes: list[Element] = []
        self.inline(p, parts, boxes)
        text = "".join(parts)
        label = self.numbering.label(p.find(PPR))
        if label:
            text = label + text if text else label.rstrip()
        self.budget.charge(len(text) + 1)
        return text, boxes

    def inline(self, el: Element, parts: list[str], boxes: list[Element]) -> None:
        for child in el:
            tag = child.tag
            if tag == T:
                if child.text:
                    parts.append(child.text)
            elif tag == R:
                rpr = child.find(RPR)
                if rpr is not None and _is_on(rpr.find(f"{W}vanish")):
                    continue  # hidden text: Word does not show it
                self.inline(child, parts, boxes)
            elif tag in (TAB, PTAB):
                parts.append("\t")
            elif tag in (BR, CR):
                parts.append("\n")
            elif tag == NO_BREAK_HYPHEN:
                parts.append("-")
            elif tag in (FOOTNOTE_REF, ENDNOTE_REF):
                parts.append(self.cite("foot" if tag == FOOTNOTE_REF else "end", child))
            elif tag in _DRAWINGS:
                self.find_boxes(child, boxes)
            elif tag not in _SKIP:
                self.inline(child, parts, boxes)  # hyperlink, ins, sdt, smartTag, fldSimple...

    def find_boxes(self, el: Element, boxes: list[Element]) -> None:
        """Text boxes inside a drawing, taking one branch of each AlternateContent."""
        if el.tag == TXBX:
            boxes.append(el)
            return
        if el.tag == ALT:
            branch = el.find(CHOICE)
            if branch is None:
                branch = el.find(FALLBACK)
            if branch is not None:
                self.find_boxes(branch, boxes)
            return
        for child in el:
            self.find_boxes(child, boxes)

    def cite(self, kind: str, ref: Element) -> str:
        note_id = ref.get(f"{W}id", "")
        if (kind, note_id) in self.labels:
            # Word gives each note one reference; a file citing one note a thousand times
            # would otherwise have its text written out a thousand times at the end.
            label = self.labels[(kind, note_id)]
            return "" if label == "*" else f"[{label}]"
        number = len(self.cited[kind]) + 1
        label = str(number) if kind == "foot" else roman(number)
        if _is_on_attr(ref.get(f"{W}customMarkFollows")):
            label = "*"
        self.labels[(kind, note_id)] = label
        self.cited[kind].append((note_id, label))
        return "" if label == "*" else f"[{label}]"  # a custom mark is the run that follows

    def table(self, tbl: Element) -> list[str]:
        rows = []
        for tr in _children(tbl, TR):
            cells = [self.cell(tc) for tc in _children(tr, TC)]
            rows.append("\t".join(cells))
        return rows

    def cell(self, tc: Element) -> str:
        lines: list[str] = []
        self.blocks(tc, lines)
        text = " ".join(line for line in lines if line)
        return text.replace("\n", " ").replace("\t", " ")

    def notes_section(self) -> list[str]:
        out: list[str] = []
        for kind in ("foot", "end"):
            for note_id, label in self.cited[kind]:
                note = self.notes[kind].get(note_id)
                if note is None:
                    continue
                lines: list[str] = []
                self.blocks(note, lines)
                while lines and not lines[0].strip():
                    lines.pop(0)
                body = "\n".join(lines).rstrip("\n")
                out.append(f"[{label}] {body}" if body else f"[{label}]")
        return ["", "Notes", *out] if out else []


def _is_on_attr(value: str | None) -> bool:
    return value is not None and value not in ("0", "false", "off")


def _children(el: Element, tag: str):
    """Children with `tag`, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == CUSTOM_XML:
            yield from _children(child, tag)


def _notes(root: Element | None, tag: str) -> dict[str, Element]:
    if root is None:
        return {}
    return {n.get(f"{W}id", ""): n for n in root.findall(tag)
            if n.get(f"{W}type", "normal") == "normal"}


def extract(path: Path, data: bytes) -> Extracted:
    pkg = open_package(path, data, "a Word document (.docx)", DAMAGED)
    main = _targets(pkg, "").get("officeDocument") or "word/document.xml"
    if main not in pkg.names:
        what = describe_zip(data)
        if what not in ("a Word document (.docx)", "a zip archive"):
            hint = "; rename it to .odt to import it" if ".odt" in what else ""
            raise ImportRefused(f"{path}: is not a Word document (.docx): it looks like {what}{hint}")
        raise ImportRefused(f"{path}: {DAMAGED}")
    document = pkg.xml(main, _STRICT)
    parts = _targets(pkg, main)

    def part(kind: str) -> Element | None:
        return pkg.xml(parts[kind], _STRICT) if kind in parts else None

    numbering = ListNumbering(part("numbering"), part("styles"))
    writer = _Writer(numbering, _notes(part("footnotes"), f"{W}footnote"), _notes(part("endnotes"), f"{W}endnote"),
                     TextBudget(path, len(data)))
    body = document.find(f"{W}body") if document is not None else None
    if body is None:
        raise ImportRefused(f"{path}: {DAMAGED} (it has no document body)")
    lines: list[str] = []
    writer.blocks(body, lines)
    lines.extend(writer.notes_section())
    text = "\n".join(lines)
    return Extracted(text.replace("\r\n", "\n").replace("\r", "\n"))
