"""The project's name and description: asked by New project, edited in File → Project properties."""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QVBoxLayout)

from workbench.core.errors import ValidationError
from workbench.core.names import clean_name


class ProjectDetailsDialog(QDialog):
    """Name (required; it titles reports and exports) and a free description of the study."""

    def __init__(self, parent=None, name: str = "", description: str = "", new: bool = False):
        super().__init__(parent)
        self.setObjectName("projectDialog")
        self.setWindowTitle("New project" if new else "Project properties")
        self.name_field = QLineEdit(name, self, objectName="projectName")
        self.name_field.setPlaceholderText("e.g. City partnerships")
        self.description_field = QPlainTextEdit(description, self, objectName="projectDescription")
        self.description_field.setPlaceholderText("The study in a few lines: question, sources, method")
        self.problem = QLabel("", self, objectName="projectProblem")
        self.problem.setStyleSheet("color: #b00020")
        note = QLabel("The name titles Word reports and exports; copies for team members add the "
                      "person's name to it." + (" Choose where to save the project file next." if new else ""),
                      self)
        note.setWordWrap(True)
        note.setEnabled(False)
        form = QFormLayout()
        form.addRow("Name", self.name_field)
        form.addRow("Description", self.description_field)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.problem)
        lay.addWidget(self.buttons)
        self.resize(460, 260)

    def name(self) -> str:
        return " ".join(self.name_field.text().split())

    def description(self) -> str:
        return self.description_field.toPlainText().strip()

    def accept(self) -> None:
        try:
            clean_name("project", self.name_field.text())
        except ValidationError as exc:
            self.problem.setText(str(exc).capitalize())
            return
        super().accept()
