"""The codebook as a Qt tree: code ids plus cached rows; edits go out as requests, never into the store."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from workbench.query.document import CodeRow, code_counts, code_rows
from workbench.store.project import Project
from workbench.ui.models import ID_ROLE
from workbench.ui.wording import count
from workbench.ui.models.passage_mime import PASSAGE_MIME, read_passage

CODES_MIME = "application/x-qwb-codes"  # JSON list of code ids being dragged
COLOR_ROLE = Qt.ItemDataRole.UserRole + 2
PATH_ROLE = Qt.ItemDataRole.UserRole + 3


@dataclass
class _Node:
    row: CodeRow
    children: list[int] = field(default_factory=list)


def swatch(color: str, size: int = 12) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(color))
    p.setPen(QColor(color).darker(130))
    p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    p.end()
    return QIcon(pm)


class CodeTreeModel(QAbstractItemModel):
    """Columns: the code (swatch, name, pin key), its own number of codings, and for a code with
    subcodes the number with theirs (NVivo's aggregate)."""

    rename_requested = Signal(int, str)  # code id, new name
    move_requested = Signal(int, object, int)  # code id, new parent id or None, position (-1: last)
    passage_dropped = Signal(int, dict)  # code id, {"source_id", "start", "end"}

    HEADERS = ("Code", "Codings", "All")
    HEADER_TIPS = ("", "Codings of the code itself", "Codings of the code and all its subcodes (codes with subcodes)")

    def __init__(self, project: Project | None = None, parent=None):
        super().__init__(parent)
        self.project = project
        self._nodes: dict[int, _Node] = {}
        self._roots: list[int] = []
        self._icons: dict[str, QIcon] = {}
        self._totals: dict[int, int] = {}  # code id -> codings of it and its subcodes
        self.pins: dict[int, int] = {}  # code id -> quick key 1..9
        if project is not None:
            self.reload()

    # -- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        self.beginResetModel()
        self._load(code_rows(self.project) if self.project else [])
        self.endResetModel()

    def refresh(self) -> None:
        """Re-read the codebook: in place when only names, colours, counts or memos changed, else a reset."""
        rows = code_rows(self.project) if self.project else []
        shape = [(r.id, r.parent_id) for r in rows]
        if shape != [(n.row.id, n.row.parent_id) for n in self._nodes.values()]:
            self.beginResetModel()
            self._load(rows)
            self.endResetModel()
            return
        for r in rows:
            if self._nodes[r.id].row != r:
                self._nodes[r.id].row = r
                self.dataChanged.emit(self.index_of(r.id, 0), self.index_of(r.id, 2))
        self._sum_totals(emit=True)

    def _load(self, rows: list[CodeRow]) -> None:
        self._nodes = {r.id: _Node(r) for r in rows}
        self._roots = []
        for r in rows:  # rows come in tree order, so children lists come out ordered
            (self._nodes[r.parent_id].children if r.parent_id in self._nodes else self._roots).append(r.id)
        self._sum_totals()

    def _sum_totals(self, emit: bool = False) -> None:
        """Each code's codings with its subcodes'; with emit, tell the view where a total moved."""
        old, totals = self._totals, {}

        def total(cid: int) -> int:
            node = self._nodes[cid]
            totals[cid] = node.row.count + sum(total(k) for k in node.children)
            return totals[cid]

        for cid in self._roots:
            total(cid)
        self._totals = totals
        if emit:
            for cid, n in totals.items():
                if old.get(cid) != n and self._nodes[cid].children:
                    idx = self.index_of(cid, 2)
                    self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])

    def total(self, code_id: int) -> int:
        return self._totals.get(code_id, 0)

    def refresh_counts(self, code_ids: list[int] | None = None) -> None:
        """Re-count codings (of the given codes only, when named)."""
        counts = code_counts(self.project, code_ids)
        for cid in (self._nodes if code_ids is None else [c for c in code_ids if c in self._nodes]):
            node = self._nodes[cid]
            n = counts.get(cid, 0)
            if n != node.row.count:
                node.row = replace(node.row, count=n)
                idx = self.index_of(cid, 1)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])
        self._sum_totals(emit=True)

    def add_counts(self, deltas: dict[int, int]) -> None:
        """Move codes' counts by known amounts (codings this window saw come and go), without a
        query: each code's own count, and the totals of it and its ancestors only."""
        moved: set[int] = set()
        for cid, d in deltas.items():
            node = self._nodes.get(cid)
            if node is None or not d:
                continue
            node.row = replace(node.row, count=node.row.count + d)
            idx = self.index_of(cid, 1)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])
            cur, seen = cid, set()
            while cur in self._nodes and cur not in seen:  # up the tree (guarded: rows come from a cut tree)
                seen.add(cur)
                self._totals[cur] = self._totals.get(cur, 0) + d
                moved.add(cur)
                cur = self._nodes[cur].row.parent_id
        for cid in moved:
            if self._nodes[cid].children:
                idx = self.index_of(cid, 2)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])

    def set_pins(self, pins: dict[int, int]) -> None:
        self.pins = dict(pins)
        for cid in self._nodes:
            idx = self.index_of(cid)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])

    # -- lookups --------------------------------------------------------------------------
    def row(self, code_id: int) -> CodeRow | None:
        node = self._nodes.get(code_id)
        return node.row if node else None

    def rows(self) -> list[CodeRow]:
        return [n.row for n in self._nodes.values()]

    def code_ids(self) -> list[int]:
        return list(self._nodes)

    def _siblings(self, parent_id: int | None) -> list[int]:
        return self._nodes[parent_id].children if parent_id in self._nodes else self._roots

    def index_of(self, code_id: int, column: int = 0) -> QModelIndex:
        node = self._nodes.get(code_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(self._siblings(node.row.parent_id).index(code_id), column, code_id)

    # -- the model interface ----------------------------------------------------------------
    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(self.HEADERS) or row < 0:
            return QModelIndex()
        if parent.isValid():
            if parent.column() != 0:
                return QModelIndex()
            kids = self._nodes[parent.internalId()].children
        else:
            kids = self._roots
        if row >= len(kids):
            return QModelIndex()
        return self.createIndex(row, column, kids[row])

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: A003
        if not index.isValid():
            return QModelIndex()
        pid = self._nodes[index.internalId()].row.parent_id
        return self.index_of(pid) if pid in self._nodes else QModelIndex()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return len(self._roots)
        if parent.column() != 0:
            return 0
        return len(self._nodes[parent.internalId()].children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS[section] or None
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._nodes[index.internalId()].row
        col = index.column()
        if role == ID_ROLE:
            return r.id
        if role == COLOR_ROLE:
            return r.color
        if role == PATH_ROLE:
            return r.path
        if col == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                key = self.pins.get(r.id)
                return f"{r.name}   [{key}]" if key else r.name
            if role == Qt.ItemDataRole.EditRole:
                return r.name
            if role == Qt.ItemDataRole.DecorationRole:
                if r.color not in self._icons:
                    self._icons[r.color] = swatch(r.color)
                return self._icons[r.color]
            if role == Qt.ItemDataRole.ToolTipRole:
                tip = f"<b>{r.path}</b> — {count(r.count, 'coding')}"
                if self._nodes[r.id].children:
                    tip += f"; {count(self.total(r.id), 'coding')} with its subcodes"
                if r.description:
                    tip += f"<br/>{r.description[:400]}"
                return tip
            if role == Qt.ItemDataRole.FontRole and r.has_memo:
                f = QFont()
                f.setItalic(True)
                return f
        elif col == 1:
            if role == Qt.ItemDataRole.DisplayRole:
                return r.count
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif col == 2:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.total(r.id) if self._nodes[r.id].children else None
            if role == Qt.ItemDataRole.ToolTipRole and self._nodes[r.id].children:
                return f"{count(self.total(r.id), 'coding')} of “{r.name}” and its subcodes"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ForegroundRole and self._nodes[r.id].children:
                from PySide6.QtGui import QPalette
                from PySide6.QtWidgets import QApplication

                return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled \
            | Qt.ItemFlag.ItemIsDropEnabled
        if index.column() == 0:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.EditRole:
            return False
        name = str(value)
        if name.strip() == self._nodes[index.internalId()].row.name:
            return False
        self.rename_requested.emit(index.internalId(), name)  # the command's change refreshes us
        return True

    # -- drag and drop: codes move within the tree, passages are coded ------------------------
    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [CODES_MIME, PASSAGE_MIME]

    def mimeData(self, indexes) -> QMimeData:  # noqa: N802
        ids = list(dict.fromkeys(i.internalId() for i in indexes if i.isValid()))
        data = QMimeData()
        data.setData(CODES_MIME, json.dumps(ids).encode())
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:  # noqa: N802
        if data.hasFormat(PASSAGE_MIME):
            return parent.isValid() and row == -1
        return data.hasFormat(CODES_MIME)

    def dropMimeData(self, data, action, row, column, parent) -> bool:  # noqa: N802
        if action == Qt.DropAction.IgnoreAction:
            return True
        target = parent.internalId() if parent.isValid() else None
        passage = read_passage(data)
        if passage is not None:
            if target is None or row != -1:
                return False
            self.passage_dropped.emit(target, passage)
            return True
        if not data.hasFormat(CODES_MIME):
            return False
        try:
            ids = [int(i) for i in json.loads(bytes(data.data(CODES_MIME)).decode())]
        except (ValueError, TypeError):
            return False
        siblings = self._siblings(target)
        position = row
        for cid in ids:
            if cid not in self._nodes:
                continue
            pos = position
            if pos != -1 and cid in siblings and siblings.index(cid) < pos:
                pos -= 1  # the code leaves its old place above the drop point
            self.move_requested.emit(cid, target, pos)
            if position != -1:
                position = pos + 1
        return False  # the move command refreshes the tree; the view must not remove rows itself


class CodeFilterProxy(QSortFilterProxyModel):
    """Filter-as-you-type over code names; a match keeps its parents shown."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(0)
        self.setFilterRole(Qt.ItemDataRole.EditRole)
