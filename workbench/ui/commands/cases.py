"""Case and attribute edits as undoable steps: create, rename, describe, delete, values, links.

Deleting keeps every row that went (values, links, memo); undo writes them back with their ids
and GUIDs and lifts the tombstones, so a later merge sees the case as never deleted.
"""
from __future__ import annotations

from workbench.core.changes import Changes, Kind
from workbench.query.lookups import field_of, name_of, sources_of_case
from workbench.services import cases as cs
from workbench.services.case_tables import CaseTables, case_tables, restore_case_tables
from workbench.store.project import Project
from workbench.ui.commands.base import Step


class CreateCase(Step):
    def __init__(self, name: str, description: str = ""):
        self.name, self.description = name, description
        self.case_id: int | None = None
        self.rows: dict | None = None

    def do(self, project: Project) -> Changes:
        ch = cs.create_case(project, self.name, self.description)
        self.case_id = ch.ids("created", Kind.CASE)[0]
        return ch

    def undo(self, project: Project) -> Changes:
        ch = cs.delete_case_kept(project, self.case_id)
        self.rows = ch.result
        return ch

    def redo(self, project: Project) -> Changes:
        return cs.restore_case(project, self.rows)


class DeleteCase(Step):
    def __init__(self, case_id: int, deleted_by: str = ""):
        self.case_id, self.deleted_by = case_id, deleted_by
        self.rows: dict | None = None

    def do(self, project: Project) -> Changes:
        ch = cs.delete_case_kept(project, self.case_id, self.deleted_by)
        self.rows = ch.result
        return ch

    def undo(self, project: Project) -> Changes:
        return cs.restore_case(project, self.rows)


class _CaseField(Step):
    """One field of a case (name or description); undo writes the old value back."""

    field = ""

    def __init__(self, case_id: int, value: str, version: int | None = None):
        # version: the case's version the user saw; the first run is refused if someone else changed
        # it since (undo and redo are checked by StepCommand, docs/team.md).
        self.case_id, self.value, self.old, self.version = case_id, value, "", version

    def apply(self, project: Project, value: str, version: int | None = None) -> Changes:
        raise NotImplementedError

    def do(self, project: Project) -> Changes:
        self.old = field_of(project, "case", self.case_id, self.field) or ""
        return self.apply(project, self.value, self.version)

    def redo(self, project: Project) -> Changes:
        return self.apply(project, self.value)

    def undo(self, project: Project) -> Changes:
        return self.apply(project, self.old)


class RenameCase(_CaseField):
    field = "name"

    def apply(self, project, value, version=None):
        return cs.rename_case(project, self.case_id, value, version)


class DescribeCase(_CaseField):
    field = "description"

    def apply(self, project, value, version=None):
        return cs.describe_case(project, self.case_id, value, version)


class SetValue(Step):
    """One case's value of one attribute ('' clears it); the value is checked against the type.

    seen: the value the user was looking at; the first run is refused if the cell holds another
    by now. Undo and redo are refused likewise if the cell no longer holds what this window's
    last run left there: the value is its own check (services.cases.set_attribute_value).
    """

    def __init__(self, case_id: int, attribute_id: int, value: str, seen: str | None = None):
        self.case_id, self.attribute_id, self.value, self.old = case_id, attribute_id, value, ""
        self.seen = seen
        self.left: str | None = None  # the value the last run stored

    def do(self, project: Project) -> Changes:
        self.old = cs.attribute_value(project, self.case_id, self.attribute_id)
        return self._set(project, self.value, self.seen)

    def undo(self, project: Project) -> Changes:
        return self._set(project, self.old, self.left)

    def redo(self, project: Project) -> Changes:
        return self._set(project, self.value, self.left)

    def _set(self, project: Project, value: str, seen: str | None) -> Changes:
        ch = cs.set_attribute_value(project, self.case_id, self.attribute_id, value, seen)
        self.left = ch.result
        return ch


class CreateAttribute(Step):
    def __init__(self, name: str, type_: str):
        self.name, self.type = name, type_
        self.attribute_id: int | None = None
        self.rows: dict | None = None

    def do(self, project: Project) -> Changes:
        ch = cs.create_attribute(project, self.name, self.type)
        self.attribute_id = ch.ids("created", Kind.ATTRIBUTE)[0]
        return ch

    def undo(self, project: Project) -> Changes:
        ch = cs.delete_attribute_kept(project, self.attribute_id)
        self.rows = ch.result
        return ch

    def redo(self, project: Project) -> Changes:
        return cs.restore_attribute(project, self.rows)


class RenameAttribute(Step):
    def __init__(self, attribute_id: int, name: str, version: int | None = None):
        self.attribute_id, self.name, self.old, self.version = attribute_id, name, "", version

    def do(self, project: Project) -> Changes:
        self.old = name_of(project, "attribute", self.attribute_id)
        return cs.rename_attribute(project, self.attribute_id, self.name, self.version)

    def redo(self, project: Project) -> Changes:
        return cs.rename_attribute(project, self.attribute_id, self.name)

    def undo(self, project: Project) -> Changes:
        return cs.rename_attribute(project, self.attribute_id, self.old)


class DeleteAttribute(Step):
    def __init__(self, attribute_id: int, deleted_by: str = ""):
        self.attribute_id, self.deleted_by = attribute_id, deleted_by
        self.rows: dict | None = None

    def do(self, project: Project) -> Changes:
        ch = cs.delete_attribute_kept(project, self.attribute_id, self.deleted_by)
        self.rows = ch.result
        return ch

    def undo(self, project: Project) -> Changes:
        return cs.restore_attribute(project, self.rows)


class SetCaseSources(Step):
    """Make a case hold exactly these sources (whole-source links)."""

    def __init__(self, case_id: int, source_ids: set[int]):
        self.case_id, self.source_ids = case_id, set(source_ids)
        self.old: set[int] = set()

    def _apply(self, project: Project, want: set[int], have: set[int]) -> Changes:
        ch = cs.set_links(project, [(self.case_id, s) for s in sorted(want - have)],
                          [(self.case_id, s) for s in sorted(have - want)])
        return ch

    def do(self, project: Project) -> Changes:
        self.old = sources_of_case(project, self.case_id)
        return self._apply(project, self.source_ids, self.old)

    def undo(self, project: Project) -> Changes:
        return self._apply(project, self.old, self.source_ids)

    def redo(self, project: Project) -> Changes:
        return self._apply(project, self.source_ids, self.old)


class ImportCases(Step):
    """Cases and attributes from a CSV. The import may touch many rows, so this step keeps the
    case tables before and after it; undo and redo write back what differs between them, to one
    or the other (one transaction), and leave every other row as it is now."""

    def __init__(self, path: str):
        self.path = path
        self.before: CaseTables = {}
        self.after: CaseTables = {}
        self.result: cs.CasesCsvResult | None = None

    def do(self, project: Project) -> Changes:
        self.before = case_tables(project)
        ch = cs.import_cases_csv(project, self.path)
        self.result = ch.result
        self.after = case_tables(project)
        return ch

    def undo(self, project: Project) -> Changes:
        return restore_case_tables(project, self.before, since=self.after)

    def redo(self, project: Project) -> Changes:
        return restore_case_tables(project, self.after, since=self.before)


class LinkPassage(Step):
    """Link start..end (code points) of a source to a case. The case id may be a callable, for a
    case made by an earlier step of the same command. Undo unlinks it (a tombstone), redo puts the
    same link back (its GUID kept, the tombstone lifted)."""

    def __init__(self, case_id, source_id: int, start: int, end: int, created_by_id: int | None = None):
        self._case_id, self.source_id, self.start, self.end = case_id, source_id, start, end
        self.created_by_id = created_by_id
        self.record: cs.PassageRecord | None = None
        self.warnings: list[str] = []

    @property
    def case_id(self) -> int:
        return self._case_id() if callable(self._case_id) else self._case_id

    def do(self, project: Project) -> Changes:
        ch = cs.link_passage(project, self.case_id, self.source_id, self.start, self.end, self.created_by_id)
        self.warnings = list(ch.warnings)
        made = ch.ids("created", Kind.PASSAGE)
        if made:
            self.record = next(r for r in cs.case_passages(project, self.case_id, self.source_id) if r.id == made[0])
        return ch

    def undo(self, project: Project) -> Changes:
        if self.record is None:  # it was linked already: nothing was made, nothing to take back
            return Changes()
        return cs.unlink_passage(project, self.record.id)

    def redo(self, project: Project) -> Changes:
        if self.record is None:
            return Changes()
        ch = cs.restore_passage(project, self.record)
        self.record = next(r for r in cs.case_passages(project, self.case_id, self.source_id)
                           if r.guid == self.record.guid)
        return ch


class UnlinkPassage(Step):
    """Take one passage out of its case (a tombstone); undo puts it back with its GUID."""

    def __init__(self, passage_id: int, deleted_by: str = ""):
        self.passage_id, self.deleted_by = passage_id, deleted_by
        self.record: cs.PassageRecord | None = None

    def do(self, project: Project) -> Changes:
        ch = cs.unlink_passage(project, self.passage_id, self.deleted_by)
        self.record = ch.result
        return ch

    def undo(self, project: Project) -> Changes:
        ch = cs.restore_passage(project, self.record)
        self.passage_id = ch.ids("created", Kind.PASSAGE)[0]  # a new row id; the GUID is the same
        return ch
