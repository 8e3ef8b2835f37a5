"""Listings of coded segments read with the sqlite3 module alone (store.peek.quick_read).

A command that lists one code's segments does 20-30 ms of work, and opening the project
through SQLAlchemy and the ORM costs it ten times that in imports (issue 11: the cold
`workbench query` at 1.3x Taguette's HTTP listing). So a listing by codes, sources and
coders, of a local file at this program's schema, reads its rows here and builds its
segments with the same code as query.segments (core.codetree, query.membership,
query.segment_rows, query.pages). Everything else goes through the store: cases and
attributes, expressions, saved queries, a server project, a file to upgrade, and any
name that does not resolve (the store's way says which names are near).
"""
from __future__ import annotations

from typing import NamedTuple

from workbench.core.codetree import CodeTree
from workbench.core.names import name_key
from workbench.query.membership import CaseMap
from workbench.query.pages import PageIndex
from workbench.query.segment_rows import Filters, SegmentList, large_share, order_rows
from workbench.store.peek import QuickRead, quick_read


class _Read(dict):
    """Texts read in full before the file closed: nothing is left to load."""

    def load(self, source_ids) -> None:
        pass


class Picked(NamedTuple):
    """What a quick listing read: the coding rows in reading order (see segments.coding_rows),
    and the names and shapes to make segments of them."""

    rows: list[tuple]
    source: dict[int, str]
    coder: dict[int, str]
    tree: CodeTree
    cases: CaseMap


def quick_listing(location, filters: Filters, with_pages: bool = True) -> tuple[SegmentList, PageIndex | None] | None:
    """The segments the filters pick, in reading order, and (with_pages) the page index of
    their sources; None when the listing must go through the store (see the module's note)."""
    with quick_read(location) as r:
        picked = pick(r, filters) if r is not None else None
        if picked is None:
            return None
        sids = {row[0] for row in picked.rows}
        segments = SegmentList(picked.rows, picked.source, picked.coder, picked.tree, picked.cases,
                               _Read(r.texts(sids)))
        return segments, (PageIndex.from_rows(r.page_rows(sids)) if with_pages else None)


def pick(r: QuickRead, filters: Filters) -> Picked | None:
    """The codings the filters pick, read through r; None for filters a quick read does not
    take (cases, attributes) or a name that does not resolve."""
    if filters.cases or filters.attrs:
        return None
    tree = CodeTree(r.code_tree_rows())
    code_ids: set[int] | None = None
    if filters.codes:
        code_ids = set()
        for path in filters.codes:
            cid = tree.find(path)
            if cid is None:
                return None
            code_ids.update(tree.subtree(cid) if filters.with_children else [cid])
    picked = {}
    for kind, names in (("source", filters.sources), ("coder", filters.coders)):
        if names:
            ids = {r.id_by_key(kind, name_key(n)) for n in names}
            if None in ids:
                return None
            picked[kind] = ids
    scan = code_ids is not None and large_share(r.code_counts(), code_ids)
    rows = r.coding_rows(code_ids, picked.get("source"), picked.get("coder"), scan)
    sources = r.source_rows()
    order = {sid: (position, name.casefold(), sid) for sid, name, position in sources}
    return Picked(order_rows(order, rows), {sid: name for sid, name, _ in sources}, dict(r.coder_rows()), tree,
                  CaseMap.from_rows(*r.case_map_rows()))
