"""Memo edits as undoable steps; consecutive edits of one memo merge into one undo entry."""
from __future__ import annotations

from collections.abc import Callable

from workbench.core.changes import Changes
from workbench.core.errors import ValidationError
from workbench.services.memos import get_memo, memo_guid, set_memo
from workbench.store.project import Project
from workbench.ui.commands.base import Step, StepCommand

MEMO_COMMAND_ID = 4201


class SetMemo(Step):
    """Write a memo. `target` gives the id at the time of running (a coding's id changes when an
    undo restores it, so codings are named by GUID and looked up)."""

    def __init__(self, kind: str, target: Callable[[Project], int | None], text: str, author_id: int | None,
                 key: tuple, version: int | None = None):
        self.kind, self.target, self.text, self.author_id, self.key = kind, target, text, author_id, key
        self.version = version  # the memo's version the writer saw (0: none); checked on the first run only
        self.old = ""
        self.old_guid: str | None = None  # the memo's identity before and after, kept across undo
        self.new_guid: str | None = None

    def _target_id(self, project: Project) -> int | None:
        """The target's id now; a target that is gone is refused, since the memo service reads a None
        id as "no coding/code/..." and would write over some other memo."""
        target_id = self.target(project)
        if target_id is None and self.kind != "project":
            raise ValidationError(f"that {self.kind} is no longer in the project; its memo was not written")
        return target_id

    def do(self, project: Project) -> Changes:
        target_id = self._target_id(project)
        self.old = get_memo(project, self.kind, target_id)
        self.old_guid = memo_guid(project, self.kind, target_id)
        ch = set_memo(project, self.kind, target_id, self.text, self.author_id, guid=self.old_guid,
                      version=self.version)
        self.new_guid = memo_guid(project, self.kind, target_id) or self.old_guid
        return ch

    def undo(self, project: Project) -> Changes:
        target_id = self._target_id(project)
        return set_memo(project, self.kind, target_id, self.old, self.author_id, guid=self.old_guid)

    def redo(self, project: Project) -> Changes:
        target_id = self._target_id(project)
        return set_memo(project, self.kind, target_id, self.text, self.author_id, guid=self.new_guid)


class MemoCommand(StepCommand):
    """One memo edit; typing in pauses merges into the previous edit of the same memo."""

    def __init__(self, ctx, text: str, step: SetMemo):
        super().__init__(ctx, text, [step])
        self.step = step

    def id(self) -> int:
        return MEMO_COMMAND_ID

    def mergeWith(self, other) -> bool:  # noqa: N802
        if not isinstance(other, MemoCommand) or other.step.key != self.step.key:
            return False
        self.step.text = other.step.text  # keep our old text, take the newest
        return True
