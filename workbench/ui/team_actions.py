"""The Team menu: a copy of the project for a team member, merging their copies back, and
inter-coder agreement, on the window's open project (issue 5)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox

from workbench.core.changes import Kind
from workbench.ui import file_dialogs
from workbench.ui.jobs import JobRunner
from workbench.ui.panel_docks import PanelSpec
from workbench.ui.actions import make_action

MERGE_NOTE = ("Choose the project files of your team members. A merge cannot be undone: a backup copy of this "
              "project is made first, and the undo history of this window is cleared after it.")


def _hand_out_job(project, dest: str, coder: str, report, should_stop):
    from workbench.services.handout import hand_out

    report(0, 1, "copying the project")
    result = hand_out(project, dest, coder)
    report(1, 1, "")
    return result


def _update_agreement(panel) -> None:
    panel.reload_coders()
    if panel.table_data is not None:
        panel.compute()


class TeamActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.job = None  # a hand-out running on the window's project
        self.dialog = None
        self.hand_out = self._action("Copy for a team member…", self.hand_out_dialog, "handOut",
                                     "Write a copy of this project for a colleague to code, to merge back later")
        self.merge = self._action("Merge projects…", self.merge_dialog, "mergeProjects",
                                  "Bring the coding of team members' copies into this project")
        self.agreement = self._action("Inter-coder agreement", self.open_agreement, "agreement",
                                      "How far two coders agree, per code and source")
        self.history = self._action("Merge history…", self.history_dialog, "mergeHistory",
                                    "Who merged what, when, with what result; export a report")
        self.people = self._action("People and roles…", self.roles_dialog, "teamRoles",
                                   "Who is in this shared project on a server, and as what; owners grant roles")
        self.all = [self.hand_out, self.merge, self.history, self.agreement, self.people]
        self._enable(False)
        window.project_opened.connect(lambda: self._enable(True))
        window.project_closing.connect(self._closing)

    def _action(self, text, slot, name, tip) -> QAction:
        return make_action(self.w, text, slot, name=name, tip=tip, bare=True)

    def _enable(self, on: bool) -> None:
        readonly = on and self.w.ctx is not None and self.w.ctx.readonly
        for a in self.all:  # a read-only project can be compared, not merged into or handed out
            a.setEnabled(on and not (readonly and a in (self.hand_out, self.merge)))
        self.people.setEnabled(on and self.w.ctx is not None and self.w.ctx.project.team)  # a server team project

    def _closing(self) -> None:
        self._enable(False)
        merging = self.dialog is not None and self.dialog.job is not None
        if self.job is not None or merging:  # it works on this project: let it finish first
            JobRunner.instance().wait()

    def add_menu(self, bar) -> None:
        self.menu = bar.addMenu("&Team")
        self.menu.setObjectName("teamMenu")
        self.menu.addActions([self.hand_out, self.merge, self.history])
        self.menu.addSeparator()
        self.menu.addAction(self.agreement)
        self.menu.addSeparator()
        self.menu.addAction(self.people)

    def roles_dialog(self):
        from workbench.ui.dialogs.team_roles import TeamRolesDialog

        if self.w.ctx is None or not self.w.ctx.project.team:
            return None
        dialog = TeamRolesDialog(self.w.ctx.project, self.w)
        dialog.granted.connect(self.w.ctx.changed.emit)
        dialog.open()
        return dialog

    def history_dialog(self):
        from workbench.ui.dialogs.report_history import ReportHistoryDialog

        dialog = ReportHistoryDialog(self.w.ctx.project, self.w)
        dialog.open()
        return dialog

    # -- hand out ------------------------------------------------------------------------------
    def hand_out_dialog(self) -> None:
        ctx = self.w.ctx
        if ctx is None or self.job is not None:
            return
        name, ok = QInputDialog.getText(self.w, "Copy for a team member",
                                        "Name of the team member who will code the copy:")
        if not ok or not name.strip():
            return
        name = " ".join(name.split())
        suggested = Path(ctx.path).with_name(f"{Path(ctx.path).stem} - {name}.qwb")
        dest = file_dialogs.save_file(self.w, "project", f"Save the copy for {name}", suggested,
                                      file_dialogs.PROJECTS, ".qwb")
        if dest:
            self.hand_out_to(name, dest)

    def hand_out_to(self, name: str, dest: str):
        from workbench.ui.dialogs.job_progress import run_job

        if not dest.lower().endswith(".qwb"):
            dest += ".qwb"
        self.w.memo_pane.flush()
        self.job = run_job(self.w, _hand_out_job, self.w.ctx.project, dest, name, label="Copying the project",
                           title="Copy for a team member", done=self._handed_out, failed=self._hand_out_failed,
                           cancellable=False)
        return self.job

    def _handed_out(self, h) -> None:
        self.job = None
        self.w.status_note(f"Wrote a copy for {h.coder}: {h.path}")
        box = QMessageBox(QMessageBox.Icon.Information, "Copy for a team member",
                          f"The copy for {h.coder} is at\n{h.path}\n\nWhen they send it back, bring their coding in "
                          "with File → Merge projects….", QMessageBox.StandardButton.Ok, self.w)
        box.setObjectName("handOutDone")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _hand_out_failed(self, message: str) -> None:
        self.job = None
        self.w.show_error(message)

    # -- merge ---------------------------------------------------------------------------------
    def merge_dialog(self, files: list[str] | None = None):
        from workbench.ui.dialogs.merge_dialog import MergeDialog

        ctx = self.w.ctx
        if ctx is None:
            return None
        self.w.memo_pane.flush()
        dialog = MergeDialog(ctx.project, self.w, files)
        dialog.status.setText(MERGE_NOTE)
        dialog.status.setWordWrap(True)
        dialog.applied.connect(self._merged)
        dialog.finished.connect(lambda _=0, d=dialog: self._dialog_closed(d))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog) -> None:  # the dialog lets go of its own plan (MergeDialog._let_go)
        if self.dialog is dialog:
            self.dialog = None

    def _merged(self, changes) -> None:
        """The views update from the merge's Changes (a reset of every kind it wrote); a merge
        cannot be undone, and the commands on the stack name rows it may have changed, so the
        undo history goes."""
        ctx = self.w.ctx
        if ctx is None:
            return
        JobRunner.instance().wait()  # the merge job's thread lets go of the project
        ctx.undo_stack.clear()
        ctx.changed.emit(changes)
        counts = changes.result.to_json().get("counts", {})
        n = counts.get("coding", {}).get("new", 0)
        self.w.status_note(f"Merged: {n} new codings. The undo history was cleared (a merge is not undoable).")

    # -- agreement -----------------------------------------------------------------------------
    def open_agreement(self):
        spec = PanelSpec("agreementPanel", "Agreement", self._agreement, _update_agreement,
                         frozenset({Kind.CODING, Kind.CODE, Kind.SOURCE}))
        return self.w.panel_docks.open(spec)

    def _agreement(self, ctx):
        from workbench.ui.panels.agreement_panel import AgreementPanel

        panel = AgreementPanel(ctx.project, show_help=lambda: self.w.help_actions.show("agreement.md"))
        panel.exported.connect(lambda path: self.w.status_note(f"Exported the agreement table to {path}"))
        return panel
