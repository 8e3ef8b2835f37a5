"""File actions: new, open, the sample project, recent projects, and importing sources as a background job."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from workbench.core.changes import Changes
from workbench.core.errors import WorkbenchError
from workbench.ui import settings
from workbench.ui.jobs import Job, JobRunner
from workbench.ui.start_screen import sample_project_path
from workbench.ui.actions import make_action

SOURCE_FILTER = "Sources (*.txt *.md *.docx *.odt *.rtf *.pdf *.html *.htm);;All files (*)"


def import_job(project, paths: list[str], coder: str | None, report, should_stop):
    """The import, run on a worker thread. It shares the window's Project: the file is locked for
    writing by this process, and each call inside opens its own session, as a worker must."""
    from workbench.services.sources import import_files

    return import_files(project, paths, coder=coder, report=report, should_stop=should_stop)


class ProjectActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.job: Job | None = None
        self.new = self._action("New project…", self.new_project, QKeySequence.StandardKey.New, "newProject")
        self.open = self._action("Open project…", self.open_dialog, QKeySequence.StandardKey.Open, "openProject")
        self.open_sample = self._action("Open the sample project", self.open_sample_project, None, "openSample")
        self.close = self._action("Close project", self.w.close_project, QKeySequence.StandardKey.Close,
                                  "closeProject")
        self.quit = self._action("Quit", QApplication.closeAllWindows, QKeySequence.StandardKey.Quit, "quit")
        self.import_sources = self._action("Import sources…", self.import_dialog, QKeySequence("Ctrl+Shift+I"),
                                           "importSources")
        self.import_sources.setToolTip("Import transcripts and documents (or drop files on the source list)")

    def _action(self, text, slot, key, name) -> QAction:
        return make_action(self.w, text, slot, name=name, keys=key)

    # -- projects -------------------------------------------------------------------------------
    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, "New project", "study.qwb", "Projects (*.qwb)")
        if path:
            self.create_project_at(path)

    def create_project_at(self, path: str) -> bool:
        from workbench.store.project import create_project

        if not path.lower().endswith(".qwb"):
            path += ".qwb"
        try:
            create_project(path, coder=settings.coder_name() or None).close()
        except WorkbenchError as exc:
            self.w.show_error(str(exc))
            return False
        return self.w.open_project(path)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Open project", "", "Projects (*.qwb);;All files (*)")
        if path:
            self.w.open_project(path)

    def open_sample_project(self) -> bool:
        """Open a working copy of the sample study (the shipped file stays pristine)."""
        from workbench.store.sqlite import backup_copy

        src = sample_project_path()
        if src is None:
            self.w.show_error("The sample project is not installed with this copy of the program")
            return False
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / "johannesburg-sample.qwb"
        if not dest.exists():
            backup_copy(src, dest)
        return self.w.open_project(dest)

    def fill_recent_menu(self) -> None:
        menu = self.w.recent_menu
        menu.clear()
        for item in settings.recent_projects():
            a = menu.addAction(f"{item.get('name') or Path(item['path']).stem} — {item['path']}")
            a.setEnabled(Path(item["path"]).exists())
            a.triggered.connect(lambda _=False, p=item["path"]: self.w.open_project(p))
        if menu.isEmpty():
            menu.addAction("No recent projects").setEnabled(False)

    # -- importing sources ----------------------------------------------------------------------
    def import_dialog(self) -> None:
        if self.w.ctx is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self.w, "Import sources", "", SOURCE_FILTER)
        if paths:
            self.import_files(paths)

    def import_files(self, paths: list[str]) -> Job | None:
        """Import files on a worker thread, with progress and Cancel in the source panel."""
        ctx = self.w.ctx
        if ctx is None or not paths:
            return None
        if self.job is not None:
            self.w.status_note("An import is already running; wait for it or cancel it")
            return None
        job = Job(import_job, ctx.project, [str(p) for p in paths], ctx.coder_name or None, label="Importing sources")
        panel = self.w.source_panel
        job.progressed.connect(panel.job_progressed)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)
        self.job = job
        panel.job_started(f"Importing {len(paths)} files…")
        JobRunner.instance().start(job)
        return job

    def cancel_job(self, wait: bool = False) -> None:
        """Ask the running import to stop (it stops between files); with wait, until it has."""
        if self.job is not None:
            self.job.cancel()
            if wait:
                JobRunner.instance().wait()

    def _ended(self) -> None:
        self.job = None
        self.w.source_panel.job_ended()
        if self.w.ctx is not None:
            self.w.ctx.changed.emit(Changes().add("created", "source"))

    def _finished(self, outcomes) -> None:
        self._ended()
        done = [o for o in outcomes if o.status == "imported"]
        skipped = [o for o in outcomes if o.status == "skipped"]
        failed = [o for o in outcomes if o.status == "failed"]
        self.w.status_note(f"Imported {len(done)} sources" + (f", {len(skipped)} skipped (already there)"
                                                              if skipped else "") +
                           (f", {len(failed)} failed" if failed else ""))
        noted = [o for o in done if o.message]
        if failed or noted:
            self._report(failed, skipped, noted)
        if done and self.w.document_view.source_id is None:
            self.w.open_source(done[0].source_id)

    def _report(self, failed, skipped, noted) -> None:
        """Every refused file with its reason, and the notes of the imported ones (a guessed
        encoding and how sure), in one box; past 20 lines the rest are under Show Details."""
        lines = [f"Not imported: {o.message}" for o in failed]
        lines += [f"Skipped: {o.message}" for o in skipped]
        lines += [f"Imported {Path(o.path).name}, but: {o.message}" for o in noted]
        title = "Some files were not imported" if failed else "Notes on the imported files"
        shown = lines[:20] + ([f"… and {len(lines) - 20} more (Show Details)"] if len(lines) > 20 else [])
        box = QMessageBox(QMessageBox.Icon.Warning if failed else QMessageBox.Icon.Information, title,
                          "\n".join(shown), QMessageBox.StandardButton.Ok, self.w)
        box.setObjectName("importReport")
        if len(lines) > 20:
            box.setDetailedText("\n".join(lines))
        if noted:
            box.setInformativeText("A source whose letters look wrong can be read in another encoding "
                                   "before it is coded: right-click it in the source list, Text encoding…")
        box.open()

    def _failed(self, message: str) -> None:
        self._ended()
        self.w.show_error(message)

    def _cancelled(self) -> None:
        self._ended()
        self.w.status_note("Import stopped; the files imported before Cancel are kept")
