"""Coding and uncoding passages as undoable steps.

Restoring a removed coding gives it a new row id (its GUID stays), so steps keep GUIDs and look
the ids up each time they run.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ValidationError
from workbench.services.coding import CodingRecord, NewCoding, apply_codes, remove_codings, restore_codings
from workbench.store.models import Coding, Memo
from workbench.store.project import Project
from workbench.ui.commands.base import Step


class AlreadyCoded(ValidationError):
    """The passage already has that code by this coder: worth a status note, not a warning box."""

    quiet = True


def ids_of(project: Project, guids: list[str]) -> list[int]:
    with project.reading() as s:
        found = dict(s.execute(select(Coding.guid, Coding.id).where(Coding.guid.in_(guids))).all())
    return [found[g] for g in guids if g in found]


def memo_rows(project: Project, coding_ids: list[int]) -> dict[str, dict]:
    """The memo rows of these codings by coding GUID, taken before a removal."""
    cols = [c for c in Memo.__table__.c if c.name not in ("id", "coding_id")]
    with project.reading() as s:
        rows = s.execute(select(Coding.guid.label("coding_guid"), *cols).join(Memo, Memo.coding_id == Coding.id)
                         .where(Coding.id.in_(coding_ids))).all()
    return {r.coding_guid: {c.name: r._mapping[c] for c in cols} for r in rows}


def put_memo_rows(project: Project, rows: dict[str, dict]) -> None:
    """After restore_codings re-made the memos, give them back their GUIDs, authors and dates, so a
    merge with a colleague's copy sees the same memo and not a new one."""
    if not rows:
        return
    with project.transaction() as s:
        ids = dict(s.execute(select(Coding.guid, Coding.id).where(Coding.guid.in_(list(rows)))).all())
        for coding_guid, row in rows.items():
            if coding_guid in ids:
                s.execute(update(Memo).where(Memo.coding_id == ids[coding_guid]).values(
                    **{**row, "version": Memo.version + 1}))  # on to a new version, never back (docs/team.md)


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
        with project.reading() as s:
            self.guids = list(s.scalars(select(Coding.guid).where(Coding.id.in_(ids)).order_by(Coding.id)))
        return changes

    def undo(self, project: Project) -> Changes:
        ids = ids_of(project, self.guids)
        if len(ids) != len(self.guids):
            raise ValidationError("that coding is no longer in the project")
        self.memos = memo_rows(project, ids)
        changes = remove_codings(project, ids, self.deleted_by)
        self.records = changes.result
        return changes

    def redo(self, project: Project) -> Changes:
        changes = restore_codings(project, self.records)
        put_memo_rows(project, self.memos)
        return changes


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
        self.memos = memo_rows(project, ids)
        changes = remove_codings(project, ids, self.deleted_by)
        self.records = changes.result
        return changes

    def undo(self, project: Project) -> Changes:
        changes = restore_codings(project, self.records)
        put_memo_rows(project, self.memos)
        return changes


def guids_for(project: Project, ids: list[int]) -> list[str]:
    with project.reading() as s:
        return list(s.scalars(select(Coding.guid).where(Coding.id.in_(ids))))


def new_codings(source_id: int, code_id: int | Callable[[], int], coder_id: int, start: int, end: int
                ) -> Callable[[], list[NewCoding]]:
    """Items for ApplyCodings; code_id may be a callable read when the step runs."""
    def make() -> list[NewCoding]:
        cid = code_id() if callable(code_id) else code_id
        return [NewCoding(source_id, cid, coder_id, start, end)]
    return make
