"""A panel showing a REFI-QDA import report: what came in, what could not, which offset counting was used.

It reads the report kept in the project (Report row of kind 'qdpx-import'),
so the window can show it right after an import or any time later.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from workbench.io.refi.report import ImportReport, latest_report

COUNT_LABELS = {"users": "coders", "codes": "codes", "sources": "sources", "codings": "codings", "cases": "cases",
                "attributes": "attributes", "values": "attribute values", "memos": "memos"}


class ImportReportView(QWidget):
    """The import report as a summary line, the offset counting, and a tree of sections."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importReportView")
        self.summary = QLabel(self)
        self.summary.setObjectName("importReportSummary")
        self.summary.setWordWrap(True)
        self.offsets = QLabel(self)
        self.offsets.setObjectName("importReportOffsets")
        self.offsets.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("importReportTree")
        self.tree.setHeaderLabels(["Item", "Detail"])
        self.tree.setColumnWidth(0, 280)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.offsets)
        layout.addWidget(self.tree, 1)
        self.report: ImportReport | None = None
        self.show_report(None)

    def load_from_project(self, project) -> bool:
        """Show the project's latest import report; False (and an empty view) when it has none."""
        report = latest_report(project)
        self.show_report(report)
        return report is not None

    def show_report(self, report: ImportReport | dict | None) -> None:
        if isinstance(report, dict):
            report = ImportReport.from_dict(report)
        self.report = report
        self.tree.clear()
        if report is None:
            self.summary.setText("No REFI-QDA import report in this project.")
            self.offsets.setText("")
            return
        origin = f" written by {report.origin}" if report.origin else ""
        self.summary.setText(f"Imported {report.file}{origin} as project “{report.project_name}”.")
        verdict = "" if report.offset_confirmed else " (not the counting the file's origin suggested)"
        self.offsets.setText(f"Selection offsets were read as {report.offset_detail}{verdict}.")
        imported = self._section("Imported", "")
        for key, n in report.imported.items():
            QTreeWidgetItem(imported, [COUNT_LABELS.get(key, key), str(n)])
        for title, key in (("Not carried", "not_carried"), ("Skipped", "skipped")):
            items = getattr(report, key)
            extra = report.more.get(key, 0)
            section = self._section(title, str(len(items) + extra))
            for d in items:
                node = QTreeWidgetItem(section, [f"{d['kind']}: {d['name']}", d["reason"]])
                node.setToolTip(1, d["reason"])
            if extra:
                QTreeWidgetItem(section, [f"… and {extra} more", ""])
            if not items:
                QTreeWidgetItem(section, ["(none)", ""])
        warnings = self._section("Warnings", str(len(report.warnings)))
        for w in report.warnings:
            node = QTreeWidgetItem(warnings, [w, ""])
            node.setToolTip(0, w)
        if not report.warnings:
            QTreeWidgetItem(warnings, ["(none)", ""])
        self.tree.expandAll()

    def _section(self, title: str, count: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title, count])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        return item

    def section_titles(self) -> list[str]:
        return [self.tree.topLevelItem(i).text(0) for i in range(self.tree.topLevelItemCount())]

    def section_rows(self, title: str) -> list[tuple[str, str]]:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.text(0) == title:
                return [(top.child(j).text(0), top.child(j).text(1)) for j in range(top.childCount())]
        raise KeyError(title)


# The name the window and its tests look the widget up by.
importReportView = ImportReportView
