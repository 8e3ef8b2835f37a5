"""Coded segments selected by the filters of CLI.md: codes, sources, cases, attributes, coders.

The same filter given twice ORs (two codes: codings of either); different filters AND
(a code and a coder: that coder's codings of that code). Names are resolved here, so an
unknown one raises NotFoundError with the nearest names before anything is read.

`--case` and `--attr` select text, not only sources: each coding is cut to the part that
lies in the chosen cases (query.membership), whole where a source is linked whole, its
overlap with the cases' passages otherwise; a coding outside them all drops out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from collections.abc import Sequence
from typing import NamedTuple
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.core.errors import NotFoundError, ValidationError
from workbench.core.gcpause import gc_paused
from workbench.core.paths import name_key
from workbench.core.suggest import nearest
from workbench.query.membership import WHOLE, CaseMap, Regions, clip, meet_regions
from workbench.services.lookup import (
    CodeTree,
    attribute_by_name,
    case_by_name,
    code_by_path,
    coder_by_name,
    source_by_name,
)
from workbench.store.models import Attribute, AttributeValue, Case, Coder, Coding, Source
from workbench.store.project import Project

_ATTR = re.compile(r"^(?P<name>.+?)\s*(?P<op><=|>=|!=|=|<|>)\s*(?P<value>.*)$")
_ORDERED = ("number", "date")


@dataclass(frozen=True)
class Filters:
    """What the user chose; names as typed. Empty tuples mean 'no restriction'."""

    codes: tuple[str, ...] = ()
    with_children: bool = False
    sources: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    attrs: tuple[str, ...] = ()  # "NAME=VALUE" (also != and, for numbers and dates, < <= > >=)
    coders: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict) -> "Filters":
        known = {f.name for f in fields(cls)}
        kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in known}
        return cls(**kw)

    def describe(self) -> str:
        """One line for report title blocks: 'codes: a, b (with subcodes); coders: X'."""
        parts = []
        if self.codes:
            parts.append("codes: " + ", ".join(self.codes) + (" (with subcodes)" if self.with_children else ""))
        for label, values in (("sources", self.sources), ("cases", self.cases),
                              ("attributes", self.attrs), ("coders", self.coders)):
            if values:
                parts.append(f"{label}: " + ", ".join(values))
        return "; ".join(parts) or "all coded segments"


@dataclass
class Selection:
    """Filters resolved to ids; None means 'any'. `regions` (with --case or --attr) is, per source
    the cases touch, the text that takes part: WHOLE or the stretches codings are cut to."""

    code_ids: set[int] | None = None
    source_ids: set[int] | None = None
    coder_ids: set[int] | None = None
    tree: CodeTree | None = None
    regions: Regions | None = None
    cases: CaseMap | None = None


class Segment(NamedTuple):
    """One retrieved passage. For a plain query it is one coding; for an expression, a stretch
    of text whose `codings` (GUIDs) say why it matched. A tuple: tens of thousands are made
    per query, and a tuple is the cheapest record Python builds."""

    coding_id: int | None
    coding: str | None
    source_id: int
    source: str
    case: str | None
    code_id: int | None
    code: str
    coder: str
    start: int
    end: int
    text: str
    codings: tuple[str, ...] = ()
    coding_ids: tuple[int, ...] = ()

    def as_json(self, with_why: bool = False) -> dict:
        d = {"coding": self.coding, "source": self.source, "case": self.case, "code": self.code,
             "coder": self.coder, "start": self.start, "end": self.end, "text": self.text}
        if with_why:
            d["codings"] = list(self.codings)
        return d


def resolve(session: Session, filters: Filters) -> Selection:
    """Turn names into ids, raising NotFoundError (with suggestions) for unknown ones."""
    sel = Selection(tree=CodeTree(session))
    if filters.codes:
        ids: set[int] = set()
        for path in filters.codes:
            cid = code_by_path(session, path, sel.tree)
            ids.update(sel.tree.subtree(cid) if filters.with_children else [cid])
        sel.code_ids = ids
    restrictions: list[set[int]] = []
    if filters.sources:
        restrictions.append({source_by_name(session, n) for n in filters.sources})
    regions: Regions | None = None
    if filters.cases or filters.attrs:
        sel.cases = CaseMap(session)
    if filters.cases:
        regions = sel.cases.region_of({case_by_name(session, n) for n in filters.cases})
    if filters.attrs:
        case_ids: set[int] = set()
        for spec in filters.attrs:
            case_ids |= cases_matching(session, spec)
        regions = meet_regions(regions, sel.cases.region_of(case_ids))
    if regions is not None:
        restrictions.append(set(regions))
    if restrictions:
        sel.source_ids = set.intersection(*restrictions)
    if regions is not None:
        sel.regions = {sid: r for sid, r in regions.items() if sid in sel.source_ids}
    if filters.coders:
        sel.coder_ids = {coder_by_name(session, n) for n in filters.coders}
    return sel


def clip_rows(rows: list[tuple], regions: Regions | None) -> list[tuple]:
    """Rows (source_id, start, end, ...) cut to the regions: a row in a source taken whole stays
    as it is, a row elsewhere becomes its pieces inside the region (several when the region's
    stretches cut it), a row in no region drops out."""
    if regions is None or all(r is WHOLE for r in regions.values()):
        return rows if regions is None else [r for r in rows if r[0] in regions]
    out = []
    for row in rows:
        region = regions.get(row[0])
        if region is WHOLE:
            out.append(row)
        elif region:
            out.extend((row[0], s, e) + tuple(row[3:]) for s, e in clip(row[1], row[2], region))
    return out


def _typed_key(value: str, type_: str):
    if type_ == "number":
        return float(value)
    if type_ == "date":
        return date.fromisoformat(value)
    return name_key(value)


def cases_matching(session: Session, spec: str) -> set[int]:
    """Ids of the cases whose attribute satisfies 'NAME=VALUE' (the value read by the attribute's type)."""
    from workbench.services.cases import parse_value  # here: a query without --attr never loads the case service

    m = _ATTR.match(spec.strip())
    if not m or not m["name"].strip():
        raise ValidationError(f"attribute filter {spec!r}: write it as NAME=VALUE, e.g. country=South Africa")
    name, op, raw = m["name"].strip(), m["op"], m["value"].strip()
    aid = attribute_by_name(session, name)
    attr = session.get(Attribute, aid)
    if op not in ("=", "!=") and attr.type not in _ORDERED:
        raise ValidationError(f"attribute filter {spec!r}: {attr.name} is {attr.type}; only = and != apply")
    try:
        wanted = parse_value(raw, attr.type)
    except ValidationError as exc:
        raise ValidationError(f"attribute filter {spec!r}: {exc} ({attr.name} holds {attr.type} values)") from None
    rows = session.execute(select(AttributeValue.case_id, AttributeValue.value)
                           .where(AttributeValue.attribute_id == aid)).all()
    if op == "=" and attr.type == "text" and rows and wanted and \
            name_key(wanted) not in {name_key(v) for _, v in rows}:
        raise NotFoundError(f"value of attribute {attr.name!r}", raw, nearest(raw, sorted({v for _, v in rows})))
    if wanted == "":
        # An empty value matches the cases that have none.
        with_value = {cid for cid, v in rows}
        all_cases = set(session.scalars(select(Case.id)))
        return (all_cases - with_value) if op == "=" else with_value
    key = _typed_key(wanted, attr.type)
    compare = {
        "=": lambda a: a == key, "!=": lambda a: a != key, "<": lambda a: a < key,
        "<=": lambda a: a <= key, ">": lambda a: a > key, ">=": lambda a: a >= key,
    }[op]
    return {cid for cid, v in rows if compare(_typed_key(v, attr.type))}


# Above this share of all codings, reading the whole table in order beats following the
# code index row by row (measured on the L workload: 68 ms against 141 ms for a third).
_SCAN_SHARE = 0.15


def coding_rows(session: Session, sel: Selection, code_ids: set[int] | None = None) -> list:
    """Rows (source_id, start, end, code_id, id, guid, coder_id) passing the selection: in
    that column order, plain sorting puts them in reading order with no key function.
    With case regions, start and end are those of the piece that lies in the cases.

    `code_ids`, when given, further restricts the codes (an expression's leaves)."""
    q = select(Coding.source_id, Coding.start, Coding.end, Coding.code_id, Coding.id, Coding.guid, Coding.coder_id)
    codes = sel.code_ids
    if code_ids is not None:
        codes = code_ids if codes is None else codes & code_ids
    if codes is not None:
        column = Coding.code_id
        if _large_share(session, codes):
            column = Coding.code_id + 0  # an expression the planner cannot serve from the index
        q = q.where(column.in_(codes))
    if sel.source_ids is not None:
        q = q.where(Coding.source_id.in_(sel.source_ids))
    if sel.coder_ids is not None:
        q = q.where(Coding.coder_id.in_(sel.coder_ids))
    return clip_rows(fetch_all(session, q), sel.regions)


def fetch_all(session: Session, stmt) -> list[tuple]:
    """All rows of a Core select as plain tuples, straight from the DB-API cursor.

    For tens of thousands of rows SQLAlchemy's Row objects cost as much as the query itself;
    the statement is still compiled by SQLAlchemy for the project's dialect."""
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    if compiled.positional:
        params = [compiled.params[name] for name in compiled.positiontup]
    else:
        params = compiled.params
    cursor = conn.connection.driver_connection.cursor()
    try:
        return cursor.execute(str(compiled), params).fetchall()
    finally:
        cursor.close()


def _large_share(session: Session, codes: set[int]) -> bool:
    counts = session.connection().execute(select(Coding.code_id, func.count()).group_by(Coding.code_id)).all()
    total = sum(n for _, n in counts)
    return total > 0 and sum(n for c, n in counts if c in codes) > _SCAN_SHARE * total


class Names:
    """Display names for ids: sources (with order), the cases of a passage, codes, coders; texts on demand."""

    def __init__(self, session: Session, tree: CodeTree | None = None, cases: CaseMap | None = None):
        self.session = session
        self.tree = tree or CodeTree(session)
        rows = session.execute(select(Source.id, Source.name, Source.position)).all()
        self.source: dict[int, str] = {r.id: r.name for r in rows}
        self.source_order: dict[int, tuple] = {r.id: (r.position, r.name.casefold(), r.id) for r in rows}
        self.coder: dict[int, str] = dict(session.execute(select(Coder.id, Coder.name)).all())
        self.code_order: dict[int, int] = {cid: i for i, cid in enumerate(self.tree.in_order())}
        self.cases: CaseMap = cases or CaseMap(session)
        self._texts: dict[int, str] = {}

    def case_at(self, source_id: int, start: int, end: int) -> str | None:
        """The `case` of a segment: the cases it lies in, joined by '; ' (query.membership)."""
        return self.cases.label(source_id, start, end)

    def texts(self, source_ids) -> dict[int, str]:
        """The stored texts of these sources, each read once."""
        missing = [i for i in set(source_ids) if i not in self._texts]
        for i in range(0, len(missing), 500):
            chunk = missing[i:i + 500]
            self._texts.update(self.session.execute(select(Source.id, Source.text).where(Source.id.in_(chunk))).all())
        return self._texts


_BY_SPAN = object()


class SegmentList(Sequence):
    """Coding rows, sorted, that become Segments when read: a view shows a screenful of a
    34,000-segment result without building them all. Holds no session, only plain dicts."""

    def __init__(self, rows: list[tuple], names: Names):
        self._rows = rows
        sids = {r[0] for r in rows}
        self._texts = _SourceTexts(names.session.get_bind(), names._texts)
        self._cases = names.cases
        # A source no case holds in part has one label; elsewhere it depends on the segment.
        self._case = {sid: _BY_SPAN if names.cases.partial(sid) else names.cases.label(sid, 0, 0) for sid in sids}
        self._path = {c: names.tree.path(c) for c in {r[3] for r in rows}}
        self._source, self._coder = names.source, names.coder

    def _make(self, row) -> Segment:
        sid, start, end, code, cid, guid, coder_id = row
        case = self._case[sid]
        if case is _BY_SPAN:
            case = self._cases.label(sid, start, end)
        return tuple.__new__(Segment, (cid, guid, sid, self._source[sid], case, code, self._path[code],
                                       self._coder.get(coder_id, ""), start, end, self._texts[sid][start:end],
                                       (guid,), (cid,)))

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            rows = self._rows[i]
            self._texts.load({r[0] for r in rows})
            return [self._make(r) for r in rows]
        return self._make(self._rows[i])

    def __iter__(self):
        make = self._make
        with gc_paused():
            self._texts.load({r[0] for r in self._rows})  # one read for all, not one a source
            return iter([make(r) for r in self._rows])

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"SegmentList({len(self)} segments)"


class _SourceTexts(dict):
    """Source texts read when a segment first needs one: a view showing a screenful of a
    34,000-segment result reads the few texts it shows, not all 300 (a third of the time).
    Reads go through the engine, since the query's session is closed by then."""

    def __init__(self, engine, known: dict[int, str]):
        super().__init__(known)
        self._engine = engine

    def __missing__(self, source_id: int) -> str:
        with self._engine.connect() as conn:
            text = conn.execute(select(Source.text).where(Source.id == source_id)).scalar_one()
        self[source_id] = text
        return text

    def load(self, source_ids) -> None:
        """Read the texts of these sources not read yet, in one connection and a query a
        500 sources: a whole listing's texts cost one round trip, not one each."""
        missing = sorted(i for i in source_ids if i not in self)
        if not missing:
            return
        with self._engine.connect() as conn:
            for i in range(0, len(missing), 500):
                chunk = missing[i:i + 500]
                self.update(conn.execute(select(Source.id, Source.text).where(Source.id.in_(chunk))).all())


def rows_by_source(rows) -> dict[int, list[tuple]]:
    """Rows (source_id, ...) in one list a source, each list in the order its rows came."""
    by_source: dict[int, list[tuple]] = {}
    for r in rows:
        bucket = by_source.get(r[0])
        if bucket is None:
            by_source[r[0]] = [r]
        else:
            bucket.append(r)
    return by_source


def reading_order(names: Names, rows) -> list[tuple]:
    """Coding rows (source_id, start, end, code id, coding id, ...) ordered by the sources' place
    in the list, then position (then code id, then coding id).

    Rows come in table or index order, scattered over the sources. Sorting each source's rows on
    its own and joining them in source order gives what sorting them all by (source order, row)
    gives, and a few hundred rows a sort stay in the processor's cache where 100,000 do not (a
    sort of them all took 5x as long for 3.2x the rows, L to XL)."""
    by_source = rows_by_source(rows)
    ordered: list[tuple] = []
    for sid in sorted(by_source, key=names.source_order.__getitem__):
        bucket = by_source[sid]
        bucket.sort()
        ordered += bucket
    return ordered


def segments_from_rows(names: Names, rows) -> SegmentList:
    """Segments of coding rows (see coding_rows), in reading order."""
    return SegmentList(reading_order(names, rows), names)


def select_segments(session: Session, filters: Filters, expr: str | None = None) -> Sequence[Segment]:
    """The coded segments the filters pick; with an expression, its result stretches (see expr.py)."""
    with gc_paused():
        return _select_segments(session, filters, expr)


def _select_segments(session: Session, filters: Filters, expr: str | None) -> Sequence[Segment]:
    sel = resolve(session, filters)
    names = Names(session, sel.tree, sel.cases)
    if expr and expr.strip():
        from workbench.query.expr import evaluate_to_segments

        return evaluate_to_segments(session, expr, filters, sel, names)
    return segments_from_rows(names, coding_rows(session, sel))


def query_segments(project: Project, filters: Filters | None = None, expr: str | None = None) -> Sequence[Segment]:
    with project.reading() as s:
        return select_segments(s, filters or Filters(), expr)
