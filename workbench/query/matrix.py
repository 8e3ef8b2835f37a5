"""The framework-analysis matrix: codes (rows, tree order) by cases, attribute values, coders or sources.

A cell counts coded segments, distinct sources, or coded characters (the union of the
row's codings in that source, so two coders on the same words count once). A row counts
its code's own codings; with children, its subcodes' too. A case (or attribute value)
column counts only the text that lies in its cases (query.membership): a coding counts in
each case it shares text with, as the pieces `--case` would return, and chars count those
pieces. A source in no case appears in no case or attribute column.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.core.errors import ValidationError
from workbench.query.membership import WHOLE, CaseMap, Region, clip, meet, meet_regions
from workbench.query.segments import (Filters, Names, Segment, Selection, coding_rows, fetch_all, resolve,
                                      segments_from_rows)
from workbench.services.lookup import attribute_by_name
from workbench.store.models import Attribute, AttributeValue, Coder, Coding, Source
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


Placement = list[tuple[int, Region]]  # (column index, the text of the source that counts there)


def _columns(session: Session, cols: str, filters: Filters, sel: Selection, cases: CaseMap):
    """(labels, keys, source -> placement or None, coder -> column index or None)."""
    if cols == "coders":
        rows = session.execute(select(Coder.id, Coder.name).order_by(Coder.name)).all()
        if sel.coder_ids is not None:
            rows = [r for r in rows if r.id in sel.coder_ids]
        return [r.name for r in rows], [r.id for r in rows], None, {r.id: i for i, r in enumerate(rows)}
    if cols == "sources":
        rows = session.execute(select(Source.id, Source.name).order_by(Source.position, Source.name)).all()
        if sel.source_ids is not None:
            rows = [r for r in rows if r.id in sel.source_ids]
        return [r.name for r in rows], [r.id for r in rows], {r.id: [(i, WHOLE)] for i, r in enumerate(rows)}, None
    if cols == "cases":
        ids = cases.order
        if filters.cases:
            from workbench.services.lookup import case_by_name

            chosen = {case_by_name(session, n) for n in filters.cases}
            ids = [c for c in ids if c in chosen]
        groups = [(cases.name[c], c, [c]) for c in ids]
    else:
        name = cols[len("attr:"):].strip()
        aid = attribute_by_name(session, name)
        type_ = session.scalar(select(Attribute.type).where(Attribute.id == aid))
        values = dict(session.execute(select(AttributeValue.case_id, AttributeValue.value)
                                      .where(AttributeValue.attribute_id == aid)).all())
        distinct = sorted(set(values.values()), key=lambda v: _sort_key(v, type_))
        groups = [(v, v, [c for c, x in values.items() if x == v]) for v in distinct]
    by_source: dict[int, Placement] = {}
    for i, (_, _, case_ids) in enumerate(groups):
        for sid, region in cases.region_of(case_ids).items():
            by_source.setdefault(sid, []).append((i, region))
    return [g[0] for g in groups], [g[1] for g in groups], by_source, None


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
    cases = sel.cases or CaseMap(session)
    labels, keys, by_source, by_coder = _columns(session, cols, filters, sel, cases)
    row_ids = _rows(session, sel, filters)
    tree = sel.tree
    row_of = {cid: i for i, cid in enumerate(row_ids)}
    targets = tree.feeds(row_ids, with_children)
    n_rows, n_cols = len(row_ids), len(labels)
    where = _where(sel, set(targets))
    place = _placer(by_source, by_coder, sel.regions)
    # Sources where only part of the text counts somewhere: their codings are cut one by one.
    partial = {sid for sid, p in (by_source or {}).items() if any(r is not WHOLE for _, r in p)}
    partial |= {sid for sid, r in (sel.regions or {}).items() if r is not WHOLE}
    cut = select(Coding.code_id, Coding.source_id, Coding.coder_id, Coding.start, Coding.end) \
        .where(*where, Coding.source_id.in_(partial))

    if count == "segments":
        cells = [[0] * n_cols for _ in range(n_rows)]
        q = select(Coding.code_id, Coding.source_id, Coding.coder_id, func.count()).where(*where) \
            .group_by(Coding.code_id, Coding.source_id, Coding.coder_id)
        for code_id, source_id, coder_id, n in session.execute(q):
            if source_id not in partial:
                for c, _ in place(source_id, coder_id):
                    for r in targets[code_id]:
                        cells[r][c] += n
        for code_id, source_id, coder_id, start, end in (session.execute(cut) if partial else ()):
            for c, region in place(source_id, coder_id):
                n = len(clip(start, end, region))
                for r in targets[code_id] if n else ():
                    cells[r][c] += n
    elif count == "sources":
        sets = [[set() for _ in range(n_cols)] for _ in range(n_rows)]
        q = select(Coding.code_id, Coding.source_id, Coding.coder_id).where(*where).distinct()
        for code_id, source_id, coder_id in session.execute(q):
            if source_id not in partial:
                for c, _ in place(source_id, coder_id):
                    for r in targets[code_id]:
                        sets[r][c].add(source_id)
        for code_id, source_id, coder_id, start, end in (session.execute(cut) if partial else ()):
            for c, region in place(source_id, coder_id):
                for r in targets[code_id] if clip(start, end, region) else ():
                    sets[r][c].add(source_id)
        cells = [[len(s) for s in row] for row in sets]
    else:
        spans: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
        q = select(Coding.code_id, Coding.source_id, Coding.coder_id, Coding.start, Coding.end).where(*where)
        for code_id, source_id, coder_id, start, end in fetch_all(session, q):
            for c, region in place(source_id, coder_id):
                pieces = [(start, end)] if region is WHOLE else clip(start, end, region)
                for r in targets[code_id] if pieces else ():
                    spans.setdefault((r, c, source_id), []).extend(pieces)
        cells = [[0] * n_cols for _ in range(n_rows)]
        for (r, c, _), lst in spans.items():
            cells[r][c] += covered_length(lst)
    parent_row = [row_of.get(tree.parent[cid]) for cid in row_ids]
    return Matrix([tree.path(c) for c in row_ids], labels, cells, row_ids, [tree.depth(c) for c in row_ids],
                  parent_row, keys, cols, count, with_children)


def _placer(by_source: dict[int, Placement] | None, by_coder: dict[int, int] | None, regions):
    """placement(source id, coder id): the columns a coding there counts in, each with the text
    that counts (the column's cases' text, met with what the --case/--attr filters keep)."""
    if by_coder is None and regions is None:
        return lambda source_id, _coder_id: by_source.get(source_id, ())  # the common case, kept cheap
    memo: dict[tuple[int, int | None], Placement] = {}

    def placement(source_id: int, coder_id: int) -> Placement:
        key = (source_id, coder_id if by_coder is not None else None)
        found = memo.get(key)
        if found is None:
            if by_coder is not None:
                i = by_coder.get(coder_id)
                found = [] if i is None else [(i, WHOLE)]
            else:
                found = by_source.get(source_id, [])
            if regions is not None:
                keep = regions.get(source_id, ())
                found = [(c, m) for c, r in found if (m := meet(r, keep))]
            memo[key] = found
        return found

    return placement


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
    """The coded segments counted in one cell (cut to the column's cases, as the cell counts them)."""
    filters = filters or Filters()
    sel = resolve(session, Filters(**{**filters.to_dict(), "codes": (), "with_children": False}))
    code_id = m.row_ids[row]
    sel.code_ids = set(sel.tree.subtree(code_id)) if m.with_children else {code_id}
    key = m.col_keys[col]
    if m.cols_kind == "coders":
        sel.coder_ids = {key} if sel.coder_ids is None else sel.coder_ids & {key}
    elif m.cols_kind == "sources":
        sel.source_ids = {key} if sel.source_ids is None else sel.source_ids & {key}
    else:
        cases = sel.cases = sel.cases or CaseMap(session)
        if m.cols_kind == "cases":
            case_ids = {key}
        else:
            aid = attribute_by_name(session, m.cols_kind[len("attr:"):].strip())
            case_ids = set(session.scalars(select(AttributeValue.case_id).where(
                AttributeValue.attribute_id == aid, AttributeValue.value == key)))
        regions = meet_regions(sel.regions, cases.region_of(case_ids))
        sel.source_ids = set(regions) if sel.source_ids is None else sel.source_ids & set(regions)
        sel.regions = {sid: r for sid, r in regions.items() if sid in sel.source_ids}
    return segments_from_rows(Names(session, sel.tree, sel.cases), coding_rows(session, sel))


def code_matrix(project: Project, cols: str = "cases", count: str = "segments", with_children: bool = False,
                filters: Filters | None = None) -> Matrix:
    with project.reading() as s:
        return build_matrix(s, cols, count, with_children, filters)
