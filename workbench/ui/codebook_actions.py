"""Codebook actions of the window, with the command line's validation (the same services)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMenu

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ValidationError, WorkbenchError
from workbench.services.codebook import count_codings
from workbench.ui import file_dialogs, settings
from workbench.ui.commands.base import StepCommand
from workbench.ui.commands.codebook import (CreateCode, DeleteCode, DescribeCode, MergeCodes, MoveCode, RecolorCode,
                                            RenameCode)
from workbench.ui.dialogs.code_picker import CodePicker
from workbench.ui.dialogs.code_properties import CodePropertiesDialog
from workbench.ui.actions import make_action

# Codebook file formats: extension -> module in workbench.io with import_codebook / export_codebook.
CODEBOOK_FORMATS = {".txt": "codebook_outline", ".csv": "codebook_csv", ".qdc": "qdc", ".docx": "codebook_docx"}


def codebook_module(path: str, verb: str):
    import importlib

    name = CODEBOOK_FORMATS.get(Path(path).suffix.lower())
    try:
        module = importlib.import_module(f"workbench.io.{name}") if name else None
    except ModuleNotFoundError:
        module = None
    if module is None or not hasattr(module, f"{verb}_codebook"):
        raise ValidationError(f"{path}: cannot {verb} a codebook in this format")
    return getattr(module, f"{verb}_codebook")


class CodebookActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.new_code = self._action("New code…", self.create_code, "Ctrl+Shift+N", "newCode")
        self.new_subcode = self._action("New subcode…", self.create_subcode, "", "newSubcode")
        self.rename = self._action("Rename code", self.rename_current, "", "renameCode")
        self.properties = self._action("Definition and colour…", self.edit_properties, "", "codeProperties")
        self.recolor = self._action("Colour…", self.recolor_current, "", "recolorCode")
        self.delete = self._action("Delete code…", self.delete_current, "", "deleteCode")
        self.merge = self._action("Merge into…", self.merge_selected, "", "mergeCodes")
        self.code_memo = self._action("Memo on code", self.memo_current, "", "codeMemo")
        self.import_codebook = self._action("Import codebook…", self.import_codebook_dialog, "", "importCodebook")
        self.export_codebook = self._action("Export codebook…", self.export_codebook_dialog, "", "exportCodebook")
        panel = window.codebook_panel
        panel.tree.customContextMenuRequested.connect(self.tree_menu)
        panel.tree.doubleClicked.connect(lambda idx: self.edit_properties() if idx.column() == 1 else None)

    def _action(self, text, slot, key, name) -> QAction:
        return make_action(self.w, text, slot, name=name, keys=key)

    @property
    def ctx(self):
        return self.w.ctx

    def confirm(self, title: str, text: str) -> bool:
        """Ask before destroying work."""
        from workbench.ui.dialogs.ask import confirm

        return confirm(self.w, title, text)

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self.w, title, label, text=text)
        return value if ok else None

    def _current(self) -> int | None:
        cid = self.w.codebook_panel.current_code()
        if cid is None:
            self.w.status_note("Select a code in the codebook first")
        return cid

    # -- codes ----------------------------------------------------------------------------------
    def create(self, name: str, parent_id: int | None = None, color: str | None = None) -> int | None:
        step = CreateCode(name, parent_id, color, created_by_id=self.ctx.coder_id)
        if self.ctx.execute(StepCommand(self.ctx, f"New code “{name.strip()}”", [step])):
            self.w.codebook_panel.select_code(step.code_id)
            return step.code_id
        return None

    def create_code(self) -> None:
        if self.ctx is None:
            return
        name = self.ask_text("New code", "Name of the new code:")
        if name is not None:
            self.create(name)

    def create_subcode(self) -> None:
        parent = self._current()
        if parent is None:
            return
        name = self.ask_text("New subcode", f"Name of the new subcode of “{self.w.code_model.row(parent).name}”:")
        if name is not None:
            self.create(name, parent)

    def rename_code(self, code_id: int, name: str) -> bool:
        return self.ctx.execute(StepCommand(self.ctx, f"Rename code to “{name.strip()}”",
                                            [RenameCode(code_id, name, self._seen(code_id))]))

    def _seen(self, code_id: int) -> int | None:
        """The code's version as the codebook shows it: an edit made over someone else's newer
        change is refused (docs/team.md)."""
        row = self.w.code_model.row(code_id)
        return row.version if row is not None and row.version else None

    def rename_current(self) -> None:
        cid = self._current()
        if cid is not None:
            self.w.codebook_panel.edit_code(cid)

    def recolor_code(self, code_id: int, color: str) -> bool:
        return self.ctx.execute(StepCommand(self.ctx, "Recolour code", [RecolorCode(code_id, color, self._seen(code_id))]))

    def recolor_current(self) -> None:
        cid = self._current()
        if cid is None:
            return
        c = QColorDialog.getColor(QColor(self.w.code_model.row(cid).color), self.w, "Code colour")
        if c.isValid():
            self.recolor_code(cid, c.name())

    def describe_code(self, code_id: int, text: str) -> bool:
        return self.ctx.execute(StepCommand(self.ctx, "Edit code definition", [DescribeCode(code_id, text, self._seen(code_id))]))

    def edit_properties(self) -> None:
        cid = self._current()
        if cid is None:
            return
        row = self.w.code_model.row(cid)
        dlg = CodePropertiesDialog(row, self.w)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done() -> None:
            steps = []
            if dlg.name().strip() != row.name:
                steps.append(RenameCode(cid, dlg.name()))
            if dlg.color() != row.color:
                steps.append(RecolorCode(cid, dlg.color()))
            if dlg.description() != row.description:
                steps.append(DescribeCode(cid, dlg.description()))
            if steps:
                steps[0].version = row.version  # what the dialog showed; the later steps follow the first
                self.ctx.execute(StepCommand(self.ctx, f"Edit code “{row.name}”", steps))

        dlg.accepted.connect(done)
        dlg.open()

    def move(self, code_id: int, parent_id: int | None, position: int) -> bool:
        row = self.w.code_model.row(code_id)
        return self.ctx.execute(StepCommand(self.ctx, f"Move code “{row.name if row else ''}”",
                                            [MoveCode(code_id, parent_id, None if position < 0 else position)]))

    def delete_code(self, code_id: int) -> bool:
        row = self.w.code_model.row(code_id)
        n = count_codings(self.ctx.project, code_id, with_children=True)
        if n and not self.confirm("Delete code", f"“{row.path}” and its subcodes hold {n} codings. "
                                  "Delete the code with its codings? (Edit > Undo brings them back.)"):
            return False
        return self.ctx.execute(StepCommand(self.ctx, f"Delete code “{row.name}”",
                                            [DeleteCode(code_id, self.ctx.coder_name)]))

    def delete_current(self) -> None:
        cid = self._current()
        if cid is not None:
            self.delete_code(cid)

    def merge_codes(self, source_ids: list[int], target_id: int) -> bool:
        target = self.w.code_model.row(target_id)
        return self.ctx.execute(StepCommand(self.ctx, f"Merge into “{target.name}”",
                                            [MergeCodes(source_ids, target_id, self.ctx.coder_name)]))

    def merge_selected(self) -> None:
        ids = [i for i in self.w.codebook_panel.selected_codes() if i is not None]
        if not ids:
            self.w.status_note("Select the codes to merge in the codebook first")
            return
        rows = [r for r in self.w.code_model.rows() if r.id not in ids]
        picker = CodePicker(rows, self.w, allow_new=False, title="Merge into which code?")
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.accepted.connect(lambda: picker.code_id is not None and self.merge_codes(ids, picker.code_id))
        picker.open()

    def memo_current(self) -> None:
        cid = self._current()
        if cid is not None:
            self.w.show_code_memo(cid, focus=True)

    def pin(self, code_id: int, key: int | None) -> None:
        """Put a code on quick key 1-9 (None takes it off)."""
        row = self.w.code_model.row(code_id)
        pins = settings.pinned_codes(self.ctx.guid)
        pins = ["" if g == row.guid else g for g in pins]
        if key is not None:
            pins[key - 1] = row.guid
        settings.set_pinned_codes(self.ctx.guid, pins)
        self.w.refresh_pins()
        self.w.status_note(f"“{row.name}” is on key {key}" if key else f"“{row.name}” is on no key now")

    def tree_menu(self, pos) -> None:
        if self.ctx is None:
            return
        tree = self.w.codebook_panel.tree
        menu = QMenu(tree)
        cid = self.w.codebook_panel.current_code() if tree.indexAt(pos).isValid() else None
        menu.addAction(self.new_code)
        if cid is not None:
            menu.addAction(self.new_subcode)
            menu.addSeparator()
            for a in (self.rename, self.properties, self.recolor, self.code_memo, self.merge, self.delete):
                menu.addAction(a)
            pins = menu.addMenu("Pin to key")
            for k in range(1, 10):
                current = self.w.pinned_code(k)
                label = f"{k}" + (f"  ({self.w.code_model.row(current).name})" if current else "")
                pins.addAction(label).triggered.connect(lambda _=False, k=k: self.pin(cid, k))
            pins.addSeparator()
            pins.addAction("No key").triggered.connect(lambda: self.pin(cid, None))
        menu.exec(tree.viewport().mapToGlobal(pos))

    # -- codebook files -------------------------------------------------------------------------
    def import_codebook_file(self, path: str) -> None:
        try:
            fn = codebook_module(path, "import")
        except WorkbenchError as exc:
            self.ctx.error.emit(str(exc))
            return
        result = self.ctx.attempt(fn, self.ctx.project, Path(path), changes=Changes().some("updated", Kind.CODE))
        if result:
            self.w.status_note(f"Imported codebook from {Path(path).name}: {result}")

    def import_codebook_dialog(self) -> None:
        if self.ctx is None:
            return
        path = file_dialogs.open_file(self.w, "codebook", "Import codebook",
                                      "Codebooks (*.txt *.csv *.qdc);;All files (*)")
        if path:
            self.import_codebook_file(path)

    def export_codebook_dialog(self) -> None:
        if self.ctx is None:
            return
        path = file_dialogs.save_file(self.w, "codebook", "Export codebook", "codebook.txt",
                                      "Outline (*.txt);;CSV (*.csv);;REFI-QDA (*.qdc);;Word (*.docx)")
        if path:
            self.export_codebook_file(path)

    def export_codebook_file(self, path: str) -> None:
        try:
            fn = codebook_module(path, "export")
        except WorkbenchError as exc:
            self.ctx.error.emit(str(exc))
            return
        if self.ctx.attempt(fn, self.ctx.project, Path(path), changes=Changes()) is not None:
            self.w.status_note(f"Exported the codebook to {path}")
