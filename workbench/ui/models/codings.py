"""The codings of the open source as a table, read from the document view's CodingLayer."""
from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from workbench.ui.models import ID_ROLE
from workbench.ui.models.code_tree import COLOR_ROLE, swatch
from workbench.ui.models.coding_layer import CodingLayer, Span


class CodingListModel(QAbstractTableModel):
    HEADERS = ("Code", "Coder", "Passage", "✎")  # the last column marks codings with a memo

    def __init__(self, layer: CodingLayer | None = None, parent=None):
        super().__init__(parent)
        self.layer = layer
        self.text = ""
        self._rows: list[Span] = []
        self._icons: dict = {}
        # coding id -> ((start, end), its passage as shown): a repaint asks for every visible row
        self._passages: dict[int, tuple[tuple[int, int], str]] = {}
        self.coder_marks: dict = {}  # coder id -> (initials, colour): a chip before the coder's name

    def reload(self, text: str | None = None) -> None:
        self.beginResetModel()
        if text is not None:
            self.text = text
        self._passages.clear()
        self._rows = self.layer.ordered() if self.layer is not None else []
        self.endResetModel()

    def sync(self) -> None:
        """Follow the layer after a few codings came or went: row inserts and removals, not a reset,
        so the view keeps its selection and scroll position."""
        new = self.layer.ordered() if self.layer is not None else []
        old_ids = [s.id for s in self._rows]
        new_ids = {s.id for s in new}
        gone = [i for i, cid in enumerate(old_ids) if cid not in new_ids]
        came = len(new) - (len(old_ids) - len(gone))
        if len(gone) + came > 50:
            self.reload()
            return
        for i in reversed(gone):
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self.endRemoveRows()
        kept = {s.id for s in self._rows}
        for span in new:
            if span.id in kept:
                continue
            i = bisect_left([s.key() for s in self._rows], span.key())
            self.beginInsertRows(QModelIndex(), i, i)
            self._rows.insert(i, span)
            self.endInsertRows()
        # Replaced rows (a memo edited) keep their place but show new values.
        by_id = {s.id: s for s in new}
        for i, s in enumerate(self._rows):
            if by_id[s.id] is not s:
                self._rows[i] = by_id[s.id]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.HEADERS) - 1))

    def follow(self, removed: list[int], fresh: list[int]) -> None:
        """Follow the layer after the named codings went (removed) or came or changed (fresh): row
        removals, inserts and dataChanged for those rows only, without walking the layer."""
        if len(removed) + len(fresh) > 50:
            self.reload()
            return
        gone = set(removed)
        if gone:
            for i in reversed([i for i, s in enumerate(self._rows) if s.id in gone]):
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        spans = self.layer.spans if self.layer is not None else {}
        for cid in fresh:
            span = spans.get(cid)
            if span is None or cid in gone:
                continue
            keys = [s.key() for s in self._rows]
            i = bisect_left(keys, span.key())
            if i < len(self._rows) and self._rows[i].id == cid:  # replaced: same place, new values
                self._rows[i] = span
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.HEADERS) - 1))
                continue
            old = next((k for k, s in enumerate(self._rows) if s.id == cid), None)
            if old is not None:  # it moved: out of its old place first
                self.beginRemoveRows(QModelIndex(), old, old)
                del self._rows[old]
                self.endRemoveRows()
                i = bisect_left([s.key() for s in self._rows], span.key())
            if not self.layer.shown(span):
                continue
            self.beginInsertRows(QModelIndex(), i, i)
            self._rows.insert(i, span)
            self.endInsertRows()

    def _passage(self, r) -> str:
        """The first 90 characters of a coding's passage with its spaces folded, worked out once per
        coding and position (a repaint asks for every visible row)."""
        key = (r.start, r.end)
        got = self._passages.get(r.id)
        if got is None or got[0] != key:
            # Only the head is needed: fold a stretch a little longer than what is shown.
            passage = " ".join(self.text[r.start:min(r.end, r.start + 400)].split())
            if r.end - r.start > 400 and len(passage) <= 90:
                passage = " ".join(self.text[r.start:r.end].split())
            got = self._passages[r.id] = (key, passage if len(passage) <= 90 else passage[:90] + "…")
        return got[1]

    def span_at(self, row: int) -> Span:
        return self._rows[row]

    def row_of(self, coding_id: int) -> int:
        for i, s in enumerate(self._rows):
            if s.id == coding_id:
                return i
        return -1

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section == 3:
            return "Memo"
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        r = s.row
        if role == ID_ROLE:
            return r.id
        if role == COLOR_ROLE:
            return r.color
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return r.code_name
            if col == 1:
                return r.coder
            if col == 2:
                return self._passage(r)
            return "✎" if r.memo.strip() else ""
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            if r.color not in self._icons:
                self._icons[r.color] = swatch(r.color)
            return self._icons[r.color]
        if role == Qt.ItemDataRole.DecorationRole and col == 1 and r.coder_id in self.coder_marks:
            color = self.coder_marks[r.coder_id][1].name()
            if color not in self._icons:
                self._icons[color] = swatch(color)
            return self._icons[color]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.code_path} — {r.coder}, characters {r.start}–{r.end}" + (f"\n{r.memo}" if r.memo else "")
        return None
