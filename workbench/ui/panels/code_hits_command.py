"""Undo for coding search hits: one QUndoCommand over services.code_hits."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from workbench.services.code_hits import code_hits
from workbench.services.coding import remove_codings, restore_codings


class CodeHitsCommand(QUndoCommand):
    """Redo codes the hits (first time) or restores the same codings (GUIDs kept); undo removes them."""

    def __init__(self, project, hits, code_id: int, coder_id: int, extend: str = "none", deleted_by: str = ""):
        super().__init__(f"Code {len(hits)} search hits")
        self.project, self.hits, self.code_id, self.coder_id, self.extend = project, list(hits), code_id, coder_id, extend
        self.deleted_by = deleted_by
        self.created: list[int] = []
        self.records = None
        self.changes = None

    def redo(self) -> None:
        if self.records is None:
            self.changes = code_hits(self.project, self.hits, self.code_id, self.coder_id, self.extend)
            self.created = list(self.changes.created.get("coding", []))
        else:
            self.changes = restore_codings(self.project, self.records)
            self.created = list(self.changes.created.get("coding", []))

    def undo(self) -> None:
        if self.created:
            self.records = remove_codings(self.project, self.created, self.deleted_by)
        else:
            self.records = []
