"""Sources in the window: rename, delete (asking, with the codings that go), properties, memo,
folders, and the source list's context menu (issue 10, item 2). Every edit is one undoable command."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from workbench.services.memos import get_memo
from workbench.services.sources import folder_rows, source_details
from workbench.ui.actions import make_action
from workbench.ui.commands.base import StepCommand
from workbench.ui.commands.memos import SetMemo
from workbench.ui.commands.sources import (CreateFolder, DeleteFolder, DeleteSource, MoveToFolder, RenameFolder,
                                           RenameSource, SetSourceCases)
from workbench.ui.dialogs.ask import ask_name, confirm
from workbench.ui.wording import count


class SourceActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.rename = self._action("Rename source…", self.rename_dialog, "renameSource", "Give the source another name")
        self.delete = self._action("Delete source…", self.delete_current, "deleteSource",
                                   "Delete the source with its codings; Edit → Undo brings them back")
        self.properties = self._action("Source properties…", self.properties_dialog, "sourceProperties",
                                       "Where the source came from, what was found in it; its cases and memo")
        self.memo = self._action("Memo on source", self.memo_current, "sourceMemo", "Write a memo on the source")
        self.new_folder = self._action("New folder…", self.new_folder_dialog, "newFolder",
                                       "A folder of sources, such as “Interviews” or “Policy texts”")
        self.rename_folder = self._action("Rename folder…", self.rename_folder_dialog, "renameFolder", "")
        self.delete_folder = self._action("Delete folder", self.delete_current_folder, "deleteFolder",
                                          "Delete the folder; its sources stay in the project")
        self.edits = [self.rename, self.delete, self.new_folder, self.rename_folder, self.delete_folder]
        self.all = self.edits + [self.properties, self.memo]
        window.source_panel.tree.customContextMenuRequested.connect(self.context_menu)
        window.source_panel.tree.doubleClicked.connect(self._double_clicked)

    def _action(self, text, slot, name, tip) -> QAction:
        return make_action(self.w, text, slot, name=name, tip=tip, bare=True)

    @property
    def ctx(self):
        return self.w.ctx

    def run(self, text: str, steps) -> bool:
        return self.ctx is not None and self.ctx.execute(StepCommand(self.ctx, text, steps))

    def current_source(self, quiet: bool = False) -> int | None:
        """The source selected in the source list, else the one open in the document view."""
        cur = self.w.source_panel.current()
        if cur and cur[0] == "source":
            return cur[1]
        if self.w.document_view.source_id is not None and not (cur and cur[0] in ("case", "folder")):
            return self.w.document_view.source_id
        if not quiet:
            self.w.status_note("Select a source in the source list first")
        return None

    def current_folder(self) -> int | None:
        cur = self.w.source_panel.current()
        if cur and cur[0] == "folder" and cur[1] is not None:
            return cur[1]
        self.w.status_note("Select a folder in the source list first (Group by folder)")
        return None

    def name_of(self, source_id: int) -> str:
        row = self.w.source_model.source(source_id)
        return row.name if row else ""

    # -- rename and delete ----------------------------------------------------------------------
    def rename_source(self, source_id: int, name: str) -> bool:
        return self.run(f"Rename source to “{' '.join(name.split())}”", [RenameSource(source_id, name)])

    def rename_dialog(self):
        sid = self.current_source()
        if sid is None:
            return None
        return ask_name(self.w, "Rename source", "New name of the source:",
                        lambda name: self.rename_source(sid, name), self.name_of(sid))

    def delete_source(self, source_id: int) -> bool:
        name = self.name_of(source_id)
        if not self.run(f"Delete source “{name}”", [DeleteSource(source_id, self.ctx.coder_name)]):
            return False
        self.w.status_note(f"Deleted the source “{name}”; Edit → Undo brings it back with its codings")
        return True

    def delete_current(self) -> bool:
        sid = self.current_source()
        if sid is None:
            return False
        d = source_details(self.ctx.project, sid)
        text = (f"Delete the source “{d.name}”? " + (f"Its {count(d.codings, 'coding')} go with it, and its memos."
                                                    if d.codings else "It has no codings yet.")
                + "\n\nEdit → Undo brings it all back.")
        if not confirm(self.w, "Delete source", text):
            return False
        return self.delete_source(sid)

    # -- properties and memo ----------------------------------------------------------------------
    def properties_dialog(self, source_id: int | None = None):
        from workbench.ui.dialogs.source_properties import SourcePropertiesDialog

        sid = source_id if source_id is not None else self.current_source()
        if sid is None:
            return None
        ctx = self.ctx
        d = source_details(ctx.project, sid)
        cases = [(g.id, g.name) for g in self.case_list()]
        memo = get_memo(ctx.project, "source", sid)
        dialog = SourcePropertiesDialog(d, folder_rows(ctx.project), cases, memo, self.w, ctx.readonly)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done() -> None:
            steps = []
            if " ".join(dialog.name().split()) != d.name:
                steps.append(RenameSource(sid, dialog.name()))
            if dialog.folder_id() != d.folder_id:
                steps.append(MoveToFolder([sid], dialog.folder_id()))
            if dialog.case_ids() != set(d.case_ids):
                steps.append(SetSourceCases(sid, dialog.case_ids()))
            if dialog.memo_text() != memo:
                self.w.memo_pane.flush()
                steps.append(SetMemo("source", lambda p: sid, dialog.memo_text(), ctx.ensure_coder(),
                                     key=("source", sid)))
            if steps:
                self.run(f"Edit source “{d.name}”", steps)
                self.w.memo_pane.reload()

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def case_list(self):
        from workbench.query.document import case_groups

        return [g for g in case_groups(self.ctx.project) if g.id is not None]

    def memo_current(self) -> None:
        sid = self.current_source()
        if sid is not None:
            self.w.show_source_memo(sid, focus=True)

    # -- folders -----------------------------------------------------------------------------------
    def create_folder(self, name: str) -> int | None:
        step = CreateFolder(name)
        if not self.run(f"New folder “{' '.join(name.split())}”", [step]):
            return None
        self.w.source_panel.set_grouping("folder")
        return step.folder_id

    def new_folder_dialog(self):
        if self.ctx is None:
            return None
        return ask_name(self.w, "New folder", "Name of the folder (e.g. Interviews, Policy texts):",
                        self.create_folder)

    def rename_folder_dialog(self):
        fid = self.current_folder()
        if fid is None:
            return None
        old = self.w.source_panel.tree.currentIndex().data()
        return ask_name(self.w, "Rename folder", "New name:",
                        lambda name: self.run(f"Rename folder “{old}”", [RenameFolder(fid, name)]), old.split("/")[-1])

    def delete_current_folder(self) -> bool:
        fid = self.current_folder()
        return fid is not None and self.run("Delete folder", [DeleteFolder(fid, self.ctx.coder_name)])

    def move_to_folder(self, source_ids: list[int], folder_id: int | None) -> bool:
        return self.run("Move to folder", [MoveToFolder(source_ids, folder_id)])

    # -- the source list ---------------------------------------------------------------------------
    def _double_clicked(self, index) -> None:
        from workbench.ui.models import ID_ROLE, KIND_ROLE

        if index.data(KIND_ROLE) == "source" and index.column() == 1:
            self.properties_dialog(index.data(ID_ROLE))

    def context_menu(self, pos) -> None:
        menu = self.build_menu(pos)
        if menu is not None:
            menu.exec(self.w.source_panel.tree.viewport().mapToGlobal(pos))

    def build_menu(self, pos) -> QMenu | None:
        if self.ctx is None:
            return None
        tree = self.w.source_panel.tree
        cur = self.w.source_panel.current() if tree.indexAt(pos).isValid() else None
        menu = QMenu(tree)
        menu.setObjectName("sourceMenu")
        cases = self.w.case_actions
        if cur and cur[0] == "source":
            for a in (self.properties, self.memo, self.rename, self.w.source_panel.encoding_action, None):
                menu.addSeparator() if a is None else menu.addAction(a)
            move = menu.addMenu("Move to folder")
            move.setObjectName("moveToFolderMenu")
            for f in folder_rows(self.ctx.project):
                act = move.addAction(f.path)
                act.triggered.connect(lambda _=False, fid=f.id, sid=cur[1]: self.move_to_folder([sid], fid))
            move.addSeparator()
            move.addAction("(no folder)").triggered.connect(lambda _=False, sid=cur[1]: self.move_to_folder([sid], None))
            move.addAction(self.new_folder)
            menu.addSeparator()
            menu.addAction(self.delete)
        elif cur and cur[0] == "case" and cur[1] is not None:
            for a in (cases.rename_case, cases.case_sources, cases.case_memo, cases.open_panel, None, cases.delete_case):
                menu.addSeparator() if a is None else menu.addAction(a)
        elif cur and cur[0] == "folder" and cur[1] is not None:
            for a in (self.rename_folder, self.delete_folder):
                menu.addAction(a)
        menu.addSeparator()
        for a in (self.w.import_action, cases.new_case, self.new_folder):
            menu.addAction(a)
        return menu
