"""Coded segments made from plain rows: the record, the order, the cut to case regions.

Nothing here reads the database, so a listing read by the sqlite3 module alone (store.peek,
query.quick) and one read through a session (query.segments) build the same segments.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, NamedTuple, Protocol

from workbench.core.gcpause import gc_paused
from workbench.query.membership import WHOLE, Regions, clip

if TYPE_CHECKING:
    from workbench.core.codetree import CodeTree
    from workbench.query.membership import CaseMap


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


class Texts(Protocol):
    """Source texts by id; load(ids) reads those not read yet, many at once."""

    def __getitem__(self, source_id: int) -> str: ...

    def load(self, source_ids) -> None: ...


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


# Above this share of all codings, reading the whole table in order beats following the
# code index row by row (measured on the L workload: 68 ms against 141 ms for a third).
SCAN_SHARE = 0.15


def large_share(counts, codes: set[int]) -> bool:
    """Whether the codes hold more than SCAN_SHARE of the codings, from (code_id, count) rows."""
    counts = list(counts)
    total = sum(n for _, n in counts)
    return total > 0 and sum(n for c, n in counts if c in codes) > SCAN_SHARE * total


def segment_of(row, source_name: str, case: str | None, code_path: str, coder: dict[int, str],
               text: str) -> Segment:
    """The Segment of one coding row (source_id, start, end, code id, coding id, GUID, coder id),
    given its source's name and text, its case label and its code's path: the one place a row
    becomes a Segment, for the query's list and the streamed export alike."""
    sid, start, end, code, cid, guid, coder_id = row
    return tuple.__new__(Segment, (cid, guid, sid, source_name, case, code, code_path,
                                   coder.get(coder_id, ""), start, end, text[start:end], (guid,), (cid,)))


_BY_SPAN = object()


class SegmentList(Sequence):
    """Coding rows, sorted, that become Segments when read: a view shows a screenful of a
    34,000-segment result without building them all. Holds no session, only plain dicts."""

    def __init__(self, rows: list[tuple], source: dict[int, str], coder: dict[int, str], tree: CodeTree,
                 cases: CaseMap, texts: Texts):
        """rows in reading order (see coding_rows); source and coder names by id; texts, the
        sources' texts by id, with load(ids) to read many at once."""
        self._rows = rows
        sids = {r[0] for r in rows}
        self._texts = texts
        self._cases = cases
        # A source no case holds in part has one label; elsewhere it depends on the segment.
        self._case = {sid: _BY_SPAN if cases.partial(sid) else cases.label(sid, 0, 0) for sid in sids}
        self._path = {c: tree.path(c) for c in {r[3] for r in rows}}
        self._source, self._coder = source, coder

    def _make(self, row) -> Segment:
        sid, start, end, code = row[:4]
        case = self._case[sid]
        if case is _BY_SPAN:
            case = self._cases.label(sid, start, end)
        return segment_of(row, self._source[sid], case, self._path[code], self._coder, self._texts[sid])

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


def order_rows(source_order: dict[int, tuple], rows) -> list[tuple]:
    """Coding rows (source_id, start, end, code id, coding id, ...) ordered by the sources' place
    in the list (source_order: a sort key by source id), then position (then code id, then coding id).

    Rows come in table or index order, scattered over the sources. Sorting each source's rows on
    its own and joining them in source order gives what sorting them all by (source order, row)
    gives, and a few hundred rows a sort stay in the processor's cache where 100,000 do not (a
    sort of them all took 5x as long for 3.2x the rows, L to XL)."""
    by_source = rows_by_source(rows)
    ordered: list[tuple] = []
    for sid in sorted(by_source, key=source_order.__getitem__):
        bucket = by_source[sid]
        bucket.sort()
        ordered += bucket
    return ordered
