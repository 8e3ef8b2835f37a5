"""The Cases menu and the Cases panel's buttons: cases, attributes, their values and sources, CSV in
and out, each edit one undoable command (issue 10, item 1)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from workbench.io.cases_csv import export_cases_csv
from workbench.services.cases import CSV_FORMAT
from workbench.ui import file_dialogs
from workbench.ui.actions import make_action
from workbench.ui.commands.base import StepCommand
from workbench.ui.commands.cases import (CreateAttribute, CreateCase, DeleteAttribute, DeleteCase, DescribeCase,
                                         ImportCases, LinkPassage, RenameAttribute, RenameCase, SetCaseSources,
                                         SetValue, UnlinkPassage)
from workbench.ui.dialogs.ask import ask_name, confirm
from workbench.ui.panel_docks import PanelSpec
from workbench.ui.wording import count

CSV_FILTER = "CSV (*.csv);;All files (*)"


class CaseActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.open_panel = self._action("Cases and attributes", self.show_panel, "casesPanelOpen",
                                       "The cases × attributes table: edit, sort, filter, import and export",
                                       "Ctrl+Shift+E")
        self.new_case = self._action("New case…", self.create_case_dialog, "newCase", "Make a case")
        self.rename_case = self._action("Rename case…", self.rename_case_dialog, "renameCase", "Rename the case")
        self.delete_case = self._action("Delete case…", self.delete_current_case, "deleteCase",
                                        "Delete the case (its sources stay); Edit → Undo brings it back")
        self.case_sources = self._action("Sources of case…", self.case_sources_dialog, "caseSources",
                                         "Tick the sources that belong to the case")
        self.case_memo = self._action("Memo on case", self.memo_current, "caseMemo", "Write a memo on the case")
        self.new_attribute = self._action("New attribute…", self.new_attribute_dialog, "newAttribute",
                                          "An attribute of cases: text, number, date or yes/no")
        self.import_cases = self._action("Import cases from CSV…", self.import_cases_dialog, "importCases",
                                         f"Cases, attributes and sources from a CSV file. {CSV_FORMAT}")
        self.export_cases = self._action("Export cases to CSV…", self.export_cases_dialog, "exportCases",
                                         f"The cases × attributes table as CSV. {CSV_FORMAT}")
        self.add_to_case = self._action("Add to case…", self.add_selection_dialog, "addToCase",
                                        "Make the selected passage part of a case (pick one or type a new name)")
        self.remove_passage = self._action("Remove passage from case", self.remove_current_passage,
                                           "removeCasePassage", "Take the selected passage out of its case "
                                           "(the text and its codings stay); Edit → Undo brings it back")
        self.edits = [self.new_case, self.rename_case, self.delete_case, self.case_sources, self.new_attribute,
                      self.import_cases, self.add_to_case, self.remove_passage]
        self.all = [self.open_panel, *self.edits, self.case_memo, self.export_cases]

    def _action(self, text, slot, name, tip, keys=None) -> QAction:
        return make_action(self.w, text, slot, name=name, tip=tip, keys=keys, bare=True)

    @property
    def ctx(self):
        return self.w.ctx

    def add_menu(self, bar) -> QMenu:
        menu = bar.addMenu("C&ases")
        menu.setObjectName("casesMenu")
        for a in (self.open_panel, None, self.new_case, self.rename_case, self.case_sources, self.add_to_case,
                  self.case_memo, self.delete_case, None, self.new_attribute, None, self.import_cases,
                  self.export_cases):
            menu.addSeparator() if a is None else menu.addAction(a)
        return menu

    def confirm(self, title: str, text: str) -> bool:
        return confirm(self.w, title, text)

    def run(self, text: str, steps) -> bool:
        return self.ctx is not None and self.ctx.execute(StepCommand(self.ctx, text, steps))

    # -- the panel ----------------------------------------------------------------------------
    def show_panel(self):
        return self.w.panel_docks.open(PanelSpec("casesPanel", "Cases", self._build, None, frozenset()))

    def _build(self, ctx):
        from workbench.ui.panels.cases_panel import CasesPanel

        panel = CasesPanel(ctx.project, self)
        ctx.changed.connect(panel.on_changed)
        panel.case_selected.connect(lambda cid: self.w.memos.show_case(cid))
        return panel

    def panel(self):
        return self.w.panel_docks.panel("casesPanel")

    def current_case(self, quiet: bool = False) -> int | None:
        """The case selected in the Cases panel, else the case row selected in the source list."""
        panel = self.panel()
        if panel is not None and panel.isVisible() and panel.current_case() is not None:
            return panel.current_case()
        cur = self.w.source_panel.current()
        if cur and cur[0] == "case" and cur[1] is not None:
            return cur[1]
        if not quiet:
            self.w.status_note("Select a case first (in the Cases panel or the source list)")
        return None

    def case_name(self, case_id: int) -> str:
        from workbench.query.lookups import name_of

        return name_of(self.ctx.project, "case", case_id)

    # -- cases --------------------------------------------------------------------------------
    def create_case(self, name: str) -> int | None:
        step = CreateCase(name)
        if self.run(f"New case “{' '.join(name.split())}”", [step]):
            panel = self.panel()
            if panel is not None:
                panel.select_case(step.case_id)
            return step.case_id
        return None

    def create_case_dialog(self):
        if self.ctx is None:
            return None
        return ask_name(self.w, "New case", "Name of the new case (a city, a partnership, an interviewee):",
                        self.create_case)

    def rename(self, case_id: int, name: str, version: int | None = None) -> bool:
        """Rename a case; with the version the user saw, refused if someone else changed it since."""
        return self.run(f"Rename case to “{' '.join(name.split())}”", [RenameCase(case_id, name, version)])

    def rename_case_dialog(self):
        from workbench.query.lookups import field_of

        cid = self.current_case()
        if cid is None:
            return None
        # The name shown and its version, read together: the dialog may stay open while a
        # colleague renames the case, and their rename is then not overwritten (docs/team.md).
        shown, version = self.case_name(cid), field_of(self.ctx.project, "case", cid, "version")
        return ask_name(self.w, "Rename case", "New name:", lambda name: self.rename(cid, name, version), shown)

    def delete(self, case_id: int) -> bool:
        name = self.case_name(case_id)
        return self.run(f"Delete case “{name}”", [DeleteCase(case_id, self.ctx.coder_name)])

    def delete_current_case(self) -> bool:
        cid = self.current_case()
        if cid is None:
            return False
        name = self.case_name(cid)
        n = len(self.sources_of(cid))
        if not self.confirm("Delete case", f"Delete the case “{name}”? Its {count(n, 'source')} stay in the "
                            "project; its attribute values and memo go with it.\n\nEdit → Undo brings it back."):
            return False
        ok = self.delete(cid)
        if ok:
            self.w.status_note(f"Deleted the case “{name}”; Edit → Undo brings it back")
        return ok

    def edit_cell(self, case_id: int, what: str, attribute_id, text: str, seen=None) -> bool:
        """An edit typed into the attribute table. seen: what the cell showed, as CaseTableModel
        read it (the case's version for its name and description, the value for a value), so a
        colleague's change made meanwhile is refused, not overwritten (docs/team.md)."""
        if what == "name":
            return self.rename(case_id, text, seen)
        if what == "description":
            return self.run("Describe case", [DescribeCase(case_id, text, seen)])
        return self.run(f"Set value of case “{self.case_name(case_id)}”", [SetValue(case_id, attribute_id, text, seen)])

    def memo_current(self) -> None:
        cid = self.current_case()
        if cid is not None:
            self.w.show_case_memo(cid, focus=True)

    def sources_of(self, case_id: int) -> set[int]:
        from workbench.query.lookups import sources_of_case

        return sources_of_case(self.ctx.project, case_id)

    def set_sources(self, case_id: int, source_ids: set[int]) -> bool:
        if source_ids == self.sources_of(case_id):
            return False
        return self.run(f"Sources of case “{self.case_name(case_id)}”", [SetCaseSources(case_id, source_ids)])

    def case_sources_dialog(self):
        from workbench.ui.panels.cases_panel import CaseSourcesDialog

        cid = self.current_case()
        if cid is None:
            return None
        m = self.w.source_model
        sources = [(sid, m.source(sid).name) for sid in m.source_ids()]
        dialog = CaseSourcesDialog(self.case_name(cid), sources, self.sources_of(cid), self.w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_sources(cid, dialog.checked()))
        dialog.open()
        return dialog

    # -- passages -----------------------------------------------------------------------------
    def link_passage(self, case_id: int | None, name: str, passage: tuple[int, int, int]) -> bool:
        """Link passage (source id, start, end in code points) to the case case_id, or to a new case
        named name when case_id is None: one command, one undo."""
        if self.ctx is None:
            return False
        coder = self.ctx.ensure_coder()
        sid, a, b = passage
        steps = []
        if case_id is None:
            made = CreateCase(name)
            steps.append(made)
            target = lambda: made.case_id  # noqa: E731 - known once the case is made
        else:
            name, target = self.case_name(case_id), case_id
        link = LinkPassage(target, sid, a, b, coder)
        steps.append(link)
        if not self.run(f"Add passage to case “{' '.join(name.split())}”", steps):
            return False
        if link.record is None:
            self.w.status_note(f"That passage is already part of the case “{name}”")
        else:
            extra = f" ({'; '.join(link.warnings)})" if link.warnings else ""
            made_word = " (new case)" if case_id is None else ""
            self.w.status_note(f"Added {count(b - a, 'character')} to the case “{name}”{made_word}{extra}")
        panel = self.panel()
        if panel is not None:
            panel.select_case(link.case_id)
        return True

    def add_selection_dialog(self):
        """Add to case… on the passage selected in the document view."""
        from workbench.query.document import case_names
        from workbench.ui.dialogs.add_to_case import AddToCaseDialog

        view = self.w.document_view
        sel = view.selection_cp()
        if self.ctx is None or view.source_id is None or sel is None:
            self.w.status_note("Select a passage in the text first, then choose Add to case…")
            return None
        passage = (view.source_id, sel[0], sel[1])
        where = f"{view.source.name}, characters {sel[0]}–{sel[1]}"
        dialog = AddToCaseDialog(case_names(self.ctx.project), view.selected_text(), where,
                                 self.current_case(quiet=True), self.w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.link_passage(*dialog.choice(), passage))
        dialog.open()
        return dialog

    def unlink_passage(self, passage_id: int) -> bool:
        return self.run("Remove passage from case", [UnlinkPassage(passage_id, self.ctx.coder_name)])

    def remove_current_passage(self) -> bool:
        panel = self.panel()
        pid = panel.current_passage() if panel is not None else None
        if pid is None:
            self.w.status_note("Select a passage in the Cases panel's list of passages first")
            return False
        ok = self.unlink_passage(pid)
        if ok:
            self.w.status_note("Took the passage out of the case (its text and codings stay); "
                               "Edit → Undo brings it back")
        return ok

    def show_passage(self, source_id: int, start: int, end: int) -> None:
        """Open a case passage's source with the passage selected."""
        self.w.open_source(source_id)
        if self.w.document_view.source_id == source_id:
            self.w.document_view.select_cp(start, end)

    # -- attributes ---------------------------------------------------------------------------
    def create_attribute(self, name: str, type_: str) -> int | None:
        step = CreateAttribute(name, type_)
        return step.attribute_id if self.run(f"New attribute “{' '.join(name.split())}”", [step]) else None

    def new_attribute_dialog(self):
        from workbench.ui.panels.cases_panel import AttributeDialog

        if self.ctx is None:
            return None
        dialog = AttributeDialog(self.w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.create_attribute(dialog.name(), dialog.type()))
        dialog.open()
        return dialog

    def attribute_name(self, attribute_id: int) -> str:
        from workbench.query.lookups import name_of

        return name_of(self.ctx.project, "attribute", attribute_id)

    def rename_attribute_dialog(self, attribute_id: int):
        from workbench.query.lookups import field_of

        old = self.attribute_name(attribute_id)
        version = field_of(self.ctx.project, "attribute", attribute_id, "version")  # as the dialog shows it
        return ask_name(self.w, "Rename attribute", "New name:",
                        lambda name: self.run(f"Rename attribute “{old}”",
                                              [RenameAttribute(attribute_id, name, version)]), old)

    def delete_attribute(self, attribute_id: int) -> bool:
        name = self.attribute_name(attribute_id)
        if not self.confirm("Delete attribute", f"Delete the attribute “{name}” with its value in every case?"
                            "\n\nEdit → Undo brings it back."):
            return False
        return self.run(f"Delete attribute “{name}”", [DeleteAttribute(attribute_id, self.ctx.coder_name)])

    # -- CSV ----------------------------------------------------------------------------------
    def import_cases_file(self, path: str) -> bool:
        step = ImportCases(path)
        if not self.run(f"Import cases from {Path(path).name}", [step]):
            return False
        self.w.status_note(f"{step.result.summary().capitalize()} (from {path}); Edit → Undo takes it back")
        return True

    def import_cases_dialog(self) -> None:
        if self.ctx is None:
            return
        path = file_dialogs.open_file(self.w, "cases", "Import cases — " + CSV_FORMAT, CSV_FILTER)
        if path:
            self.import_cases_file(path)

    def export_cases_file(self, path: str) -> bool:
        from workbench.core.errors import WorkbenchError

        try:
            n = export_cases_csv(self.ctx.project, path)
        except (WorkbenchError, OSError) as exc:
            self.w.show_error(f"{path}: {getattr(exc, 'strerror', None) or exc}")
            return False
        self.w.status_note(f"Exported {count(n, 'case')} to {path}")
        return True

    def export_cases_dialog(self) -> None:
        if self.ctx is None:
            return
        path = file_dialogs.save_file(self.w, "cases", "Export cases — " + CSV_FORMAT, "cases.csv", CSV_FILTER, ".csv")
        if path:
            self.export_cases_file(path)
