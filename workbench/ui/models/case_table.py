"""Cases × attributes as a Qt table: case ids plus cached rows; edits go out as requests.

Columns: the case's name, its description, how many sources it holds, then one column per
attribute. Values sort by their type (numbers as numbers, dates in order, yes before no).
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal

from workbench.services.cases import AttributeRow, CaseRow, case_table
from workbench.store.project import Project
from workbench.ui.models import ID_ROLE
from workbench.ui.wording import count

SORT_ROLE = Qt.ItemDataRole.UserRole + 5
LAST = "\U0010ffff"  # sorts after any text
ATTRIBUTE_ROLE = Qt.ItemDataRole.UserRole + 6  # the attribute id of a column's cells and header
TYPE_WORDS = {"text": "text", "number": "number", "date": "date (YYYY-MM-DD)", "bool": "yes/no"}
FIXED = ("Case", "Description", "Sources")


class CaseTableModel(QAbstractTableModel):
    """One row a case. setData does not write: it emits edit_requested, and the command's change
    reloads the model (so a refused value shows the stored one again)."""

    # case id, "name" | "description" | "value", attribute id, text, and what the cell showed:
    # the case's version for its name or description, the value itself for a value.
    edit_requested = Signal(int, str, object, str, object)

    def __init__(self, project: Project | None = None, parent=None):
        super().__init__(parent)
        self.project = project
        self.cases: list[CaseRow] = []
        self.attributes: list[AttributeRow] = []
        self.source_names: dict[int, str] = {}
        if project is not None:
            self.reload()

    def reload(self) -> None:
        from workbench.query.lookups import source_names

        self.beginResetModel()
        if self.project is None:
            self.cases, self.attributes, self.source_names = [], [], {}
        else:
            self.cases, self.attributes = case_table(self.project)
            self.source_names = source_names(self.project)
        self.endResetModel()

    # -- lookups ---------------------------------------------------------------------------
    def row_of(self, case_id: int) -> int:
        return next((i for i, c in enumerate(self.cases) if c.id == case_id), -1)

    def case(self, case_id: int) -> CaseRow | None:
        i = self.row_of(case_id)
        return self.cases[i] if i >= 0 else None

    def attribute_at(self, column: int) -> AttributeRow | None:
        k = column - len(FIXED)
        return self.attributes[k] if 0 <= k < len(self.attributes) else None

    def column_of(self, attribute_id: int) -> int:
        return next(len(FIXED) + k for k, a in enumerate(self.attributes) if a.id == attribute_id)

    # -- the model interface ---------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(FIXED) + len(self.attributes)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        attr = self.attribute_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return FIXED[section] if attr is None else attr.name
        if role == Qt.ItemDataRole.ToolTipRole:
            if attr is None:
                return ("The case's name", "What the case is", "Sources that belong to the case")[section]
            return f"{attr.name}: {TYPE_WORDS[attr.type]}. Right-click to rename or delete the attribute."
        if role == ATTRIBUTE_ROLE and attr is not None:
            return attr.id
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        case, col = self.cases[index.row()], index.column()
        if role == ID_ROLE:
            return case.id
        attr = self.attribute_at(col)
        if role == ATTRIBUTE_ROLE:
            return attr.id if attr else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return case.name
            if col == 1:
                return case.description if role == Qt.ItemDataRole.EditRole else " ".join(case.description.split())
            if col == 2:
                return len(case.source_ids) if role == Qt.ItemDataRole.DisplayRole else None
            return case.values.get(attr.id, "")
        if role == SORT_ROLE:
            return self._sort_key(case, col, attr)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return self.case_tooltip(case)
            if col == 1:
                return case.description or None
            if col == 2:
                return "\n".join(self.source_names.get(i, "?") for i in case.source_ids) or "No sources yet"
            return f"{attr.name} ({TYPE_WORDS[attr.type]})"
        if role == Qt.ItemDataRole.TextAlignmentRole and (col == 2 or (attr and attr.type == "number")):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def case_tooltip(self, case: CaseRow) -> str:
        lines = [case.name]
        lines += [f"{a.name}: {case.values[a.id]}" for a in self.attributes if case.values.get(a.id)]
        lines.append(count(len(case.source_ids), "source"))
        return "\n".join(lines)

    @staticmethod
    def _sort_key(case: CaseRow, col: int, attr: AttributeRow | None):
        """A plain number or text per column, so Qt sorts without calling back into Python;
        empty cells last in either direction's first pass."""
        if col == 0:
            return case.name.casefold()
        if col == 1:
            return case.description.casefold() or LAST
        if col == 2:
            return float(len(case.source_ids))
        value = case.values.get(attr.id, "")
        if attr.type == "number":
            try:
                return float(value) if value != "" else float("inf")
            except ValueError:
                return float("inf")
        if attr.type == "bool":
            return {"yes": "0", "no": "1"}.get(value, LAST)
        return value.casefold() or LAST  # dates are ISO text: they sort as text

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return f if index.column() == 2 else f | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() == 2:
            return False
        text = "" if value is None else str(value)
        if text == self.data(index, Qt.ItemDataRole.EditRole):
            return False
        case, col = self.cases[index.row()], index.column()
        attr = self.attribute_at(col)
        what = "name" if col == 0 else "description" if col == 1 else "value"
        seen = case.values.get(attr.id, "") if attr else case.version
        self.edit_requested.emit(case.id, what, attr.id if attr else None, text, seen)
        return True


class CaseFilterProxy(QSortFilterProxyModel):
    """Sorts by the typed SORT_ROLE (numbers as numbers); the filter matches any column's text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

