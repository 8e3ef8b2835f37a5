"""Edit → Delete and Edit → Rename: one shortcut each (Del, F2), acting on what is selected where
the focus is: a coding in the text or the codings list, a code, a source, a case or a folder.

Each key is bound to exactly one action (issue 10, item 10): the specific menu items (Remove
coding, Delete code…, Delete source…) carry no shortcut of their own.
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from workbench.ui.actions import make_action


def _inside(widget: QWidget | None, ancestor: QWidget | None) -> bool:
    while widget is not None and ancestor is not None:
        if widget is ancestor:
            return True
        widget = widget.parentWidget()
    return False


class EditActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.delete = make_action(window, "Delete", self.delete_selected, name="deleteSelected",
                                  keys=QKeySequence(QKeySequence.StandardKey.Delete), bare=True,
                                  tip="Delete what is selected: a coding, a code, a source, a case or a folder")
        self.rename = make_action(window, "Rename…", self.rename_selected, name="renameSelected", keys="F2",
                                  bare=True, tip="Rename the selected code, source, case or folder")
        self.all = [self.delete, self.rename]

    def target(self) -> str | None:
        """What the selection under the focus is: coding, code, source, case, folder, or None."""
        w = self.w
        focus = QApplication.focusWidget()
        if _inside(focus, w.document_view) or _inside(focus, w.coding_list):
            return "coding"
        if _inside(focus, w.codebook_panel.tree):
            return "code"
        if _inside(focus, w.source_panel.tree):
            cur = w.source_panel.current()
            return cur[0] if cur and cur[1] is not None else None
        panel = w.case_actions.panel()
        if panel is not None and _inside(focus, panel.table):
            return "case"
        if panel is not None and _inside(focus, panel.passages):
            return "case passage"
        return None

    def delete_selected(self) -> None:
        w, what = self.w, self.target()
        if w.ctx is None:
            return
        if what == "coding":
            w.coding_actions.remove_selected_coding()
        elif what == "code":
            w.codebook_actions.delete_current()
        elif what == "source":
            w.source_actions.delete_current()
        elif what == "case":
            w.case_actions.delete_current_case()
        elif what == "folder":
            w.source_actions.delete_current_folder()
        elif what == "case passage":  # the passage leaves its case; its text and codings stay
            w.case_actions.remove_current_passage()
        else:
            w.status_note("Select a coding, code, source or case to delete")

    def rename_selected(self) -> None:
        w, what = self.w, self.target()
        if w.ctx is None:
            return
        if what == "code":
            w.codebook_actions.rename_current()
        elif what == "source":
            w.source_actions.rename_dialog()
        elif what == "case":
            panel = w.case_actions.panel()
            if panel is not None and panel.table.hasFocus():
                idx = panel.table.currentIndex()
                panel.table.edit(panel.proxy.index(idx.row(), 0))
            else:
                w.case_actions.rename_case_dialog()
        elif what == "folder":
            w.source_actions.rename_folder_dialog()
        else:
            w.status_note("Select a code, source, case or folder to rename")

    def actions(self) -> list[QAction]:
        return self.all
