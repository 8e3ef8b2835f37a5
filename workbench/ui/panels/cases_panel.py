"""Cases and attributes in the window: the cases × attributes table, edited in place, sorted and
filtered, with CSV import and export (its format shown), the sources each case holds, and the
passages linked to the selected case (select text, "Add to case…"), removable here (issue 10).
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMenu, QSplitter,
                               QTableView, QToolButton, QVBoxLayout, QWidget)

from workbench.core.changes import Changes, Kind
from workbench.services.cases import CSV_FORMAT, TYPES
from workbench.ui.models import ID_ROLE
from workbench.ui.models.case_table import TYPE_WORDS, CaseFilterProxy, CaseTableModel

CASE_KINDS = (Kind.CASE, Kind.ATTRIBUTE, Kind.SOURCE, Kind.MEMO, Kind.LINK, Kind.VALUE, Kind.PASSAGE)
PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 7  # (source id, start, end) of a passage row


class CasesPanel(QWidget):
    """The table and its buttons; every edit goes to the window's CaseActions as one command."""

    case_selected = Signal(int)

    def __init__(self, project, actions, parent=None):
        super().__init__(parent)
        self.setObjectName("casesPanel")
        self.actions = actions
        self.model = CaseTableModel(project, self)
        self.proxy = CaseFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit(self, objectName="caseFilter")
        self.filter.setPlaceholderText("Filter cases… (any column)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView(self, objectName="attributeTable")
        self.table.setModel(self.proxy)
        # The cases' own order until a header is clicked (enabling sorting sorts by the indicator's column).
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().hide()
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        head.customContextMenuRequested.connect(self._header_menu)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.table.selectionModel().currentChanged.connect(self._current_changed)
        # Queued: the command's change resets the model, which must wait until the editor has closed.
        self.model.edit_requested.connect(actions.edit_cell, Qt.ConnectionType.QueuedConnection)
        self.model.modelReset.connect(self._sized)
        self.format = QLabel(f"<b>CSV format</b>: {CSV_FORMAT}", self, objectName="caseCsvFormat")
        self.format.setWordWrap(True)
        self.format.setEnabled(False)
        self.count = QLabel(self, objectName="caseCount")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter, 1)
        for action in (actions.new_case, actions.delete_case, actions.new_attribute, actions.case_sources,
                       actions.import_cases, actions.export_cases):
            b = QToolButton(self)
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            top.addWidget(b)
        bottom = QHBoxLayout()
        bottom.addWidget(self.format, 1)
        bottom.addWidget(self.count)
        self.passages_label = QLabel(self, objectName="casePassagesLabel")
        self.passages = QListWidget(self, objectName="casePassages")
        self.passages.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.passages.setToolTip("Passages of the selected case. Double-click one to see it in its source.")
        self.passages.itemActivated.connect(self._passage_activated)
        self.passages.currentItemChanged.connect(lambda *_: self._passage_buttons())
        self.passages.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.passages.customContextMenuRequested.connect(self._passages_menu)
        self.passages.setMinimumHeight(self.fontMetrics().height() * 4 + 8)  # four passages before it scrolls
        # The table above, the selected case's passages below: a splitter, the table getting the room.
        upper, lower = QWidget(self), QWidget(self)
        up = QVBoxLayout(upper)
        up.setContentsMargins(0, 0, 0, 0)
        up.addWidget(self.table, 1)
        up.addLayout(bottom)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.passages_label, 1)
        for action in (actions.add_to_case, actions.remove_passage):
            b = QToolButton(self)
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            row.addWidget(b)
        low = QVBoxLayout(lower)
        low.setContentsMargins(0, 2, 0, 0)
        low.addLayout(row)
        low.addWidget(self.passages, 1)
        self.split = QSplitter(Qt.Orientation.Vertical, self, objectName="casesSplit")
        self.split.addWidget(upper)
        self.split.addWidget(lower)
        self.split.setStretchFactor(0, 4)
        self.split.setStretchFactor(1, 1)
        self.split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.split, 1)
        self._shown_case: int | None = None
        self._sized()
        self.show_passages(None)

    # -- state ------------------------------------------------------------------------------
    def on_changed(self, ch: Changes) -> None:
        if any(ch.touched(k) for k in CASE_KINDS):
            keep = self.current_case()
            self.model.reload()
            if keep is not None:
                self.select_case(keep)
            self.show_passages(self.current_case())

    # -- the passages of the selected case ----------------------------------------------------
    def show_passages(self, case_id: int | None) -> None:
        """List the passages linked to case_id (one query; each excerpt cut in SQL)."""
        from workbench.query.document import case_passage_excerpts
        from workbench.ui.wording import count

        self._shown_case = case_id
        keep = self.current_passage()
        self.passages.clear()
        case = self.model.case(case_id) if case_id is not None else None
        if case is None:
            self.passages_label.setText("Passages: select a case")
            self._passage_buttons()
            return
        rows = case_passage_excerpts(self.model.project, case_id)
        self.passages_label.setText(f"<b>{count(len(rows), 'passage')}</b> of “{case.name}”")
        for r in rows:
            words = " ".join(r.excerpt.split())
            more = "…" if r.end - r.start > len(r.excerpt) else ""
            item = QListWidgetItem(f"{r.source}  {r.start}–{r.end}:  “{words}{more}”")
            item.setData(ID_ROLE, r.id)
            item.setData(PASSAGE_ROLE, (r.source_id, r.start, r.end))
            item.setToolTip(f"{r.source}, characters {r.start}–{r.end}\n{r.excerpt}{more}")
            self.passages.addItem(item)
            if r.id == keep:
                self.passages.setCurrentItem(item)
        self._passage_buttons()

    def current_passage(self) -> int | None:
        item = self.passages.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def _passage_buttons(self) -> None:
        editable = self.actions.new_case.isEnabled()  # off when the project is open read-only
        self.actions.remove_passage.setEnabled(editable and self.current_passage() is not None)

    def _passage_activated(self, item: QListWidgetItem) -> None:
        self.actions.show_passage(*item.data(PASSAGE_ROLE))

    def _passages_menu(self, pos) -> None:
        item = self.passages.itemAt(pos)
        menu = QMenu(self)
        if item is not None:
            self.passages.setCurrentItem(item)
            menu.addAction("Show in its source").triggered.connect(lambda: self._passage_activated(item))
            menu.addAction(self.actions.remove_passage)
        menu.addAction(self.actions.add_to_case)
        menu.exec(self.passages.viewport().mapToGlobal(pos))

    def _sized(self) -> None:
        from workbench.ui.wording import count

        n, a = self.model.rowCount(), len(self.model.attributes)
        self.count.setText(f"{count(n, 'case')} · {count(a, 'attribute')}")
        fm = self.table.fontMetrics()
        self.table.setColumnWidth(0, fm.horizontalAdvance("n" * 22))
        self.table.setColumnWidth(1, fm.horizontalAdvance("n" * 26))
        self.table.setColumnWidth(2, fm.horizontalAdvance("Sources") + 24)
        for col in range(3, self.model.columnCount()):
            self.table.setColumnWidth(col, max(fm.horizontalAdvance(self.model.headerData(col, Qt.Orientation.Horizontal))
                                               + 30, fm.horizontalAdvance("n" * 12)))

    def current_case(self) -> int | None:
        idx = self.table.currentIndex()
        return idx.data(ID_ROLE) if idx.isValid() else None

    def select_case(self, case_id: int, column: int = 0) -> bool:
        row = self.model.row_of(case_id)
        if row < 0:
            return False
        idx = self.proxy.mapFromSource(self.model.index(row, column))
        if not idx.isValid():
            return False
        self.table.setCurrentIndex(idx)
        self.table.scrollTo(idx)
        return True

    def cell(self, case_id: int, column: int) -> QModelIndex:
        """The view's index of a case's cell (tests and the window edit through it)."""
        return self.proxy.mapFromSource(self.model.index(self.model.row_of(case_id), column))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            cid = current.data(ID_ROLE)
            if cid != self._shown_case:
                self.show_passages(cid)
            self.case_selected.emit(cid)

    # -- menus ------------------------------------------------------------------------------
    def _header_menu(self, pos) -> None:
        col = self.table.horizontalHeader().logicalIndexAt(pos)
        attr = self.model.attribute_at(col)
        menu = QMenu(self)
        menu.addAction(self.actions.new_attribute)
        if attr is not None:
            menu.addAction(f"Rename attribute “{attr.name}”…").triggered.connect(
                lambda: self.actions.rename_attribute_dialog(attr.id))
            menu.addAction(f"Delete attribute “{attr.name}”…").triggered.connect(
                lambda: self.actions.delete_attribute(attr.id))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def _table_menu(self, pos) -> None:
        menu = QMenu(self)
        for a in (self.actions.new_case, self.actions.rename_case, self.actions.case_sources,
                  self.actions.add_to_case, self.actions.case_memo, None, self.actions.delete_case):
            menu.addSeparator() if a is None else menu.addAction(a)
        menu.exec(self.table.viewport().mapToGlobal(pos))


class AttributeDialog(QDialog):
    """A new attribute: its name and its type."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("attributeDialog")
        self.setWindowTitle("New attribute")
        self.name_field = QLineEdit(self, objectName="attributeName")
        self.name_field.setPlaceholderText("e.g. region, year signed, population")
        self.type_field = QComboBox(self, objectName="attributeType")
        for t in TYPES:
            self.type_field.addItem(TYPE_WORDS[t], t)
        form = QFormLayout()
        form.addRow("Name", self.name_field)
        form.addRow("Type", self.type_field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)

    def name(self) -> str:
        return self.name_field.text()

    def type(self) -> str:
        return self.type_field.currentData()


class CaseSourcesDialog(QDialog):
    """Tick the sources that belong to a case."""

    def __init__(self, case_name: str, sources: list[tuple[int, str]], linked: set[int], parent=None):
        super().__init__(parent)
        self.setObjectName("caseSourcesDialog")
        self.setWindowTitle(f"Sources of “{case_name}”")
        self.list = QListWidget(self, objectName="caseSourcesList")
        for sid, name in sources:
            item = QListWidgetItem(name)
            item.setData(ID_ROLE, sid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if sid in linked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("The whole of each ticked source belongs to the case.", self))
        lay.addWidget(self.list, 1)
        lay.addWidget(buttons)
        self.resize(420, 460)

    def checked(self) -> set[int]:
        return {self.list.item(i).data(ID_ROLE) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked}
