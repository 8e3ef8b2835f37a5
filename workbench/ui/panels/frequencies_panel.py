"""Code frequencies: a sortable table (segments, sources, cases, coders per code) and a bar
chart painted with QPainter (QtCharts is not in PySide6-Essentials)."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.query.frequencies import CodeFrequency, code_frequencies
from workbench.ui.panels.common import ID_ROLE, ProjectHandle

COLUMNS = ["code", "segments", "sources", "cases", "coders"]
SORT_ROLE = Qt.ItemDataRole.UserRole + 3


class FrequencyModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[CodeFrequency] = []
        self.colors: dict[int, str] = {}

    def set_rows(self, rows: list[CodeFrequency], colors: dict[int, str]) -> None:
        self.beginResetModel()
        self.rows, self.colors = rows, colors
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        f = self.rows[index.row()]
        value = getattr(f, COLUMNS[index.column()])
        if role == Qt.ItemDataRole.DisplayRole:
            return ("    " * f.depth + f.code.rsplit("/", 1)[-1]) if index.column() == 0 else str(value)
        if role == SORT_ROLE:
            return index.row() if index.column() == 0 else value  # the code column sorts in tree order
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f.code
        if role == ID_ROLE:
            return f.code_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BarChart(QWidget):
    """Horizontal bars, one a code, in the order the table shows; the bar is the code's colour."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("frequencyChart")
        self.bars: list[tuple[str, float, str]] = []  # (label, value, colour)
        self.setMinimumHeight(120)

    def set_bars(self, bars: list[tuple[str, float, str]]) -> None:
        self.bars = bars
        self.setMinimumHeight(max(120, 18 * len(bars) + 8))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, max(120, 18 * len(self.bars) + 8))

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().base())
        if not self.bars:
            p.end()
            return
        metrics = p.fontMetrics()
        label_w = min(self.width() // 2, max(metrics.horizontalAdvance(b[0]) for b in self.bars) + 8)
        value_w = metrics.horizontalAdvance("000000") + 6
        top = max(b[1] for b in self.bars) or 1
        row_h = max(14, min(24, (self.height() - 8) // len(self.bars)))
        span = max(10, self.width() - label_w - value_w - 8)
        for i, (label, value, color) in enumerate(self.bars):
            y = 4 + i * row_h
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(4, y, label_w - 8, row_h), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                       metrics.elidedText(label, Qt.TextElideMode.ElideLeft, label_w - 8))
            w = span * value / top
            p.fillRect(QRectF(label_w, y + 2, w, row_h - 4), QColor(color))
            p.drawText(QRectF(label_w + w + 4, y, value_w, row_h), Qt.AlignmentFlag.AlignVCenter, str(value))
        p.end()


class FrequenciesPanel(QWidget):
    """The frequencies table and its chart; sorting the table reorders the chart."""

    def __init__(self, project_or_path, parent=None):
        super().__init__(parent)
        self.setObjectName("frequenciesPanel")
        self.handle = ProjectHandle(project_or_path)
        self.model = FrequencyModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(objectName="frequencyTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in range(1, len(COLUMNS)):
            self.table.setColumnWidth(col, 76)
        self.chart = BarChart(self)
        self.measure = QComboBox(objectName="frequencyMeasure")
        self.measure.addItems(COLUMNS[1:])
        self.with_children = QCheckBox("With subcodes", objectName="frequencyWithChildren")
        self.with_children.toggled.connect(self.refresh)
        self.measure.currentTextChanged.connect(self._update_chart)
        self.proxy.layoutChanged.connect(self._update_chart)
        row = QHBoxLayout()
        row.addWidget(self.with_children)
        row.addStretch(1)
        row.addWidget(QLabel("Chart"))
        row.addWidget(self.measure)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(split, 1)
        self.refresh()

    def refresh(self) -> None:
        from workbench.query.lookups import code_colors

        rows = code_frequencies(self.handle.project, with_children=self.with_children.isChecked())
        colors = code_colors(self.handle.project)
        self.model.set_rows(rows, colors)
        self._update_chart()

    def _update_chart(self, *_) -> None:
        measure = self.measure.currentText()
        bars = []
        for r in range(self.proxy.rowCount()):
            f = self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
            bars.append((f.code, getattr(f, measure), self.model.colors.get(f.code_id, "#4e79a7")))
        self.chart.set_bars(bars)

    def closeEvent(self, event) -> None:
        self.handle.close()
        super().closeEvent(event)
