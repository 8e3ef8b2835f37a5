"""Text search across the sources with keyword in context; code all (or the selected) hits
with one code in one step, widened to the sentence or paragraph when asked."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.core.changes import Kind
from workbench.core.errors import WorkbenchError
from workbench.query.search import kwic, search
from workbench.ui.panels.common import ProjectHandle

EXTENDS = [("the words found", "none"), ("their sentence", "sentence"), ("their paragraph", "paragraph")]
SEARCH_HELP = ('Words, "phrases" and prefix* ; case and accents are ignored. Every term must occur in a '
               "source; each place a term occurs is a hit.")


class KwicModel(QAbstractTableModel):
    """Search hits as keyword-in-context rows: source, text before, the hit, text after."""

    HEADERS = ["Source", "Before", "Hit", "After"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result = None

    def set_result(self, result) -> None:
        self.beginResetModel()
        self.result = result
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.result is None else len(self.result.hits)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 4

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.result is None:
            return None
        hit = self.result.hits[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return hit.source
            before, match, after = kwic(self.result.texts[hit.source_id], hit.start, hit.end)
            return (before, match, after)[col - 1]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == 2:
            font = QFont()
            font.setBold(True)
            return font
        return None


class SearchPanel(QWidget):
    """Full-text search. `code_hits_callback(hits, code_id, extend)` lets the window wrap coding
    in its undo stack; without one the panel applies the codes itself and emits codings_changed."""

    passage_activated = Signal(int, int, int)  # source id, start, end (code points)
    codings_changed = Signal(object)  # Changes

    def __init__(self, project_or_path, parent=None, code_hits_callback=None, coder: str | None = None):
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.handle = ProjectHandle(project_or_path)
        self.callback = code_hits_callback
        self.coder = coder
        self.result = None
        self._build()
        self.refresh_codes()

    def _build(self) -> None:
        self.text = QLineEdit(objectName="searchText")
        self.text.setPlaceholderText('provinc* "sign off"')
        self.text.setToolTip(SEARCH_HELP)
        self.text.returnPressed.connect(self.run_search)
        go = QPushButton("Search", objectName="runSearch")
        go.clicked.connect(self.run_search)
        top = QHBoxLayout()
        top.addWidget(self.text, 1)
        top.addWidget(go)
        self.model = KwicModel(self)
        self.table = QTableView(objectName="searchResults")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._activated)
        self.code = QComboBox(objectName="searchCode")
        self.extend = QComboBox(objectName="searchExtend")
        for label, value in EXTENDS:
            self.extend.addItem(label, value)
        self.code_all = QPushButton("Code all hits", objectName="codeAllHits")
        self.code_all.clicked.connect(lambda: self.code_hits(selected_only=False))
        self.code_selected = QPushButton("Code selected", objectName="codeSelectedHits")
        self.code_selected.clicked.connect(lambda: self.code_hits(selected_only=True))
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Code"))
        bottom.addWidget(self.code, 1)
        bottom.addWidget(QLabel("covering"))
        bottom.addWidget(self.extend)
        bottom.addWidget(self.code_all)
        bottom.addWidget(self.code_selected)
        self.status = QLabel(SEARCH_HELP, objectName="searchStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)

    def refresh_codes(self) -> None:
        from workbench.query.lookups import code_tree

        tree = code_tree(self.handle.project)
        codes = [(tree.path(c), c) for c in tree.in_order()]
        self.code.clear()
        for path, cid in codes:
            self.code.addItem(path, cid)

    def run_search(self, text: str | None = None) -> bool:
        if text is not None:
            self.text.setText(text)
        try:
            self.result = search(self.handle.project, self.text.text())
        except WorkbenchError as exc:
            self.status.setText(str(exc))
            return False
        self.model.set_result(self.result)
        n_sources = len({h.source_id for h in self.result.hits})
        self.status.setText(f"{len(self.result.hits)} hits in {n_sources} sources")
        return True

    def hits(self, selected_only: bool = False) -> list[tuple[int, int, int]]:
        if self.result is None:
            return []
        rows = range(len(self.result.hits))
        if selected_only:
            rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [(self.result.hits[r].source_id, self.result.hits[r].start, self.result.hits[r].end) for r in rows]

    def _coder_id(self) -> int:
        from workbench.services.coders import default_coder_name, ensure_coder

        name = self.coder or default_coder_name(self.handle.project) or "me"
        with self.handle.project.transaction() as s:
            return ensure_coder(s, name)

    def code_hits(self, selected_only: bool = False):
        """Code the hits with the chosen code, one step; returns the Changes (or the callback's result)."""
        hits = self.hits(selected_only)
        code_id = self.code.currentData()
        if not hits or code_id is None:
            self.status.setText("nothing to code: search first, and pick a code")
            return None
        extend = self.extend.currentData()
        if self.callback is not None:
            return self.callback(hits, code_id, extend)
        from workbench.services.code_hits import code_hits

        try:
            changes = code_hits(self.handle.project, hits, code_id, self._coder_id(), extend)
        except WorkbenchError as exc:
            self.status.setText(str(exc))
            return None
        n = len(changes.created.get(Kind.CODING, []))
        self.status.setText(f"coded {n} passages with {self.code.currentText()}"
                            + (f" ({len(changes.warnings)} already coded)" if changes.warnings else ""))
        self.codings_changed.emit(changes)
        return changes

    def _activated(self, index) -> None:
        hit = self.result.hits[index.row()]
        self.passage_activated.emit(hit.source_id, hit.start, hit.end)

    def closeEvent(self, event) -> None:
        self.handle.close()
        super().closeEvent(event)
