"""The undo command all edits share: a list of steps done once, then undone and redone as a unit."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from workbench.core.changes import Changes
from workbench.core.errors import WorkbenchError
from workbench.store.project import Project


class Step:
    """One reversible change, made through a pair of service functions. Keeps ids and old values."""

    def do(self, project: Project) -> Changes:
        raise NotImplementedError

    def undo(self, project: Project) -> Changes:
        raise NotImplementedError

    def redo(self, project: Project) -> Changes:
        return self.do(project)


class StepCommand(QUndoCommand):
    """An edit as the undo stack sees it.

    The first run happens in `do()`, before the command is pushed, so a WorkbenchError reaches the
    caller and nothing is pushed; if a later step fails, the earlier ones are undone. Qt then calls
    redo() on push, which skips that first time.
    """

    def __init__(self, ctx, text: str, steps: list[Step]):
        super().__init__(text)
        self.ctx = ctx
        self.steps = steps
        self._pushed_once = False

    def do(self) -> Changes:
        project = self.ctx.project
        changes = Changes()
        done: list[Step] = []
        try:
            for step in self.steps:
                changes.merge(step.do(project))
                done.append(step)
        except BaseException:
            for step in reversed(done):
                try:
                    step.undo(project)
                except WorkbenchError:
                    pass
            raise
        return changes

    def redo(self) -> None:
        if not self._pushed_once:
            self._pushed_once = True
            return
        self._run(lambda p: [s.redo(p) for s in self.steps], "redo")

    def undo(self) -> None:
        self._run(lambda p: [s.undo(p) for s in reversed(self.steps)], "undo")

    def _run(self, fn, verb: str) -> None:
        try:
            results = fn(self.ctx.project)
        except WorkbenchError as exc:
            self.ctx.error.emit(f"Could not {verb} “{self.text()}”: {exc}")
            return
        changes = Changes()
        for ch in results:
            changes.merge(ch)
        self.ctx.changed.emit(changes)
        self.ctx.status.emit(f"{verb.capitalize()}: {self.text()}")
