"""The memo pane: the memo of whatever is in hand (a coding, a code, a source or the project), kept as typed.

There is no Save button: edits are written after a short pause in typing, when the pane loses
focus, or when its target changes; each write is an undoable command, merged while typing.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

COMMIT_DELAY_MS = 800


class MemoEditor(QPlainTextEdit):
    focus_lost = Signal()

    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.focus_lost.emit()


class MemoPane(QWidget):
    """Shows one target's memo. `commit` is called as commit(kind, key, text) to write it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("memoPane")
        self.title = QLabel("No memo selected", self)
        self.title.setObjectName("memoTitle")
        self.title.setWordWrap(True)
        self.editor = MemoEditor(self)
        self.editor.setObjectName("memoEditor")
        self.editor.setPlaceholderText("Write a memo… (kept as you type)")
        self.editor.setEnabled(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addWidget(self.title)
        lay.addWidget(self.editor, 1)
        self.target: tuple[str, object] | None = None  # (kind, key): key is an id, a coding GUID or None
        self.commit: Callable[[str, object, str], bool] | None = None
        self.load: Callable[[str, object], str] | None = None
        self._committed = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._edited)
        self.editor.focus_lost.connect(self.flush)

    def show_target(self, kind: str, key, title: str) -> None:
        """Switch to another target's memo, first writing any pending edit of the current one."""
        if self.target == (kind, key):
            self.title.setText(title)
            return
        self.flush()
        self.target = (kind, key)
        self.title.setText(title)
        self.editor.setEnabled(True)
        self._set_text(self.load(kind, key) if self.load else "")

    def clear_target(self) -> None:
        self.flush()
        self.target = None
        self.title.setText("No memo selected")
        self._set_text("")
        self.editor.setEnabled(False)

    def _set_text(self, text: str) -> None:
        self._committed = text
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)

    def _edited(self) -> None:
        self._timer.start(COMMIT_DELAY_MS)

    def pending(self) -> bool:
        return self.target is not None and self.editor.toPlainText() != self._committed

    def flush(self) -> None:
        """Write the edit now if there is one."""
        self._timer.stop()
        if not self.pending() or self.commit is None:
            return
        text = self.editor.toPlainText()
        kind, key = self.target
        before, self._committed = self._committed, text  # set first: views refreshing may call back here
        if not self.commit(kind, key, text):
            self._committed = before

    def reload(self) -> None:
        """The memo may have changed underneath (undo): show the stored text unless an edit is pending."""
        if self.target is None or self.pending() or self.load is None:
            return
        text = self.load(*self.target)
        if text != self._committed:
            self._set_text(text)
