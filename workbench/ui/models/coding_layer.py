"""The open source's codings indexed by UTF-16 position, shared by the highlighter, the margin and the list.

Qt counts UTF-16 units and the project counts code points; spans here hold both,
converted once through Utf16Map when the codings are loaded.
"""
from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from dataclasses import dataclass

from workbench.core.textpos import Utf16Map
from workbench.query.document import CodingRow

BUCKET = 4096  # UTF-16 units a bucket of the position index covers


@dataclass(slots=True)
class Span:
    """A coding placed in the document: its row and its UTF-16 start and end."""

    row: CodingRow
    start: int
    end: int

    @property
    def id(self) -> int:
        return self.row.id

    def key(self) -> tuple[int, int, int]:
        return (self.start, self.end, self.row.id)


class CodingLayer:
    """Codings of one source: lookup by position (buckets), reading order, and margin columns."""

    def __init__(self) -> None:
        self.map = Utf16Map("")
        self.spans: dict[int, Span] = {}
        self._order: list[tuple[int, int, int]] = []  # keys of all spans, sorted
        self._buckets: dict[int, list[int]] = {}
        self.coder_id: int | None = None  # show only this coder's codings; None shows all
        self._columns: dict[int, int] | None = None
        self._ncols = 0

    # -- loading and editing ------------------------------------------------------------
    def load(self, text: str, rows: list[CodingRow], text_map: Utf16Map | None = None) -> None:
        """Index a source's codings (in bulk: a sort, not an insertion per coding)."""
        self.map = text_map or Utf16Map(text)
        self.spans.clear()
        self._buckets.clear()
        to16, spans, buckets, order = self.map.to_utf16, self.spans, self._buckets, []
        for row in rows:  # inlined _bucket and key(): a source with 32,000 codings loads here
            a, b, cid = to16(row.start), to16(row.end), row.id
            spans[cid] = Span(row, a, b)
            order.append((a, b, cid))
            for k in range(a // BUCKET, (b - 1) // BUCKET + 1):
                got = buckets.get(k)
                if got is None:
                    buckets[k] = [cid]
                else:
                    got.append(cid)
        if len(order) != len(spans):  # a row given twice: keep the last, as the dict does
            order = [s.key() for s in spans.values()]
        order.sort()  # rows come by start and end already: a pass, not a sort
        self._order = order
        self._columns = None

    def _bucket(self, span: Span) -> None:
        for b in range(span.start // BUCKET, (span.end - 1) // BUCKET + 1):
            self._buckets.setdefault(b, []).append(span.row.id)

    def add(self, rows: list[CodingRow]) -> list[Span]:
        """Add (or replace) codings; a new bracket takes the lowest margin column free along its length,
        so the brackets already drawn do not jump."""
        out = []
        for row in rows:
            old = self._drop(row.id) if row.id in self.spans else None
            span = Span(row, self.map.to_utf16(row.start), self.map.to_utf16(row.end))
            self.spans[row.id] = span
            self._bucket(span)
            insort(self._order, span.key())
            out.append(span)
            if self._columns is not None and self.shown(span):
                if old is not None and old.id in self._columns:
                    self._columns[span.id] = self._columns.pop(old.id)
                else:
                    taken = {self._columns.get(s.id) for s in self.overlapping(span.start, span.end) if s is not span}
                    col = next(c for c in range(len(taken) + 1) if c not in taken)
                    self._columns[span.id] = col
                    self._ncols = max(self._ncols, col + 1)
        return out

    def remove(self, ids) -> list[Span]:
        out = [self._drop(i) for i in ids if i in self.spans]
        if self._columns is not None:
            for s in out:
                self._columns.pop(s.id, None)
        return out

    def _drop(self, coding_id: int) -> Span:
        span = self.spans.pop(coding_id)
        for b in range(span.start // BUCKET, (span.end - 1) // BUCKET + 1):
            self._buckets[b].remove(coding_id)
        i = bisect_left(self._order, span.key())
        del self._order[i]
        return span

    def set_coder(self, coder_id: int | None) -> None:
        self.coder_id = coder_id
        self._columns = None

    # -- reading ------------------------------------------------------------------------
    def shown(self, span: Span) -> bool:
        return self.coder_id is None or span.row.coder_id == self.coder_id

    def overlapping(self, a: int, b: int) -> list[Span]:
        """Shown spans that share a unit with [a, b) (UTF-16), in reading order."""
        if b <= a:
            b = a + 1
        ids: set[int] = set()
        for k in range(a // BUCKET, (b - 1) // BUCKET + 1):
            ids.update(self._buckets.get(k, ()))
        found = [s for s in map(self.spans.__getitem__, ids) if s.start < b and s.end > a and self.shown(s)]
        found.sort(key=Span.key)
        return found

    def at(self, pos: int) -> list[Span]:
        """Shown spans covering UTF-16 position pos."""
        return self.overlapping(pos, pos + 1)

    def ordered(self) -> list[Span]:
        """Shown spans in reading order."""
        return [s for s in (self.spans[k[2]] for k in self._order) if self.shown(s)]

    def __len__(self) -> int:
        return len(self.spans)

    # -- margin columns -----------------------------------------------------------------
    def column(self, coding_id: int) -> int:
        if self._columns is None:
            self._layout()
        return self._columns.get(coding_id, 0)

    @property
    def ncols(self) -> int:
        if self._columns is None:
            self._layout()
        return self._ncols

    def _layout(self) -> None:
        """Greedy interval colouring: each bracket takes the lowest column free at its start."""
        cols: dict[int, int] = {}
        busy: list[tuple[int, int]] = []  # (end, column) of brackets still open
        free: list[int] = []
        ncols = 0
        for s in self.ordered():  # by start: greedy colouring by start uses the fewest columns
            while busy and busy[0][0] <= s.start:
                heapq.heappush(free, heapq.heappop(busy)[1])
            if free:
                c = heapq.heappop(free)
            else:
                c, ncols = ncols, ncols + 1
            cols[s.id] = c
            heapq.heappush(busy, (s.end, c))
        self._columns, self._ncols = cols, ncols
