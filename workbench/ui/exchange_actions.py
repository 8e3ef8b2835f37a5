"""File → Import and Export: REFI-QDA projects (.qdpx) as background jobs with progress and Cancel,
codebooks and cases; View → Last import report (issue 6)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from workbench.ui import file_dialogs
from workbench.ui.panel_docks import PanelSpec
from workbench.ui.actions import make_action

QDPX_FILTER = "REFI-QDA projects (*.qdpx);;All files (*)"


def _report_view(ctx):
    from workbench.ui.panels.report_view import ImportReportView

    view = ImportReportView()
    view.load_from_project(ctx.project)
    return view


REPORT_SPEC = PanelSpec("importReportView", "Import report", _report_view, None, frozenset())


class ExchangeActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.import_qdpx = self._action("REFI-QDA project (.qdpx)…", self.import_qdpx_dialog, "importQdpx",
                                        "A project from NVivo, ATLAS.ti, MAXQDA or QualCoder, as a new project file")
        self.export_qdpx = self._action("REFI-QDA project (.qdpx)…", self.export_qdpx_dialog, "exportQdpx",
                                        "This project for NVivo, ATLAS.ti, MAXQDA or QualCoder")
        self.last_report = self._action("Last import report", self.show_last_report, "lastImportReport",
                                        "What came in from a REFI-QDA project, and what could not")
        self._enable(False)
        window.project_opened.connect(lambda: self._enable(True))
        window.project_closing.connect(lambda: self._enable(False))

    def _action(self, text, slot, name, tip) -> QAction:
        return make_action(self.w, text, slot, name=name, tip=tip, bare=True)

    def _enable(self, on: bool) -> None:
        self.export_qdpx.setEnabled(on)
        self.last_report.setEnabled(on)

    def add_to(self, file_menu) -> None:
        """File → Import ▸ and Export ▸, with the codebook and case files beside the REFI-QDA project."""
        pa, cb, cases = self.w.project_actions, self.w.codebook_actions, self.w.case_actions
        self.import_menu = file_menu.addMenu("&Import")
        self.import_menu.setObjectName("importMenu")
        self.import_menu.addActions([pa.import_sources, cb.import_codebook, cases.import_cases])
        self.import_menu.addSeparator()
        self.import_menu.addAction(self.import_qdpx)
        self.export_menu = file_menu.addMenu("&Export")
        self.export_menu.setObjectName("exportMenu")
        self.export_menu.addActions([cb.export_codebook, cases.export_cases, self.w.memo_actions.export])
        self.export_menu.addSeparator()
        self.export_menu.addAction(self.export_qdpx)

    def _run(self, fn, *args, label: str, title: str, done, cancelled_note: str):
        from workbench.ui.dialogs.job_progress import run_job

        return run_job(self.w, fn, *args, label=label, title=title, done=done, failed=self.w.show_error,
                       cancelled=lambda: self.w.status_note(cancelled_note))

    # -- QDPX import -----------------------------------------------------------------------------
    def import_qdpx_dialog(self) -> None:
        path = file_dialogs.open_file(self.w, "qdpx", "Import a REFI-QDA project", QDPX_FILTER)
        if not path:
            return
        suggested = str(Path(path).with_suffix(".qwb"))
        out = file_dialogs.save_file(self.w, "project", "Save the imported project as", suggested,
                                     file_dialogs.PROJECTS, ".qwb")
        if out:
            self.import_file(path, out)

    def import_file(self, path: str, out: str):
        """Build the new project off the GUI thread; then open it and show the import report."""
        from workbench.io.refi.qdpx_import import import_qdpx

        if not out.lower().endswith(".qwb"):
            out += ".qwb"
        return self._run(import_qdpx, str(path), str(out), label="Importing the REFI-QDA project",
                         title="Import", done=lambda report: self._imported(out, report),
                         cancelled_note="Import stopped; no project was written")

    def _imported(self, out: str, report) -> None:
        if self.w.open_project(out):
            view = self.w.panel_docks.open(REPORT_SPEC)
            if view is not None and view.report is None:
                view.show_report(report)
            self.w.status_note(f"Imported {Path(report.file).name}: "
                               + ", ".join(f"{n} {k}" for k, n in report.imported.items()))

    def show_last_report(self):
        if self.w.ctx is None:
            return None
        view = self.w.panel_docks.open(REPORT_SPEC)
        if not view.load_from_project(self.w.ctx.project):
            self.w.status_note("This project was not imported from a REFI-QDA file")
        return view

    # -- QDPX export -----------------------------------------------------------------------------
    def export_qdpx_dialog(self) -> None:
        ctx = self.w.ctx
        if ctx is None:
            return
        out = file_dialogs.save_file(self.w, "qdpx", "Export as a REFI-QDA project", Path(ctx.path).stem + ".qdpx",
                                     QDPX_FILTER, ".qdpx")
        if out:
            self.export_file(out)

    def export_file(self, out: str):
        """Write the QDPX off the GUI thread, reading the project through a read-only connection of its own."""
        from workbench.io.refi.qdpx_export import export_qdpx

        if not Path(out).suffix:
            out += ".qdpx"
        self.w.memo_pane.flush()
        return self._run(export_qdpx, str(self.w.ctx.path), str(out), label="Exporting the REFI-QDA project",
                         title="Export", done=lambda summary: self.w.status_note(f"Exported {summary} to {out}"),
                         cancelled_note="Export stopped; no file was written")
