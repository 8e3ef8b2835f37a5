"""The ways of coding a selected passage, and of undoing one: picker, quick keys, in-vivo, drop, menus.

Every way ends in `code_selection(code_id)` or `code_selection_new(path)`, one command each.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from workbench.core.paths import join_path, split_path
from workbench.query.lookups import code_tree
from workbench.ui.commands.base import StepCommand
from workbench.ui.commands.codebook import CreateCode
from workbench.ui.commands.coding import ApplyCodings, RemoveCodings, new_codings
from workbench.ui.dialogs.code_picker import CodePicker
from workbench.ui.actions import make_action

IN_VIVO_MAX = 80


def in_vivo_name(text: str) -> str:
    """A code name from the participant's words: one line, trimmed of quotes and end punctuation."""
    name = " ".join(text.split()).strip(" \"'“”‘’«».,;:!?()[]")
    if len(name) > IN_VIVO_MAX:
        cut = name[:IN_VIVO_MAX].rsplit(" ", 1)[0]
        name = (cut or name[:IN_VIVO_MAX]) + "…"
    return name.replace("/", "\\/")


class CodingActions(QObject):
    """Owns the coding QActions; the window adds them to menus and to the document view."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        view = window.document_view
        self.code_with = self._action("Code selection…", self.pick_and_code, ["Ctrl+K", "Ctrl+Shift+C"],
                                      "codeWithPicker", "Choose a code for the selected passage (type to filter)")
        self.in_vivo = self._action("In-vivo code", self.code_in_vivo, ["Ctrl+I"], "inVivo",
                                    "Make a new code named by the selected words and apply it")
        # Del reaches it through Edit → Delete (edit_actions.py), which acts on the selection under the focus.
        self.uncode = self._action("Remove coding", self.remove_selected_coding, [], "removeCoding",
                                   "Remove the selected coding (click its bracket first; Del)")
        self.coding_memo = self._action("Memo on coding…", self.memo_on_selected_coding, [], "codingMemo",
                                        "Write a memo on the selected coding")
        self.quick: list[QAction] = []
        for n in range(1, 10):
            a = self._action(f"Quick code {n}", lambda _=False, n=n: self.quick_code(n), [str(n)], f"quickCode{n}")
            a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # digits are for coding only in the text
            view.addAction(a)
            self.quick.append(a)
        self.next_coding = self._action("Next coding of code", lambda: self.w.step_coding(+1), ["Ctrl+."],
                                        "nextCoding", "Go to the next passage coded with the selected code")
        self.prev_coding = self._action("Previous coding of code", lambda: self.w.step_coding(-1), ["Ctrl+,"],
                                        "previousCoding", "Go to the previous passage coded with the selected code")
        view.menu_builder = self.document_menu
        view.coding_menu.connect(self.bracket_menu)

    def _action(self, text, slot, keys, name, tip="") -> QAction:
        return make_action(self.w, text, slot, name=name, keys=keys, tip=tip)

    @property
    def ctx(self):
        return self.w.ctx

    # -- the one place that codes -------------------------------------------------------------
    def _selection(self) -> tuple[int, int, int] | None:
        view = self.w.document_view
        sel = view.selection_cp()
        if self.ctx is None or view.source_id is None or sel is None:
            self.w.status_note("Select a passage in the text first")
            return None
        return view.source_id, sel[0], sel[1]

    def code_selection(self, code_id: int, passage: tuple[int, int, int] | None = None) -> bool:
        """Apply an existing code to the selected passage (or to passage: source id, start, end)."""
        passage = passage or self._selection()
        if passage is None:
            return False
        coder = self.ctx.ensure_coder()
        if coder is None:
            return False
        row = self.w.code_model.row(code_id)
        name = row.name if row else "code"
        sid, a, b = passage
        cmd = StepCommand(self.ctx, f"Code “{name}”", [ApplyCodings(new_codings(sid, code_id, coder, a, b),
                                                                      self.ctx.coder_name)])
        if not self.ctx.execute(cmd):
            return False
        self.ctx.note_recent_code(code_id)
        self.w.status_note(f"Coded {b - a} characters as “{row.path if row else name}” — saved")
        return True

    def code_selection_new(self, path: str, passage: tuple[int, int, int] | None = None) -> bool:
        """Create the code at path (and missing parents) and apply it, as one undoable action."""
        passage = passage or self._selection()
        if passage is None:
            return False
        coder = self.ctx.ensure_coder()
        if coder is None:
            return False
        try:
            parts = split_path(path)
        except ValueError as exc:
            self.ctx.error.emit(str(exc))
            return False
        tree = code_tree(self.ctx.project)
        parent, i = None, 0
        while i < len(parts) - 1:  # walk down the parents that exist
            found = tree.find(join_path(parts[: i + 1]))
            if found is None:
                break
            parent, i = found, i + 1
        steps, prev = [], parent
        for part in parts[i:]:
            step = CreateCode(part, prev, created_by_id=coder)
            steps.append(step)
            prev = (lambda st=step: st.code_id)
        last = steps[-1]
        sid, a, b = passage
        steps.append(ApplyCodings(new_codings(sid, lambda: last.code_id, coder, a, b), self.ctx.coder_name))
        if not self.ctx.execute(StepCommand(self.ctx, f"Code with new code “{parts[-1]}”", steps)):
            return False
        self.ctx.note_recent_code(last.code_id)
        self.w.status_note(f"Created “{path}” and coded {b - a} characters — saved")
        return True

    # -- the ways in ------------------------------------------------------------------------------
    def pick_and_code(self) -> None:
        passage = self._selection()
        if passage is None:
            return
        picker = CodePicker(self.w.code_model.rows(), self.w)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done() -> None:
            if picker.code_id is not None:
                self.code_selection(picker.code_id, passage)
            elif picker.new_path:
                self.code_selection_new(picker.new_path, passage)

        picker.accepted.connect(done)
        picker.open()
        picker.field.setFocus()

    def code_in_vivo(self) -> None:
        passage = self._selection()
        if passage is None:
            return
        name = in_vivo_name(self.w.document_view.selected_text())
        if not name:
            self.w.status_note("The selection has no words to name a code with")
            return
        existing = code_tree(self.ctx.project).find(name)
        if existing is not None and self.w.code_model.row(existing).parent_id is None:
            self.code_selection(existing, passage)
        else:
            self.code_selection_new(name, passage)

    def quick_code(self, n: int) -> None:
        if self.ctx is None:
            return
        code_id = self.w.pinned_code(n)
        if code_id is None:
            self.w.status_note(f"No code on key {n}: right-click a code and choose “Pin to key”")
            return
        self.code_selection(code_id)

    def drop_passage(self, code_id: int, passage: dict) -> None:
        """A selection dragged onto a code in the tree."""
        if self.ctx is None or passage["source_id"] not in self.w.source_model.source_ids():
            return
        self.code_selection(code_id, (passage["source_id"], passage["start"], passage["end"]))

    # -- removing, memos ------------------------------------------------------------------------
    def remove_coding(self, coding_id: int) -> bool:
        span = self.w.document_view.layer.spans.get(coding_id)
        label = span.row.code_name if span else "coding"
        from workbench.ui.commands.coding import guids_for

        guids = guids_for(self.ctx.project, [coding_id])
        if not guids:
            return False
        ok = self.ctx.execute(StepCommand(self.ctx, f"Remove coding “{label}”",
                                          [RemoveCodings(guids, self.ctx.coder_name)]))
        if ok:
            self.w.status_note(f"Removed the coding “{label}” — saved")
        return ok

    def remove_selected_coding(self) -> None:
        cid = self.w.selected_coding()
        if cid is None:
            self.w.status_note("Click a coding's bracket (or a row in the codings list) to select it first")
            return
        self.remove_coding(cid)

    def memo_on_selected_coding(self) -> None:
        cid = self.w.selected_coding()
        if cid is None:
            spans = self.w.document_view.layer.at(self.w.document_view.textCursor().position())
            cid = spans[-1].id if spans else None
        if cid is None:
            self.w.status_note("Select a coding first")
            return
        self.w.edit_coding_memo(cid)

    # -- menus ----------------------------------------------------------------------------------
    def document_menu(self, view, spans) -> QMenu:
        menu = QMenu(view)
        has_sel = view.selection_cp() is not None
        writable = self.ctx is not None and not self.ctx.readonly
        for a in (self.code_with, self.in_vivo):
            a.setEnabled(has_sel and writable)
            menu.addAction(a)
        recent = [cid for cid in self.ctx.recent_codes if self.w.code_model.row(cid)] if self.ctx else []
        if recent:
            sub = menu.addMenu("Code with recent")
            sub.setObjectName("recentCodesMenu")
            sub.setEnabled(has_sel and writable)
            for cid in recent[:8]:
                row = self.w.code_model.row(cid)
                act = sub.addAction(row.path)
                act.setObjectName(f"recentCode{cid}")
                act.triggered.connect(lambda _=False, c=cid: self.code_selection(c))
        cases = getattr(self.w, "case_actions", None)
        if cases is not None:  # Add to case…: the passage becomes part of a case (issue 10, item 1)
            menu.addSeparator()
            cases.add_to_case.setEnabled(has_sel and writable)
            menu.addAction(cases.add_to_case)
        if spans:
            menu.addSeparator()
        for span in spans:
            self._coding_submenu(menu, span.id, f"{span.row.code_path} — {span.row.coder}", writable)
        menu.addSeparator()
        menu.addAction(self.w.find_action)
        return menu

    def _coding_submenu(self, menu: QMenu, coding_id: int, title: str, writable: bool = True) -> QMenu:
        sub = menu.addMenu(title)
        sub.setObjectName(f"codingMenu{coding_id}")
        sel = sub.addAction("Select passage")
        sel.triggered.connect(lambda: self.w.show_coding(coding_id))
        memo = sub.addAction("Memo on coding…")
        memo.triggered.connect(lambda: self.w.edit_coding_memo(coding_id))
        rm = sub.addAction("Remove coding")
        rm.setObjectName(f"removeCoding{coding_id}")
        rm.setEnabled(writable)
        rm.triggered.connect(lambda: self.remove_coding(coding_id))
        return sub

    def bracket_menu(self, coding_id: int, pos) -> None:
        self.w.show_coding(coding_id)
        menu = QMenu(self.w.document_view)
        span = self.w.document_view.layer.spans.get(coding_id)
        title = f"{span.row.code_path} — {span.row.coder}" if span else "coding"
        head = menu.addAction(title)
        head.setEnabled(False)
        menu.addAction("Memo on coding…").triggered.connect(lambda: self.w.edit_coding_memo(coding_id))
        menu.addAction("Remove coding").triggered.connect(lambda: self.remove_coding(coding_id))
        menu.exec(pos)
