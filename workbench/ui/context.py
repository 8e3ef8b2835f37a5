"""One open project as the window sees it: the Project, its undo stack, the coder, and change signals."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ConnectionLost, WorkbenchError
from workbench.services.coders import ensure_coder
from workbench.services.handout import copy_for
from workbench.store.project import Project
from workbench.ui import settings


class ProjectContext(QObject):
    """Runs every edit as a command on the project's undo stack and tells views what changed."""

    changed = Signal(object)  # Changes, after every edit, undo and redo
    status = Signal(str)  # a short note for the status bar
    error = Signal(str)  # one clear line; nothing was changed
    coder_changed = Signal()

    def __init__(self, project: Project, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.path = project.path
        info = project.info()
        self.guid, self.name, self.description = info.guid, info.name, info.description or ""
        self.readonly = project.readonly
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self.coder_id: int | None = None
        self.copy_for = copy_for(project)  # {"key", "coder"} of a hand-out copy
        # A copy shares its original's GUID: who codes it is remembered apart from the original.
        self.coder_key = f"{self.guid}#{self.copy_for['key']}" if self.copy_for else self.guid
        # A team project on a server (issue 14): the coder is the role signed in, never chosen here.
        self.fixed_coder: str | None = project.signed_in if project.team else None
        self.coder_name: str = self.initial_coder()
        if self.fixed_coder:  # their coder row, made by the grant: known before their first coding
            from workbench.core.names import name_key
            from workbench.query.document import coders

            self.coder_id = next((cid for cid, n in coders(project) if name_key(n) == name_key(self.fixed_coder)),
                                 None)
        self.ask_coder: Callable[[], str | None] | None = None  # the window's prompt
        self.recent_codes: list[int] = settings.recent_codes(self.guid)  # kept in memory, saved on close
        # A server project's connection (ui/connection.py): while it is lost, edits are refused;
        # an edit cut off by a lost connection says whether it was saved.
        self.refusal: Callable[[str], str | None] = lambda what: None
        self.on_connection_lost: Callable[[], None] = lambda: None

    # -- the coder --------------------------------------------------------------------------
    def initial_coder(self) -> str:
        """Who codes when the project opens: whoever last coded it on this computer; for a hand-out
        copy nobody has coded here yet, the person it was made for; else the name used last.
        In a team project: the role signed in."""
        if self.fixed_coder:
            return self.fixed_coder
        return (settings.project_coder(self.coder_key) or (self.copy_for or {}).get("coder", "")
                or settings.coder_name())

    def coders_here(self) -> list[str]:
        """Everyone who has coded this project on this computer (a shared lab computer: several)."""
        return settings.coders_here(self.coder_key)

    def ensure_coder(self) -> int | None:
        """The id of the person coding, asking their name the first time; None if they decline."""
        if self.coder_id is not None:
            return self.coder_id
        if self.readonly:
            self.status.emit("The project is open read-only: nothing can be coded or changed")
            return None
        name = self.fixed_coder or self.coder_name or (self.ask_coder() if self.ask_coder else None)
        if not name or not name.strip():
            return None
        try:
            with self.project.transaction() as s:
                self.coder_id = ensure_coder(s, name)
        except WorkbenchError as exc:
            self.error.emit(str(exc))
            return None
        self.coder_name = " ".join(name.split())
        if self.fixed_coder:  # a server role is no name to offer for other projects
            self.coder_changed.emit()
            return self.coder_id
        settings.set_coder_name(self.coder_name)  # the default for projects not coded here yet
        settings.set_project_coder(self.coder_key, self.coder_name)
        settings.add_coder_here(self.coder_key, self.coder_name)
        self.coder_changed.emit()
        return self.coder_id

    def set_coder(self, name: str) -> None:
        """Change who is coding this project (Edit > Who is coding...); only the user does this.
        In a team project nobody does: the coder is the role signed in."""
        if self.fixed_coder:
            if " ".join(name.split()) != self.fixed_coder:
                self.status.emit(f"In a team project you code as yourself, {self.fixed_coder}")
            return
        self.coder_id = None
        self.coder_name = " ".join(name.split())
        if self.coder_name and not self.readonly:
            self.ensure_coder()
        self.coder_changed.emit()

    def set_details(self, name: str, description: str) -> None:
        """The project was renamed or described (File > Project properties)."""
        self.name, self.description = name, description

    # -- edits ------------------------------------------------------------------------------
    def execute(self, command) -> bool:
        """Run a command once and push it; on a WorkbenchError say why and push nothing."""
        if self._refused(command.text()):
            return False
        try:
            changes = command.do()
        except ConnectionLost as exc:
            self._cut_off(command.text(), exc)
            return False
        except WorkbenchError as exc:
            (self.status if getattr(exc, "quiet", False) else self.error).emit(str(exc))
            return False
        self._saved_anyway(command.text())
        self.undo_stack.push(command)
        self.changed.emit(changes)
        return True

    def attempt(self, fn: Callable, *args, changes: Changes | None = None, **kwargs):
        """Run a service call that has no undo (imports); errors become messages. Returns its result."""
        if self._refused(getattr(fn, "__name__", "that").replace("_", " ")):
            return None
        try:
            result = fn(*args, **kwargs)
        except ConnectionLost as exc:
            self._cut_off(getattr(fn, "__name__", "that").replace("_", " "), exc)
            return None
        except WorkbenchError as exc:
            self.error.emit(str(exc))
            return None
        self._saved_anyway(getattr(fn, "__name__", "that").replace("_", " "))
        self.changed.emit(changes if changes is not None else (result if isinstance(result, Changes) else
                                                                  Changes().some("updated", Kind.PROJECT)))
        return result if result is not None else True

    def undo(self) -> bool:
        """Undo the command before the stack's index, as one operation; the index moves only if it
        committed. A failure is said to the user and changes nothing."""
        stack = self.undo_stack
        if not stack.canUndo():
            return False
        return self.run_command(stack.command(stack.index() - 1), "undo")

    def redo(self) -> bool:
        stack = self.undo_stack
        if not stack.canRedo():
            return False
        return self.run_command(stack.command(stack.index()), "redo")

    def run_command(self, command, verb: str, moving: bool = True) -> bool:
        """Run a command's undo or redo; with `moving`, then move the stack's index over it."""
        what = f"{verb.capitalize()} {command.text()}"
        if self._refused(what):
            return False
        try:
            changes = command.run(verb)
        except ConnectionLost as exc:
            self._cut_off(what, exc)
            return False
        except WorkbenchError as exc:
            self.error.emit(f"Could not {verb} “{command.text()}”: {exc}. Nothing was changed.")
            return False
        if moving:
            command.skip_next()
            (self.undo_stack.undo if verb == "undo" else self.undo_stack.redo)()
        self.changed.emit(changes)
        self.status.emit(f"{verb.capitalize()}: {command.text()}")
        return True

    def _refused(self, what: str) -> bool:
        message = self.refusal(what)
        if message:
            self.error.emit(message)
        return bool(message)

    def _cut_off(self, what: str, exc: ConnectionLost) -> None:
        """An action met a lost connection: say what became of it, then start reconnecting."""
        if exc.saved is False:
            self.error.emit(f"{what}: NOT saved: the connection to the server was lost. "
                            "Try again once the status bar says Connected.")
        elif exc.saved is None and "cannot be asked" in str(exc):
            self.error.emit(f"{what}: the connection to the server was lost as it was being saved, and the "
                            "server could not be asked whether it has it; look again once it is back.")
        else:
            self.error.emit(f"{what}: not done: the connection to the server was lost. "
                            "Try again once the status bar says Connected.")
        self.on_connection_lost()

    def _saved_anyway(self, what: str) -> None:
        if self.project.take_notices():
            self.status.emit(f"{what}: saved (the connection dropped as it was being saved; "
                             "the server has it)")

    def note_recent_code(self, code_id: int, keep: int = 8) -> None:
        self.recent_codes = ([code_id] + [c for c in self.recent_codes if c != code_id])[:keep]

    def close(self) -> None:
        settings.set_recent_codes(self.guid, self.recent_codes)
        self.undo_stack.clear()
        self.project.close()
