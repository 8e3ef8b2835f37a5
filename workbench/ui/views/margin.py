"""The coding margin beside the text: each coding a bracket labelled with its code, overlaps in columns.

Like a line-number area, it is a plain widget next to the viewport that paints only the codings
of the visible blocks; the columns come from CodingLayer, laid out once per change.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from workbench.ui.models.coding_layer import Span

COL_W = 9  # width of one bracket column
MAX_COLS = 12  # deeper overlaps share the last column
LABEL_W = 168  # the lane where code names are written
PAD = 6


@dataclass
class Bracket:
    span: Span
    x: int
    top: int
    bottom: int
    label: QRect


class CodingMargin(QWidget):
    """Paints brackets for the codings in view; clicking one selects that coding."""

    bracket_clicked = Signal(int)  # coding id
    bracket_menu = Signal(int, QPoint)  # coding id, global position

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.setObjectName("codingMargin")
        self.setMouseTracking(True)
        f = self.font()
        f.setPointSizeF(f.pointSizeF() * 0.92)
        self.setFont(f)
        self._brackets: list[Bracket] = []
        self._overflow: list[Bracket] = []
        self._hover: int | None = None
        self.selected: int | None = None
        self.show_coders = False  # each label starts with its coder's initials in the coder's colour
        self.coder_marks: dict[int, tuple[str, QColor]] = {}

    def columns(self) -> int:
        return min(self.view.layer.ncols, MAX_COLS)

    def width_hint(self) -> int:
        return PAD + max(self.columns(), 1) * COL_W + LABEL_W

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.width_hint(), 0)

    # -- geometry -------------------------------------------------------------------------
    def layout_brackets(self) -> list[Bracket]:
        """Brackets of the codings meeting the visible blocks, in widget coordinates."""
        view, layer = self.view, self.view.layer
        if not layer.spans:
            return []
        # Each visible line once: (its first position, top, bottom) in widget coordinates.
        lines: list[tuple[int, float, float]] = []
        block = view.firstVisibleBlock()
        offset = view.contentOffset()
        height = self.height()
        first = block.position() if block.isValid() else 0
        last = first
        while block.isValid():
            top = view.blockBoundingGeometry(block).translated(offset).top()
            if top > height:
                break
            layout = block.layout()
            for i in range(layout.lineCount() if layout is not None else 0):
                line = layout.lineAt(i)
                lines.append((block.position() + line.textStart(), top + line.y(), top + line.y() + line.height()))
            last = block.position() + block.length()
            block = block.next()
        starts = [ln[0] for ln in lines]

        def y_at(pos: int, bottom: bool) -> float | None:
            i = bisect_right(starts, pos) - 1
            if i < 0:
                return None
            return lines[i][2] if bottom else lines[i][1]

        ncols = self.columns()
        crowded = layer.ncols > MAX_COLS  # the last column then gathers every deeper coding
        lane = PAD + max(ncols, 1) * COL_W + 4
        fm = QFontMetrics(self.font())
        out: list[Bracket] = []
        self._overflow = []
        next_free = -1e9
        for span in layer.overlapping(first, last):
            y0 = y_at(span.start, False) if span.start >= first else None
            y1 = y_at(max(span.end - 1, span.start), True) if span.end <= last else None
            top = int(y0) + 1 if y0 is not None else -4
            bottom = int(y1) - 1 if y1 is not None else height + 4
            col = layer.column(span.id)
            if crowded and col >= MAX_COLS - 1:
                self._overflow.append(Bracket(span, PAD + (MAX_COLS - 1) * COL_W + 2, top, bottom, QRect()))
                continue
            x = PAD + col * COL_W + 2
            ly = max(top, 0, int(next_free))
            if ly <= height:  # labels pushed below the view are left out, not drawn unseen
                label = QRect(lane, ly, LABEL_W - 8, fm.height())
                next_free = ly + fm.height() + 1
            else:
                label = QRect()
            out.append(Bracket(span, x, top, bottom, label))
        return out

    def overflow_bars(self) -> list[tuple[int, int, int]]:
        """The crowded column as merged bars: (top, bottom, how many codings)."""
        bars: list[list[int]] = []
        for br in sorted(self._overflow, key=lambda b: b.top):
            if bars and br.top <= bars[-1][1]:
                bars[-1][1] = max(bars[-1][1], br.bottom)
                bars[-1][2] += 1
            else:
                bars.append([br.top, br.bottom, 1])
        return [tuple(b) for b in bars]

    def bracket_at(self, pos: QPoint) -> Bracket | None:
        best = None
        for br in self._brackets + self._overflow:
            on_line = abs(pos.x() - br.x) <= 4 and br.top - 3 <= pos.y() <= br.bottom + 3
            if on_line or br.label.contains(pos):
                if best is None or (br.span.end - br.span.start) < (best.span.end - best.span.start):
                    best = br
        return best

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        p.fillRect(event.rect(), mix_window(pal))
        p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
        p.drawLine(0, 0, 0, self.height())
        self._brackets = self.layout_brackets()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for br in self._brackets:
            color = QColor(br.span.row.color)
            strong = br.span.id in (self._hover, self.selected)
            p.setPen(QPen(color, 3 if strong else 2))
            p.drawLine(br.x, br.top, br.x, br.bottom)
            if br.top >= 0:
                p.drawLine(br.x, br.top, br.x - 4, br.top)
            if br.bottom <= self.height():
                p.drawLine(br.x, br.bottom, br.x - 4, br.bottom)
        if self._overflow:
            x = PAD + (MAX_COLS - 1) * COL_W + 2
            p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 3))
            for top, bottom, n in self.overflow_bars():
                p.drawLine(x, top, x, bottom)
        for br in self._brackets:
            if br.label.isNull():
                continue
            color = QColor(br.span.row.color)
            strong = br.span.id in (self._hover, self.selected)
            # A faint leader from the bracket's top to its label.
            lead = QColor(color)
            lead.setAlpha(110)
            p.setPen(QPen(lead, 1, Qt.PenStyle.DotLine))
            p.drawLine(br.x + 2, max(br.top, 0), br.label.left() - 2, br.label.center().y())
            chip = QRect(br.label.left(), br.label.top() + 2, 8, br.label.height() - 4)
            p.fillRect(chip, color)
            text_rect = br.label.adjusted(12, 0, 0, 0)
            if strong:
                p.fillRect(br.label.adjusted(10, 0, 2, 0), base)
            f = self.font()
            mark = self.coder_marks.get(br.span.row.coder_id) if self.show_coders else None
            if mark is not None:
                text_rect = self._paint_coder(p, text_rect, *mark)
            p.setPen(pal.color(QPalette.ColorRole.Text if strong else QPalette.ColorRole.WindowText))
            f.setBold(strong)
            p.setFont(f)
            name = QFontMetrics(f).elidedText(br.span.row.code_name, Qt.TextElideMode.ElideRight, text_rect.width())
            p.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
        p.end()

    def _paint_coder(self, p: QPainter, rect: QRect, initials: str, color: QColor) -> QRect:
        """A small chip with the coder's initials at the left of rect; returns the room left."""
        f = self.font()
        f.setPointSizeF(f.pointSizeF() * 0.85)
        f.setBold(True)
        fm = QFontMetrics(f)
        chip = QRect(rect.left(), rect.top() + 1, fm.horizontalAdvance(initials) + 6, rect.height() - 2)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawRoundedRect(chip, 3, 3)
        p.setPen(QColor("#ffffff"))
        p.setFont(f)
        p.drawText(chip, Qt.AlignmentFlag.AlignCenter, initials)
        return rect.adjusted(chip.width() + 4, 0, 0, 0)

    # -- mouse ----------------------------------------------------------------------------
    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        br = self.bracket_at(event.position().toPoint())
        hover = br.span.id if br else None
        if hover != self._hover:
            self._hover = hover
            self.setCursor(Qt.CursorShape.PointingHandCursor if br else Qt.CursorShape.ArrowCursor)
            self.update()

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._hover = None
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        br = self.bracket_at(event.position().toPoint())
        if br is None:
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.bracket_clicked.emit(br.span.id)
        elif event.button() == Qt.MouseButton.RightButton:
            self.bracket_menu.emit(br.span.id, event.globalPosition().toPoint())

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            pos = event.pos()
            crowd = [b.span for b in self._overflow if abs(pos.x() - b.x) <= 4 and b.top <= pos.y() <= b.bottom]
            br = self.bracket_at(pos)
            if crowd:
                QToolTip.showText(event.globalPos(), self.view.tooltip_for(crowd), self)
            elif br is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.view.tooltip_for([br.span]), self)
            return True
        return super().event(event)


def mix_window(pal: QPalette) -> QColor:
    """The margin's ground: between the text's base and the window colour."""
    a, b = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Window)
    return QColor((a.red() + b.red()) // 2, (a.green() + b.green()) // 2, (a.blue() + b.blue()) // 2)
