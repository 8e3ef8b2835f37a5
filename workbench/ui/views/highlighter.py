"""Paints codings, speaker labels and find hits block by block, looking up only what overlaps each block.

Measured on this machine (0.9 MB text, 2,000 codings, open to painted): one mergeCharFormat per
coding on a shown QTextEdit 1,750 ms; a QSyntaxHighlighter on a QPlainTextEdit 58 ms. So codings
are never written into the document: this highlighter asks the CodingLayer per block.
All positions here are UTF-16 units (QTextBlock.position() and block lengths are).
"""
from __future__ import annotations

import traceback
from bisect import bisect_left, insort

from PySide6.QtGui import QColor, QFont, QPalette, QSyntaxHighlighter, QTextCharFormat

from workbench.ui.models.coding_layer import CodingLayer, Span

HIT_COLOR = QColor("#ffd43b")


def mix(base: QColor, color: QColor, amount: float) -> QColor:
    """color laid over base at the given opacity."""
    return QColor.fromRgbF(
        base.redF() + (color.redF() - base.redF()) * amount,
        base.greenF() + (color.greenF() - base.greenF()) * amount,
        base.blueF() + (color.blueF() - base.blueF()) * amount,
    )


def _clip(ranges: list[tuple[int, int]], a: int, b: int) -> list[tuple[int, int]]:
    """The ranges (sorted, not overlapping) that meet [a, b)."""
    i = bisect_left(ranges, (a, a))
    if i > 0 and ranges[i - 1][1] > a:
        i -= 1
    out = []
    while i < len(ranges) and ranges[i][0] < b:
        if ranges[i][1] > a:
            out.append(ranges[i])
        i += 1
    return out


class CodingHighlighter(QSyntaxHighlighter):
    """Background in the colour of the innermost code; where codes overlap, a stronger tint and an
    underline in the colour of the next code, so a stacked passage never looks like a single one."""

    def __init__(self, document, layer: CodingLayer):
        super().__init__(document)
        self.layer = layer
        self.labels: list[tuple[int, int]] = []  # speaker labels, UTF-16
        self.stamps: list[tuple[int, int]] = []  # timestamps before them, shown dimmer
        self.hits: list[tuple[int, int]] = []  # find hits, UTF-16
        self.heads: list[tuple[int, int, int]] = []  # a Word source's headings: start, end (UTF-16), level
        self._head_formats: dict[int, QTextCharFormat] = {}
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._base = QColor("#ffffff")
        self._text = QColor("#000000")
        # Lazy: a pass over the whole document (setPlainText, rehighlight) formats only the blocks
        # that meet `eager` (UTF-16, None: all) and notes the others' numbers in `pending`; the view
        # formats a pending block when it comes into view (DocumentView.paintEvent). A 0.9 MB source
        # with 32,000 codings has 7,300 blocks; a window shows about thirty (issue 11, item 5).
        self.eager: tuple[int, int] | None = None
        self.pending: set[int] = set()

    def set_palette(self, palette: QPalette) -> None:
        self._base = palette.color(QPalette.ColorRole.Base)
        self._text = palette.color(QPalette.ColorRole.Text)
        self._dim = mix(self._base, self._text, 0.55)
        self._formats.clear()

    def clear_cache(self) -> None:
        self._formats.clear()

    @property
    def dark(self) -> bool:
        return self._base.lightnessF() < 0.5

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        block = self.currentBlock()
        if self.eager is not None:
            a = block.position()
            if a >= self.eager[1] or a + block.length() <= self.eager[0]:
                self.pending.add(block.blockNumber())  # left unformatted until it is shown
                return
        self.pending.discard(block.blockNumber())
        try:
            self._highlight()
        except Exception:  # an exception escaping a Qt virtual can take the process down; keep the text
            traceback.print_exc()

    def _highlight(self) -> None:
        block = self.currentBlock()
        a = block.position()
        b = a + block.length() - 1  # UTF-16 units; `text` is a Python str and counts code points
        if b <= a:
            return
        spans = self.layer.overlapping(a, b) if self.layer.spans else ()
        labels = _clip(self.labels, a, b) if self.labels else ()
        hits = _clip(self.hits, a, b) if self.hits else ()
        stamps = _clip(self.stamps, a, b) if self.stamps else ()
        heads = [h for h in self.heads if h[0] < b and h[1] > a] if self.heads else ()
        for x, y, level in heads:  # under everything else; a coded heading keeps its size (below)
            x, y = max(x, a), min(y, b)
            self.setFormat(x - a, y - x, self.head_format(level))
        if not spans and not hits:  # the common plain block: at most a timestamp and a speaker label
            for x, y in labels:
                x, y = max(x, a), min(y, b)
                self.setFormat(x - a, y - x, self._format([], True, False))
            for x, y in stamps:
                x, y = max(x, a), min(y, b)
                self.setFormat(x - a, y - x, self._format([], False, False, True))
            return
        cuts = {a, b}
        for s in spans:
            cuts.add(s.start if s.start > a else a)
            cuts.add(s.end if s.end < b else b)
        for x, y in labels:
            cuts.update((max(x, a), min(y, b)))
        for x, y in (*hits, *stamps):
            cuts.update((max(x, a), min(y, b)))
        edges = sorted(cuts)
        # Sweep the segments left to right, keeping the codings over the current one sorted
        # innermost first: each segment costs its changes, not a pass over every coding.
        by_start = sorted(spans, key=lambda s: s.start)
        by_end = sorted(spans, key=lambda s: s.end)
        active: list[tuple[int, int, int, Span]] = []  # (length, id, code, span)
        i = j = 0
        for x, y in zip(edges, edges[1:]):
            while j < len(by_end) and by_end[j].end <= x:
                s = by_end[j]
                k = bisect_left(active, (s.end - s.start, s.row.id))
                if k < len(active) and active[k][3] is s:
                    del active[k]
                j += 1
            while i < len(by_start) and by_start[i].start <= x:
                s = by_start[i]
                if s.end > x:
                    insort(active, (s.end - s.start, s.row.id, s.row.code_id, s))
                i += 1
            bold = _covers(labels, x, y)
            hit = _covers(hits, x, y)
            dim = _covers(stamps, x, y)
            if active or bold or hit or dim:
                fmt = self._format(active, bold, hit, dim)
                head = next((h for h in heads if h[0] <= x and h[1] >= y), None)
                if head is not None:
                    fmt = QTextCharFormat(fmt)
                    fmt.merge(self.head_format(head[2]))
                self.setFormat(x - a, y - x, fmt)

    def rehighlight_near(self, first: int, last: int) -> None:
        """Format everything again: now the blocks meeting first..last (UTF-16), the rest when shown."""
        self.eager = (first, last)
        try:
            self.rehighlight()
        finally:
            self.eager = None

    def format_pending(self, blocks) -> int:
        """Format those of the given blocks still pending; returns how many it formatted."""
        done = 0
        for block in blocks:
            if block.blockNumber() in self.pending:
                self.rehighlightBlock(block)  # its state stays -1: Qt goes on to no other block
                done += 1
        return done

    def head_format(self, level: int) -> QTextCharFormat:
        """Bold and larger, by level (0 is the Title); sizes relative to the document's font."""
        fmt = self._head_formats.get(level)
        if fmt is None:
            fmt = self._head_formats[level] = QTextCharFormat()
            fmt.setFontWeight(QFont.Weight.Bold)
            base = self.document().defaultFont().pointSizeF() if self.document() else 11.0
            fmt.setFontPointSize(base * {0: 1.6, 1: 1.4, 2: 1.2}.get(level, 1.08))
        return fmt

    def _format(self, active, bold: bool, hit: bool, dim: bool = False) -> QTextCharFormat:
        """The format of a segment under `active` codings ((length, id, code, span), innermost first):
        it shows the innermost coding's code, the next other code, and how many overlap."""
        if len(active) <= 1:
            key = (active[0][2] if active else None, bold, hit, dim)
            fmt = self._formats.get(key)
            if fmt is None:
                fmt = self._formats[key] = self._make([e[3] for e in active], bold, hit, dim)
            return fmt
        top = active[0]
        other = next((e for e in active if e[2] != top[2]), active[1])
        key = (top[2], other[2], min(len(active), 4), bold, hit, dim)
        fmt = self._formats.get(key)
        if fmt is None:
            rest = [e[3] for e in active if e is not top and e is not other]
            fmt = self._formats[key] = self._make([top[3], other[3]] + rest, bold, hit, dim)
        return fmt

    def _make(self, on: list[Span], bold: bool, hit: bool, dim: bool) -> QTextCharFormat:
        fmt = QTextCharFormat()
        if bold:
            fmt.setFontWeight(QFont.Weight.Bold)
        if dim:
            fmt.setForeground(self._dim)
        if on:
            top = QColor(on[0].row.color)
            strength = 0.30 if len(on) == 1 else 0.46 + 0.06 * (min(len(on), 4) - 2)
            if self.dark:
                strength += 0.12
            fmt.setBackground(mix(self._base, top, strength))
            if len(on) > 1:
                other = on[1]  # the next other code (_format puts it second)
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(QColor(other.row.color).darker(115))
        if hit:
            fmt.setBackground(HIT_COLOR)
            fmt.setForeground(QColor("#000000"))
        return fmt


def _covers(ranges, x: int, y: int) -> bool:
    for p, q in ranges:
        if p < y and q > x:
            return True
    return False
