"""The codebook panel: a filter box over the code tree, with drag and drop and rename in place."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLineEdit, QToolButton, QTreeView,
                               QVBoxLayout, QWidget)

from workbench.ui.models import ID_ROLE
from workbench.ui.models.code_tree import CodeFilterProxy, CodeTreeModel
from workbench.ui.views.count_column import name_and_count_columns


class CodeTreeView(QTreeView):
    """The tree itself; drops of passages code them, drops of codes move them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("codebookTree")
        self.setHeaderHidden(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        self.setAnimated(True)
        self.setIndentation(16)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the full path is the tooltip

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        super().dragMoveEvent(event)
        if event.isAccepted() and event.mimeData().hasFormat("application/x-qwb-passage"):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()


class CodebookPanel(QWidget):
    """Filter-as-you-type over the tree; keeps which codes were expanded across reloads."""

    code_selected = Signal(int)  # the current code changed (id)

    def __init__(self, model: CodeTreeModel, parent=None):
        super().__init__(parent)
        self.setObjectName("codebookPanel")
        self.model = model
        self.proxy = CodeFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("codeFilter")
        self.filter.setPlaceholderText("Filter codes…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.tree = CodeTreeView(self)
        self.tree.setModel(self.proxy)
        name_and_count_columns(self, self.tree)
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter, 1)
        top.addLayout(self.buttons)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.tree, 1)
        self._expanded: set[int] | None = None
        self._seen: set[int] = set(model.code_ids())
        self._current: int | None = None
        model.modelAboutToBeReset.connect(self._save_expanded)
        model.modelReset.connect(self._restore_expanded)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.expandAll()

    def add_button(self, action) -> QToolButton:
        b = QToolButton(self)
        b.setDefaultAction(action)
        b.setAutoRaise(True)
        self.buttons.addWidget(b)
        return b

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if text:
            self.tree.expandAll()

    def _save_expanded(self) -> None:
        ids = set()
        for cid in self.model.code_ids():
            idx = self.proxy.mapFromSource(self.model.index_of(cid))
            if idx.isValid() and self.tree.isExpanded(idx):
                ids.add(cid)
        self._expanded = ids
        self._current = self.current_code()

    def _restore_expanded(self) -> None:
        known = self._expanded
        for cid in self.model.code_ids():
            if known is None or cid in known or cid not in self._seen:  # new codes open too
                self.tree.setExpanded(self.proxy.mapFromSource(self.model.index_of(cid)), True)
        self._seen = set(self.model.code_ids())
        if self._current is not None:
            self.select_code(self._current)

    def current_code(self) -> int | None:
        idx = self.tree.currentIndex()
        return idx.data(ID_ROLE) if idx.isValid() else None

    def selected_codes(self) -> list[int]:
        rows = self.tree.selectionModel().selectedRows(0)
        return [i.data(ID_ROLE) for i in rows] or ([self.current_code()] if self.current_code() else [])

    def select_code(self, code_id: int) -> None:
        idx = self.proxy.mapFromSource(self.model.index_of(code_id))
        if idx.isValid():
            self.tree.setCurrentIndex(idx)
            self.tree.scrollTo(idx)

    def edit_code(self, code_id: int) -> None:
        idx = self.proxy.mapFromSource(self.model.index_of(code_id))
        if idx.isValid():
            self.tree.setCurrentIndex(idx)
            self.tree.edit(idx)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self.code_selected.emit(current.data(ID_ROLE))
