"""File → Publish to a server…, File → Check out a copy…, Team → Merge a checked-out copy back…
(issue 14). Each runs off the GUI thread with progress and Cancel (ui/jobs.py, dialogs/job_progress);
the work is services/server_copies.py's, the same as `workbench publish` and `workbench checkout`."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from workbench.core.location import ServerLocation, is_server_location
from workbench.ui import file_dialogs
from workbench.ui.actions import make_action
from workbench.ui.jobs import JobRunner

URL_HINT = "postgresql://user@host[:port]/database?project=NAME"


def _publish_job(path: str, url: str, holder, report, should_stop):
    from workbench.services.server_copies import publish

    return publish(path, url, report=report, should_stop=should_stop, holder=holder)


def _checkout_job(url: str, dest: str, report, should_stop):
    from workbench.services.server_copies import checkout

    return checkout(url, dest, report=report, should_stop=should_stop)


class ServerActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.job = None  # the publish or checkout running now
        self.dialog = None  # the merge dialog of a checked-out copy
        self.publish = self._action("Publish to a server…", self.publish_dialog, "publishToServer",
                                    "Put this project on a PostgreSQL server as a team project, every coding kept")
        self.check_out = self._action("Check out a copy…", self.checkout_dialog, "checkOutCopy",
                                      "A file copy of a server project, to code offline and merge back later")
        self.merge_back = self._action("Merge a checked-out copy back…", self.merge_back_dialog, "mergeCheckout",
                                       "Bring what was coded in a checked-out copy into its server project")
        self._enable(False)
        window.project_opened.connect(lambda: self._enable(True))
        window.project_closing.connect(self._closing)

    def _action(self, text, slot, name, tip) -> QAction:
        return make_action(self.w, text, slot, name=name, tip=tip, bare=True)

    def _enable(self, on: bool) -> None:
        ctx = self.w.ctx if on else None
        self.publish.setEnabled(ctx is not None and not isinstance(ctx.path, ServerLocation))

    def _closing(self) -> None:
        self._enable(False)
        if self.job is not None:  # a publish reads the window's file: let it finish first
            JobRunner.instance().wait()

    def add_to_file_menu(self, menu) -> None:
        menu.addActions([self.publish, self.check_out])

    def add_to_team_menu(self, menu) -> None:
        menu.addAction(self.merge_back)

    def _ask_url(self, title: str, text: str, suggested: str = "") -> str | None:
        url, ok = QInputDialog.getText(self.w, title, f"{text}\n{URL_HINT}", QLineEdit.EchoMode.Normal,
                                       suggested)
        url = url.strip()
        if not ok or not url:
            return None
        if not is_server_location(url):
            self.w.show_error(f"{url}: not a server location; write it as {URL_HINT}")
            return None
        return url

    def _run(self, fn, *args, label: str, title: str, done, cancelled_note: str):
        from workbench.ui.dialogs.job_progress import run_job

        def finished(result):
            self.job = None
            done(result)

        def failed(message):
            self.job = None
            self.w.show_error(message)

        def cancelled():
            self.job = None
            self.w.status_note(cancelled_note)

        self.job = run_job(self.w, fn, *args, label=label, title=title, done=finished, failed=failed,
                           cancelled=cancelled)
        return self.job

    # -- publish -----------------------------------------------------------------------------------
    def publish_dialog(self) -> None:
        ctx = self.w.ctx
        if ctx is None or self.job is not None:
            return
        url = self._ask_url("Publish to a server", "The new server project (the database must exist):")
        if url:
            self.publish_to(url)

    def publish_to(self, url: str):
        ctx = self.w.ctx
        self.w.memo_pane.flush()
        holder = None if ctx.readonly else ctx.project  # its lock keeps other writers out meanwhile
        return self._run(_publish_job, str(ctx.path), url, holder, label="Publishing the project",
                         title="Publish to a server", done=self._published,
                         cancelled_note="Publishing stopped; nothing was left on the server")

    def _published(self, done) -> None:
        c = done.counts
        self.w.status_note(f"Published to {done.location}: {c['source']} sources, {c['coding']} codings")
        box = QMessageBox(QMessageBox.Icon.Information, "Publish to a server",
                          f"The project is on the server as a team project:\n{done.location}\n\n"
                          f"{c['source']} sources, {c['code']} codes, {c['coding']} codings, {c['case_']} cases. "
                          "Team members open that location; this file stays as it was.",
                          QMessageBox.StandardButton.Ok, self.w)
        box.setObjectName("publishDone")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- checkout ----------------------------------------------------------------------------------
    def checkout_dialog(self) -> None:
        if self.job is not None:
            return
        ctx = self.w.ctx
        suggested = str(ctx.path) if ctx is not None and isinstance(ctx.path, ServerLocation) else ""
        url = self._ask_url("Check out a copy", "The server project to copy:", suggested)
        if not url:
            return
        from workbench.core.location import parse_server_location

        name = parse_server_location(url).project
        dest = file_dialogs.save_file(self.w, "project", "Save the checked-out copy as", f"{name} - checkout.qwb",
                                      file_dialogs.PROJECTS, ".qwb")
        if dest:
            self.check_out_to(url, dest)

    def check_out_to(self, url: str, dest: str):
        if not dest.lower().endswith(".qwb"):
            dest += ".qwb"
        return self._run(_checkout_job, url, dest, label="Copying the server project", title="Check out a copy",
                         done=self._checked_out, cancelled_note="Checkout stopped; no file was written")

    def _checked_out(self, done) -> None:
        self.w.status_note(f"Checked out {done.location} to {done.path}")
        box = QMessageBox(QMessageBox.Icon.Information, "Check out a copy",
                          f"The copy is at\n{done.path}\n\nCode in it offline (as {done.coder}); bring it back with "
                          "Team → Merge a checked-out copy back….", QMessageBox.StandardButton.Ok, self.w)
        box.setObjectName("checkoutDone")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- merge a checkout back ---------------------------------------------------------------------
    def merge_back_dialog(self) -> None:
        path = file_dialogs.open_file(self.w, "project", "The checked-out copy to merge back", file_dialogs.PROJECTS)
        if path:
            self.merge_back_from(path)

    def merge_back_from(self, copy: str):
        """The merge dialog (preview, conflicts, apply, report) of the copy into the server project
        it was checked out from; the report is kept on the server."""
        from workbench.core.errors import WorkbenchError
        from workbench.services.server_copies import checkout_of
        from workbench.ui.dialogs.merge_dialog import MergeDialog

        try:
            origin = checkout_of(copy)
        except WorkbenchError as exc:
            self.w.show_error(str(exc))
            return None
        if origin is None:
            self.w.show_error(f"{copy}: not a checked-out copy of a server project; merge it with "
                              "Team → Merge projects… instead")
            return None
        ctx = self.w.ctx
        if ctx is not None and not isinstance(ctx.path, ServerLocation) and Path(ctx.path) == Path(copy):
            self.w.memo_pane.flush()
        dialog = MergeDialog(origin, self.w, [copy])
        dialog.setWindowTitle(f"Merge a checked-out copy back into {origin}")
        dialog.status.setText(f"Preview what {Path(copy).name} brings into {origin}, then apply. The server "
                              "keeps what others coded meanwhile; a backup of the server project is made first.")
        dialog.status.setWordWrap(True)
        dialog.merged.connect(self._merged_back)
        dialog.finished.connect(lambda _=0, d=dialog: self._dialog_closed(d))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _merged_back(self, report) -> None:
        n = report.to_json().get("counts", {}).get("coding", {}).get("new", 0)
        self.w.status_note(f"Merged the checked-out copy back: {n} new codings on the server")

    def _dialog_closed(self, dialog) -> None:  # the dialog lets go of its own plan (MergeDialog._let_go)
        if self.dialog is dialog:
            self.dialog = None
