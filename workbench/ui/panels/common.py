"""What the analysis panels share: the project they work on, filter widgets, a segment table."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QListWidget, QListWidgetItem, QTableView

from workbench.store.project import Project, open_project

ID_ROLE = Qt.ItemDataRole.UserRole


class ProjectHandle:
    """The Project a panel uses: the window's own, or one the panel opened from a path."""

    def __init__(self, project_or_path: Project | str | Path):
        if isinstance(project_or_path, Project):
            self.project, self.owned = project_or_path, False
        else:
            from workbench.core.errors import ProjectLockedError

            try:
                self.project = open_project(Path(project_or_path))
            except ProjectLockedError:
                self.project = open_project(Path(project_or_path), readonly=True)
            self.owned = True
        self.path = self.project.path

    def close(self) -> None:
        if self.owned:
            self.project.close()
            self.owned = False


def checked_names(widget: QListWidget) -> tuple[str, ...]:
    return tuple(widget.item(i).text() for i in range(widget.count())
                 if widget.item(i).checkState() == Qt.CheckState.Checked)


def fill_checklist(widget: QListWidget, names: list[str], checked: set[str] = frozenset()) -> None:
    """Fill a list of checkable names. The flags and states are looked up once, not per item: with
    300 sources and 300 cases the enum arithmetic was most of the query panel's opening (issue 10)."""
    widget.setUpdatesEnabled(False)
    widget.clear()
    flags = QListWidgetItem().flags() | Qt.ItemFlag.ItemIsUserCheckable
    on, off = Qt.CheckState.Checked, Qt.CheckState.Unchecked
    for name in names:
        item = QListWidgetItem(name)
        item.setFlags(flags)
        item.setCheckState(on if name in checked else off)
        widget.addItem(item)
    widget.setUpdatesEnabled(True)


class SegmentTableModel(QAbstractTableModel):
    """Rows of a query result; a Segment is built only when its row is shown (a result may hold
    tens of thousands). ID_ROLE gives the coding id (the first contributing one for a stretch)."""

    HEADERS = ["Excerpt", "Code", "Source", "Case", "Coder", "Position"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self._segments = []
        self._cache: dict[int, object] = {}

    def set_segments(self, segments) -> None:
        self.beginResetModel()
        self._segments, self._cache = segments, {}
        self.endResetModel()

    def segment(self, row: int):
        seg = self._cache.get(row)
        if seg is None:
            seg = self._cache[row] = self._segments[row]
            if len(self._cache) > 5000:
                self._cache.clear()
        return seg

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._segments)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        seg = self.segment(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == 0:
                text = " ".join(seg.text.split())
                return text if len(text) <= 200 else text[:197] + "..."
            return [None, seg.code, seg.source, seg.case or "", seg.coder, f"{seg.start}-{seg.end}"][col]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return seg.text[:2000]
        if role == ID_ROLE:
            return seg.coding_id if seg.coding_id is not None else (seg.coding_ids[0] if seg.coding_ids else None)
        return None


def segment_table(name: str, model: SegmentTableModel) -> QTableView:
    """A read-only table of segments: one line a row, the excerpt column taking the room."""
    view = QTableView(objectName=name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)  # one line a row, no more
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col, width in enumerate([0, 200, 170, 120, 90, 90]):
        if width:
            view.setColumnWidth(col, width)
    return view
