"""Which memo the memo pane shows, and writing it as undoable commands."""
from __future__ import annotations

from workbench.query import document as q
from workbench.query.lookups import coding_guids, exists, field_of, name_of
from workbench.services.memos import get_memo, memo_version
from workbench.ui.commands.coding import ids_of
from workbench.ui.commands.memos import MemoCommand, SetMemo


class MemoTargets:
    """Points the memo pane at a project, source, case, code or coding. Codings are keyed by GUID."""

    def __init__(self, window):
        self.w = window
        pane = window.memo_pane
        pane.load = self.load
        pane.commit = self.commit
        pane.draft_key = self.draft_key
        self._seen: dict[tuple, int] = {}  # the version of each memo as the pane loaded or last wrote it

    @property
    def ctx(self):
        return self.w.ctx

    def _target_id(self, kind: str, key):
        if kind == "coding":
            ids = ids_of(self.ctx.project, [key])
            return ids[0] if ids else None
        return key

    def load(self, kind: str, key) -> str:
        if self.ctx is None:
            return ""
        target = self._target_id(kind, key)
        if kind != "project" and target is None:
            return ""
        self._seen[(kind, key)] = memo_version(self.ctx.project, kind, target)
        return get_memo(self.ctx.project, kind, target)

    def draft_key(self, kind: str, key):
        """What a memo's draft is kept under: its target's GUID (a coding's key is one already),
        never an id another copy of the project or a later code may reuse (ui/memo_drafts.py)."""
        if self.ctx is None or kind in ("project", "coding"):
            return key
        guid = field_of(self.ctx.project, kind, key, "guid")
        return guid if guid is not None else f"gone-{key}"

    def gone(self, kind: str, key) -> bool:
        """Whether the memo's target has been deleted (or its coding removed)."""
        if self.ctx is None or kind == "project":
            return False
        if kind == "coding":
            return self._target_id(kind, key) is None
        if kind == "code":
            return self.w.code_model.row(key) is None
        return not exists(self.ctx.project, kind, key)

    def commit(self, kind: str, key, text: str) -> bool:
        if self.ctx is None:
            return False
        author = self.ctx.coder_id
        # Written over the version the pane showed: someone else's save since is not overwritten (docs/team.md).
        step = SetMemo(kind, lambda p: self._target_id(kind, key), text, author, key=(kind, key),
                       version=self._seen.get((kind, key)))
        done = self.ctx.execute(MemoCommand(self.ctx, f"Edit {kind} memo", step))
        if done:
            target = self._target_id(kind, key)
            if kind == "project" or target is not None:
                self._seen[(kind, key)] = memo_version(self.ctx.project, kind, target)
        return done

    def _show(self, kind: str, key, title: str, focus: bool) -> None:
        self.w.memo_pane.show_target(kind, key, title)
        dock = self.w.docks.get("memoPane")
        if focus:
            if dock is not None:
                dock.show()
                dock.raise_()
            self.w.memo_pane.editor.setFocus()

    def show_project(self, focus: bool = False) -> None:
        if self.ctx is not None:
            self._show("project", None, f"Memo on the project “{self.ctx.name}”", focus)

    def show_source(self, source_id: int, focus: bool = False) -> None:
        name = name_of(self.ctx.project, "source", source_id) or None
        self._show("source", source_id, f"Memo on source “{name}”", focus)

    def show_case(self, case_id: int, focus: bool = False) -> None:
        name = name_of(self.ctx.project, "case", case_id) or None
        self._show("case", case_id, f"Memo on case “{name}”", focus)

    def show_code(self, code_id: int, focus: bool = False) -> None:
        if self.ctx is None:
            return
        row = self.w.code_model.row(code_id)
        if row is not None:
            self._show("code", code_id, f"Memo on code “{row.path}”", focus)

    def show_coding(self, coding_id: int, focus: bool = False) -> None:
        guids = coding_guids(self.ctx.project, [coding_id])
        if not guids:
            return
        guid = guids[0]
        rows = q.source_codings(self.ctx.project, self.w.document_view.source_id or -1, [coding_id])
        title = (f"Memo on coding “{rows[0].code_path}” by {rows[0].coder}, characters {rows[0].start}–{rows[0].end}"
                 if rows else "Memo on coding")
        self._show("coding", guid, title, focus)
