"""Coding and uncoding passages as undoable steps.

Restoring a removed coding gives it a new row id (its GUID stays), so steps keep GUIDs and look
the ids up each time they run.
"""
from __future__ import annotations

from collections.abc import Callable

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ValidationError
from workbench.query.lookups import coding_guids, coding_ids
from workbench.services.coding import (CodingRecord, NewCoding, apply_codes, coding_memo_rows, remove_codings,
                                       restore_codings)
from workbench.store.project import Project
from workbench.ui.commands.base import Step


class AlreadyCoded(ValidationError):
    """The passage already has that code by this coder: worth a status note, not a warning box."""

    quiet = True


def ids_of(project: Project, guids: list[str]) -> list[int]:
    return coding_ids(project, guids)


class ApplyCodings(Step):
    """Apply codings; the items are made when the step first runs (a code created by an earlier
    step of the same command has its id by then)."""

    def __init__(self, make_items: Callable[[], list[NewCoding]], deleted_by: str = ""):
        self.make_items = make_items
        self.deleted_by = deleted_by
        self.guids: list[str] = []
        self.records: list[CodingRecord] = []
        self.memos: dict[str, dict] = {}

    def do(self, project: Project) -> Changes:
        items = self.make_items()
        changes = apply_codes(project, items)
        ids = changes.ids("created", Kind.CODING)
        if not ids:
            raise AlreadyCoded("that passage already has this code by you; nothing added")
        self.guids = coding_guids(project, ids)
        return changes

    def undo(self, project: Project) -> Changes:
        ids = ids_of(project, self.guids)
        if len(ids) != len(self.guids):
            raise ValidationError("that coding is no longer in the project")
        self.memos = coding_memo_rows(project, ids)
        changes = remove_codings(project, ids, self.deleted_by)
        self.records = changes.result
        return changes

    def redo(self, project: Project) -> Changes:
        return restore_codings(project, self.records, self.memos)


class RemoveCodings(Step):
    """Remove codings (found by GUID each time); undo puts them back with their memos."""

    def __init__(self, guids: list[str], deleted_by: str = ""):
        self.guids = guids
        self.deleted_by = deleted_by
        self.records: list[CodingRecord] = []
        self.memos: dict[str, dict] = {}

    def do(self, project: Project) -> Changes:
        ids = ids_of(project, self.guids)
        if len(ids) != len(self.guids):
            raise ValidationError("that coding is no longer in the project")
        self.memos = coding_memo_rows(project, ids)
        changes = remove_codings(project, ids, self.deleted_by)
        self.records = changes.result
        return changes

    def undo(self, project: Project) -> Changes:
        return restore_codings(project, self.records, self.memos)


def guids_for(project: Project, ids: list[int]) -> list[str]:
    return coding_guids(project, ids)


def new_codings(source_id: int, code_id: int | Callable[[], int], coder_id: int, start: int, end: int
                ) -> Callable[[], list[NewCoding]]:
    """Items for ApplyCodings; code_id may be a callable read when the step runs."""
    def make() -> list[NewCoding]:
        cid = code_id() if callable(code_id) else code_id
        return [NewCoding(source_id, cid, coder_id, start, end)]
    return make
