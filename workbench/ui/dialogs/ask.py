"""Small questions the window asks: a name (without blocking the window), and "are you sure?"."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QMessageBox, QVBoxLayout, QWidget


class NameDialog(QDialog):
    """One line of text (a name); done(text) runs when the person presses OK."""

    def __init__(self, parent: QWidget, title: str, label: str, text: str = ""):
        super().__init__(parent)
        self.setObjectName("nameDialog")
        self.setWindowTitle(title)
        self.label = QLabel(label, self)
        self.label.setWordWrap(True)
        self.field = QLineEdit(text, self, objectName="nameField")
        self.field.selectAll()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(self.field)
        lay.addWidget(buttons)
        self.resize(400, 120)

    def text(self) -> str:
        return self.field.text()


def ask_name(parent: QWidget, title: str, label: str, done: Callable[[str], None], text: str = "") -> NameDialog:
    dialog = NameDialog(parent, title, label, text)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: dialog.text().strip() and done(dialog.text()))
    dialog.open()
    return dialog


def confirm(parent: QWidget, title: str, text: str, yes: str = "Delete") -> bool:
    """Ask before destroying work; the default button is Cancel."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("confirmBox")
    ok = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    ok.setObjectName("confirmYes")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is ok
