"""Writing a project as a QDPX (REFI-QDA project exchange) that validates against Project-mrt2019.xsd.

Element order follows the schema's sequences and empty containers are left
out (NOTES.md §2). Texts go to `sources/<GUID>.txt` as UTF-8 without BOM with
'\\n' line ends, exactly the stored text, so code-point offsets need no
conversion. Our GUIDs are written (upper case, as ATLAS.ti and MAXQDA do) so
a round trip keeps identity. The archive is written to a temporary file and
renamed into place.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select

from workbench.core.errors import Cancelled
from workbench.io.atomic import atomic_path
from workbench.io.refi.qdpx_xml import INVALID, XmlOut, refuse_unholdable_names
from workbench.services.lookup import CodeTree
from workbench.services.sources import unpack_original
from workbench.store.models import (Attribute, AttributeValue, Case, CasePassage, CaseSource, Code, Coder, Coding,
                                    Memo, ProjectInfo, Source)
from workbench.store.project import Project, open_project

PROJECT_NS = "urn:QDA-XML:project:1.0"
# Names derived GUIDs (selections, representations, links) so the same project always exports the same file.
_DERIVED = uuid.UUID("6f1b7c52-3f0e-4d55-9a3e-5b2f3c1d9e01")
_WS = re.compile(r"\s+")


@dataclass
class ExportSummary:
    path: str
    sources: int
    codes: int
    codings: int
    cases: int
    memos: int
    note: str = ""  # what could not be written as it is (characters XML 1.0 cannot hold)

    def __str__(self) -> str:
        return (f"{self.sources} sources, {self.codes} codes, {self.codings} codings, {self.cases} cases, "
                f"{self.memos} memos" + (f" ({self.note})" if self.note else ""))


def G(guid: str) -> str:
    return guid.upper()


def derived(*parts: str) -> str:
    return G(str(uuid.uuid5(_DERIVED, ":".join(parts))))


def xsd_datetime(value: str | None) -> str | None:
    """Our stored '2025-01-02T03:04:05.678901Z' as xsd:dateTime without fractions."""
    if not value or len(value) < 19 or value[10] != "T":
        return None
    return value[:19] + "Z"


def _excerpt(text: str, limit: int = 60) -> str:
    """The selection's label: its text with whitespace runs as one space (and nothing XML 1.0 cannot
    hold: the text itself is in the .txt, whole), cut to `limit` with '…'."""
    head = text[: limit * 4]  # enough but for long runs of whitespace; no need to scan a long passage
    flat = _WS.sub(" ", INVALID.sub("", head)).strip()
    if len(flat) <= limit and len(head) < len(text):
        flat = _WS.sub(" ", INVALID.sub("", text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _decimal(value: str) -> str | None:
    try:
        return format(Decimal(value), "f")
    except (InvalidOperation, ValueError):
        return None


def export_qdpx(project: Project | str | os.PathLike, out: str | os.PathLike, *,
                report: Callable[[int, int, str], None] | None = None,
                should_stop: Callable[[], bool] | None = None, compresslevel: int = 6) -> ExportSummary:
    """Write `project` (open, or a path to open read-only) to the QDPX file `out`."""
    if isinstance(project, Project):
        return _export(project, Path(out), report, should_stop, compresslevel)
    opened = open_project(project, readonly=True)  # a file path or a postgresql:// URL
    try:
        return _export(opened, Path(out), report, should_stop, compresslevel)
    finally:
        opened.close()


def _export(project: Project, out: Path, report, should_stop, level: int) -> ExportSummary:
    with project.reading() as s:
        data = _Snapshot(s)
        refuse_unholdable_names(out, {data.tree.path(cid): r.name for cid, r in data.code_rows.items()})
        with atomic_path(out) as tmp:
            # The XML goes to a temporary file beside the output as it is written (the zip cannot take
            # it while the sources' files are being added), then into the archive last, as before.
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf, \
                    tempfile.TemporaryFile(dir=tmp.parent, prefix=f".{out.name}.", suffix=".qde") as spool:
                xml = _write_project(data, s, zf, XmlOut(spool), report, should_stop)
                xml.flush()
                _add_spooled(zf, "project.qde", spool)
    return ExportSummary(str(out), len(data.sources), len(data.code_rows), data.n_codings, len(data.cases),
                         len(data.memos), xml.dropped_note())


class _Snapshot:
    """Everything but texts and originals, read in a few queries."""

    def __init__(self, s):
        self.info = s.scalars(select(ProjectInfo)).one()
        self.coders = {r.id: r for r in s.execute(select(Coder.id, Coder.guid, Coder.name).order_by(Coder.id))}
        self.tree = CodeTree(s)
        self.code_rows = {r.id: r for r in s.execute(select(Code.id, Code.guid, Code.name, Code.color,
                                                            Code.description))}
        self.attrs = s.execute(select(Attribute.id, Attribute.guid, Attribute.name, Attribute.type)
                               .order_by(Attribute.position, Attribute.id)).all()
        self.values: dict[int, dict[int, str]] = defaultdict(dict)
        for case_id, attr_id, value in s.execute(select(AttributeValue.case_id, AttributeValue.attribute_id,
                                                        AttributeValue.value)):
            self.values[case_id][attr_id] = value
        self.cases = s.execute(select(Case.id, Case.guid, Case.name, Case.description)
                               .order_by(Case.position, Case.id)).all()
        self.case_sources: dict[int, list[int]] = defaultdict(list)
        for case_id, source_id in s.execute(select(CaseSource.case_id, CaseSource.source_id)):
            self.case_sources[case_id].append(source_id)
        # A passage of a case is a PlainTextSelection without codings on its source (under the
        # link's own GUID, so a round trip keeps it), referred to by a SelectionRef in the Case.
        self.case_passages: dict[int, list] = defaultdict(list)
        self.source_passages: dict[int, list] = defaultdict(list)
        for r in s.execute(select(CasePassage.guid, CasePassage.case_id, CasePassage.source_id, CasePassage.start,
                                  CasePassage.end, CasePassage.created_at, CasePassage.created_by_id)
                           .order_by(CasePassage.source_id, CasePassage.start, CasePassage.end, CasePassage.guid)):
            self.case_passages[r.case_id].append(r)
            self.source_passages[r.source_id].append(r)
        self.sources = s.execute(select(Source.id, Source.guid, Source.name, Source.kind, Source.imported_by_id,
                                        Source.imported_at, Source.updated_at)
                                 .order_by(Source.position, Source.id)).all()
        self.source_guid = {r.id: r.guid for r in self.sources}
        self.memos = s.execute(select(Memo).order_by(Memo.id)).scalars().all()
        self.memos_of: dict[tuple[str, int | None], list[Memo]] = defaultdict(list)
        for m in self.memos:
            kind, target = next(((k, getattr(m, f"{k}_id")) for k in ("source", "code", "case", "coding")
                                 if getattr(m, f"{k}_id") is not None), ("project", None))
            self.memos_of[(kind, target)].append(m)
        self.n_codings = 0

    def user(self, coder_id: int | None) -> str | None:
        row = self.coders.get(coder_id) if coder_id is not None else None
        return G(row.guid) if row else None


def _add_spooled(zf: zipfile.ZipFile, name: str, spool) -> None:
    """Copy the file `spool` into the archive as `name`, as `writestr` would store it, a block at a time."""
    info = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    info.compress_type, info._compresslevel = zf.compression, zf.compresslevel
    info.external_attr = 0o600 << 16  # what writestr gives an entry named by a string
    info.file_size = spool.seek(0, os.SEEK_END)  # known up front, so zipfile picks ZIP64 only when needed
    spool.seek(0)
    with zf.open(info, "w") as entry:
        shutil.copyfileobj(spool, entry, 1 << 20)


def _write_project(d: _Snapshot, s, zf: zipfile.ZipFile, x: XmlOut, report, should_stop) -> XmlOut:
    from workbench import __version__

    first_coder = next(iter(d.coders.values()), None)
    x.open("Project", {"xmlns": PROJECT_NS, "name": d.info.name or "Project",
                       "origin": f"Qualitative Workbench {__version__}",
                       "creatingUserGUID": G(first_coder.guid) if first_coder else None,
                       "creationDateTime": xsd_datetime(d.info.created_at),
                       "modifiedDateTime": xsd_datetime(d.info.updated_at)})
    if d.coders:
        x.open("Users")
        for c in d.coders.values():
            x.empty("User", {"guid": G(c.guid), "name": c.name})
        x.close("Users")
    if d.code_rows:
        x.open("CodeBook")
        x.open("Codes")
        for root in d.tree.children.get(None, []):
            _write_code(x, d, root)
        x.close("Codes")
        x.close("CodeBook")
    number_kind = _number_kinds(d)
    if d.attrs:
        x.open("Variables")
        for a in d.attrs:
            x.empty("Variable", {"guid": G(a.guid), "name": a.name,
                                 "typeOfVariable": {"text": "Text", "bool": "Boolean", "date": "Date"}.get(
                                     a.type, number_kind.get(a.id, "Float"))})
        x.close("Variables")
    if d.cases:
        x.open("Cases")
        for c in d.cases:
            _write_case(x, d, c, number_kind)
        x.close("Cases")
    if d.sources:
        x.open("Sources")
        total = len(d.sources)
        for i, src in enumerate(d.sources):
            if should_stop and should_stop():
                raise Cancelled("the QDPX export was stopped; no file was written")
            if report:
                report(i, total, src.name)
            _write_source(x, d, s, zf, src)
        x.close("Sources")
    links = [m for m in d.memos if m.case_id is not None]
    if d.memos:
        x.open("Notes")
        for m in d.memos:
            x.open("Note", {"guid": G(m.guid), "name": m.title or None, "creatingUser": d.user(m.author_id),
                            "creationDateTime": xsd_datetime(m.created_at),
                            "modifiedDateTime": xsd_datetime(m.updated_at)})
            x.element("PlainTextContent", m.text)
            x.close("Note")
        x.close("Notes")
    if links:
        # A case has no NoteRef in the schema; its memo is a note linked to it.
        case_guid = {c.id: c.guid for c in d.cases}
        x.open("Links")
        for m in links:
            x.empty("Link", {"guid": derived("link", m.guid), "name": "memo", "direction": "OneWay",
                             "originGUID": G(m.guid), "targetGUID": G(case_guid[m.case_id])})
        x.close("Links")
    if d.info.description:
        x.element("Description", d.info.description)
    for m in d.memos_of.get(("project", None), []):
        x.empty("NoteRef", {"targetGUID": G(m.guid)})
    x.close("Project")
    if report:
        report(len(d.sources), len(d.sources), "")
    return x


def _note_refs(x: XmlOut, d: _Snapshot, kind: str, target: int) -> None:
    for m in d.memos_of.get((kind, target), []):
        x.empty("NoteRef", {"targetGUID": G(m.guid)})


def _write_code(x: XmlOut, d: _Snapshot, code_id: int) -> None:
    c = d.code_rows[code_id]
    children = d.tree.children.get(code_id, [])
    memos = d.memos_of.get(("code", code_id), [])
    attrs = {"guid": G(c.guid), "name": c.name, "isCodable": "true", "color": c.color or None}
    if not (c.description or children or memos):
        x.empty("Code", attrs)
        return
    x.open("Code", attrs)
    if c.description:
        x.element("Description", c.description)
    _note_refs(x, d, "code", code_id)
    for child in children:
        _write_code(x, d, child)
    x.close("Code")


def _number_kinds(d: _Snapshot) -> dict[int, str]:
    """Integer for a number attribute whose values are all whole, else Float."""
    kinds = {}
    for a in d.attrs:
        if a.type == "number":
            vals = [v[a.id] for v in d.values.values() if a.id in v]
            kinds[a.id] = "Integer" if all(re.fullmatch(r"-?\d+", v) for v in vals) else "Float"
    return kinds


def _write_case(x: XmlOut, d: _Snapshot, c, number_kind: dict[int, str]) -> None:
    x.open("Case", {"guid": G(c.guid), "name": c.name})
    if c.description:
        x.element("Description", c.description)
    values = d.values.get(c.id, {})
    for a in d.attrs:
        if a.id not in values:
            continue
        value = values[a.id]
        if a.type == "bool":
            tag, text = "BooleanValue", "true" if value == "yes" else "false"
        elif a.type == "date":
            tag, text = "DateValue", value
        elif a.type == "number":
            tag = "IntegerValue" if number_kind.get(a.id) == "Integer" else "FloatValue"
            text = value if tag == "IntegerValue" else _decimal(value)
        else:
            tag, text = "TextValue", value
        if text is None:
            continue
        x.open("VariableValue")
        x.empty("VariableRef", {"targetGUID": G(a.guid)})
        x.element(tag, text)
        x.close("VariableValue")
    for sid in d.case_sources.get(c.id, []):
        x.empty("SourceRef", {"targetGUID": G(d.source_guid[sid])})
    for p in d.case_passages.get(c.id, []):
        x.empty("SelectionRef", {"targetGUID": G(p.guid)})
    x.close("Case")


def _write_source(x: XmlOut, d: _Snapshot, s, zf: zipfile.ZipFile, src) -> None:
    text = s.scalar(select(Source.text).where(Source.id == src.id))
    original = None
    if src.kind in ("docx", "pdf"):
        packed, encoding = s.execute(select(Source.original, Source.original_encoding)
                                     .where(Source.id == src.id)).one()
        original = unpack_original(packed, encoding)
    guid = G(src.guid)
    zf.writestr(f"sources/{guid}.txt", text.encode("utf-8", errors="replace"))
    common = {"creatingUser": d.user(src.imported_by_id), "creationDateTime": xsd_datetime(src.imported_at),
              "modifiedDateTime": xsd_datetime(src.updated_at)}
    if src.kind == "pdf" and original:
        zf.writestr(f"sources/{guid}.pdf", original)
        x.open("PDFSource", {"guid": guid, "name": src.name, "path": f"internal://{guid}.pdf", **common})
        x.open("Representation", {"guid": derived("representation", src.guid), "name": src.name,
                                  "plainTextPath": f"internal://{guid}.txt", **common})
        _write_selections(x, d, s, src, text)
        x.close("Representation")
        _note_refs(x, d, "source", src.id)
        x.close("PDFSource")
        return
    rich = None
    if src.kind == "docx" and original:
        zf.writestr(f"sources/{guid}.docx", original)
        rich = f"internal://{guid}.docx"
    x.open("TextSource", {"guid": guid, "name": src.name, "richTextPath": rich,
                          "plainTextPath": f"internal://{guid}.txt", **common})
    _write_selections(x, d, s, src, text)
    _note_refs(x, d, "source", src.id)
    x.close("TextSource")


def _write_selections(x: XmlOut, d: _Snapshot, s, src, text: str) -> None:
    """One PlainTextSelection per span and coder: QualCoder and others take a coding's coder from its selection."""
    rows = s.execute(select(Coding.id, Coding.guid, Coding.code_id, Coding.coder_id, Coding.start, Coding.end,
                            Coding.created_at).where(Coding.source_id == src.id)
                     .order_by(Coding.start, Coding.end, Coding.coder_id, Coding.id)).all()
    d.n_codings += len(rows)
    i = 0
    while i < len(rows):
        first, j = rows[i], i
        while j < len(rows) and (rows[j].start, rows[j].end, rows[j].coder_id) == (first.start, first.end,
                                                                                    first.coder_id):
            j += 1
        group = rows[i:j]
        user = d.user(first.coder_id)
        x.open("PlainTextSelection", {
            "guid": derived("selection", src.guid, str(first.start), str(first.end), user or ""),
            "name": _excerpt(text[first.start:first.end]), "startPosition": str(first.start),
            "endPosition": str(first.end), "creatingUser": user,
            "creationDateTime": xsd_datetime(min(r.created_at for r in group))})
        for r in group:
            x.open("Coding", {"guid": G(r.guid), "creatingUser": user, "creationDateTime": xsd_datetime(r.created_at)})
            x.empty("CodeRef", {"targetGUID": G(d.code_rows[r.code_id].guid)})
            _note_refs(x, d, "coding", r.id)
            x.close("Coding")
        x.close("PlainTextSelection")
        i = j
    for p in d.source_passages.get(src.id, []):  # passages of cases: offsets as stored, like codings
        user = d.user(p.created_by_id)
        x.empty("PlainTextSelection", {
            "guid": G(p.guid), "name": _excerpt(text[p.start:p.end]), "startPosition": str(p.start),
            "endPosition": str(p.end), "creatingUser": user, "creationDateTime": xsd_datetime(p.created_at)})
