"""The keyboard code picker: type to filter the codebook, Enter applies, a new name creates the code."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from workbench.core.paths import name_key
from workbench.query.document import CodeRow
from workbench.ui.models.code_tree import swatch

NEW_ROLE = Qt.ItemDataRole.UserRole + 10


def rank(rows: list[CodeRow], typed: str) -> list[CodeRow]:
    """Codes matching typed (case-insensitive, anywhere in the path): names starting with it first."""
    key = typed.casefold().strip()
    if not key:
        return list(rows)
    hits = [r for r in rows if key in r.path.casefold()]
    return sorted(hits, key=lambda r: (not r.name.casefold().startswith(key), key not in r.name.casefold(),
                                       r.path.casefold()))


class CodePicker(QDialog):
    """Choose a code. After accept(): `code_id` is set, or `new_path` names a code to create."""

    def __init__(self, rows: list[CodeRow], parent=None, allow_new: bool = True, title: str = "Code the selection"):
        super().__init__(parent)
        self.setObjectName("codePicker")
        self.setWindowTitle(title)
        self.rows = rows
        self.allow_new = allow_new
        self.code_id: int | None = None
        self.new_path: str | None = None
        self.field = QLineEdit(self)
        self.field.setObjectName("codePickerField")
        self.field.setPlaceholderText("Type a code name…" + (" (a new name creates it)" if allow_new else ""))
        self.list = QListWidget(self)
        self.list.setObjectName("codePickerList")
        self.list.setUniformItemSizes(True)
        hint = QLabel("Enter applies · ↑↓ choose · Esc cancels", self)
        hint.setEnabled(False)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(title, self))
        lay.addWidget(self.field)
        lay.addWidget(self.list, 1)
        lay.addWidget(hint)
        self.resize(420, 380)
        self.field.textChanged.connect(self._refill)
        self.field.returnPressed.connect(self.accept)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.field.installEventFilter(self)
        self._refill("")

    def _refill(self, typed: str) -> None:
        self.list.clear()
        for r in rank(self.rows, typed):
            item = QListWidgetItem(swatch(r.color), r.path)
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.list.addItem(item)
        exact = any(name_key(r.path) == name_key(typed) or name_key(r.name) == name_key(typed) for r in self.rows)
        if self.allow_new and typed.strip() and not exact:
            item = QListWidgetItem(f"Create code “{typed.strip()}”")
            item.setData(NEW_ROLE, typed.strip())
            if self.list.count():
                self.list.addItem(item)
            else:
                self.list.insertItem(0, item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - arrows in the field move in the list
        if obj is self.field and event.type() == event.Type.KeyPress and event.key() in (
                Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.list.keyPressEvent(event)
            return True
        return super().eventFilter(obj, event)

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        if item.data(NEW_ROLE):
            self.new_path = item.data(NEW_ROLE)
        else:
            self.code_id = item.data(Qt.ItemDataRole.UserRole)
        super().accept()
