"""The memo pane: the memo of whatever is in hand (a coding, a code, a source or the project), kept as typed.

There is no Save button: edits are written after a short pause in typing, when the pane loses
focus, or when its target changes; each write is an undoable command, merged while typing.
Before each write the text is kept as a draft on this computer (ui/memo_drafts.py), removed
once the project has it; a draft left by a write that failed (a lost connection) is offered
back the next time its memo is shown.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from workbench.ui import memo_drafts

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
        self.draft_bar = QWidget(self)
        self.draft_bar.setObjectName("memoDraftBar")
        self.draft_label = QLabel("", self.draft_bar)
        self.draft_label.setWordWrap(True)
        self.restore_b = QPushButton("Restore the draft", self.draft_bar)
        self.restore_b.setObjectName("restoreDraft")
        self.discard_b = QPushButton("Discard it", self.draft_bar)
        self.discard_b.setObjectName("discardDraft")
        self.restore_b.clicked.connect(self.restore_draft)
        self.discard_b.clicked.connect(self.discard_draft)
        bar = QHBoxLayout(self.draft_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.draft_label, 1)
        bar.addWidget(self.restore_b)
        bar.addWidget(self.discard_b)
        self.draft_bar.setVisible(False)
        lay.addWidget(self.title)
        lay.addWidget(self.draft_bar)
        lay.addWidget(self.editor, 1)
        self.project_key: str | None = None  # the project's GUID: drafts are kept under it
        self.offline: Callable[[], bool] = lambda: False  # the server's connection is lost (ui/connection.py)
        self._draft: dict | None = None  # a draft offered back for the memo shown
        self.target: tuple[str, object] | None = None  # (kind, key): key is an id, a coding GUID or None
        self.commit: Callable[[str, object, str], bool] | None = None
        self.load: Callable[[str, object], str] | None = None
        # (kind, key) -> the key its draft is kept under (the target's GUID, ui/memo_drafts.py),
        # read when the target is shown, so a draft can be kept while the project is unreachable.
        self.draft_key: Callable[[str, object], object] = lambda kind, key: key
        self._drafted: tuple[str, object] | None = None  # the shown target's (kind, draft key)
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
        self._drafted = (kind, self.draft_key(kind, key))
        self.title.setText(title)
        self.editor.setEnabled(True)
        self._set_text(self.load(kind, key) if self.load else "")
        self._offer_draft()

    def _offer_draft(self) -> None:
        """A draft of this memo the project never got: offer it back (it may be newer than the memo)."""
        self._draft = None
        self.draft_bar.setVisible(False)
        if self.project_key is None or self.target is None:
            return
        draft = memo_drafts.load(self.project_key, *self._drafted)
        if draft is None:
            return
        if draft["text"] == self._committed:
            memo_drafts.drop(self.project_key, *self._drafted)  # the project has it after all
            return
        self._draft = draft
        when = str(draft.get("kept_at", "")).replace("T", " ")
        self.draft_label.setText(f"This memo has a draft typed {when} that was never saved to the project.")
        self.draft_bar.setVisible(True)

    def restore_draft(self) -> None:
        """Put the offered draft in the editor; it is saved like anything typed."""
        if self._draft is None:
            return
        self.editor.setPlainText(self._draft["text"])
        self._draft = None
        self.draft_bar.setVisible(False)
        self.flush()

    def discard_draft(self) -> None:
        if self.project_key is not None and self.target is not None:
            memo_drafts.drop(self.project_key, *self._drafted)
        self._draft = None
        self.draft_bar.setVisible(False)

    def clear_target(self) -> None:
        self.flush()
        self.target = self._drafted = None
        self._draft = None
        self.draft_bar.setVisible(False)
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
        drafted = self._drafted
        if self.project_key is not None:
            memo_drafts.keep(self.project_key, *drafted, text)  # until the project has it
            if self.offline():  # the connection is lost: kept here, written when it is back
                self.title.setToolTip("Kept on this computer until the connection to the server is back")
                return
        before, self._committed = self._committed, text  # set first: views refreshing may call back here
        if not self.commit(kind, key, text):
            self._committed = before
        elif self.project_key is not None:
            memo_drafts.drop(self.project_key, *drafted)

    def reload(self) -> None:
        """The memo may have changed underneath (undo): show the stored text unless an edit is pending."""
        if self.target is None or self.pending() or self.load is None:
            return
        text = self.load(*self.target)
        if text != self._committed:
            self._set_text(text)
