"""The memo list in the window (View → All memos), opening a memo where it belongs, and exporting
every memo to Word (issue 10, item 5)."""
from __future__ import annotations

from PySide6.QtCore import QObject

from workbench.ui import file_dialogs
from workbench.ui.actions import make_action
from workbench.ui.panel_docks import PanelSpec
from workbench.ui.wording import count


class MemoActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.open_list = make_action(window, "All memos", self.show_list, name="memoListOpen", keys="Ctrl+Shift+M",
                                     bare=True, tip="Every memo of the project in one list, each opening in its place")
        self.export = make_action(window, "Memos (Word)…", self.export_dialog, name="exportMemos", bare=True,
                                  tip="All memos of the project as a Word document")
        self.all = [self.open_list, self.export]

    def show_list(self):
        return self.w.panel_docks.open(PanelSpec("memoListPanel", "Memos", self._build, None, frozenset()))

    def _build(self, ctx):
        from workbench.ui.panels.memo_list import MemoListPanel

        panel = MemoListPanel(ctx.project, self.export_dialog)
        ctx.changed.connect(panel.on_changed)
        panel.memo_activated.connect(self.jump_to)
        return panel

    def jump_to(self, memo) -> None:
        """Open the memo in the memo pane, with what it is on shown: the source, case, code or passage."""
        w = self.w
        w.memo_pane.flush()
        if memo.kind == "coding":
            if w.show_coding(memo.target_id):
                w.memos.show_coding(memo.target_id, focus=True)
        elif memo.kind == "source":
            w.open_source(memo.target_id)
            w.memos.show_source(memo.target_id, focus=True)
        elif memo.kind == "case":
            panel = w.case_actions.show_panel()
            if panel is not None:
                panel.select_case(memo.target_id)
            w.memos.show_case(memo.target_id, focus=True)
        elif memo.kind == "code":
            w.codebook_panel.select_code(memo.target_id)
            w.memos.show_code(memo.target_id, focus=True)
        else:
            w.memos.show_project(focus=True)

    def export_to(self, path: str) -> bool:
        from workbench.core.errors import WorkbenchError
        from workbench.io.exporters.memos_docx import write_memos
        from workbench.services.memos import list_memos

        ctx = self.w.ctx
        self.w.memo_pane.flush()
        panel = self.w.panel_docks.panel("memoListPanel")
        memos = panel.shown_rows() if panel is not None and panel.isVisible() else list_memos(ctx.project)
        try:
            n = write_memos(memos, path, ctx.name)
        except (WorkbenchError, OSError) as exc:
            self.w.show_error(f"{path}: {getattr(exc, 'strerror', None) or exc}")
            return False
        self.w.status_note(f"Exported {count(n, 'memo')} to {path}")
        return True

    def export_dialog(self) -> None:
        if self.w.ctx is None:
            return
        path = file_dialogs.save_file(self.w, "report", "Export memos to Word", "memos.docx", "Word (*.docx)", ".docx")
        if path:
            self.export_to(path)
