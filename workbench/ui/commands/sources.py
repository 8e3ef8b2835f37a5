"""Source edits as undoable steps: rename, delete (with everything that goes with it), folders, case links."""
from __future__ import annotations

from workbench.core.changes import Changes, Kind
from workbench.query.lookups import cases_of_source, field_of, folder_members, folder_of_sources, folder_record, name_of
from workbench.services import cases as case_service
from workbench.services import sources as src
from workbench.store.project import Project
from workbench.ui.commands.base import Step


class RenameSource(Step):
    def __init__(self, source_id: int, name: str):
        self.source_id, self.name, self.old = source_id, name, ""

    def do(self, project: Project) -> Changes:
        self.old = name_of(project, "source", self.source_id)
        return src.rename_source(project, self.source_id, self.name)

    def undo(self, project: Project) -> Changes:
        return src.rename_source(project, self.source_id, self.old)


class DeleteSource(Step):
    """Delete a source with its codings, memos and links (tombstones left); undo brings back the
    same rows, ids and GUIDs, so a later merge sees nothing deleted."""

    def __init__(self, source_id: int, deleted_by: str = ""):
        self.source_id, self.deleted_by = source_id, deleted_by
        self.rows: dict[str, list[dict]] = {}

    def do(self, project: Project) -> Changes:
        changes = src.delete_source_kept(project, self.source_id, self.deleted_by)
        self.rows = changes.result
        return changes

    def undo(self, project: Project) -> Changes:
        return src.restore_source(project, self.rows)


class SetSourceCases(Step):
    """Make a source belong to exactly these cases (whole-source links)."""

    def __init__(self, source_id: int, case_ids: set[int]):
        self.source_id, self.case_ids = source_id, set(case_ids)
        self.old: set[int] = set()

    def _apply(self, project: Project, want: set[int], have: set[int]) -> Changes:
        ch = case_service.set_links(project, [(c, self.source_id) for c in sorted(want - have)],
                                    [(c, self.source_id) for c in sorted(have - want)])
        return ch

    def do(self, project: Project) -> Changes:
        self.old = cases_of_source(project, self.source_id)
        return self._apply(project, self.case_ids, self.old)

    def undo(self, project: Project) -> Changes:
        return self._apply(project, self.old, self.case_ids)

    def redo(self, project: Project) -> Changes:
        return self._apply(project, self.case_ids, self.old)


class CreateFolder(Step):
    def __init__(self, name: str, parent_id: int | None = None):
        self.name, self.parent_id = name, parent_id
        self.folder_id: int | None = None
        self.guid: str | None = None

    def do(self, project: Project) -> Changes:
        ch = src.create_folder(project, self.name, self.parent_id, self.folder_id, self.guid)
        self.folder_id = ch.ids("created", Kind.FOLDER)[0]
        self.guid = field_of(project, "folder", self.folder_id, "guid")
        return ch

    def undo(self, project: Project) -> Changes:
        return src.delete_folder(project, self.folder_id)


class RenameFolder(Step):
    def __init__(self, folder_id: int, name: str):
        self.folder_id, self.name, self.old = folder_id, name, ""

    def do(self, project: Project) -> Changes:
        self.old = name_of(project, "folder", self.folder_id)
        return src.rename_folder(project, self.folder_id, self.name)

    def undo(self, project: Project) -> Changes:
        return src.rename_folder(project, self.folder_id, self.old)


class DeleteFolder(Step):
    """Delete a folder; its sources stay, in no folder. Undo makes it again with its sources."""

    def __init__(self, folder_id: int, deleted_by: str = ""):
        self.folder_id, self.deleted_by = folder_id, deleted_by
        self.row: dict = {}
        self.members: list[int] = []

    def do(self, project: Project) -> Changes:
        self.row = folder_record(project, self.folder_id)
        self.members = folder_members(project, self.folder_id)
        return src.delete_folder(project, self.folder_id, self.deleted_by)

    def undo(self, project: Project) -> Changes:
        ch = src.create_folder(project, self.row["name"], self.row["parent_id"], self.folder_id, self.row["guid"])
        if self.members:
            ch.merge(src.move_to_folder(project, self.members, self.folder_id))
        return ch


class MoveToFolder(Step):
    """Put sources into a folder (None: out of any); undo puts each back where it was."""

    def __init__(self, source_ids: list[int], folder_id: int | None):
        self.source_ids, self.folder_id = list(source_ids), folder_id
        self.old: dict[int, int | None] = {}

    def do(self, project: Project) -> Changes:
        self.old = folder_of_sources(project, self.source_ids)
        return src.move_to_folder(project, self.source_ids, self.folder_id)

    def undo(self, project: Project) -> Changes:
        ch = Changes()
        by_folder: dict[int | None, list[int]] = {}
        for sid, fid in self.old.items():
            by_folder.setdefault(fid, []).append(sid)
        for fid, ids in by_folder.items():
            ch.merge(src.move_to_folder(project, ids, fid))
        return ch
