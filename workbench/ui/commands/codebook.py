"""Codebook edits as undoable steps: create, rename, recolour, describe, move, delete and merge codes."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import insert, or_, select, update

from workbench.core.changes import Changes, Kind
from workbench.services import codebook as cb
from workbench.services.lookup import CodeTree
from workbench.services.tombstones import unbury
from workbench.store.models import Code, Coding, Memo
from workbench.store.project import Project
from workbench.ui.commands.base import Step


def _next_version(model) -> dict:
    """A row written back by undo goes on to a new version, never back to its old one: a version
    is never seen twice, or a change made from the old view would pass its check (docs/team.md)."""
    return {"version": model.version + 1}


class CreateCode(Step):
    """Create a code. Undo deletes it (keeping a snapshot), so redo brings back the same id and GUID
    and later commands on the stack that name the id still find it."""

    def __init__(self, name: str, parent_id: int | None | Callable[[], int] = None, color: str | None = None,
                 created_by_id: int | None = None):
        self.name, self.parent_id, self.color, self.created_by_id = name, parent_id, color, created_by_id
        self.code_id: int | None = None
        self.snap: cb.CodeSnapshot | None = None

    def do(self, project: Project) -> Changes:
        parent = self.parent_id() if callable(self.parent_id) else self.parent_id  # an earlier step's new code
        changes = cb.create_code(project, self.name, parent, self.color, created_by_id=self.created_by_id)
        self.code_id = changes.ids("created", Kind.CODE)[0]
        return changes

    def undo(self, project: Project) -> Changes:
        changes = cb.delete_code(project, self.code_id, force=True)
        self.snap = changes.result
        return changes

    def redo(self, project: Project) -> Changes:
        return cb.restore_code(project, self.snap)


class _SetField(Step):
    """Change one field of a code through its service function; undo writes the old value back."""

    field = ""

    def __init__(self, code_id: int, value: str, version: int | None = None):
        # version: the code's version the user saw; the first run is refused if someone else changed
        # it since (undo and redo are checked by StepCommand).
        self.code_id, self.value, self.old, self.version = code_id, value, None, version

    def apply(self, project: Project, value: str, version: int | None = None) -> Changes:
        raise NotImplementedError

    def do(self, project: Project) -> Changes:
        with project.reading() as s:
            self.old = s.scalar(select(getattr(Code, self.field)).where(Code.id == self.code_id))
        return self.apply(project, self.value, self.version)

    def redo(self, project: Project) -> Changes:
        return self.apply(project, self.value)

    def undo(self, project: Project) -> Changes:
        return self.apply(project, self.old)


class RenameCode(_SetField):
    field = "name"

    def apply(self, project, value, version=None):
        return cb.rename_code(project, self.code_id, value, version)


class RecolorCode(_SetField):
    field = "color"

    def apply(self, project, value, version=None):
        return cb.recolor_code(project, self.code_id, value, version)


class DescribeCode(_SetField):
    field = "description"

    def apply(self, project, value, version=None):
        return cb.describe_code(project, self.code_id, value, version)


class MoveCode(Step):
    """Re-parent or reorder a code; undo puts it back at its old place among its old siblings."""

    def __init__(self, code_id: int, parent_id: int | None, position: int | None):
        self.code_id, self.parent_id, self.position = code_id, parent_id, position
        self.old_parent: int | None = None
        self.old_position = 0

    def do(self, project: Project) -> Changes:
        with project.reading() as s:
            tree = CodeTree(s)
        self.old_parent = tree.parent[self.code_id] if self.code_id in tree.parent else None
        self.old_position = tree.children.get(self.old_parent, []).index(self.code_id) \
            if self.code_id in tree.parent else 0
        return cb.move_code(project, self.code_id, self.parent_id, self.position)

    def undo(self, project: Project) -> Changes:
        return cb.move_code(project, self.code_id, self.old_parent, self.old_position)


class DeleteCode(Step):
    """Delete a code with its subcodes, codings and memos; undo restores them exactly."""

    def __init__(self, code_id: int, deleted_by: str = ""):
        self.code_id, self.deleted_by = code_id, deleted_by
        self.snap: cb.CodeSnapshot | None = None

    def do(self, project: Project) -> Changes:
        changes = cb.delete_code(project, self.code_id, force=True, deleted_by=self.deleted_by)
        self.snap = changes.result
        return changes

    def undo(self, project: Project) -> Changes:
        return cb.restore_code(project, self.snap)


class MergeCodes(Step):
    """Merge codes into a target. The service keeps no undo record, so before merging this step
    copies every row the merge can touch (the codes, their children, their codings and memos) and
    undo writes them back: re-inserting what went, resetting what moved."""

    def __init__(self, source_ids: list[int], target_id: int, deleted_by: str = ""):
        self.source_ids, self.target_id, self.deleted_by = list(source_ids), target_id, deleted_by
        self.rows: dict[str, list[dict]] = {}

    def _snapshot(self, project: Project) -> None:
        ids = self.source_ids + [self.target_id]
        with project.reading() as s:
            codes = s.execute(select(Code.__table__).where(or_(Code.id.in_(ids), Code.parent_id.in_(ids))))
            codings = s.execute(select(Coding.__table__).where(Coding.code_id.in_(self.source_ids)))
            self.rows = {"code": [dict(r._mapping) for r in codes], "coding": [dict(r._mapping) for r in codings]}
            coding_ids = [c["id"] for c in self.rows["coding"]]
            memos = s.execute(select(Memo.__table__).where(or_(Memo.code_id.in_(ids), Memo.coding_id.in_(coding_ids))))
            self.rows["memo"] = [dict(r._mapping) for r in memos]

    def do(self, project: Project) -> Changes:
        self._snapshot(project)
        return self.redo(project)

    def redo(self, project: Project) -> Changes:
        return cb.merge_codes(project, self.source_ids, self.target_id, self.deleted_by)

    def undo(self, project: Project) -> Changes:
        with project.transaction() as s:
            by_id = {c["id"]: c for c in self.rows["code"]}
            alive = set(s.scalars(select(Code.id).where(Code.id.in_(list(by_id)))))

            def put(row: dict) -> None:  # parents first
                if row["id"] in alive:
                    return
                parent = by_id.get(row["parent_id"])
                if parent is not None:
                    put(parent)
                s.execute(insert(Code), [row])
                alive.add(row["id"])

            for row in self.rows["code"]:
                put(row)
            for row in self.rows["code"]:
                s.execute(update(Code).where(Code.id == row["id"]).values(**{**row, **_next_version(Code)}))
            self._upsert(s, Coding, self.rows["coding"])
            self._upsert(s, Memo, self.rows["memo"])
            unbury(s, [r["guid"] for rows in self.rows.values() for r in rows])
        # A bulk write back: the views reload the codebook and the codings it names.
        ch = Changes().add("created", Kind.CODE, *self.source_ids).add("updated", Kind.CODE, self.target_id)
        ch.add("updated", Kind.CODING, *[c["id"] for c in self.rows["coding"]]).some("updated", Kind.MEMO)
        return ch.add("counts", Kind.SOURCE, *{c["source_id"] for c in self.rows["coding"]})

    @staticmethod
    def _upsert(session, table, rows: list[dict]) -> None:
        if not rows:
            return
        alive = set(session.scalars(select(table.id).where(table.id.in_([r["id"] for r in rows]))))
        for row in rows:
            if row["id"] in alive:
                session.execute(update(table).where(table.id == row["id"]).values(**{**row, **_next_version(table)}))
            else:
                session.execute(insert(table), [row])
