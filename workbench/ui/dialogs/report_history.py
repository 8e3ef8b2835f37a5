"""The merge and import reports a project keeps: who merged what, when, with what result."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QListWidget, QListWidgetItem,
                               QMessageBox, QPlainTextEdit, QPushButton, QSplitter, QVBoxLayout)

from workbench.core.errors import WorkbenchError
from workbench.io.atomic import atomic_write_text
from workbench.query.reports import KIND_LABELS, StoredReport, list_reports, report_text


class ReportHistoryDialog(QDialog):
    """A list of kept reports, newest first; the selected one in full, exportable as .txt or .json."""

    def __init__(self, project, parent=None, kind: str | None = None):
        super().__init__(parent)
        self.setObjectName("reportHistory")
        self.setWindowTitle("Merge and import history")
        self.resize(820, 520)
        self.reports: list[StoredReport] = list_reports(project, kind)
        self.list = QListWidget(self)
        self.list.setObjectName("reportList")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("reportText")
        self.text.setReadOnly(True)
        for r in self.reports:
            label = f"{r.created_at[:16].replace('T', ' ')}  {KIND_LABELS.get(r.kind, r.kind)}: {r.title}"
            QListWidgetItem(label, self.list)
        split = QSplitter(self)
        split.addWidget(self.list)
        split.addWidget(self.text)
        split.setSizes([300, 520])
        self.export_button = QPushButton("Export…", self)
        self.export_button.setObjectName("exportReport")
        self.export_button.clicked.connect(self.export_dialog)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        self.list.currentRowChanged.connect(self._show)
        if self.reports:
            self.list.setCurrentRow(0)
        else:
            self.text.setPlainText("No merges or imports have been recorded in this project yet.")
            self.export_button.setEnabled(False)

    def current(self) -> StoredReport | None:
        i = self.list.currentRow()
        return self.reports[i] if 0 <= i < len(self.reports) else None

    def _show(self, row: int) -> None:
        r = self.current()
        self.text.setPlainText(report_text(r) if r else "")

    def export_dialog(self) -> None:
        from workbench.ui import file_dialogs

        path = file_dialogs.save_file(self, "report", "Export report", "report.txt", "Text (*.txt);;JSON (*.json)")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> bool:
        r = self.current()
        if r is None:
            return False
        try:
            if Path(path).suffix.lower() == ".json":
                atomic_write_text(path, json.dumps(r.to_json(), ensure_ascii=False, indent=2) + "\n")
            else:
                atomic_write_text(path, report_text(r))
        except WorkbenchError as exc:
            QMessageBox.warning(self, "Export report", str(exc))
            return False
        window = self.parent()
        if hasattr(window, "status_note"):
            window.status_note(f"Exported the report to {path}")
        return True
