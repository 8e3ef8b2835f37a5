"""The query panel: pick codes and filters (or write an expression), see the coded segments,
open one in its document, keep the query under a name, and export the Word report."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import WorkbenchError
from workbench.query.segments import Filters, query_segments
from workbench.ui.wording import count
from workbench.ui.panels.common import (
    ID_ROLE,
    ProjectHandle,
    SegmentTableModel,
    checked_names,
    fill_checklist,
    segment_table,
)

EXPR_HELP = """<b>Combining codes over text</b><br>
Put code paths in double quotes: <code>"autonomy/own funding"</code>.<br>
<code>"a" AND "b"</code>: the text both codes cover.<br>
<code>"a" OR "b"</code>: the text either covers.<br>
<code>"a" AND NOT "b"</code>: the text a covers and b does not.<br>
Each of these gives the longest unbroken stretches of such text, one result a stretch.<br>
<code>"a" NEAR/50 "b"</code>: each coding of a (each stretch, if the left side is itself an
expression) within 50 characters of b in the same source; overlapping or touching counts as 0.<br>
AND, AND NOT and NEAR bind tighter than OR; use parentheses to group.<br>
"With subcodes" lets a code stand for its subcodes' text too. The sources, cases,
attributes and coders chosen on the left decide which codings take part; the code list is
not used while an expression is given."""

CODE_PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class QueryPanel(QWidget):
    """Coded segments by code and filter, or by expression. Double-click a row: coding_activated."""

    coding_activated = Signal(int)
    results_changed = Signal(int)
    export_finished = Signal(str, int)  # path, excerpts written
    export_failed = Signal(str)

    def __init__(self, project_or_path, parent=None):
        super().__init__(parent)
        self.setObjectName("queryPanel")
        self.handle = ProjectHandle(project_or_path)
        self.job = None
        self.stale = False  # the choices changed since the results were made
        self.project_name = ""
        self._build()
        self.refresh_choices()
        self._watch_choices()

    # --- building -----------------------------------------------------------------------
    def _build(self) -> None:
        self.codes = QTreeWidget(objectName="queryCodes")
        self.codes.setHeaderHidden(True)
        self.with_children = QCheckBox("With subcodes", objectName="queryWithChildren")
        self.sources = QListWidget(objectName="querySources")
        self.folder = QComboBox(objectName="queryFolder")
        self.folder.setToolTip("Tick the sources of one folder (Interviews, Policy texts…)")
        self.folder.activated.connect(self._folder_chosen)
        self.cases = QListWidget(objectName="queryCases")
        self.coders = QListWidget(objectName="queryCoders")
        self.attrs = QLineEdit(objectName="queryAttrs")
        self.attrs.setPlaceholderText("country=South Africa; year signed>=2005")
        self.attrs.returnPressed.connect(self.run_query)  # Enter runs the query from any text field
        left = QWidget()
        form = QFormLayout(left)
        form.addRow(QLabel("Codes"))
        form.addRow(self.codes)
        form.addRow(self.with_children)
        form.addRow("Folder", self.folder)
        form.addRow("Sources", self.sources)
        form.addRow("Cases", self.cases)
        form.addRow("Attributes", self.attrs)
        form.addRow("Coders", self.coders)

        self.expr = QLineEdit(objectName="queryExpr")
        self.expr.setPlaceholderText('"autonomy" AND NOT "provincial constraint"')
        self.expr.setToolTip(EXPR_HELP)
        self.expr.returnPressed.connect(self.run_query)
        self.help = QLabel(EXPR_HELP, objectName="queryHelp")
        self.help.setWordWrap(True)
        self.help.setVisible(False)
        help_button = QPushButton("?", objectName="queryHelpButton")
        help_button.setCheckable(True)
        help_button.toggled.connect(self.help.setVisible)
        self.run_button = QPushButton("Run", objectName="runQuery")
        self.run_button.clicked.connect(self.run_query)
        expr_row = QHBoxLayout()
        expr_row.addWidget(QLabel("Expression"))
        expr_row.addWidget(self.expr, 1)
        expr_row.addWidget(help_button)
        expr_row.addWidget(self.run_button)

        self.save_name = QLineEdit(objectName="saveQueryName")
        self.save_name.setPlaceholderText("name for this query")
        self.save_name.returnPressed.connect(lambda: self.save_current(self.save_name.text()))
        self.save_button = QPushButton("Save", objectName="saveQuery")
        self.save_button.clicked.connect(lambda: self.save_current(self.save_name.text()))
        self.saved = QComboBox(objectName="savedQueries")
        self.rerun_button = QPushButton("Rerun", objectName="rerunQuery")
        self.rerun_button.clicked.connect(lambda: self.rerun_saved(self.saved.currentText()))
        saved_row = QHBoxLayout()
        saved_row.addWidget(self.save_name, 1)
        saved_row.addWidget(self.save_button)
        saved_row.addWidget(self.saved, 1)
        saved_row.addWidget(self.rerun_button)

        self.model = SegmentTableModel(self)
        self.table = segment_table("queryResults", self.model)
        self.table.doubleClicked.connect(self._activated)

        self.status = QLabel(objectName="queryStatus")
        self.group_by = QComboBox(objectName="reportGroupBy")
        self.group_by.addItems(["code", "case"])
        self.export_button = QPushButton("Export to Word…", objectName="exportReport")
        self.export_button.clicked.connect(self._ask_export)
        self.progress = QProgressBar(objectName="exportProgress")
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel", objectName="cancelExport")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(QLabel("Group by"))
        bottom.addWidget(self.group_by)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.cancel_button)

        right = QWidget()
        col = QVBoxLayout(right)
        col.addLayout(expr_row)
        col.addWidget(self.help)
        col.addLayout(saved_row)
        col.addWidget(self.table, 1)
        col.addLayout(bottom)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)

    def _watch_choices(self) -> None:
        """Results shown for other choices than those on screen are marked stale until run again."""
        self.codes.itemChanged.connect(self._choices_changed)
        for widget in (self.sources, self.cases, self.coders):
            widget.itemChanged.connect(self._choices_changed)
        self.with_children.toggled.connect(self._choices_changed)
        self.attrs.textEdited.connect(self._choices_changed)
        self.expr.textEdited.connect(self._choices_changed)

    def _choices_changed(self, *_args) -> None:
        if self.status.text() and not self.stale and self.job is None and self.model.rowCount() >= 0 \
                and getattr(self, "_ran", False):
            self.stale = True
            self.status.setStyleSheet("background: #fff4ce; color: #4d3a00; padding: 1px 4px")
            self.status.setText(self.status.text() + " — stale: the choices changed; press Enter or Run")

    def refresh_choices(self) -> None:
        """Reload codes, sources, cases, coders and saved queries, keeping what was checked."""
        from workbench.query.lookups import case_names_ordered, code_tree, coder_names, source_order
        from workbench.services.saved_queries import list_queries

        before = self.filters()
        project = self.handle.project
        tree = code_tree(project)
        sources = [name for _, name in source_order(project)]
        cases = case_names_ordered(project)
        coders = coder_names(project)
        self.codes.clear()
        items: dict[int, QTreeWidgetItem] = {}
        for cid in tree.in_order():
            parent = items.get(tree.parent[cid])
            item = QTreeWidgetItem([tree.name[cid]])
            item.setData(0, CODE_PATH_ROLE, tree.path(cid))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if tree.path(cid) in before.codes else Qt.CheckState.Unchecked)
            (parent.addChild(item) if parent else self.codes.addTopLevelItem(item))
            items[cid] = item
        self.codes.expandAll()
        fill_checklist(self.sources, sources, set(before.sources))
        fill_checklist(self.cases, cases, set(before.cases))
        fill_checklist(self.coders, coders, set(before.coders))
        self.saved.clear()
        self.saved.addItems([q.name for q in list_queries(self.handle.project)])
        self.fill_folders()

    def fill_folders(self) -> None:
        from workbench.services.sources import folder_rows

        names = dict(zip(self._source_ids(), [self.sources.item(i).text() for i in range(self.sources.count())]))
        self.folder.clear()
        self.folder.addItem("any folder", None)
        for f in folder_rows(self.handle.project):
            self.folder.addItem(f.path, [names[i] for i in f.source_ids if i in names])

    def _source_ids(self) -> list[int]:
        from workbench.query.lookups import source_order

        return [sid for sid, _ in source_order(self.handle.project)]

    def _folder_chosen(self, _index: int) -> None:
        """A folder ticks exactly its sources (the sources filter is what the query uses)."""
        names = self.folder.currentData()
        fill_checklist(self.sources, [self.sources.item(i).text() for i in range(self.sources.count())],
                       set(names or ()))
        self._choices_changed()

    # --- the query ------------------------------------------------------------------------
    def _code_items(self) -> list[QTreeWidgetItem]:
        out, stack = [], [self.codes.topLevelItem(i) for i in range(self.codes.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            out.append(item)
            stack[0:0] = [item.child(i) for i in range(item.childCount())]
        return out

    def filters(self) -> Filters:
        codes = tuple(i.data(0, CODE_PATH_ROLE) for i in self._code_items()
                      if i.checkState(0) == Qt.CheckState.Checked)
        attrs = tuple(a.strip() for a in self.attrs.text().split(";") if a.strip())
        return Filters(codes, self.with_children.isChecked(), checked_names(self.sources),
                       checked_names(self.cases), attrs, checked_names(self.coders))

    def query(self) -> tuple[Filters, str | None]:
        """The filters and expression to run; with an expression, the code list is not used."""
        expr = self.expr.text().strip() or None
        f = self.filters()
        if expr:
            f = Filters((), f.with_children, f.sources, f.cases, f.attrs, f.coders)
        return f, expr

    def set_query(self, filters: Filters, expr: str | None) -> None:
        for item in self._code_items():
            on = item.data(0, CODE_PATH_ROLE) in filters.codes
            item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.with_children.setChecked(filters.with_children)
        fill_checklist(self.sources, [self.sources.item(i).text() for i in range(self.sources.count())],
                       set(filters.sources))
        fill_checklist(self.cases, [self.cases.item(i).text() for i in range(self.cases.count())], set(filters.cases))
        fill_checklist(self.coders, [self.coders.item(i).text() for i in range(self.coders.count())],
                       set(filters.coders))
        self.attrs.setText("; ".join(filters.attrs))
        self.expr.setText(expr or "")

    def run_query(self) -> bool:
        """Run what is chosen; a bad name or expression is shown in the status line."""
        filters, expr = self.query()
        try:
            segments = query_segments(self.handle.project, filters, expr)
        except WorkbenchError as exc:
            self._error(str(exc))
            return False
        self.model.set_segments(segments)
        self.stale, self._ran = False, True
        self.status.setStyleSheet("")
        self.status.setText(count(len(segments), "segment") + (" (stretches of text)" if expr else ""))
        self.results_changed.emit(len(segments))
        return True

    def _error(self, message: str) -> None:
        self.status.setStyleSheet("color: #b00020")
        self.status.setText(message)

    def _activated(self, index) -> None:
        coding_id = self.model.data(index, ID_ROLE)
        if coding_id is not None:
            self.coding_activated.emit(int(coding_id))

    # --- saved queries --------------------------------------------------------------------
    def save_current(self, name: str) -> bool:
        from workbench.services.saved_queries import save_query

        filters, expr = self.query()
        try:
            save_query(self.handle.project, name, {"filters": filters.to_dict(), "expr": expr}, replace=True)
        except WorkbenchError as exc:
            self._error(str(exc))
            return False
        self.refresh_choices()
        self.saved.setCurrentText(" ".join(name.split()))
        self.status.setText(f"saved as {' '.join(name.split())!r}")
        return True

    def rerun_saved(self, name: str) -> bool:
        from workbench.services.saved_queries import load_query

        try:
            q = load_query(self.handle.project, name)
        except WorkbenchError as exc:
            self._error(str(exc))
            return False
        self.set_query(Filters.from_dict(q.definition["filters"]), q.definition["expr"])
        return self.run_query()

    # --- the Word report ------------------------------------------------------------------
    def _ask_export(self):
        """The report's options (title, template, paper, grouping), then where to save it."""
        from PySide6.QtCore import Qt as _Qt

        from workbench.ui import file_dialogs
        from workbench.ui.dialogs.report_dialog import ReportDialog

        dialog = ReportDialog(self.project_name or self.handle.path.stem, self.group_by.currentText(), self)
        dialog.setAttribute(_Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen() -> None:
            options = dialog.options()
            self.group_by.setCurrentText(options["group_by"])
            path = file_dialogs.save_file(self, "report", "Save the Word report", "excerpts.docx", "Word (*.docx)",
                                          ".docx")
            if path:
                self.export_report(path, **options)

        dialog.accepted.connect(chosen)
        dialog.open()
        return dialog

    def export_report(self, path: str | Path, group_by: str | None = None, title: str | None = None,
                      template: str | None = None, paper: str | None = "default"):
        """Write the report of the current query off the GUI thread, with progress and Cancel.
        paper: "A4", "Letter", None (the template's), or "default" (the locale's)."""
        from workbench.ui.dialogs.report_dialog import locale_paper, report_job
        from workbench.ui.jobs import Job, JobRunner

        filters, expr = self.query()
        paper = locale_paper() if paper == "default" else paper
        job = Job(report_job, str(self.handle.path), str(path), filters.to_dict(), expr,
                  group_by or self.group_by.currentText(), title, template, paper, label="Writing the Word report")
        # Each reply checks it is for the job still wanted: a panel closed meanwhile wants none.
        job.progressed.connect(lambda *a: job is self.job and self._progress(*a))
        job.finished.connect(lambda n: job is self.job and self._export_done(str(path), n))
        job.failed.connect(lambda message: job is self.job and self._export_failed(message))
        job.cancelled.connect(lambda: job is self.job and self._export_end("export cancelled; no file was written"))
        self.job = job
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.export_button.setEnabled(False)
        JobRunner.instance().start(job)
        return job

    def cancel_export(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{label} %p%")

    def _export_end(self, message: str) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.export_button.setEnabled(True)
        self.status.setText(message)
        self.job = None

    def _export_done(self, path: str, n: int) -> None:
        self._export_end(f"wrote {count(n, 'excerpt')} to {path}")
        self.export_finished.emit(path, n)

    def _export_failed(self, message: str) -> None:
        self._export_end("")
        self._error(message)
        self.export_failed.emit(message)

    def closeEvent(self, event) -> None:
        self.cancel_export()
        self.job = None
        self.handle.close()
        super().closeEvent(event)
