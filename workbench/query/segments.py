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
from dataclasses import dataclass
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.core.errors import NotFoundError, ValidationError
from workbench.core.gcpause import gc_paused
from workbench.core.paths import name_key
from workbench.core.suggest import nearest
from workbench.query.membership import CaseMap, Regions, meet_regions
from workbench.query.segment_rows import Filters, Segment, SegmentList, clip_rows, large_share, order_rows
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
        if large_share(session.connection().execute(select(Coding.code_id, func.count())
                                                     .group_by(Coding.code_id)), codes):
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


def reading_order(names: Names, rows) -> list[tuple]:
    """Coding rows in reading order: by the sources' place in the list, then position (segment_rows.order_rows)."""
    return order_rows(names.source_order, rows)


def segments_from_rows(names: Names, rows) -> SegmentList:
    """Segments of coding rows (see coding_rows), in reading order."""
    return SegmentList(reading_order(names, rows), names.source, names.coder, names.tree, names.cases,
                       _SourceTexts(names.session.get_bind(), names._texts))


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
