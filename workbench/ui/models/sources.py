"""Sources grouped by case (or by folder) as a two-level Qt tree; a source in two cases shows under both."""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSortFilterProxyModel, Qt

from workbench.query.document import CaseGroup, SourceRow, case_groups, source_counts, source_rows
from workbench.store.project import Project
from workbench.ui.models import ID_ROLE, KIND_ROLE
from workbench.ui.wording import count

# internalId 0 marks a group (case) row; a source row carries its group's row + 1.
_GROUP = 0


class SourceTreeModel(QAbstractItemModel):
    HEADERS = ("Source", "Codings")

    GROUPINGS = ("case", "folder")

    def __init__(self, project: Project | None = None, parent=None):
        super().__init__(parent)
        self.project = project
        self.grouping = "case"  # or "folder"
        self._groups: list[CaseGroup] = []
        self._sources: dict[int, SourceRow] = {}
        self._case_tips: dict[int, str] = {}
        self._bold = None
        self._places: dict[int, list[tuple[int, int]]] | None = None  # source -> (group, row) where it shows
        if project is not None:
            self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._places = None
        self._sources = {r.id: r for r in source_rows(self.project)} if self.project else {}
        if self.project is None:
            self._groups = []
        elif self.grouping == "folder":
            self._groups = folder_groups(self.project, list(self._sources))
        else:
            self._groups = case_groups(self.project)
            self._case_tips = case_tips(self.project)
        self.endResetModel()

    def set_grouping(self, grouping: str) -> None:
        if grouping in self.GROUPINGS and grouping != self.grouping:
            self.grouping = grouping
            self.reload()

    def group_kind(self) -> str:
        return self.grouping

    def refresh_counts(self, source_ids: list[int] | None = None) -> None:
        """Re-count codings (of the given sources only, when named)."""
        counts = source_counts(self.project, source_ids)
        ids = self._sources if source_ids is None else [s for s in source_ids if s in self._sources]
        self._set_counts({sid: counts.get(sid, 0) for sid in ids})

    def add_counts(self, deltas: dict[int, int]) -> None:
        """Move sources' counts by known amounts (codings this window saw come and go), without a query."""
        self._set_counts({sid: self._sources[sid].codings + d for sid, d in deltas.items() if sid in self._sources})

    def _set_counts(self, counts: dict[int, int]) -> None:
        from dataclasses import replace

        changed = {sid for sid, n in counts.items() if n != self._sources[sid].codings}
        for sid in changed:
            self._sources[sid] = replace(self._sources[sid], codings=counts[sid])
        if not changed:
            return
        if self._places is None:  # where each source shows, once per reload: not a walk per count
            self._places = {}
            for g, group in enumerate(self._groups):
                for r, sid in enumerate(group.source_ids):
                    self._places.setdefault(sid, []).append((g, r))
        groups = set()
        for sid in changed:
            for g, r in self._places.get(sid, ()):
                idx = self.createIndex(r, 1, g + 1)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])
                groups.add(g)
        for g in sorted(groups):
            idx = self.createIndex(g, 1, _GROUP)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])

    def source(self, source_id: int) -> SourceRow | None:
        return self._sources.get(source_id)

    def source_ids(self) -> list[int]:
        return list(self._sources)

    def groups(self) -> list[CaseGroup]:
        return list(self._groups)

    def index_of_source(self, source_id: int) -> QModelIndex:
        for g, group in enumerate(self._groups):
            if source_id in group.source_ids:
                return self.createIndex(group.source_ids.index(source_id), 0, g + 1)
        return QModelIndex()

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        if row < 0 or column < 0 or column >= len(self.HEADERS):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _GROUP) if row < len(self._groups) else QModelIndex()
        if parent.internalId() != _GROUP or parent.column() != 0:
            return QModelIndex()
        if row >= len(self._groups[parent.row()].source_ids):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: A003
        if not index.isValid() or index.internalId() == _GROUP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _GROUP)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() != _GROUP or parent.column() != 0:
            return 0
        return len(self._groups[parent.row()].source_ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if index.internalId() == _GROUP:
            group = self._groups[index.row()]
            if role == ID_ROLE:
                return group.id
            if role == KIND_ROLE:
                return self.grouping
            if role == Qt.ItemDataRole.DisplayRole:
                if index.column() == 0:
                    return group.name
                return sum(self._sources[s].codings for s in group.source_ids if s in self._sources)
            if role == Qt.ItemDataRole.ToolTipRole:
                if self.grouping == "case" and group.id is not None:
                    return self._case_tips.get(group.id, group.name)
                return f"{group.name}\n{count(len(group.source_ids), 'source')}"
            if role == Qt.ItemDataRole.FontRole and index.column() == 0:
                if self._bold is None:  # made once: a repaint asks for every visible case row
                    from PySide6.QtGui import QFont

                    self._bold = QFont()
                    self._bold.setBold(True)
                return self._bold
        else:
            sid = self._groups[index.internalId() - 1].source_ids[index.row()]
            src = self._sources[sid]
            if role == ID_ROLE:
                return sid
            if role == KIND_ROLE:
                return "source"
            if role == Qt.ItemDataRole.DisplayRole:
                return src.name if index.column() == 0 else src.codings
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{src.name}\n{src.kind}, {count(src.length, 'character')}, {count(src.codings, 'coding')}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def case_tips(project: Project) -> dict[int, str]:
    """What hovering a case shows: its name, its attribute values, how many sources it holds."""
    from workbench.services.cases import case_table

    cases, attrs = case_table(project)
    tips = {}
    for c in cases:
        lines = [c.name] + [f"{a.name}: {c.values[a.id]}" for a in attrs if c.values.get(a.id)]
        if c.description:
            lines.append(c.description if len(c.description) < 200 else c.description[:200] + "…")
        tips[c.id] = "\n".join(lines + [count(len(c.source_ids), "source")])
    return tips


def folder_groups(project: Project, order: list[int]) -> list[CaseGroup]:
    """Folders (by path) with their sources; then the sources in no folder."""
    from workbench.services.sources import folder_rows

    groups, placed = [], set()
    for f in folder_rows(project):
        groups.append(CaseGroup(f.id, f.path, f.source_ids))
        placed.update(f.source_ids)
    loose = tuple(sid for sid in order if sid not in placed)
    if loose:
        groups.append(CaseGroup(None, "Not in a folder", loose))
    return groups


class SourceFilterProxy(QSortFilterProxyModel):
    """Filter sources by name as you type; a case stays while any of its sources match."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(0)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        if not parent.isValid() and self.filterRegularExpression().pattern():
            return False  # a case shows only for its matching sources (recursive filtering keeps it)
        return super().filterAcceptsRow(row, parent)
