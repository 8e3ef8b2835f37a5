"""The document view: a source's text, read-only and selectable, with coding highlights and the margin.

Every position that crosses between this widget and the project goes through the layer's
Utf16Map: Qt counts UTF-16 units, the project code points.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QDrag, QFont, QTextBlockFormat, QTextCursor, QTextDocument, QTextOption
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip

from workbench.query.document import CodingRow, SourceDocument
from workbench.ui.models.coding_layer import CodingLayer, Span
from workbench.ui.models.passage_mime import passage_mime
from workbench.ui.views.highlighter import CodingHighlighter
from workbench.ui.views.margin import CodingMargin
from workbench.ui.views.paragraph_layout import PARAGRAPH_KINDS, ParagraphLayout

EAGER = 20_000  # UTF-16 units formatted at once around what is shown; the rest as it comes into view
TIMESTAMP = re.compile(r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s*")


def display_text(text: str) -> str:
    """The text as QTextDocument takes it without shifting positions: it would fold '\\r\\n' into one
    block break, so a stray carriage return (none survive import, but be sure) becomes a space."""
    return text.replace("\r", " ") if "\r" in text else text


class DocumentView(QPlainTextEdit):
    """Shows one source. Emits coding_clicked when a bracket is clicked."""

    coding_clicked = Signal(int)
    coding_menu = Signal(int, QPoint)
    source_loaded = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("documentView")
        document = QTextDocument(self)
        self.paragraphs = ParagraphLayout(document)  # paragraph spacing and heading margins, display only
        document.setDocumentLayout(self.paragraphs)
        self.setDocument(document)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setMouseTracking(True)
        self.setUndoRedoEnabled(False)
        self.document().setDocumentMargin(14)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.5) + 0.5)
        self.setFont(font)
        self.source_id: int | None = None
        self.source: SourceDocument | None = None
        self.layer = CodingLayer()
        self.highlighter = CodingHighlighter(self.document(), self.layer)
        self.highlighter.set_palette(self.palette())
        self.margin = CodingMargin(self)
        self.margin.bracket_clicked.connect(self.coding_clicked)
        self.margin.bracket_menu.connect(self.coding_menu)
        self.updateRequest.connect(self._on_update_request)
        self.menu_builder = None  # callable(view, global QPoint, spans) -> QMenu | None
        self._press: QPoint | None = None
        self._update_margin_width()

    # -- content --------------------------------------------------------------------------
    def load(self, doc: SourceDocument | None, rows: list[CodingRow]) -> None:
        """Show a source with its codings; None empties the view."""
        self.source = doc
        self.source_id = doc.id if doc else None
        text = doc.text if doc else ""
        self.layer.load(text, rows)
        self.highlighter.labels, self.highlighter.stamps = self._speaker_marks(doc) if doc else ([], [])
        self.highlighter.hits = []
        self.highlighter.heads = []
        self.margin.selected = None
        self.paragraphs.set_spacing(0.0, False)  # until set_headings says what kind of source this is
        self.highlighter.pending.clear()
        self.highlighter.eager = (0, EAGER)  # the view opens at the top; later blocks wait until shown
        try:
            self.setPlainText(display_text(text))
        finally:
            self.highlighter.eager = None
        self._update_margin_width()
        if doc is not None:
            self.source_loaded.emit(doc.id)

    def _speaker_marks(self, doc: SourceDocument) -> tuple[list, list]:
        """Speaker labels (set in bold) and the timestamps before them (dimmed), in UTF-16."""
        to16 = self.layer.map.to_utf16
        labels, stamps = [], []
        for t in doc.turns:
            if t.label_end <= t.start:
                continue
            m = TIMESTAMP.match(doc.text, t.start, t.label_end)
            k = m.end() if m else t.start
            if k > t.start:
                stamps.append((to16(t.start), to16(k)))
            if k < t.label_end:
                labels.append((to16(k), to16(t.label_end)))
        return labels, stamps

    def set_headings(self, spans: list[tuple[int, int, int]], kind: str = "") -> None:
        """Set a Word source's headings as headings: (start, end, level) in code points, in a larger
        bold face and as heading blocks with space above; a source of a kind written one paragraph
        a line (.docx, .odt) gets space between its paragraphs. The text is not touched."""
        to16 = self.layer.map.to_utf16
        self.highlighter.heads = [(to16(a), to16(b), level) for a, b, level in spans]
        line = self.fontMetrics().lineSpacing()
        doc = self.document()
        for a, _b, level in self.highlighter.heads:
            fmt = QTextBlockFormat()
            fmt.setHeadingLevel(max(level, 1))  # 0 is Word's Title: a heading too
            fmt.setTopMargin(round(line * (1.0 if level <= 1 else 0.7)))
            QTextCursor(doc.findBlock(a)).mergeBlockFormat(fmt)
        self.paragraphs.set_spacing(round(line * 0.5) if kind in PARAGRAPH_KINDS else 0.0, bool(spans))
        if spans:
            self.rehighlight()
        self.margin.update()

    def add_codings(self, rows: list[CodingRow]) -> None:
        self._refresh(self.layer.add(rows))

    def remove_codings(self, ids) -> None:
        self._refresh(self.layer.remove(ids))

    @contextmanager
    def keeping_place(self) -> Iterator[None]:
        """Keep the reader's scroll position and selection through a change they did not make
        (another person's coding arriving, issue 14): the highlights change, the reading does not."""
        v, h = self.verticalScrollBar(), self.horizontalScrollBar()
        top, left = v.value(), h.value()
        cursor = self.textCursor()
        anchor, pos, source = cursor.anchor(), cursor.position(), self.source_id
        try:
            yield
        finally:
            if self.source_id == source:
                c = self.textCursor()
                if (c.anchor(), c.position()) != (anchor, pos):
                    end = self.document().characterCount() - 1
                    c.setPosition(min(anchor, end))
                    c.setPosition(min(pos, end), QTextCursor.MoveMode.KeepAnchor)
                    self.setTextCursor(c)
                v.setValue(top)
                h.setValue(left)

    def set_coder_filter(self, coder_id: int | None) -> None:
        self.layer.set_coder(coder_id)
        self.rehighlight()
        self._update_margin_width()
        self.margin.update()

    def restyle(self) -> None:
        """Colours or names changed: redraw everything."""
        self.highlighter.set_palette(self.palette())
        self.rehighlight()
        self.margin.update()

    def rehighlight(self) -> None:
        """Format again: now the blocks around what is shown, the others when they come into view."""
        first = self.firstVisibleBlock().position() if self.firstVisibleBlock().isValid() else 0
        self.highlighter.rehighlight_near(max(first - EAGER // 4, 0), first + EAGER)

    def visible_blocks(self):
        """The blocks meeting the viewport, top to bottom (geometry read as each comes, so a block
        formatted on the way moves the next ones as it should)."""
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        height = self.viewport().height()
        while block.isValid():
            if self.blockBoundingGeometry(block).translated(offset).top() > height:
                break
            yield block
            block = block.next()

    def paintEvent(self, event) -> None:  # noqa: N802
        if self.highlighter.pending:
            self.highlighter.format_pending(self.visible_blocks())
        super().paintEvent(event)

    def _refresh(self, spans: list[Span]) -> None:
        """Re-highlight only the blocks the changed spans touch."""
        doc = self.document()
        for s in spans:
            block = doc.findBlock(s.start)
            while block.isValid() and block.position() < max(s.end, s.start + 1):
                if block.blockNumber() not in self.highlighter.pending:  # else formatted when shown
                    self.highlighter.rehighlightBlock(block)
                block = block.next()
        self._update_margin_width()
        self.margin.update()

    def set_hits(self, hits: list[tuple[int, int]]) -> None:
        """Find hits in code points; all are shown."""
        m = self.layer.map
        self.highlighter.hits = [(m.to_utf16(a), m.to_utf16(b)) for a, b in hits]
        self.rehighlight()

    # -- positions --------------------------------------------------------------------------
    def selection_cp(self) -> tuple[int, int] | None:
        """The selected passage in code points, or None."""
        c = self.textCursor()
        if not c.hasSelection():
            return None
        m = self.layer.map
        a, b = m.to_codepoint(c.selectionStart()), m.to_codepoint(c.selectionEnd())
        return (a, b) if a < b else None

    def select_cp(self, start: int, end: int) -> None:
        """Select a passage given in code points and scroll it into view."""
        m = self.layer.map
        a, b = m.to_utf16(start), m.to_utf16(end)
        c = QTextCursor(self.document())
        c.setPosition(a)
        self.setTextCursor(c)
        self.centerCursor()
        c.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(c)
        self.ensureCursorVisible()

    def select_coding(self, coding_id: int) -> bool:
        span = self.layer.spans.get(coding_id)
        if span is None:
            return False
        self.margin.selected = coding_id
        self.select_cp(span.row.start, span.row.end)
        self.margin.update()
        return True

    def selected_text(self) -> str:
        sel = self.selection_cp()
        return self.source.text[sel[0]:sel[1]] if sel and self.source else ""

    def spans_at(self, viewport_pos: QPoint) -> list[Span]:
        """The shown codings over the character under a point of the viewport."""
        cur = self.cursorForPosition(viewport_pos)
        pos = cur.position()
        # cursorForPosition gives the nearest gap between characters: left of the gap's x, the
        # character under the mouse is the one before it.
        if pos > 0 and viewport_pos.x() < self.cursorRect(cur).x():
            pos -= 1
        return self.layer.at(pos)

    def tooltip_for(self, spans: list[Span]) -> str:
        parts = []
        for s in spans:
            memo = s.row.memo.strip()
            line = (f"<span style='color:{s.row.color}'>&#9632;</span> <b>{html.escape(s.row.code_path)}</b>"
                    f" &mdash; {html.escape(s.row.coder)}")
            if memo:
                short = memo if len(memo) < 200 else memo[:200] + "…"
                line += f"<br/><i>{html.escape(short)}</i>"
            parts.append(line)
        return "<br/>".join(parts)

    # -- the margin -------------------------------------------------------------------------
    def _update_margin_width(self) -> None:
        w = self.margin.width_hint()
        if self.viewportMargins().right() != w:
            self.setViewportMargins(0, 0, w, 0)
        self._place_margin()

    def _place_margin(self) -> None:
        vp = self.viewport().geometry()
        self.margin.setGeometry(vp.right() + 1, vp.top(), self.margin.width_hint(), vp.height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_margin()

    def _on_update_request(self, rect, dy) -> None:
        self.margin.update()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self.highlighter.set_palette(self.palette())
            self.rehighlight()

    # -- mouse: tooltips, drag of the selection, context menu --------------------------------
    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == event.Type.ToolTip:
            spans = self.spans_at(event.pos())
            if spans:
                QToolTip.showText(event.globalPos(), self.tooltip_for(spans), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._press = None
        if event.button() == Qt.MouseButton.LeftButton and self.textCursor().hasSelection():
            pos = self.cursorForPosition(event.position().toPoint()).position()
            c = self.textCursor()
            if c.selectionStart() <= pos < c.selectionEnd():
                self._press = event.position().toPoint()  # may become a drag of the passage
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._press is not None:
            if (event.position().toPoint() - self._press).manhattanLength() >= QApplication.startDragDistance():
                self._press = None
                self.start_passage_drag()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._press is not None:
            # A click inside the selection without a drag: place the cursor there as usual.
            self._press = None
            c = self.cursorForPosition(event.position().toPoint())
            self.setTextCursor(c)
            return
        super().mouseReleaseEvent(event)

    def passage_mime(self) -> QMimeData | None:
        sel = self.selection_cp()
        if sel is None or self.source_id is None:
            return None
        return passage_mime(self.source_id, sel[0], sel[1], self.selected_text())

    def start_passage_drag(self) -> None:
        data = self.passage_mime()
        if data is None:
            return
        drag = QDrag(self)
        drag.setMimeData(data)
        drag.exec(Qt.DropAction.CopyAction)

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 - copy/paste carries the passage too
        data = self.passage_mime()
        return data if data is not None else super().createMimeDataFromSelection()

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        if self.menu_builder is None:
            return super().contextMenuEvent(event)
        vp = self.viewport().mapFrom(self, event.pos())
        menu = self.menu_builder(self, self.spans_at(vp))
        if menu is not None:
            menu.exec(event.globalPos())
