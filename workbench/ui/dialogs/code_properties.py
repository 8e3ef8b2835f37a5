"""Editing a code's name, colour and definition in one place."""
from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QColorDialog, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QPlainTextEdit,
                               QPushButton)

from workbench.query.document import CodeRow


class CodePropertiesDialog(QDialog):
    """After accept(): name(), color() and description() hold the edited values."""

    def __init__(self, row: CodeRow, parent=None):
        super().__init__(parent)
        self.setObjectName("codeProperties")
        self.setWindowTitle(f"Code: {row.path}")
        self._color = row.color
        self.name_field = QLineEdit(row.name, self)
        self.name_field.setObjectName("codeName")
        self.color_button = QPushButton(self)
        self.color_button.setObjectName("codeColor")
        self.color_button.clicked.connect(self._pick)
        self.definition = QPlainTextEdit(row.description, self)
        self.definition.setObjectName("codeDefinition")
        self.definition.setPlaceholderText("Definition: what the code means, when to apply it and when not, "
                                           "an example…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Name", self.name_field)
        form.addRow("Colour", self.color_button)
        form.addRow("Definition", self.definition)
        form.addRow(buttons)
        self._show_color()
        self.resize(480, 340)

    def _show_color(self) -> None:
        self.color_button.setText(self._color)
        self.color_button.setStyleSheet(f"QPushButton {{ background: {self._color}; color: "
                                        f"{'#000' if QColor(self._color).lightnessF() > 0.55 else '#fff'}; }}")

    def _pick(self) -> None:
        c = QColorDialog.getColor(QColor(self._color), self, "Code colour")
        if c.isValid():
            self.set_color(c.name())

    def set_color(self, color: str) -> None:
        self._color = color
        self._show_color()

    def name(self) -> str:
        return self.name_field.text()

    def color(self) -> str:
        return self._color

    def description(self) -> str:
        return self.definition.toPlainText()
