"""Writing the records of a `.qde` into a new project, in one transaction, reporting what is skipped."""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from workbench.core.errors import ValidationError
from workbench.core.paths import name_key
from workbench.core.timeutil import now_iso
from workbench.io.refi.offsets import BY_NAME, ModelChoice, PlainText, Placer
from workbench.io.refi.qde_read import _CANONICAL, QCoding, QdeProject, QText, guid_key
from workbench.io.refi.qdpx_codes import CodeMaker, unique_name as _unique
from workbench.io.refi.report import ImportReport
from workbench.services.cases import parse_value
from workbench.services.sources import pack_original, text_sha256
from workbench.store.models import (Attribute, AttributeValue, Case, CasePassage, CaseSource, Coder, Coding, Memo,
                                    ProjectInfo, Source, SpeakerTurn)

VARIABLE_TYPES = {"text": "text", "boolean": "bool", "integer": "number", "float": "number", "date": "date",
                  "datetime": "text"}
_MEMO_KEYS = ("guid", "title", "text", "author_id", "created_at", "updated_at", "source_id", "code_id", "case_id",
              "coding_id")


@dataclass
class LoadedText:
    """A text record with its decoded plain text and its original document, if the archive had it."""

    q: QText
    plain: PlainText
    kind: str  # txt, docx, pdf
    encoding: str
    original: bytes | None
    original_name: str


def iso(value: str) -> str | None:
    """An xsd:dateTime as our stored UTC text; zone-less values are taken as UTC; None if it cannot be one
    (malformed, or out of range: year 0, past 9999, or pushed out of range by its zone)."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("z", "Z"))
        dt = dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None
    return f"{dt.year:04d}" + dt.strftime("-%m-%dT%H:%M:%S.%fZ")  # %Y does not pad years before 1000


class Builder:
    """Fills an empty project from a read `.qde`; `report` collects what was skipped."""

    def __init__(self, s: Session, doc: QdeProject, texts: list[LoadedText], notes: dict[str, str],
                 choice: ModelChoice, report: ImportReport):
        self.s, self.doc, self.texts, self.note_text, self.choice, self.rep = s, doc, texts, notes, choice, report
        self.coder: dict[str, int] = {}
        self.code: dict[str, int] = {}
        self.attr: dict[str, tuple[int, str]] = {}
        self.source: dict[str, int] = {}
        self.source_name: dict[int, str] = {}
        self.case: dict[str, int] = {}
        self.selection: dict[str, list[str]] = {}  # selection key -> coding guids
        # selection key -> (source id, start, end, user, created): where a Case's SelectionRef points
        self.placed: dict[str, tuple[int, int, int, str, str]] = {}
        self.case_selections = {ref for q in doc.cases for ref in q.selections}
        self.passage_rows: list[dict] = []
        self.coding_guid: dict[str, str] = {}  # file coding key -> stored guid
        self.attach: list[tuple[str, str, object]] = []  # (note key, target kind, target)
        self.descriptions: list[tuple[str, object, str]] = []  # (target kind, target, text)
        self.guids: set[str] = set()
        self.repeats = 0
        self.turn_rows: list[dict] = []
        self.link_rows: list[dict] = []
        self.value_rows: list[dict] = []
        self.counts = dict(users=0, codes=0, sources=0, codings=0, cases=0, attributes=0, values=0, memos=0)
        self.bad_dates: list[tuple[str, str]] = []  # (what, value)

    # -- identities ---------------------------------------------------------------------------------
    def _guid(self, raw: str) -> str:
        """Our stored GUID for a file GUID: kept when valid and not yet used, else a fresh one."""
        g = guid_key(raw)
        if g and not _CANONICAL.fullmatch(g):
            g = ""
        if not g or g in self.guids:
            g = str(uuid.uuid4())
        self.guids.add(g)
        return g

    def run(self) -> dict[str, int]:
        info = self.s.scalars(select(ProjectInfo)).one()
        info.name = self.doc.name.strip() or info.name
        info.description = self.doc.description
        info.created_at = self._when(self.doc.created, "the project") or info.created_at
        self._users()
        codes = CodeMaker(self.s, self.rep, self._guid)
        codes.make(self.doc.codes)
        self.code, self.counts["codes"] = codes.ids, codes.count
        self.attach += [(n, "code", cid) for n, cid in codes.notes]
        self._variables()
        self._sources()
        self._cases()
        self._memos()
        if self.bad_dates:
            shown = "; ".join(f"{what}: {value!r}" for what, value in self.bad_dates[:3])
            more = f"; and {len(self.bad_dates) - 3} more" if len(self.bad_dates) > 3 else ""
            self.rep.warn(f"{len(self.bad_dates)} dates are not dates the workbench can hold (malformed or out of "
                          f"range) and were taken as unknown, the import time standing in: {shown}{more}")
        return self.counts

    def _when(self, value: str, what: str) -> str | None:
        """Our stored form of one of the file's dates; one that cannot be read is noted for the report."""
        if not value:
            return None
        out = iso(value)
        if out is None:
            self.bad_dates.append((what, value))
        return out

    def _users(self) -> None:
        taken = set(name_key(n) for n in self.s.scalars(select(Coder.name)))
        for key, raw, name in self.doc.users:
            if key in self.coder:
                self.rep.warn(f"user GUID {raw} is listed twice; the first is kept")
                continue
            self.coder[key] = self._new_coder(raw, _unique(name or f"user {key[:8]}", taken))
        self._taken_coders = taken

    def _new_coder(self, raw: str, name: str) -> int:
        cid = self.s.execute(insert(Coder).returning(Coder.id), [{"guid": self._guid(raw), "name": name}]).scalar_one()
        self.counts["users"] += 1
        return cid

    def coder_for(self, key: str, what: str) -> int:
        if key in self.coder:
            return self.coder[key]
        if key:
            self.rep.warn(f"{what} names user {key}, who is not among the file's users; kept as a placeholder coder")
            self.coder[key] = self._new_coder(key, _unique(f"unknown user {key[:8]}", self._taken_coders))
            return self.coder[key]
        fallback = self.doc.creating_user if self.doc.creating_user in self.coder else next(iter(self.coder), None)
        if fallback is not None:
            return self.coder[fallback]
        self.coder[""] = self._new_coder("", _unique("unknown coder", self._taken_coders))
        return self.coder[""]

    # -- codebook, variables -----------------------------------------------------------------------
    def _variables(self) -> None:
        taken: set[str] = set()
        for pos, v in enumerate(self.doc.variables):
            type_ = VARIABLE_TYPES.get(v.type.lower(), "text")
            name = _unique(" ".join(v.name.split()) or f"variable {pos + 1}", taken)
            aid = self.s.execute(insert(Attribute).returning(Attribute.id),
                                 [{"guid": self._guid(v.guid), "name": name, "type": type_, "position": pos}]
                                 ).scalar_one()
            self.attr.setdefault(guid_key(v.guid), (aid, type_))
            self.counts["attributes"] += 1

    # -- sources and codings -----------------------------------------------------------------------
    def _sources(self) -> None:
        taken: set[str] = set()
        coding_rows: list[dict] = []
        seen: set[tuple] = set()
        for pos, lt in enumerate(self.texts, start=1):
            q, text = lt.q, lt.plain.text
            name = _unique(q.name or lt.original_name or f"source {q.guid[:8]}", taken)
            now = now_iso()
            row = dict(guid=self._guid(q.guid), name=name, kind=lt.kind, text=text, length=len(text),
                       sha256=text_sha256(text), original=pack_original(lt.original) if lt.original else None,
                       original_encoding="zlib", original_name=lt.original_name,
                       original_sha256=hashlib.sha256(lt.original).hexdigest() if lt.original else "",
                       text_encoding=lt.encoding, position=pos, imported_at=self._when(q.created, f"source {name!r}") or now,
                       updated_at=self._when(q.modified, f"source {name!r}") or now,
                       imported_by_id=self.coder_for(q.user, f"source {name!r}") if q.user else None)
            sid = self.s.execute(insert(Source).returning(Source.id), [row]).scalar_one()
            self.source.setdefault(q.guid, sid)
            self.source_name[sid] = name
            self.counts["sources"] += 1
            self._turns(sid, text)
            if q.description:
                self.descriptions.append(("source", sid, q.description))
            self.attach += [(n, "source", sid) for n in q.notes]
            placer = Placer(lt.plain, self.choice.model)
            uncoded = 0
            for sel in q.selections:
                placed = placer.place(sel.start, sel.end, sel.name)
                span = placed.span
                if span.problem:
                    self.rep.skip("selection", f"{name} {sel.start}-{sel.end}",
                                  f"{span.problem}; its {len(sel.codings)} codings skipped")
                    continue
                self._count_placement(placed.model.name, placed.fit)
                self.placed.setdefault(sel.guid, (sid, span.start, span.end, sel.user, sel.created))
                made = [self._coding(coding_rows, seen, sid, c, span.start, span.end, sel.user, sel.created, name)
                        for c in sel.codings]
                made = [g for g in made if g]
                if not sel.codings and sel.guid not in self.case_selections:
                    uncoded += 1
                self.selection.setdefault(sel.guid, []).extend(made)
                if sel.description:
                    if made:
                        self.descriptions.append(("coding", made[0], sel.description))
                    else:
                        self.rep.not_carry("selection comment", f"{name} {sel.start}-{sel.end}",
                                           "a comment on a passage that carries no code")
                self.attach += [(n, "selection", sel.guid) for n in sel.notes]
            if uncoded:
                self.rep.not_carry("uncoded selections", name, f"{uncoded} selections that carry no code")
            for c in q.whole:
                if text:
                    self._coding(coding_rows, seen, sid, c, 0, len(text), q.user, q.created, name)
        # Core inserts of the table, many rows a statement: tens of thousands of rows in a second.
        if self.turn_rows:
            self.s.execute(insert(SpeakerTurn.__table__), self.turn_rows)
        if coding_rows:
            self.s.execute(insert(Coding.__table__), coding_rows)
        self.counts["codings"] = len(coding_rows)
        self._report_placements()
        if self.repeats:
            self.rep.warn(f"{self.repeats} codings repeated the same code by the same coder on the same passage; "
                          "each was kept once")

    def _count_placement(self, model: str, fit: str) -> None:
        models, texts = self.rep.selection_models, self.rep.selection_texts
        models[model] = models.get(model, 0) + 1
        if fit:
            for key in ("carried", {"file": "fit_file_model", "other": "fit_other_model", "none": "fit_none"}[fit]):
                texts[key] = texts.get(key, 0) + 1

    def _report_placements(self) -> None:
        texts = self.rep.selection_texts
        if texts:
            for key in ("carried", "fit_file_model", "fit_other_model", "fit_none"):
                texts.setdefault(key, 0)
        if self.rep.selection_models:  # the one offsets line the command line and the window show
            self.rep.offset_detail = f"{self.rep.offset_detail}; {self.rep.selection_summary()}"
        if texts.get("fit_other_model"):
            others = ", ".join(f"{n} by {BY_NAME[m].label}" for m, n in sorted(self.rep.selection_models.items())
                               if m != self.choice.model.name)
            self.rep.warn(f"{texts['fit_other_model']} selections carry a text that fits another counting than the "
                          f"file's, and were placed by it ({others}): the file mixes countings, as QualCoder "
                          "writes after importing codings")

    def _turns(self, sid: int, text: str) -> None:
        from workbench.io.transcript import find_turns

        self.turn_rows += [dict(source_id=sid, speaker=t.speaker, start=t.start, end=t.end, label_end=t.label_end,
                                timestamp=t.timestamp, timestamp_ms=t.timestamp_ms) for t in find_turns(text)]

    def _coding(self, rows: list[dict], seen: set[tuple], sid: int, c: QCoding, start: int, end: int,
                sel_user: str, sel_created: str, source_name: str) -> str | None:
        code_id = self.code.get(c.code)
        if code_id is None:
            self.rep.skip("coding", f"{source_name} {start}-{end}",
                          f"refers to code GUID {c.code or '(none)'}, which is not in the file's codebook")
            return None
        coder_id = self.coder_for(c.user or sel_user, f"a coding in {source_name!r}")
        key = (sid, code_id, coder_id, start, end)
        if key in seen:
            self.repeats += 1
            return None
        seen.add(key)
        guid = self._guid(c.guid)
        rows.append(dict(guid=guid, source_id=sid, code_id=code_id, coder_id=coder_id, start=start, end=end,
                         created_at=self._when(c.created or sel_created, f"a coding in {source_name!r}") or now_iso()))
        self.coding_guid.setdefault(c.guid, guid)
        self.attach += [(n, "coding", guid) for n in c.notes]
        return guid

    # -- cases ---------------------------------------------------------------------------------------
    def _cases(self) -> None:
        taken: set[str] = set()
        pos = 0
        by_source = [(lt.q, lt.q.values) for lt in self.texts if lt.q.values]
        for q in self.doc.cases:
            sids = []
            for ref in q.sources:
                sid = self.source.get(ref)
                if sid is None:
                    self.rep.skip("case source", q.name or ref,
                                  f"refers to source GUID {ref}, which is not in the file or was not imported")
                elif sid not in sids:
                    sids.append(sid)
            if q.from_set and not sids:
                self.rep.not_carry("set", q.name, "a set of sources none of which was imported")
                continue
            fallback = self.source_name[sids[0]] if len(sids) == 1 else f"case {pos + 1}"
            name = _unique(" ".join(q.name.split()) or fallback, taken)
            cid = self._case(q.guid, name, q.description, pos, sids)
            self.case.setdefault(guid_key(q.guid), cid)
            self._passages(cid, name, q.selections)
            self._values(cid, name, q.values)
            pos += 1
        for qt, values in by_source:
            sid = self.source.get(qt.guid)
            if sid is None:
                continue
            name = _unique(self.source_name[sid], taken)
            cid = self._case("", name, "", pos, [sid])
            self._values(cid, name, values)
            pos += 1
            self.rep.warn(f"source {self.source_name[sid]!r} carries variable values; kept on a case of its own")
        if self.link_rows:
            self.s.execute(insert(CaseSource.__table__), self.link_rows)
        if self.passage_rows:
            self.s.execute(insert(CasePassage.__table__), self.passage_rows)
            self.counts["passages"] = len(self.passage_rows)
        if self.value_rows:
            self.s.execute(insert(AttributeValue.__table__), self.value_rows)

    def _case(self, raw_guid: str, name: str, description: str, pos: int, sids: list[int]) -> int:
        cid = self.s.execute(insert(Case).returning(Case.id), [
            {"guid": self._guid(raw_guid), "name": name, "description": description.strip(), "position": pos}
        ]).scalar_one()
        self.link_rows += [{"case_id": cid, "source_id": sid} for sid in sids]
        self.counts["cases"] += 1
        return cid

    def _passages(self, cid: int, case_name: str, refs: list[str]) -> None:
        """A Case's SelectionRefs as passages of the case: each at the span its selection was placed
        at (offsets through the same counting as the codings'), under the selection's GUID."""
        seen: set[tuple[int, int, int]] = set()
        for ref in refs:
            found = self.placed.get(ref)
            if found is None:
                self.rep.skip("case passage", case_name, f"refers to selection GUID {ref}, which is not a text "
                              "selection of an imported source (or could not be placed)")
                continue
            sid, start, end, user, created = found
            if (sid, start, end) in seen:
                continue
            seen.add((sid, start, end))
            self.passage_rows.append({
                "guid": self._guid(ref), "case_id": cid, "source_id": sid, "start": start, "end": end,
                "created_at": self._when(created, f"a passage of case {case_name!r}") or now_iso(),
                "created_by_id": self.coder_for(user, f"a passage of case {case_name!r}") if user else None})

    def _values(self, cid: int, case_name: str, values) -> None:
        done: set[int] = set()
        for v in values:
            found = self.attr.get(v.variable)
            if found is None:
                self.rep.skip("value", case_name, f"refers to variable GUID {v.variable}, which is not in the file")
                continue
            aid, type_ = found
            if not v.kind or aid in done:
                continue
            try:
                canonical = parse_value(v.value, type_)
            except ValidationError as exc:
                self.rep.skip("value", case_name, f"{exc} ({v.kind})")
                continue
            if canonical:
                self.value_rows.append({"case_id": cid, "attribute_id": aid, "value": canonical,
                                        "updated_at": now_iso()})
                done.add(aid)
                self.counts["values"] += 1

    # -- memos ---------------------------------------------------------------------------------------
    def _memos(self) -> None:
        coding_id = dict(self.s.execute(select(Coding.guid, Coding.id)).all()) if self.attach or self.descriptions \
            else {}
        self.attach = [(n, "project", None) for n in self.doc.notes] + self.attach
        for ln in self.doc.links:
            if ln.origin in self.note_text:
                self.attach.append((ln.origin, "any", ln.target))
            elif ln.target in self.note_text:
                self.attach.append((ln.target, "any", ln.origin))
            else:
                self.rep.not_carry("link", ln.name or ln.guid, "a link between two items (the workbench has no links)")
        notes = {guid_key(n.guid): n for n in self.doc.notes_list}
        used: set[str] = set()
        rows = []
        for note_key, kind, target in self.attach:
            note = notes.get(note_key)
            if note is None or note_key not in self.note_text:
                self.rep.skip("note reference", str(note_key), "refers to a note that is not in the file")
                continue
            for k, t in self._targets(kind, target, coding_id):
                if k is None:
                    self.rep.not_carry("note", note.name or note.guid, f"attached to {target}, which the workbench "
                                       "does not carry")
                    continue
                rows.append(self._memo_row(note, k, t, note.guid if note_key not in used else ""))
                used.add(note_key)
        for key, note in notes.items():
            if key not in used and key in self.note_text:
                rows.append(self._memo_row(note, "project", None, note.guid))
                self.rep.warn(f"note {note.name or note.guid!r} is attached to nothing; kept as a project memo")
        for kind, target, text in self.descriptions:
            t = coding_id.get(target) if kind == "coding" else target
            now = now_iso()
            rows.append({"guid": self._guid(""), "title": "Description", "text": text, f"{kind}_id": t,
                         "author_id": None, "created_at": now, "updated_at": now})
        if rows:
            # One executemany needs the same keys in every row.
            full = [{k: r.get(k) for k in _MEMO_KEYS} for r in rows]
            self.s.execute(insert(Memo), full)
        self.counts["memos"] = len(rows)

    def _targets(self, kind: str, target, coding_id: dict[str, int]) -> list[tuple[str | None, int | None]]:
        if kind in ("project", "source", "code"):
            return [(kind, target)]
        if kind == "coding":
            return [("coding", coding_id.get(target))]
        if kind == "selection":
            made = self.selection.get(target, [])
            return [("coding", coding_id[made[0]])] if made else [(None, None)]
        for table, k in ((self.source, "source"), (self.code, "code"), (self.case, "case")):
            if target in table:
                return [(k, table[target])]
        if target in self.coding_guid:
            return [("coding", coding_id.get(self.coding_guid[target]))]
        if self.selection.get(target):
            return [("coding", coding_id[self.selection[target][0]])]
        return [(None, None)]

    def _memo_row(self, note, kind: str, target: int | None, guid: str) -> dict:
        text = self.note_text[guid_key(note.guid)]
        if note.description:
            text = f"{note.description}\n\n{text}" if text else note.description
        row = {"guid": self._guid(guid), "title": note.name[:300], "text": text,
               "author_id": self.coder_for(note.user, f"note {note.name!r}") if note.user else None,
               "created_at": self._when(note.created, f"note {note.name!r}") or now_iso(),
               "updated_at": self._when(note.modified, f"note {note.name!r}") or now_iso()}
        if kind != "project":
            row[f"{kind}_id"] = target
        return row
