"""The source list: sources grouped by case or by folder, a filter box, and import by button or by dropping files."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QToolButton,
                               QTreeView, QVBoxLayout, QWidget)

from workbench.ui.models import ID_ROLE, KIND_ROLE
from workbench.ui.models.sources import SourceFilterProxy, SourceTreeModel
from workbench.ui.views.count_column import name_and_count_columns

PROGRESS_DELAY_MS = 500  # show progress only for jobs that run past this


class SourcePanel(QWidget):
    source_activated = Signal(int)
    files_dropped = Signal(list)  # local paths
    cancel_requested = Signal()
    encoding_requested = Signal(int)  # source id: the user wants to read it in another encoding

    def __init__(self, model: SourceTreeModel, parent=None):
        super().__init__(parent)
        self.setObjectName("sourcePanel")
        self.setAcceptDrops(True)
        self.model = model
        self.proxy = SourceFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("sourceFilter")
        self.filter.setPlaceholderText("Filter sources…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.tree = QTreeView(self)
        self.tree.setObjectName("sourceList")
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(14)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the full name is the tooltip
        name_and_count_columns(self, self.tree)
        self.grouping = QComboBox(self)
        self.grouping.setObjectName("sourceGrouping")
        self.grouping.addItem("by case", "case")
        self.grouping.addItem("by folder", "folder")
        self.grouping.setToolTip("Group the sources by case or by folder")
        self.grouping.currentIndexChanged.connect(lambda _i: model.set_grouping(self.grouping.currentData()))
        self.import_button = QToolButton(self)
        self.import_button.setObjectName("importButton")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("importProgress")
        self.progress.setTextVisible(True)
        self.progress_label = QLabel(self)
        self.cancel = QPushButton("Cancel", self)
        self.cancel.setObjectName("importCancel")
        self.cancel.clicked.connect(self.cancel_requested)
        prow = QHBoxLayout()
        prow.setContentsMargins(0, 0, 0, 0)
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel)
        self.progress_box = QWidget(self)
        pl = QVBoxLayout(self.progress_box)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.progress_label)
        pl.addLayout(prow)
        self.progress_box.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter, 1)
        top.addWidget(self.grouping)
        top.addWidget(self.import_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.progress_box)
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self.progress_box.show)
        # In the source list's context menu: read a text source again in another encoding.
        self.encoding_action = QAction("Text encoding…", self)
        self.encoding_action.setObjectName("sourceEncoding")
        self.encoding_action.setToolTip("Read this text source in another encoding (before it is coded)")
        self.encoding_action.triggered.connect(self._encoding_requested)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        model.modelReset.connect(self.tree.expandAll)
        self.tree.expandAll()

    def set_grouping(self, grouping: str) -> None:
        self.grouping.setCurrentIndex(max(self.grouping.findData(grouping), 0))

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.tree.expandAll()

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid() and current.data(KIND_ROLE) == "source":
            self.source_activated.emit(current.data(ID_ROLE))

    def _encoding_requested(self) -> None:
        cur = self.current()
        if cur and cur[0] == "source" and cur[1] is not None:
            self.encoding_requested.emit(cur[1])

    def select_source(self, source_id: int) -> None:
        idx = self.proxy.mapFromSource(self.model.index_of_source(source_id))
        if idx.isValid() and self.tree.currentIndex() != idx:
            self.tree.selectionModel().blockSignals(True)
            self.tree.setCurrentIndex(idx)
            self.tree.selectionModel().blockSignals(False)
            self.tree.viewport().update()
            self.tree.scrollTo(idx)

    def current(self) -> tuple[str, int | None] | None:
        idx = self.tree.currentIndex()
        return (idx.data(KIND_ROLE), idx.data(ID_ROLE)) if idx.isValid() else None

    # -- job progress -------------------------------------------------------------------------
    def job_started(self, label: str) -> None:
        self.progress.setRange(0, 0)
        self.progress_label.setText(label)
        self._show_timer.start(PROGRESS_DELAY_MS)

    def job_progressed(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} of {total}")
        if label:
            self.progress_label.setText(f"Importing {label}")

    def job_ended(self) -> None:
        self._show_timer.stop()
        self.progress_box.hide()

    # -- dropping files -----------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        sources = [p for p in paths if not p.lower().endswith(".qwb")]
        if sources:
            self.files_dropped.emit(sources)
            event.acceptProposedAction()
        else:
            event.ignore()
