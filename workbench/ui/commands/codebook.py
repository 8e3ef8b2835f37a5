"""Codebook edits as undoable steps: create, rename, recolour, describe, move, delete and merge codes."""
from __future__ import annotations

from collections.abc import Callable

from workbench.core.changes import Changes, Kind
from workbench.query.lookups import code_tree, field_of
from workbench.services import codebook as cb
from workbench.services.codebook_undo import MergeSnapshot, merge_codes_kept, unmerge_codes
from workbench.store.project import Project
from workbench.ui.commands.base import Step


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
        self.old = field_of(project, "code", self.code_id, self.field)
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
        tree = code_tree(project)
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
    """Merge codes into a target. The merge keeps every row it can touch (services.codebook_undo);
    undo writes them back, redo merges again and keeps them afresh."""

    def __init__(self, source_ids: list[int], target_id: int, deleted_by: str = ""):
        self.source_ids, self.target_id, self.deleted_by = list(source_ids), target_id, deleted_by
        self.snap: MergeSnapshot | None = None

    def do(self, project: Project) -> Changes:
        changes = merge_codes_kept(project, self.source_ids, self.target_id, self.deleted_by)
        self.snap = changes.result
        return changes

    def undo(self, project: Project) -> Changes:
        return unmerge_codes(project, self.snap)
