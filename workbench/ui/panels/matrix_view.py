"""The matrix view: codes (subcodes foldable) by cases, attribute values, coders or sources,
cells shaded by value; clicking a cell lists its excerpts. The co-occurrence panel reuses it."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import WorkbenchError
from workbench.query.matrix import Matrix
from workbench.ui.panels.common import ID_ROLE, ProjectHandle, SegmentTableModel, segment_table

VALUE_ROLE = Qt.ItemDataRole.UserRole + 2


def shade_color(value: float, maximum: float) -> QColor | None:
    from workbench.io.exporters.matrix_export import shade

    fill = shade(value, maximum)
    return QColor("#" + fill) if fill else None


class MatrixModel(QAbstractItemModel):
    """A Matrix as a tree: a code row's children are its subcodes' rows. Column 0 names the code;
    column j+1 holds cells[row][j]. An item's internal id is its matrix row + 1."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.m: Matrix | None = None
        self._children: dict[int, list[int]] = {}

    def set_matrix(self, m: Matrix) -> None:
        self.beginResetModel()
        self.m = m
        self._children = {}
        for i, p in enumerate(m.row_parent or [None] * len(m.rows)):
            self._children.setdefault(-1 if p is None else p, []).append(i)
        self._top = m.maximum
        self.endResetModel()

    def _row_of(self, index: QModelIndex) -> int:
        return index.internalId() - 1

    def index(self, row, column, parent=QModelIndex()):
        if self.m is None or not self.hasIndex(row, column, parent):
            return QModelIndex()
        key = self._row_of(parent) if parent.isValid() else -1
        kids = self._children.get(key, [])
        return self.createIndex(row, column, kids[row] + 1)

    def parent(self, index=QModelIndex()):
        if not index.isValid() or self.m is None:
            return QModelIndex()
        p = self.m.row_parent[self._row_of(index)] if self.m.row_parent else None
        if p is None:
            return QModelIndex()
        grand = self.m.row_parent[p]
        siblings = self._children.get(-1 if grand is None else grand, [])
        return self.createIndex(siblings.index(p), 0, p + 1)

    def rowCount(self, parent=QModelIndex()) -> int:
        if self.m is None or (parent.isValid() and parent.column() != 0):
            return 0
        key = self._row_of(parent) if parent.isValid() else -1
        return len(self._children.get(key, []))

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if self.m is None else len(self.m.cols) + 1

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if self.m is None or orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return "code" if section == 0 else str(self.m.cols[section - 1])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.m is None:
            return None
        r, c = self._row_of(index), index.column()
        if c == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.m.rows[r].rsplit("/", 1)[-1] if self.m.row_parent and self.m.row_parent[r] is not None \
                    else self.m.rows[r]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.m.rows[r]
            if role == ID_ROLE:
                return self.m.row_ids[r]
            return None
        value = self.m.cells[r][c - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value)
        if role == VALUE_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            color = shade_color(value, self._top)
            return QBrush(color) if color else None
        return None

    def cell(self, index: QModelIndex) -> tuple[int, int] | None:
        """(matrix row, matrix column) of a value cell, None for the code column."""
        if not index.isValid() or index.column() == 0:
            return None
        return self._row_of(index), index.column() - 1


class MatrixView(QWidget):
    """Codes by a chosen dimension. Click a cell: its excerpts below; double-click one: coding_activated."""

    coding_activated = Signal(int)
    exported = Signal(str)  # the path written
    object_name = "matrixView"

    def __init__(self, project_or_path, parent=None):
        super().__init__(parent)
        self.setObjectName(self.object_name)
        self.handle = ProjectHandle(project_or_path)
        self.matrix: Matrix | None = None
        self._build()
        self.refresh_choices()

    def _controls(self) -> QHBoxLayout:
        self.cols = QComboBox(objectName="matrixCols")
        self.count = QComboBox(objectName="matrixCount")
        self.count.addItems(["segments", "sources", "chars"])
        self.with_children = QCheckBox("With subcodes", objectName="matrixWithChildren")
        self.folder = QComboBox(objectName="matrixFolder")
        self.folder.setToolTip("Count only the sources of one folder")
        row = QHBoxLayout()
        for label, w in (("Columns", self.cols), ("Count", self.count), ("Sources", self.folder)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addWidget(self.with_children)
        return row

    def _build(self) -> None:
        controls = self._controls()
        self.run_button = QPushButton("Show", objectName="matrixRun")
        self.run_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("Export…", objectName="matrixExport")
        self.export_button.clicked.connect(self._ask_export)
        controls.addWidget(self.run_button)
        controls.addStretch(1)
        controls.addWidget(self.export_button)
        self.model = MatrixModel(self)
        self.tree = QTreeView(objectName="matrixTable")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.tree.clicked.connect(self.show_cell)
        self.tree.header().setStretchLastSection(False)  # a wide last column pushes its numbers out of sight
        self.excerpts_model = SegmentTableModel(self)
        self.excerpts = segment_table("matrixExcerpts", self.excerpts_model)
        self.excerpts.doubleClicked.connect(self._activated)
        self.status = QLabel(objectName="matrixStatus")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.excerpts)
        split.setStretchFactor(0, 3)
        self.split, self._sized = split, False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    def refresh_choices(self) -> None:
        from workbench.query.lookups import attribute_names

        attrs = attribute_names(self.handle.project)
        current = self.cols.currentText()
        self.cols.clear()
        self.cols.addItems(["cases", "coders", "sources"] + [f"attr:{a}" for a in attrs])
        if current:
            self.cols.setCurrentText(current)
        self._fill_folders()

    def _fill_folders(self) -> None:
        from workbench.query.lookups import source_names
        from workbench.services.sources import folder_rows

        names = source_names(self.handle.project)
        current = self.folder.currentText()
        self.folder.clear()
        self.folder.addItem("all sources", None)
        for f in folder_rows(self.handle.project):
            self.folder.addItem(f"in {f.path}", tuple(names[i] for i in f.source_ids))
        if current:
            self.folder.setCurrentIndex(max(self.folder.findText(current), 0))

    def compute(self) -> Matrix:
        from workbench.query.matrix import code_matrix

        return code_matrix(self.handle.project, self.cols.currentText(), self.count.currentText(),
                           self.with_children.isChecked(), self.source_filter())

    def source_filter(self):
        """The folder chosen, as the sources filter of the matrix and of its cells' excerpts."""
        from workbench.core.errors import ValidationError
        from workbench.query.segments import Filters

        names = self.folder.currentData()
        if names is None:
            return None
        if not names:
            raise ValidationError(f"the folder {self.folder.currentText()[3:]!r} holds no sources yet")
        return Filters(sources=names)

    def refresh(self) -> bool:
        try:
            m = self.compute()
        except WorkbenchError as exc:
            self.status.setText(str(exc))
            return False
        self.matrix = m
        self.model.set_matrix(m)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        metrics = self.tree.header().fontMetrics()
        for col, name in enumerate(m.cols, start=1):
            self.tree.setColumnWidth(col, min(max(metrics.horizontalAdvance(str(name)) + 16, 64), 220))
        self.excerpts_model.set_segments([])
        self.status.setText(f"{len(m.rows)} codes x {len(m.cols)} columns; click a cell for its excerpts")
        return True

    def title(self) -> str:
        return f"Codes by {self.cols.currentText().removeprefix('attr:')}"

    def cell_excerpts(self, row: int, col: int):
        from workbench.query.matrix import cell_segments

        with self.handle.project.reading() as s:
            return cell_segments(s, self.matrix, row, col, self.source_filter())

    def show_cell(self, index: QModelIndex) -> None:
        cell = self.model.cell(index)
        if cell is None or self.matrix is None:
            return
        segments = self.cell_excerpts(*cell)
        self.excerpts_model.set_segments(segments)
        self.status.setText(f"{self.matrix.rows[cell[0]]} / {self.matrix.cols[cell[1]]}: {len(segments)} excerpts")

    def _activated(self, index) -> None:
        coding_id = self.excerpts_model.data(index, ID_ROLE)
        if coding_id is not None:
            self.coding_activated.emit(int(coding_id))

    def _ask_export(self) -> None:
        from workbench.ui import file_dialogs

        path = file_dialogs.save_file(self, "report", "Export the table", "matrix.xlsx",
                                      "Excel (*.xlsx);;CSV (*.csv);;Word (*.docx)")
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path) -> bool:
        from workbench.io.exporters.matrix_export import write_matrix

        if self.matrix is None and not self.refresh():
            return False
        try:
            write_matrix(self.matrix, path, title=self.title())
        except WorkbenchError as exc:
            self.status.setText(str(exc))
            return False
        self.status.setText(f"wrote {path}")
        self.exported.emit(str(path))
        return True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized:  # the table gets three fifths of the first height it is shown at
            self._sized = True
            total = sum(self.split.sizes()) or self.height()
            self.split.setSizes([total * 3 // 5, total - total * 3 // 5])

    def closeEvent(self, event) -> None:
        self.handle.close()
        super().closeEvent(event)
