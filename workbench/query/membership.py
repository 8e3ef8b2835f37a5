"""Which text belongs to which case: one rule that every query, table and report asks.

A case holds sources whole (table case_source) or passages of them (case_passage: start..end
in code points, end exclusive). Its *region* in a source is WHOLE when the source is linked
whole, else the union of its passages there (overlapping or touching passages join). A
segment lies in a case where it shares at least one character with the case's region, and
only those characters count for the case (issue 9, finding 6: an article on Cape Town and
Tokyo counts each half for its own city). Filters, expressions, the matrix, co-occurrence,
frequencies, agreement and the reports all go through this module, so they cannot disagree.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class _Whole:
    """The region of a source linked whole to a case (all its text, whatever its length)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "WHOLE"


WHOLE = _Whole()
Spans = tuple[tuple[int, int], ...]  # sorted, disjoint, not touching; () is no text at all
Region = _Whole | Spans
Regions = dict[int, Region]  # source id -> region


def union_spans(spans: Iterable[tuple[int, int]]) -> Spans:
    """The same characters as sorted, disjoint stretches (overlapping or touching ones join)."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def join(a: Region, b: Region) -> Region:
    """The characters in a or in b."""
    if a is WHOLE or b is WHOLE:
        return WHOLE
    return union_spans(a + b)


def meet(a: Region, b: Region) -> Region:
    """The characters in both a and b (() when they share none)."""
    if a is WHOLE:
        return b
    if b is WHOLE:
        return a
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def meet_regions(a: Regions | None, b: Regions | None) -> Regions | None:
    """Per source, the text in both (None stands for 'no restriction'); sources left empty drop out."""
    if a is None:
        return b
    if b is None:
        return a
    out = {}
    for sid in a.keys() & b.keys():
        r = meet(a[sid], b[sid])
        if r:
            out[sid] = r
    return out


def clip(start: int, end: int, region: Region) -> list[tuple[int, int]]:
    """The pieces of start..end that lie in the region, in order (none when it lies outside)."""
    if region is WHOLE:
        return [(start, end)]
    out = []
    k = bisect_right(region, start, key=lambda x: x[1])  # first stretch ending after start
    while k < len(region) and region[k][0] < end:
        lo, hi = max(start, region[k][0]), min(end, region[k][1])
        if lo < hi:
            out.append((lo, hi))
        k += 1
    return out


def outside(start: int, end: int, region: Region) -> list[tuple[int, int]]:
    """The pieces of start..end that lie outside the region, in order."""
    if region is WHOLE:
        return []
    out, pos = [], start
    for s, e in clip(start, end, region):
        if s > pos:
            out.append((pos, s))
        pos = e
    if pos < end:
        out.append((pos, end))
    return out


def overlaps(start: int, end: int, region: Region) -> bool:
    """Whether start..end shares at least one character with the region."""
    if region is WHOLE:
        return True
    k = bisect_right(region, start, key=lambda x: x[1])
    return k < len(region) and region[k][0] < end


class CaseMap:
    """Every case's membership, read once: plain dicts, usable after the session closes."""

    def __init__(self, session: Session):
        # Imported here: the module's rules, and a map built from rows, need no SQLAlchemy (store.peek)
        from sqlalchemy import select

        from workbench.store.models import Case, CasePassage, CaseSource

        self._build(session.execute(select(Case.id, Case.name).order_by(Case.position, Case.name, Case.id)),
                    session.execute(select(CasePassage.case_id, CasePassage.source_id,
                                           CasePassage.start, CasePassage.end)),
                    session.execute(select(CaseSource.case_id, CaseSource.source_id)))

    @classmethod
    def from_rows(cls, cases, passages, wholes) -> "CaseMap":
        """The map of rows read some other way: cases (id, name) in case order (position, name,
        id), passages (case_id, source_id, start, end), sources linked whole (case_id, source_id)."""
        self = cls.__new__(cls)
        self._build(cases, passages, wholes)
        return self

    def _build(self, cases, passages, wholes) -> None:
        rows = list(cases)
        self.order: list[int] = [cid for cid, _ in rows]
        self.name: dict[int, str] = dict(rows)
        self.regions: dict[int, Regions] = {cid: {} for cid in self.order}
        spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for cid, sid, start, end in passages:
            spans.setdefault((cid, sid), []).append((start, end))
        for (cid, sid), found in spans.items():
            self.regions[cid][sid] = union_spans(found)
        for cid, sid in wholes:
            self.regions[cid][sid] = WHOLE
        rank = {cid: i for i, cid in enumerate(self.order)}
        self.in_source: dict[int, list[tuple[int, Region]]] = {}  # source -> [(case, region)], case order
        for cid in self.order:
            for sid, region in self.regions[cid].items():
                self.in_source.setdefault(sid, []).append((cid, region))
        for lst in self.in_source.values():
            lst.sort(key=lambda x: rank[x[0]])
        self._labels: dict[int, str | None] = {}

    def region_of(self, case_ids: Iterable[int]) -> Regions:
        """Per source, the text that lies in any of these cases."""
        out: Regions = {}
        for cid in case_ids:
            for sid, region in self.regions.get(cid, {}).items():
                out[sid] = join(out[sid], region) if sid in out else region
        return out

    def partial(self, source_id: int) -> bool:
        """Whether some case holds only passages of this source (so a segment's cases depend on where it lies)."""
        return any(r is not WHOLE for _, r in self.in_source.get(source_id, ()))

    def cases_at(self, source_id: int, start: int, end: int) -> list[int]:
        """The cases start..end lies in (shares a character with), in case order."""
        return [cid for cid, r in self.in_source.get(source_id, ()) if overlaps(start, end, r)]

    def label(self, source_id: int, start: int, end: int) -> str | None:
        """A segment's `case` (CLI.md): the names of the cases it lies in, joined by '; ', or None."""
        if not self.partial(source_id):
            if source_id not in self._labels:
                names = [self.name[cid] for cid, _ in self.in_source.get(source_id, ())]
                self._labels[source_id] = "; ".join(names) if names else None
            return self._labels[source_id]
        names = [self.name[cid] for cid in self.cases_at(source_id, start, end)]
        return "; ".join(names) if names else None
