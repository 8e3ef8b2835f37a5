"""All memos in one list (project, source, case, code and coding memos): filter by kind and words,
open one where it belongs, export them to Word (issue 10, item 5)."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from workbench.core.changes import Changes, Kind
from workbench.services.memos import MemoRow, memo_tuples
from workbench.ui.models import ID_ROLE
from workbench.ui.wording import count

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_WORDS = {"project": "Project", "source": "Source", "case": "Case", "code": "Code", "coding": "Coding"}
# A row of the model is a plain tuple in MemoRow's field order (services.memos.memo_tuples).
ID, KIND, TARGET_ID, TARGET, SOURCE_ID, AUTHOR, UPDATED, TEXT = range(8)


def preview(text: str, chars: int = 300) -> str:
    """The memo's first `chars` characters with its runs of spaces and line breaks made one space.

    Only the text's start is split (a memo may run to pages, and the view asks for each painted
    row): its collapsed start is the start of the collapsed whole, so it serves when long enough.
    """
    head = " ".join(text[:4 * chars].split())
    if len(head) < chars and len(text) > 4 * chars:
        head = " ".join(text.split())
    return head[:chars]


class MemoListModel(QAbstractTableModel):
    """The memos over plain tuples: no object per row or cell, previews made only for rows painted."""

    HEADERS = ("On", "What", "Memo", "By", "Changed")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[tuple] = []

    def memo(self, row: int) -> MemoRow:
        return MemoRow(*self.rows[row])

    def set_rows(self, rows: list[tuple]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == 0:
                return KIND_WORDS[m[KIND]]
            if col == 1:
                return m[TARGET]
            if col == 2:
                return preview(m[TEXT])
            if col == 3:
                return m[AUTHOR]
            return (m[UPDATED] or "")[:16].replace("T", " ")
        if role == ID_ROLE:
            return m[ID]
        if role == KIND_ROLE:
            return m[KIND]
        if role == Qt.ItemDataRole.ToolTipRole:
            text = m[TEXT] if len(m[TEXT]) < 1500 else m[TEXT][:1500] + "…"
            return f"{m[TARGET]}\n\n{text}"
        return None


class MemoFilterProxy(QSortFilterProxyModel):
    """Memos of one kind (or all) whose target or text holds the words typed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind: str | None = None
        self.words = ""

    def set_filter(self, kind: str | None, words: str) -> None:
        if hasattr(self, "endFilterChange"):  # Qt 6.10 and later; invalidateFilter is deprecated there
            self.beginFilterChange()
            self.kind, self.words = kind, words.casefold().strip()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self.kind, self.words = kind, words.casefold().strip()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        if not (self.kind or self.words):
            return True
        m = self.sourceModel().rows[row]
        if self.kind and m[KIND] != self.kind:
            return False
        return not self.words or all(w in (m[TARGET] + " " + m[TEXT] + " " + m[AUTHOR]).casefold()
                                     for w in self.words.split())


class MemoListPanel(QWidget):
    """memo_activated(MemoRow): the window opens the memo where it belongs."""

    memo_activated = Signal(object)

    def __init__(self, project, export, parent=None):
        super().__init__(parent)
        self.setObjectName("memoListPanel")
        self.project = project
        self.model = MemoListModel(self)
        self.proxy = MemoFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.kind = QComboBox(self, objectName="memoKindFilter")
        self.kind.addItem("All memos", None)
        for k, word in KIND_WORDS.items():
            self.kind.addItem(f"{word} memos", k)
        self.words = QLineEdit(self, objectName="memoFilter")
        self.words.setPlaceholderText("Filter memos by words…")
        self.words.setClearButtonEnabled(True)
        self.kind.currentIndexChanged.connect(self._filter)
        self.words.textChanged.connect(self._filter)
        self.table = QTableView(self, objectName="memoList")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        fm = self.fontMetrics()
        for col, chars in ((0, 8), (1, 34), (3, 10), (4, 17)):
            self.table.setColumnWidth(col, fm.horizontalAdvance("n" * chars))
        self.table.activated.connect(self._activated)
        self.table.doubleClicked.connect(self._activated)
        self.export_button = QPushButton("Export to Word…", self, objectName="memoExportWord")
        self.export_button.clicked.connect(export)
        self.status = QLabel(self, objectName="memoListStatus")
        top = QHBoxLayout()
        top.addWidget(self.kind)
        top.addWidget(self.words, 1)
        top.addWidget(self.export_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.status)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(memo_tuples(self.project))
        self._count()

    def on_changed(self, ch: Changes) -> None:
        if ch.touched(Kind.MEMO) or ch.deleted:  # a deleted target takes its memo with it
            self.reload()

    def _filter(self, *_args) -> None:
        self.proxy.set_filter(self.kind.currentData(), self.words.text())
        self._count()

    def _count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.status.setText(count(total, "memo") if shown == total else f"{shown} of {count(total, 'memo')}")

    def shown_rows(self) -> list[MemoRow]:
        return [self.model.memo(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                for r in range(self.proxy.rowCount())]

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.memo_activated.emit(self.model.memo(self.proxy.mapToSource(index).row()))
