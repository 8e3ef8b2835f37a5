"""Find in the document: every hit shown at once, stepping through them with Enter / F3."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from workbench.query.document import find_all


class FindBar(QWidget):
    closed = Signal()

    def __init__(self, view, parent=None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view = view
        self.field = QLineEdit(self)
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in this source")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.count.setObjectName("findCount")
        self.count.setMinimumWidth(80)
        prev_b, next_b, close_b = QToolButton(self), QToolButton(self), QToolButton(self)
        prev_b.setText("▲")
        prev_b.setToolTip("Previous hit (Shift+F3)")
        next_b.setText("▼")
        next_b.setToolTip("Next hit (F3)")
        close_b.setText("✕")
        close_b.setToolTip("Close (Esc)")
        prev_b.clicked.connect(self.previous)
        next_b.clicked.connect(self.next)
        close_b.clicked.connect(self.close_bar)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        lay.addWidget(QLabel("Find:", self))
        lay.addWidget(self.field, 1)
        lay.addWidget(self.count)
        lay.addWidget(prev_b)
        lay.addWidget(next_b)
        lay.addWidget(close_b)
        self.hits: list[tuple[int, int]] = []
        self.current = -1
        self.field.textChanged.connect(self.search)
        self.field.returnPressed.connect(self.next)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        sel = self.view.selected_text()
        if sel and "\n" not in sel and len(sel) < 100:
            self.field.setText(sel)
        self.field.setFocus()
        self.field.selectAll()
        self.search(self.field.text())

    def close_bar(self) -> None:
        self.hide()
        self.hits, self.current = [], -1
        self.view.set_hits([])
        self.view.setFocus()
        self.closed.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
        else:
            super().keyPressEvent(event)

    def search(self, needle: str) -> None:
        text = self.view.source.text if self.view.source else ""
        self.hits = find_all(text, needle)
        self.current = -1
        self.view.set_hits(self.hits)
        self._show_count()

    def refresh(self) -> None:
        """A new source is open: search it for the same text."""
        if self.isVisible():
            self.search(self.field.text())

    def _show_count(self) -> None:
        if not self.field.text():
            self.count.setText("")
        elif not self.hits:
            self.count.setText("no hits")
        elif self.current < 0:
            self.count.setText(f"{len(self.hits)} hits")
        else:
            self.count.setText(f"{self.current + 1} of {len(self.hits)}")

    def next(self) -> None:
        self._step(+1)

    def previous(self) -> None:
        self._step(-1)

    def _step(self, d: int) -> None:
        if not self.hits:
            return
        self.current = (self.current + d) % len(self.hits) if self.current >= 0 else (0 if d > 0 else len(self.hits) - 1)
        a, b = self.hits[self.current]
        self.view.select_cp(a, b)
        self._show_count()
