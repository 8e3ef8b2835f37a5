"""File → Merge projects…: pick files, preview what comes in and the conflicts, apply as a job."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from workbench.core.changes import Changes, Kind
from workbench.ui.dialogs.merge_words import (KIND_TITLES, change_word, field_words, option_words, side_text,
                                              summary_html)
from workbench.ui.jobs import Job, JobRunner
from workbench.ui.wording import count


def _plan_job(project, others, report, should_stop):
    from workbench.services.merge import plan_merge
    from workbench.store.project import Project, open_project

    if isinstance(project, Project):
        return plan_merge(project, others, report, should_stop)
    with open_project(project, readonly=True) as p:
        return plan_merge(p, others, report, should_stop)


def _apply_job(project, plan, resolutions, report, should_stop) -> Changes:
    """The merge, on a worker thread; returns its Changes (`result`: the MergeReport)."""
    from workbench.services.merge import apply_merge
    from workbench.store.project import Project, open_project

    try:
        if isinstance(project, Project):
            done = apply_merge(project, plan, resolutions, report, should_stop)
        else:
            with open_project(project) as p:
                done = apply_merge(p, plan, resolutions, report, should_stop)
    finally:
        plan.close()
    return merge_changes(done)


# The kinds of the merge report's counts (services/merge_write.diff) as the views know them.
_MERGE_KINDS = {"coder": Kind.CODER, "folder": Kind.FOLDER, "source": Kind.SOURCE, "attribute": Kind.ATTRIBUTE,
                "case": Kind.CASE, "case_passage": Kind.PASSAGE, "code": Kind.CODE, "coding": Kind.CODING,
                "memo": Kind.MEMO, "value": Kind.VALUE, "link": Kind.LINK}
_MERGE_WHATS = {"new": "created", "updated": "updated", "deleted": "deleted"}


def merge_changes(report) -> Changes:
    """A merge as a bulk Changes: every kind it wrote, without ids (the views of those kinds reset;
    the report counts rows by GUID, not by the ids the views hold), and the kept report."""
    changes = Changes().some("created", Kind.REPORT).with_result(report)
    for kind, counts in report.to_json().get("counts", {}).items():
        if kind in _MERGE_KINDS:
            for what, n in counts.items():
                if n and what in _MERGE_WHATS:
                    changes.some(_MERGE_WHATS[what], _MERGE_KINDS[kind])
    return changes


class MergeDialog(QDialog):
    """Merge other project files into a project: given an open Project (the window's) or a path."""

    merged = Signal(object)  # the MergeReport
    applied = Signal(object)  # the merge's Changes (before `merged`), for the window to refresh from

    def __init__(self, project, parent=None, files: list[str] | None = None):
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Merge projects")
        self.project = project
        self.plan = None
        self.job: Job | None = None
        self.files = QListWidget(objectName="mergeFiles")
        add = QPushButton("Add files…", objectName="mergeAddFiles")
        add.clicked.connect(self._browse)
        self.preview_button = QPushButton("Preview", objectName="mergePreviewButton")
        self.preview_button.clicked.connect(self.preview)
        self.tree = QTreeWidget(objectName="mergePreview")
        self.tree.setHeaderLabels(["What comes in", "New", "Updated", "Deleted"])
        self.tree.setWordWrap(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.conflicts = QTableWidget(0, 5, objectName="mergeConflicts")
        self.conflicts.setHorizontalHeaderLabels(["Conflict", "What", "In this project", "In the other file",
                                                  "Resolution"])
        self.conflicts.setWordWrap(True)  # contents are never cut: rows grow to show them whole
        self.conflicts.verticalHeader().hide()
        head = self.conflicts.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel("Choose the project files of your team members.", objectName="mergeStatus")
        self.progress = QProgressBar(objectName="mergeProgress")
        self.progress.hide()
        self.apply_button = QPushButton("Apply merge", objectName="mergeApply")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button = QPushButton("Cancel", objectName="mergeCancel")
        self.cancel_button.clicked.connect(self._cancel)
        self.report_view = QTextBrowser(objectName="mergeReport")
        self.report_view.hide()
        top = QHBoxLayout()
        top.addWidget(self.files, 1)
        side = QVBoxLayout()
        side.addWidget(add)
        side.addWidget(self.preview_button)
        side.addStretch()
        top.addLayout(side)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.conflicts)
        split.addWidget(self.report_view)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(900, 650)
        for f in files or []:
            self.files.addItem(str(f))
        self.finished.connect(self._let_go)  # however it closes, a plan previewed and never applied

    def _let_go(self, *_) -> None:
        """Close a previewed plan that was never applied: let go of the other projects."""
        if self.plan is not None:
            self.plan.close()
            self.plan = None

    # -- files and preview ------------------------------------------------------------
    def _browse(self) -> None:
        from workbench.ui import file_dialogs

        paths = file_dialogs.open_files(self, "project", "Project files to merge", file_dialogs.PROJECTS)
        for p in paths:
            self.files.addItem(p)

    def file_paths(self) -> list[str]:
        return [self.files.item(i).text() for i in range(self.files.count())]

    def preview(self) -> None:
        if not self.file_paths():
            self.status.setText("Add at least one project file first.")
            return
        self._start(Job(_plan_job, self.project, self.file_paths(), label="Reading the projects"),
                    self._show_plan)

    def _show_plan(self, plan) -> None:
        if self.plan is not None and self.plan is not plan:
            self.plan.close()
        self.plan = plan
        self.tree.clear()
        for kind, counts in plan.counts.items():
            if not any(counts.values()):
                continue
            top = QTreeWidgetItem([KIND_TITLES.get(kind, kind), str(counts["new"]), str(counts["updated"]),
                                   str(counts["deleted"])])
            self.tree.addTopLevelItem(top)
            for change in ("new", "updated", "deleted"):
                for name in plan.items[kind][change]:
                    child = QTreeWidgetItem([f"{change_word(kind, change)}: {name}"])
                    child.setToolTip(0, child.text(0))
                    top.addChild(child)
        self.conflicts.setRowCount(len(plan.conflicts))
        for row, c in enumerate(plan.conflicts):
            what = f"{c.kind} {field_words(c.field)}" if c.kind != "deletion" else field_words(c.field)
            for col, text in enumerate([c.label, what, side_text(c.ours), side_text(c.other)]):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                item.setToolTip(text)
                self.conflicts.setItem(row, col, item)
            combo = QComboBox(objectName=f"mergeResolution{row}")
            for option in c.options:
                combo.addItem(option_words(c.kind, option), option)
            combo.setCurrentIndex(combo.findData(c.default))
            self.conflicts.setCellWidget(row, 4, combo)
        fm = self.conflicts.fontMetrics()
        self.conflicts.setColumnWidth(0, fm.horizontalAdvance("n" * 22))
        self.conflicts.setColumnWidth(1, fm.horizontalAdvance("n" * 16))
        self.conflicts.setColumnWidth(4, max((self.conflicts.cellWidget(r, 4).sizeHint().width()
                                              for r in range(self.conflicts.rowCount())), default=120) + 8)
        self.conflicts.resizeRowsToContents()
        n = len(plan.conflicts)
        self.status.setText(f"{count(n, 'conflict')}: each shows both versions and the proposed choice; change any, "
                            "then apply." if n else "No conflicts. Apply to merge.")
        self.apply_button.setEnabled(True)

    def resolutions(self) -> dict[str, str]:
        out = {}
        for row in range(self.conflicts.rowCount()):
            cid = self.conflicts.item(row, 0).data(Qt.ItemDataRole.UserRole)
            out[cid] = self.conflicts.cellWidget(row, 4).currentData()
        return out

    # -- applying ---------------------------------------------------------------------
    def apply(self) -> None:
        if self.plan is None:
            return
        plan, self.plan = self.plan, None
        self.apply_button.setEnabled(False)
        self.preview_button.setEnabled(False)
        self._start(Job(_apply_job, self.project, plan, self.resolutions(), label="Merging"), self._show_report)

    def _show_report(self, changes: Changes) -> None:
        report = changes.result
        self.report_view.setHtml(summary_html(report.to_json()))
        self.report_view.show()
        self.tree.hide()
        self.conflicts.hide()
        self.status.setText("Merged. The report is kept in the project.")
        self.cancel_button.setText("Close")
        self.applied.emit(changes)
        self.merged.emit(report)

    def _start(self, job: Job, done) -> None:
        self.job = job
        self.progress.setRange(0, 0)
        self.progress.show()
        job.progressed.connect(self._progress)
        job.finished.connect(lambda result: (self._end(), done(result)))
        job.failed.connect(lambda msg: (self._end(), self.status.setText(msg), self.preview_button.setEnabled(True)))
        job.cancelled.connect(lambda: (self._end(), self.status.setText("Stopped; the project is as it was."),
                                       self.preview_button.setEnabled(True)))
        JobRunner.instance().start(job)

    def _progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if label:
            self.status.setText(label)

    def _end(self) -> None:
        self.job = None
        self.progress.hide()

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            return
        self._let_go()
        self.reject()

