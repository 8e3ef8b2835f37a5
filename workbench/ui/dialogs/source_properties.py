"""Source properties: where a source came from and what was found in it; its name, folder, cases and memo."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QVBoxLayout)

from workbench.services.sources import FolderRow, SourceDetails
from workbench.ui.models import ID_ROLE
from workbench.ui.wording import count

KINDS = {"txt": "plain text", "md": "Markdown", "docx": "Word document", "odt": "OpenDocument text",
         "rtf": "Rich Text", "pdf": "PDF", "html": "web page"}


def when(iso: str) -> str:
    """'2024-05-03 14:07' from an ISO time (UTC as stored)."""
    return iso[:16].replace("T", " ") + " UTC" if iso else "unknown"


class SourcePropertiesDialog(QDialog):
    def __init__(self, d: SourceDetails, folders: list[FolderRow], cases: list[tuple[int, str]], memo: str,
                 parent=None, readonly: bool = False):
        super().__init__(parent)
        self.setObjectName("sourceProperties")
        self.setWindowTitle(f"Properties of “{d.name}”")
        self.details = d
        self.name_field = QLineEdit(d.name, self, objectName="sourcePropName")
        self.folder = QComboBox(self, objectName="sourcePropFolder")
        self.folder.addItem("(no folder)", None)
        for f in folders:
            self.folder.addItem(f.path, f.id)
        self.folder.setCurrentIndex(max(self.folder.findData(d.folder_id), 0))
        self.cases = QListWidget(self, objectName="sourcePropCases")
        for cid, name in cases:
            item = QListWidgetItem(name)
            item.setData(ID_ROLE, cid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if cid in d.case_ids else Qt.CheckState.Unchecked)
            self.cases.addItem(item)
        self.cases.setMaximumHeight(120)
        self.memo = QPlainTextEdit(memo, self, objectName="sourcePropMemo")
        self.memo.setPlaceholderText("A memo on this source: the interview's setting, your first impressions…")
        form = QFormLayout()
        form.addRow("Name", self.name_field)
        facts = [
            ("Original file", d.original_name or "unknown"),
            ("Kind", KINDS.get(d.kind, d.kind)),
            ("Imported", f"{when(d.imported_at)}" + (f" by {d.imported_by}" if d.imported_by else "")),
            ("Encoding detected", d.encoding or f"none needed (a {KINDS.get(d.kind, d.kind)} says its own)"),
            ("Length", count(d.length, "character")),
            ("Speaker turns found", count(d.turns, "turn", "none") +
             (f" ({', '.join(d.speakers[:8])}{'…' if len(d.speakers) > 8 else ''})" if d.speakers else "")),
            ("Codings", count(d.codings, "coding", "none yet")),
        ]
        for label, text in facts:
            value = QLabel(text, self, objectName=f"sourceProp{label.title().replace(' ', '')}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            form.addRow(label, value)
        form.addRow("Folder", self.folder)
        form.addRow("Cases", self.cases)
        form.addRow("Memo", self.memo)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if readonly:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self.resize(520, 560)

    def name(self) -> str:
        return self.name_field.text()

    def folder_id(self) -> int | None:
        return self.folder.currentData()

    def case_ids(self) -> set[int]:
        return {self.cases.item(i).data(ID_ROLE) for i in range(self.cases.count())
                if self.cases.item(i).checkState() == Qt.CheckState.Checked}

    def memo_text(self) -> str:
        return self.memo.toPlainText()
