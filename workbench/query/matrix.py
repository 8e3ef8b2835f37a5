"""The framework-analysis matrix: codes (rows, tree order) by cases, attribute values, coders or sources.

A cell counts coded segments, distinct sources, or coded characters (the union of the
row's codings in that source, so two coders on the same words count once). A row counts
its code's own codings; with children, its subcodes' too. A source in two cases counts
in both columns; a source in no case appears in no case or attribute column.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.core.errors import ValidationError
from workbench.query.segments import Filters, Names, Segment, Selection, coding_rows, resolve, segments_from_rows
from workbench.services.lookup import attribute_by_name
from workbench.store.models import Attribute, AttributeValue, Case, CaseSource, Coder, Coding, Source
from workbench.store.project import Project

COUNTS = ("segments", "sources", "chars")


@dataclass
class Matrix:
    """Rows are codes, columns what was asked for; `cells[i][j]` a number."""

    rows: list[str]
    cols: list[str]
    cells: list[list[int]]
    row_ids: list[int] = field(default_factory=list)
    row_depth: list[int] = field(default_factory=list)
    row_parent: list[int | None] = field(default_factory=list)  # index of the parent row, if shown
    col_keys: list = field(default_factory=list)  # case/coder/source ids, or attribute values
    cols_kind: str = "cases"
    count: str = "segments"
    with_children: bool = False

    def as_json(self) -> dict:
        return {"rows": self.rows, "cols": self.cols, "cells": self.cells}

    @property
    def maximum(self) -> int:
        return max((v for row in self.cells for v in row), default=0)


def _check(cols: str, count: str) -> None:
    if count not in COUNTS:
        raise ValidationError(f"--count must be one of {', '.join(COUNTS)}, not {count!r}")
    if cols not in ("cases", "coders", "sources") and not cols.startswith("attr:"):
        raise ValidationError(f"--cols must be cases, attr:NAME, coders or sources, not {cols!r}")


def _columns(session: Session, cols: str, filters: Filters, sel: Selection):
    """(labels, keys, source->column indexes or None, coder->column index or None)."""
    if cols == "coders":
        rows = session.execute(select(Coder.id, Coder.name).order_by(Coder.name)).all()
        if sel.coder_ids is not None:
            rows = [r for r in rows if r.id in sel.coder_ids]
        return [r.name for r in rows], [r.id for r in rows], None, {r.id: i for i, r in enumerate(rows)}
    if cols == "sources":
        rows = session.execute(select(Source.id, Source.name).order_by(Source.position, Source.name)).all()
        if sel.source_ids is not None:
            rows = [r for r in rows if r.id in sel.source_ids]
        return [r.name for r in rows], [r.id for r in rows], {r.id: (i,) for i, r in enumerate(rows)}, None
    links = session.execute(select(CaseSource.source_id, CaseSource.case_id)).all()
    if cols == "cases":
        rows = session.execute(select(Case.id, Case.name).order_by(Case.position, Case.name)).all()
        if filters.cases:
            from workbench.services.lookup import case_by_name

            chosen = {case_by_name(session, n) for n in filters.cases}
            rows = [r for r in rows if r.id in chosen]
        index = {r.id: i for i, r in enumerate(rows)}
        by_source: dict[int, tuple] = {}
        for sid, cid in links:
            if cid in index:
                by_source[sid] = by_source.get(sid, ()) + (index[cid],)
        return [r.name for r in rows], [r.id for r in rows], by_source, None
    name = cols[len("attr:"):].strip()
    aid = attribute_by_name(session, name)
    type_ = session.scalar(select(Attribute.type).where(Attribute.id == aid))
    values = dict(session.execute(select(AttributeValue.case_id, AttributeValue.value)
                                  .where(AttributeValue.attribute_id == aid)).all())
    distinct = sorted(set(values.values()), key=lambda v: _sort_key(v, type_))
    index = {v: i for i, v in enumerate(distinct)}
    by_source = {}
    for sid, cid in links:
        if cid in values:
            col = index[values[cid]]
            if col not in by_source.get(sid, ()):
                by_source[sid] = by_source.get(sid, ()) + (col,)
    return distinct, distinct, by_source, None


def _sort_key(value: str, type_: str):
    if type_ == "number":
        try:
            return (0, float(value), value)
        except ValueError:
            pass
    return (0 if type_ != "number" else 1, 0.0, value.casefold())


def _rows(session: Session, sel: Selection, filters: Filters) -> list[int]:
    tree = sel.tree
    if not filters.codes:
        return tree.in_order()
    from workbench.services.lookup import code_by_path

    out: list[int] = []
    for path in filters.codes:
        cid = code_by_path(session, path, tree)
        for c in (tree.subtree(cid) if filters.with_children else [cid]):
            if c not in out:
                out.append(c)
    order = {c: i for i, c in enumerate(tree.in_order())}
    return sorted(out, key=order.__getitem__)


def build_matrix(session: Session, cols: str = "cases", count: str = "segments", with_children: bool = False,
                 filters: Filters | None = None) -> Matrix:
    """The code-by-column table for the codings the filters choose (their --code picks the rows)."""
    _check(cols, count)
    filters = filters or Filters()
    with_children = with_children or filters.with_children
    sel = resolve(session, Filters(**{**filters.to_dict(), "codes": (), "with_children": False}))
    labels, keys, by_source, by_coder = _columns(session, cols, filters, sel)
    row_ids = _rows(session, sel, filters)
    tree = sel.tree
    row_of = {cid: i for i, cid in enumerate(row_ids)}
    targets = tree.feeds(row_ids, with_children)
    n_rows, n_cols = len(row_ids), len(labels)
    where = _where(sel, set(targets))

    def col_indexes(source_id: int, coder_id: int) -> tuple:
        if by_coder is not None:
            i = by_coder.get(coder_id)
            return () if i is None else (i,)
        return by_source.get(source_id, ())

    if count == "segments":
        cells = [[0] * n_cols for _ in range(n_rows)]
        q = select(Coding.code_id, Coding.source_id, Coding.coder_id, func.count()).where(*where) \
            .group_by(Coding.code_id, Coding.source_id, Coding.coder_id)
        for code_id, source_id, coder_id, n in session.execute(q):
            for c in col_indexes(source_id, coder_id):
                for r in targets[code_id]:
                    cells[r][c] += n
    elif count == "sources":
        sets = [[set() for _ in range(n_cols)] for _ in range(n_rows)]
        q = select(Coding.code_id, Coding.source_id, Coding.coder_id).where(*where).distinct()
        for code_id, source_id, coder_id in session.execute(q):
            for c in col_indexes(source_id, coder_id):
                for r in targets[code_id]:
                    sets[r][c].add(source_id)
        cells = [[len(s) for s in row] for row in sets]
    else:
        spans: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
        q = select(Coding.code_id, Coding.source_id, Coding.coder_id, Coding.start, Coding.end).where(*where)
        for code_id, source_id, coder_id, start, end in session.execute(q):
            for c in col_indexes(source_id, coder_id):
                for r in targets[code_id]:
                    spans.setdefault((r, c, source_id), []).append((start, end))
        cells = [[0] * n_cols for _ in range(n_rows)]
        for (r, c, _), lst in spans.items():
            cells[r][c] += covered_length(lst)
    parent_row = [row_of.get(tree.parent[cid]) for cid in row_ids]
    return Matrix([tree.path(c) for c in row_ids], labels, cells, row_ids, [tree.depth(c) for c in row_ids],
                  parent_row, keys, cols, count, with_children)


def _where(sel: Selection, code_ids: set[int]) -> list:
    where = [Coding.code_id.in_(code_ids)]
    if sel.source_ids is not None:
        where.append(Coding.source_id.in_(sel.source_ids))
    if sel.coder_ids is not None:
        where.append(Coding.coder_id.in_(sel.coder_ids))
    return where


def covered_length(spans: list[tuple[int, int]]) -> int:
    """How many code points the union of the spans covers."""
    total, cur_s, cur_e = 0, None, None
    for s, e in sorted(spans):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total


def cell_segments(session: Session, m: Matrix, row: int, col: int, filters: Filters | None = None) -> list[Segment]:
    """The coded segments counted in one cell."""
    filters = filters or Filters()
    sel = resolve(session, Filters(**{**filters.to_dict(), "codes": (), "with_children": False}))
    code_id = m.row_ids[row]
    sel.code_ids = set(sel.tree.subtree(code_id)) if m.with_children else {code_id}
    key = m.col_keys[col]
    if m.cols_kind == "coders":
        sel.coder_ids = {key} if sel.coder_ids is None else sel.coder_ids & {key}
    else:
        if m.cols_kind == "sources":
            sources = {key}
        elif m.cols_kind == "cases":
            sources = set(session.scalars(select(CaseSource.source_id).where(CaseSource.case_id == key)))
        else:
            aid = attribute_by_name(session, m.cols_kind[len("attr:"):].strip())
            cases = select(AttributeValue.case_id).where(AttributeValue.attribute_id == aid,
                                                         AttributeValue.value == key)
            sources = set(session.scalars(select(CaseSource.source_id).where(CaseSource.case_id.in_(cases))))
        sel.source_ids = sources if sel.source_ids is None else sel.source_ids & sources
    return segments_from_rows(Names(session, sel.tree), coding_rows(session, sel))


def code_matrix(project: Project, cols: str = "cases", count: str = "segments", with_children: bool = False,
                filters: Filters | None = None) -> Matrix:
    with project.reading() as s:
        return build_matrix(s, cols, count, with_children, filters)
