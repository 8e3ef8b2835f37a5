"""Asking who is coding: the first time a person codes a project here, on a shared computer when the
project opens, and from Edit → Who is coding… (the choice is kept per project)."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout


class CoderDialog(QDialog):
    """Name entry with the project's known coders offered; every coding will carry this name."""

    def __init__(self, known: list[str], current: str = "", parent=None, question: str = ""):
        super().__init__(parent)
        self.setObjectName("coderDialog")
        self.setWindowTitle("Who is coding?")
        self.field = QComboBox(self)
        self.field.setObjectName("coderName")
        self.field.setEditable(True)
        self.field.addItems(known)
        self.field.setCurrentText(current)
        self.field.lineEdit().setPlaceholderText("Your name")
        label = QLabel((question + " " if question else "") + "Every coding you make carries your name, so a "
                       "team can compare and merge their work. Pick your name or type a new one.", self)
        label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(label)
        lay.addWidget(self.field)
        lay.addWidget(self.buttons)
        self.resize(380, 150)

    def name(self) -> str:
        return " ".join(self.field.currentText().split())

    def accept(self) -> None:
        if self.name():
            super().accept()

    @classmethod
    def ask(cls, known: list[str], current: str = "", parent=None, question: str = "") -> str | None:
        dlg = cls(known, current, parent, question)
        ok = dlg.exec() == QDialog.DialogCode.Accepted
        name = dlg.name() if ok else None
        dlg.deleteLater()
        return name
