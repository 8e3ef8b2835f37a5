"""Writing the records of a `.qde` into a new project as the file is read, in one transaction.

The Builder takes the `.qde`'s sections and sources as they come (qdpx_load.Feed):
the users, codebook and variables, which precede the sources, are written when
the first source comes; each source is written with its codings (in batches)
as soon as it is read and then let go. What refers to later parts (cases to
selections, notes, links, sets) is small and kept until the end.

Two things are only known at the end of the file: which offset counting its
selections fit (offsets.ScoreTally), and whether it listed its users, codes
or cases after its sources, as the schema does not allow. A pass holds the
first sources until their selections are scored and places every selection
by the counting those fit (the origin's, unless another fits more), and
those of texts the countings read differently (CRLF, characters outside the
BMP) by each other counting as well. If the tally picks a counting that would have placed
some selection elsewhere, or the header came late, it raises `Restart` (the
transaction is rolled back) and the caller builds again with what the first
pass learnt; a pick that places every selection alike changes the report only.
"""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from workbench.core.errors import Cancelled, ValidationError
from workbench.core.paths import name_key
from workbench.core.timeutil import now_iso
from workbench.io.refi.offsets import (BY_NAME, MODELS, ModelChoice, OffsetModel, Placer, Readings, ScoreTally,
                                      model_for_origin)
from workbench.io.refi.qde_read import _CANONICAL, QCoding, QdeProject, QText, guid_key, read_section, read_source
from workbench.io.refi.qdpx_load import Feed, LoadedText
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
# Sections the sources depend on: listed after them (against the schema), the pass is built again.
_HEADER = ("Users", "CodeBook", "Variables", "Cases")
# Codings and speaker turns held before one executemany writes them.
_EARLY_SOURCES = 16  # sources whose selections pick the counting a pass places by
_BATCH = 5000
_FIT_KEY = {"file": "fit_file_model", "other": "fit_other_model", "none": "fit_none"}


class Restart(Exception):
    """This pass placed selections by the wrong counting or before the file's header was known: build again
    with `model` and with the header (users, codes, variables, cases) in `header`."""

    def __init__(self, model: OffsetModel, header: QdeProject):
        super().__init__("the import must be built again")
        self.model, self.header = model, header


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
    """Fills an empty project from the rest of a started `Feed`, whose Project element gave `doc`.

    `model` is the counting to place selections by (None: the one the origin suggests, checked at the
    end); `header` the users, codes, variables and cases a first pass read. `read_rep` takes what the
    archive lacks, `report` what the build skips, as the import has always listed them: reading first."""

    def __init__(self, s: Session, feed: Feed, doc: QdeProject, report: ImportReport, read_rep: ImportReport, *,
                 model: OffsetModel | None = None, header: QdeProject | None = None,
                 should_stop: Callable[[], bool] | None = None):
        self.s, self.feed, self.doc, self.rep, self.read_rep = s, feed, doc, report, read_rep
        self.model, self.header, self.should_stop = model or model_for_origin(doc.origin), header, should_stop
        self.forced = model is not None
        self.tally = ScoreTally()
        # The first sources are held until their selections have been scored (`early`): the pass places
        # by the counting they fit, which the whole file's tally mostly confirms, so a file whose
        # selections fit another counting than its origin's is not read twice for that alone.
        self.early: ScoreTally | None = None if self.forced else ScoreTally()
        self.pending: list[tuple[int, LoadedText]] = []
        # Selections placed, for each counting that could turn out to be the file's: (models, texts) as
        # in the report, for texts the countings read differently; `alike` counts by fit those of texts
        # every counting reads alike; `diverged` names the countings that would have placed one elsewhere.
        self.placements: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
        self.alike: dict[str, int] = {}
        self.diverged: set[str] = set()
        self.choice: ModelChoice | None = None
        self.begun = self.late = False
        self.note_text: dict[str, str] = {}
        self.coder: dict[str, int] = {}
        self.code: dict[str, int] = {}
        self.attr: dict[str, tuple[int, str]] = {}
        self.source: dict[str, int] = {}
        self.source_name: dict[int, str] = {}
        self.source_names: set[str] = set()
        self.source_values: list[tuple[str, list]] = []  # (source key, values) of sources that carry values
        self.case: dict[str, int] = {}
        self.first_coding: dict[str, str] = {}  # selection key -> stored guid of its first coding
        # selection key -> (source id, start, end, user, created): where a Case's SelectionRef points
        self.placed: dict[str, tuple[int, int, int, str, str]] = {}
        self.case_selections: set[str] = set()
        self.passage_rows: list[dict] = []
        # file coding key -> stored guid, where the first coding of that key is not stored under it
        self.coding_moved: dict[str, str] = {}
        self.attach: list[tuple[str, str, object]] = []  # (note key, target kind, target)
        self.descriptions: list[tuple[str, object, str]] = []  # (target kind, target, text)
        self.guids: set[str] = set()
        self.other_guids: set[str] = set()  # the stored guids that are not codings' (few)
        self.repeats = 0
        self.n_texts = 0
        self.coding_rows: list[dict] = []
        self.turn_rows: list[dict] = []
        self.link_rows: list[dict] = []
        self.value_rows: list[dict] = []
        self.counts = dict(users=0, codes=0, sources=0, codings=0, cases=0, attributes=0, values=0, memos=0)
        self.bad_dates: list[tuple[str, str]] = []  # (what, value)

    # -- identities ---------------------------------------------------------------------------------
    def _guid(self, raw: str, coding: bool = False) -> str:
        """Our stored GUID for a file GUID: kept when valid and not yet used, else a fresh one."""
        g = guid_key(raw)
        if g and not _CANONICAL.fullmatch(g):
            g = ""
        if not g or g in self.guids:
            g = str(uuid.uuid4())
        self.guids.add(g)
        if not coding:
            self.other_guids.add(g)
        return g

    def run(self) -> dict[str, int]:
        """Read the rest of the file and write the project; raises Restart when this pass cannot stand."""
        for kind, el in self.feed.events():
            if kind == "source":
                if not self.begun:
                    self._begin()
                for q in read_source(self.doc, el):
                    self._text(q)
                if self.should_stop and self.should_stop():
                    raise Cancelled("the QDPX import was stopped; no project was written")
                continue
            if self.pending:
                self._settle()
            if self.begun and el.tag in _HEADER and self.header is None:
                self.late = True
            read_section(self.doc, el)
        self._settle()
        self.note_text = self.feed.load_notes(self.doc, self.read_rep)
        self.choice = self.tally.choice(self.doc.origin)
        if not self.forced and (self.late or self.choice.model.name in self.diverged):
            raise Restart(self.choice.model, self.doc)
        # Another counting than the one placed by, that would have placed every selection alike: the rows
        # stand, and the report counts the placements as that counting would have.
        self.model = self.choice.model
        if not self.begun:
            self._begin()
        self._end_sources()
        self._cases()
        self._memos()
        info = self.s.scalars(select(ProjectInfo)).one()
        info.description = self.doc.description
        if self.bad_dates:
            shown = "; ".join(f"{what}: {value!r}" for what, value in self.bad_dates[:3])
            more = f"; and {len(self.bad_dates) - 3} more" if len(self.bad_dates) > 3 else ""
            self.rep.warn(f"{len(self.bad_dates)} dates are not dates the workbench can hold (malformed or out of "
                          f"range) and were taken as unknown, the import time standing in: {shown}{more}")
        return self.counts

    def _begin(self) -> None:
        """The project's own fields, its users, codebook and variables: what the sources refer to."""
        self.begun = True
        head = self.header or self.doc
        info = self.s.scalars(select(ProjectInfo)).one()
        info.name = self.doc.name.strip() or info.name
        info.created_at = self._when(self.doc.created, "the project") or info.created_at
        self._users(head)
        codes = CodeMaker(self.s, self.rep, self._guid)
        codes.make(head.codes)
        self.code, self.counts["codes"] = codes.ids, codes.count
        self.attach += [(n, "code", cid) for n, cid in codes.notes]
        self._variables(head)
        self.case_selections = {ref for q in head.cases for ref in q.selections}

    def _when(self, value: str, what: str) -> str | None:
        """Our stored form of one of the file's dates; one that cannot be read is noted for the report."""
        if not value:
            return None
        out = iso(value)
        if out is None:
            self.bad_dates.append((what, value))
        return out

    def _users(self, head: QdeProject) -> None:
        taken = set(name_key(n) for n in self.s.scalars(select(Coder.name)))
        for key, raw, name in head.users:
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
    def _variables(self, head: QdeProject) -> None:
        taken: set[str] = set()
        for pos, v in enumerate(head.variables):
            type_ = VARIABLE_TYPES.get(v.type.lower(), "text")
            name = _unique(" ".join(v.name.split()) or f"variable {pos + 1}", taken)
            aid = self.s.execute(insert(Attribute).returning(Attribute.id),
                                 [{"guid": self._guid(v.guid), "name": name, "type": type_, "position": pos}]
                                 ).scalar_one()
            self.attr.setdefault(guid_key(v.guid), (aid, type_))
            self.counts["attributes"] += 1

    # -- sources and codings -----------------------------------------------------------------------
    def _text(self, q: QText) -> None:
        lt = self.feed.load_text(q, self.read_rep)
        if lt is None:
            return
        self.n_texts += 1
        if self.early is None:
            self._write_source(self.n_texts, lt)
            return
        self.early.add(lt.plain, [(sel.start, sel.end) for sel in q.selections])
        self.pending.append((self.n_texts, lt))
        if len(self.pending) >= _EARLY_SOURCES:
            self._settle()

    def _settle(self) -> None:
        """Take the counting the first sources' selections fit as the one to place by (the origin's if
        none fits better), and write the sources held until then."""
        if self.early is None:
            return
        self.model = self.early.choice(self.doc.origin).model
        self.early = None
        pending, self.pending = self.pending, []
        for pos, lt in pending:
            self._write_source(pos, lt)

    def _write_source(self, pos: int, lt: LoadedText) -> None:
        self._source(pos, lt)
        if len(self.coding_rows) >= _BATCH or len(self.turn_rows) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        # Core inserts of the table, many rows a statement: tens of thousands of rows in a second.
        if self.turn_rows:
            self.s.execute(insert(SpeakerTurn.__table__), self.turn_rows)
            self.turn_rows = []
        if self.coding_rows:
            self.s.execute(insert(Coding.__table__), self.coding_rows)
            self.counts["codings"] += len(self.coding_rows)
            self.coding_rows = []

    def _source(self, pos: int, lt: LoadedText) -> None:
        q, text = lt.q, lt.plain.text
        name = _unique(q.name or lt.original_name or f"source {q.guid[:8]}", self.source_names)
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
        if q.values:
            self.source_values.append((q.guid, q.values))
        self._turns(sid, text)
        if q.description:
            self.descriptions.append(("source", sid, q.description))
        self.attach += [(n, "source", sid) for n in q.notes]
        readings = Readings(lt.plain)  # each selection converted once per distinct reading, for every placer
        placer = Placer(lt.plain, self.model, readings)
        # With a CRLF or a character outside the BMP the countings differ: place by each of the others
        # too, to know whether the tally's pick at the end would have placed any selection elsewhere.
        differ = lt.plain.has_crlf or lt.plain.has_astral
        others = [Placer(lt.plain, m, readings) for m in MODELS if m is not self.model] if differ and not self.forced else []
        seen: set[tuple] = set()  # (code, coder, start, end) of this source's codings so far
        uncoded = 0
        for sel in q.selections:
            self.tally.add_selection(readings, sel.start, sel.end, sel.name)
            placed = placer.place(sel.start, sel.end, sel.name)
            span = placed.span
            for other in others:
                self._placed_by(other, placed, sel)
            if not differ and not span.problem:
                self.alike[placed.fit] = self.alike.get(placed.fit, 0) + 1
            if span.problem:
                self.rep.skip("selection", f"{name} {sel.start}-{sel.end}",
                              f"{span.problem}; its {len(sel.codings)} codings skipped")
                continue
            if differ:
                self._count_placement(self.model.name, placed.model.name, placed.fit)
            if sel.guid in self.case_selections:
                self.placed.setdefault(sel.guid, (sid, span.start, span.end, sel.user, sel.created))
            made = [self._coding(seen, sid, c, span.start, span.end, sel.user, sel.created, name)
                    for c in sel.codings]
            made = [g for g in made if g]
            if not sel.codings and sel.guid not in self.case_selections:
                uncoded += 1
            if made:
                self.first_coding.setdefault(sel.guid, made[0])
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
                self._coding(seen, sid, c, 0, len(text), q.user, q.created, name)

    def _end_sources(self) -> None:
        self._flush()
        self.rep.offset_model, self.rep.offset_label = self.choice.model.name, self.choice.model.label
        self.rep.offset_detail, self.rep.offset_confirmed = self.choice.describe(), self.choice.confirmed
        self.rep.offset_scores = {k: list(v) for k, v in self.choice.scores.items()}
        self.rep.selection_models, self.rep.selection_texts = self._placements_for(self.model)
        self._report_placements()
        if self.repeats:
            self.rep.warn(f"{self.repeats} codings repeated the same code by the same coder on the same passage; "
                          "each was kept once")

    def _placed_by(self, other: Placer, placed, sel) -> None:
        """Place `sel` as if `other`'s counting were the file's: count it for that counting, and note the
        counting as one that would write other rows or reasons when it places it elsewhere."""
        alt = other.place(sel.start, sel.end, sel.name)
        a, b = alt.span, placed.span
        if (a.start, a.end, a.problem) != (b.start, b.end, b.problem):
            self.diverged.add(other.default.name)
        if not a.problem:
            self._count_placement(other.default.name, alt.model.name, alt.fit)

    def _count_placement(self, default: str, model: str, fit: str) -> None:
        """One selection placed by `model`, the file's counting being `default` (fit: how its text fitted)."""
        models, texts = self.placements.setdefault(default, ({}, {}))
        models[model] = models.get(model, 0) + 1
        if fit:
            for key in ("carried", _FIT_KEY[fit]):
                texts[key] = texts.get(key, 0) + 1

    def _placements_for(self, default: OffsetModel) -> tuple[dict[str, int], dict[str, int]]:
        """selection_models and selection_texts had the file's counting been `default`: the texts every
        counting reads alike add their selections to it, as placed by it."""
        models, texts = (dict(d) for d in self.placements.get(default.name, ({}, {})))
        for fit, n in self.alike.items():
            models[default.name] = models.get(default.name, 0) + n
            if fit:
                for key in ("carried", _FIT_KEY[fit]):
                    texts[key] = texts.get(key, 0) + n
        return models, texts

    def _report_placements(self) -> None:
        texts = self.rep.selection_texts
        if texts:
            for key in ("carried", "fit_file_model", "fit_other_model", "fit_none"):
                texts.setdefault(key, 0)
        if self.rep.selection_models:  # the one offsets line the command line and the window show
            self.rep.offset_detail = f"{self.rep.offset_detail}; {self.rep.selection_summary()}"
        if texts.get("fit_other_model"):
            others = ", ".join(f"{n} by {BY_NAME[m].label}" for m, n in sorted(self.rep.selection_models.items())
                               if m != self.model.name)
            self.rep.warn(f"{texts['fit_other_model']} selections carry a text that fits another counting than the "
                          f"file's, and were placed by it ({others}): the file mixes countings, as QualCoder "
                          "writes after importing codings")

    def _turns(self, sid: int, text: str) -> None:
        from workbench.io.transcript import find_turns

        self.turn_rows += [dict(source_id=sid, speaker=t.speaker, start=t.start, end=t.end, label_end=t.label_end,
                                timestamp=t.timestamp, timestamp_ms=t.timestamp_ms) for t in find_turns(text)]

    def _coding(self, seen: set[tuple], sid: int, c: QCoding, start: int, end: int,
                sel_user: str, sel_created: str, source_name: str) -> str | None:
        code_id = self.code.get(c.code)
        if code_id is None:
            self.rep.skip("coding", f"{source_name} {start}-{end}",
                          f"refers to code GUID {c.code or '(none)'}, which is not in the file's codebook")
            return None
        coder_id = self.coder_for(c.user or sel_user, f"a coding in {source_name!r}")
        key = (code_id, coder_id, start, end)
        if key in seen:
            self.repeats += 1
            return None
        seen.add(key)
        # Whether an earlier coding holds this key: then it, not this one, is what the key names.
        held = c.guid in self.guids and c.guid not in self.other_guids
        guid = self._guid(c.guid, coding=True)
        self.coding_rows.append(dict(guid=guid, source_id=sid, code_id=code_id, coder_id=coder_id, start=start,
                                     end=end, created_at=self._when(c.created or sel_created,
                                                                    f"a coding in {source_name!r}") or now_iso()))
        if guid != c.guid and not held:
            self.coding_moved.setdefault(c.guid, guid)
        self.attach += [(n, "coding", guid) for n in c.notes]
        return guid

    # -- cases ---------------------------------------------------------------------------------------
    def _cases(self) -> None:
        taken: set[str] = set()
        pos = 0
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
        for source_key, values in self.source_values:
            sid = self.source.get(source_key)
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
    def _coding_ids(self) -> dict[str, int]:
        """The ids of the codings notes and descriptions may be attached to, by stored guid (only those:
        a file can hold hundreds of thousands of codings)."""
        wanted: set[str] = set()
        for _note, kind, target in self.attach:
            if kind == "coding":
                wanted.add(target)
            elif kind == "selection" and target in self.first_coding:
                wanted.add(self.first_coding[target])
            elif kind == "any":
                wanted.update(g for g in (self.coding_moved.get(target, target), self.first_coding.get(target)) if g)
        wanted.update(target for kind, target, _text in self.descriptions if kind == "coding")
        found: dict[str, int] = {}
        ordered = sorted(wanted)
        for i in range(0, len(ordered), 500):
            found.update(self.s.execute(select(Coding.guid, Coding.id)
                                        .where(Coding.guid.in_(ordered[i:i + 500]))).all())
        return found

    def _memos(self) -> None:
        self.attach = [(n, "project", None) for n in self.doc.notes] + self.attach
        for ln in self.doc.links:
            if ln.origin in self.note_text:
                self.attach.append((ln.origin, "any", ln.target))
            elif ln.target in self.note_text:
                self.attach.append((ln.target, "any", ln.origin))
            else:
                self.rep.not_carry("link", ln.name or ln.guid, "a link between two items (the workbench has no links)")
        coding_id = self._coding_ids() if self.attach or self.descriptions else {}
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
            first = self.first_coding.get(target)
            return [("coding", coding_id[first])] if first else [(None, None)]
        for table, k in ((self.source, "source"), (self.code, "code"), (self.case, "case")):
            if target in table:
                return [(k, table[target])]
        # A coding's file GUID: it is stored under that GUID unless the GUID was taken or malformed.
        if target in self.coding_moved:
            return [("coding", coding_id.get(self.coding_moved[target]))]
        if target in coding_id and target not in self.other_guids:
            return [("coding", coding_id[target])]
        if self.first_coding.get(target):
            return [("coding", coding_id[self.first_coding[target]])]
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
