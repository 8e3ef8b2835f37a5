"""The undo command all edits share: a list of steps done once, then undone and redone as a unit.

Each run (do, undo, redo) is one operation of the project (`Project.operation`): the steps'
service calls join one transaction, so a command is applied all or not at all, and a failed
undo or redo leaves the project and the stack's index as they were (issue 13).

Undo undoes only this window's own actions (issue 14, docs/team.md): the window remembers the
version each run left its rows at (services.versions.rows_left); an undo or redo first checks,
locking them, that those rows are still there at those versions, and is refused with a message,
the stack where it was, when someone else has changed or deleted one since.
"""
from __future__ import annotations

import copy

from PySide6.QtGui import QUndoCommand

from workbench.core.changes import Changes, Kind
from workbench.services.versions import RowLeft, check_rows_left, rows_left
from workbench.store.project import Project


class Step:
    """One reversible change, made through a pair of service functions. Keeps ids and old values."""

    def do(self, project: Project) -> Changes:
        raise NotImplementedError

    def undo(self, project: Project) -> Changes:
        raise NotImplementedError

    def redo(self, project: Project) -> Changes:
        return self.do(project)


def versions_left(ctx) -> dict[tuple[Kind, int], RowLeft]:
    """The version this window's own actions last left each row at, shared by its commands:
    the stack undoes in order, so a row's last version by this window is the one to find."""
    left = getattr(ctx, "_versions_left", None)
    if left is None:
        left = {}
        ctx._versions_left = left
    return left


class StepCommand(QUndoCommand):
    """An edit as the undo stack sees it.

    The first run happens in `do()`, before the command is pushed, so a WorkbenchError reaches the
    caller and nothing is pushed. Undo and redo run through `run()` from the project context,
    which moves the stack's index only once the run committed; Qt's own undo()/redo() calls that
    follow are then skipped.
    """

    def __init__(self, ctx, text: str, steps: list[Step]):
        super().__init__(text)
        self.ctx = ctx
        self.steps = steps
        self._skip_next = True  # Qt calls redo() on push: the first run was do()
        self._rows: list[tuple[Kind, int]] = []  # the rows this command's last run created or updated

    def do(self) -> Changes:
        return self._in_one_operation(lambda p: [s.do(p) for s in self.steps], check=False)

    def run(self, verb: str) -> Changes:
        """Undo or redo every step as one operation; on any error nothing changed (raises). Refused
        (ConflictError) when someone else has changed or deleted a row of the last run since."""
        if verb == "undo":
            return self._in_one_operation(lambda p: [s.undo(p) for s in reversed(self.steps)])
        return self._in_one_operation(lambda p: [s.redo(p) for s in self.steps])

    def _in_one_operation(self, fn, check: bool = True) -> Changes:
        project = self.ctx.project
        left = versions_left(self.ctx)
        kept = [copy.copy(vars(s)) for s in self.steps]  # what the steps remember, put back on failure
        try:
            with project.operation():
                if check:
                    check_rows_left(project, [left[r] for r in self._rows if r in left])
                results = fn(project)
                changes = Changes()
                for ch in results:
                    changes.merge(ch)
                now = rows_left(project, changes)  # read before the commit: as this run left them
        except BaseException:
            for step, state in zip(self.steps, kept):
                vars(step).clear()
                vars(step).update(state)
            raise
        for kind, ids in changes.deleted.items():
            for i in ids:
                left.pop((kind, i), None)
        left.update(((r.kind, r.id), r) for r in now)
        self._rows = [(r.kind, r.id) for r in now]
        return changes

    def skip_next(self) -> None:
        """The context has run this command's undo or redo already; Qt's call that follows is a no-op."""
        self._skip_next = True

    def redo(self) -> None:
        if self._skip_next:
            self._skip_next = False
            return
        self.ctx.run_command(self, "redo", moving=False)

    def undo(self) -> None:
        if self._skip_next:
            self._skip_next = False
            return
        self.ctx.run_command(self, "undo", moving=False)
