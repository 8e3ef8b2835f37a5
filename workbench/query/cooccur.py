"""Co-occurrence: for each pair of codes, the places where their text overlaps.

A place is one unbroken stretch of text both codes cover (what `"a" AND "b"` yields), so a
long passage coded a that overlaps two separate b passages is two places. The diagonal
counts a code's own stretches. With `count="sources"` a cell is the number of sources with
at least one such place. Touching without sharing a character is not an overlap. With
`--case` or `--attr`, codings are first cut to the text of those cases (query.membership).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.core.errors import ValidationError
from workbench.query.expr import Binary, Leaf, node_to_segments
from workbench.query.matrix import Matrix
from workbench.core.gcpause import gc_paused
from workbench.query.segment_rows import Segment, clip_rows, rows_by_source
from workbench.query.segments import Filters, Names, fetch_all, resolve
from workbench.services.lookup import code_by_path
from workbench.store.models import Coding
from workbench.store.project import Project


def _stretches(bucket: list[tuple], feeds: dict[int, list[int]]) -> list[tuple[int, int, int]]:
    """One source's codings (source_id, start, end, code_id) as (start, end, row), sorted: each
    row's spans joined where they overlap or touch, so a row's stretches never meet each other."""
    spans = sorted([(r, s, e) for _, s, e, code_id in bucket for r in feeds[code_id]])
    out: list[tuple[int, int, int]] = []
    row = start = end = -1
    for r, s, e in spans:
        if r == row and s <= end:
            if e > end:
                end = e
            continue
        if row >= 0:
            out.append((start, end, row))
        row, start, end = r, s, e
    if row >= 0:
        out.append((start, end, row))
    out.sort()
    return out


def build_cooccurrence(session: Session, filters: Filters | None = None, with_children: bool = False,
                       count: str = "places") -> Matrix:
    """Code x code overlap counts for the codings the filters choose (their --code picks the codes)."""
    if count not in ("places", "sources"):
        raise ValidationError(f"--count must be places or sources, not {count!r}")
    filters = filters or Filters()
    with_children = with_children or filters.with_children
    sel = resolve(session, Filters(**{**filters.to_dict(), "codes": (), "with_children": False}))
    tree = sel.tree
    if filters.codes:
        picked = {code_by_path(session, p, tree) for p in filters.codes}
        row_ids = [c for c in tree.in_order() if c in picked]
    else:
        row_ids = tree.in_order()
    row_of = {c: i for i, c in enumerate(row_ids)}
    feeds = tree.feeds(row_ids, with_children)
    # For most of the codebook, one pass over the table beats a code_id index probe a row: the
    # probes land on table pages in random order and cost more a row as the project grows
    # (issue 11). `code_id + 0` keeps both SQLite and PostgreSQL off that index.
    wide = 2 * len(feeds) > len(tree.parent)
    code_col = Coding.code_id + 0 if wide else Coding.code_id
    q = select(Coding.source_id, Coding.start, Coding.end, Coding.code_id).where(code_col.in_(feeds))
    if sel.source_ids is not None:
        q = q.where(Coding.source_id.in_(sel.source_ids))
    if sel.coder_ids is not None:
        q = q.where(Coding.coder_id.in_(sel.coder_ids))
    # Each source's rows kept as fetched, in one list a source: a dict of per-code lists for every
    # source held 4x the objects at 4x the rows, scattered over memory, and grew faster than them.
    per_source = rows_by_source(clip_rows(fetch_all(session, q), sel.regions))
    n = len(row_ids)
    by_source = count == "sources"
    cells = [[0] * n for _ in range(n)]  # places: the lower triangle (row >= col) until mirrored
    while per_source:  # each source's rows freed once counted, while still in the cache
        intervals = _stretches(per_source.popitem()[1], feeds)
        seen: set[tuple[int, int]] = set()  # the cells this source has a place in (by_source)
        active: list[tuple[int, int]] = []  # (end, row) of stretches still open
        for s, e, r in intervals:
            active = [a for a in active if a[0] > s]
            if by_source:
                seen.add((r, r))
                seen.update((r, o) if r >= o else (o, r) for _, o in active)
            else:
                row = cells[r]
                row[r] += 1
                for _, o in active:
                    if r >= o:
                        row[o] += 1
                    else:
                        cells[o][r] += 1
            active.append((e, r))
        for a, b in seen:
            cells[a][b] += 1
    for i in range(n):  # mirror the lower triangle: a place of a and b is one of b and a
        row = cells[i]
        for j in range(i):
            cells[j][i] = row[j]
    paths = [tree.path(c) for c in row_ids]
    parent_row = [row_of.get(tree.parent[c]) for c in row_ids]
    return Matrix(paths, list(paths), cells, row_ids,
                  [tree.depth(c) for c in row_ids], parent_row, list(row_ids), "codes", count, with_children)


def overlap_segments(session: Session, code_a: int, code_b: int, filters: Filters | None = None,
                     with_children: bool = False) -> list[Segment]:
    """The overlapping passages behind one cell: the stretches both codes cover."""
    filters = filters or Filters()
    base = Filters(**{**filters.to_dict(), "codes": (), "with_children": with_children or filters.with_children})
    sel = resolve(session, base)
    names = Names(session, sel.tree, sel.cases)
    node = Binary("AND", Leaf(sel.tree.path(code_a), 0), Leaf(sel.tree.path(code_b), 0))
    return node_to_segments(session, node, base, sel, names)


def code_cooccurrence(project: Project, filters: Filters | None = None, with_children: bool = False,
                      count: str = "places") -> Matrix:
    # the collector held: its passes over the 100,000s of span tuples grew faster than they did
    with project.reading() as s, gc_paused():
        return build_cooccurrence(s, filters, with_children, count)
