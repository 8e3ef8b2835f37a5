"""File actions: new, open (also read-only), project properties, the sample project, recent projects,
and importing sources as a background job."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from workbench.core.changes import Changes, Kind
from workbench.core.errors import WorkbenchError
from workbench.ui import file_dialogs, settings
from workbench.ui.jobs import Job, JobRunner
from workbench.ui.wording import count
from workbench.ui.start_screen import sample_project_path
from workbench.ui.actions import make_action

SOURCE_FILTER = "Sources (*.txt *.md *.docx *.odt *.rtf *.pdf *.html *.htm);;All files (*)"


def import_job(project, paths: list[str], coder: str | None, report, should_stop):
    """The import, run on a worker thread. It shares the window's Project: the file is locked for
    writing by this process, and each call inside opens its own session, as a worker must."""
    from workbench.services.sources import import_sources

    return import_sources(project, paths, coder=coder, report=report, should_stop=should_stop)


class ProjectActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.job: Job | None = None
        self.new = self._action("New project…", self.new_project, QKeySequence.StandardKey.New, "newProject")
        self.open = self._action("Open project…", self.open_dialog, QKeySequence.StandardKey.Open, "openProject")
        self.open_read_only = self._action("Open read-only…", self.open_read_only_dialog, None, "openReadOnly")
        self.open_read_only.setToolTip("Look at a project without changing it (also when it is open elsewhere)")
        self.properties = self._action("Project properties…", self.properties_dialog, None, "projectProperties")
        self.open_server = self._action("Open server project…", self.open_server_dialog, None, "openServerProject")
        self.open_server.setToolTip("A project a team shares on a PostgreSQL server")
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
    def new_project(self):
        """Ask the project's name and description, then where to save it; returns the dialog."""
        from workbench.ui.dialogs.project_details import ProjectDetailsDialog

        dialog = ProjectDetailsDialog(self.w, new=True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen() -> None:
            stem = "".join(c if c.isalnum() or c in " -_" else " " for c in dialog.name()).strip() or "study"
            path = file_dialogs.save_file(self.w, "project", "Save the new project as", f"{stem}.qwb",
                                          file_dialogs.PROJECTS, ".qwb")
            if path:
                self.create_project_at(path, dialog.name(), dialog.description())

        dialog.accepted.connect(chosen)
        dialog.open()
        return dialog

    def create_project_at(self, path: str, name: str | None = None, description: str = "") -> bool:
        from workbench.services.projects import set_project_details
        from workbench.store.project import create_project

        if not path.lower().endswith(".qwb"):
            path += ".qwb"
        try:
            project = create_project(path, name=name, coder=settings.coder_name() or None)
            try:
                if description:
                    set_project_details(project, project.info().name, description)
            finally:
                project.close()
        except WorkbenchError as exc:
            self.w.show_error(str(exc))
            return False
        return self.w.open_project(path)

    def open_dialog(self) -> None:
        path = file_dialogs.open_file(self.w, "project", "Open project", "Projects (*.qwb);;All files (*)")
        if path:
            self.w.open_project(path)

    def open_server_dialog(self):
        """File → Open server project…: a URL, or host, port, database, project and user."""
        from workbench.ui.dialogs.server_open import ServerOpenDialog

        dialog = ServerOpenDialog(self.w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.w.open_project(dialog.location()))
        dialog.open()
        return dialog

    def open_read_only_dialog(self) -> None:
        path = file_dialogs.open_file(self.w, "project", "Open a project read-only",
                                      "Projects (*.qwb);;All files (*)")
        if path:
            self.w.open_project(path, readonly=True)

    def properties_dialog(self):
        """File → Project properties: the name and description, as one undoable edit."""
        from workbench.ui.commands.base import StepCommand
        from workbench.ui.commands.project import SetProjectDetails
        from workbench.ui.dialogs.project_details import ProjectDetailsDialog

        ctx = self.w.ctx
        if ctx is None:
            return None
        dialog = ProjectDetailsDialog(self.w, ctx.name, ctx.description)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if ctx.readonly:
            dialog.buttons.button(dialog.buttons.StandardButton.Ok).setEnabled(False)

        def done() -> None:
            if (dialog.name(), dialog.description()) != (ctx.name, ctx.description):
                ctx.execute(StepCommand(ctx, "Edit project properties",
                                        [SetProjectDetails(dialog.name(), dialog.description())]))

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def open_sample_project(self) -> bool:
        """Open a working copy of the sample study (the shipped file stays pristine)."""
        from workbench.store.project import backend_for

        src = sample_project_path()
        if src is None:
            self.w.show_error("The sample project is not installed with this copy of the program")
            return False
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / "johannesburg-sample.qwb"
        if not dest.exists():
            backend = backend_for(src, readonly=True)
            try:
                backend.copy_to_file(dest)
            finally:
                backend.close()
        return self.w.open_project(dest)

    def fill_recent_menu(self) -> None:
        menu = self.w.recent_menu
        menu.clear()
        for item in settings.recent_projects():
            a = menu.addAction(f"{item.get('name') or Path(item['path']).stem} — {item['path']}")
            a.setEnabled(settings.is_server(item["path"]) or Path(item["path"]).exists())
            a.triggered.connect(lambda _=False, p=item["path"]: self.w.open_project(p))
        if menu.isEmpty():
            menu.addAction("No recent projects").setEnabled(False)

    # -- importing sources ----------------------------------------------------------------------
    def import_dialog(self) -> None:
        if self.w.ctx is None:
            return
        paths = file_dialogs.open_files(self.w, "sources", "Import sources", SOURCE_FILTER)
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
        refused = self.w.connection.refusal("Import sources")  # a server project whose connection is lost
        if refused:
            self.w.show_error(refused)
            return None
        job = Job(import_job, ctx.project, [str(p) for p in paths], ctx.coder_name or None, label="Importing sources")
        panel = self.w.source_panel
        job.progressed.connect(panel.job_progressed)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)
        self.job = job
        panel.job_started(f"Importing {count(len(paths), 'file')}…")
        JobRunner.instance().start(job)
        return job

    def cancel_job(self, wait: bool = False) -> None:
        """Ask the running import to stop (it stops between files); with wait, until it has."""
        if self.job is not None:
            self.job.cancel()
            if wait:
                JobRunner.instance().wait()

    def _ended(self, changes: Changes | None = None) -> None:
        """The job ended: the views update from its Changes; after a failure or Cancel, whatever
        files went in before are not named, so the source views reload whole."""
        self.job = None
        self.w.source_panel.job_ended()
        if self.w.ctx is not None:
            self.w.ctx.changed.emit(changes if changes is not None else
                                    Changes().some("created", Kind.SOURCE).some("created", Kind.CODER))

    def _finished(self, changes: Changes) -> None:
        self._ended(changes)
        outcomes = changes.result
        done = [o for o in outcomes if o.status == "imported"]
        skipped = [o for o in outcomes if o.status == "skipped"]
        failed = [o for o in outcomes if o.status == "failed"]
        self.w.status_note(f"Imported {count(len(done), 'source')}" + (f", {len(skipped)} skipped (already there)"
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
