"""Add to case…: choose the case a selected passage belongs to, or type a new one (issue 10, item 1)."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from workbench.core.names import name_key

EXCERPT = 200


class AddToCaseDialog(QDialog):
    """An editable list of the project's cases: pick one, or type a name that is not there to make
    that case. `choice()` is (case id or None, name typed)."""

    def __init__(self, cases: list[tuple[int, str]], excerpt: str, where: str, current: int | None = None,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("addToCaseDialog")
        self.setWindowTitle("Add to case")
        self.cases = cases
        self.case_field = QComboBox(self, objectName="addToCaseName")
        self.case_field.setEditable(True)
        self.case_field.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.case_field.lineEdit().setPlaceholderText("a case, or a new name")
        for cid, name in cases:
            self.case_field.addItem(name, cid)
        at = self.case_field.findData(current) if current is not None else -1
        self.case_field.setCurrentIndex(at)
        if at < 0:
            self.case_field.setEditText("")
        self.case_field.editTextChanged.connect(self._named)
        short = " ".join(excerpt.split())
        if len(short) > EXCERPT:
            short = short[:EXCERPT - 1] + "…"
        self.passage = QLabel(f"“{short}”", self, objectName="addToCasePassage")
        self.passage.setWordWrap(True)
        self.hint = QLabel(self, objectName="addToCaseHint")
        form = QFormLayout()
        form.addRow("Passage", self.passage)
        form.addRow("", QLabel(where, self))
        form.addRow("Case", self.case_field)
        form.addRow("", self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())
        self._named(self.case_field.currentText())

    def choice(self) -> tuple[int | None, str]:
        """The case picked (by its id) or, for a name no case has, (None, the name)."""
        typed = self.case_field.currentText()
        key = name_key(typed)
        for cid, name in self.cases:
            if name_key(name) == key:
                return cid, name
        return None, " ".join(typed.split())

    def _named(self, text: str) -> None:
        cid, name = self.choice()
        ok = bool(name)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.hint.setText("" if not ok else f"Adds the passage to “{name}”" if cid is not None
                          else f"Makes the new case “{name}” and adds the passage to it")
