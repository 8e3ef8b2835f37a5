"""Errors a user can act on: each names the file or thing at fault and what is wrong."""
from __future__ import annotations


class WorkbenchError(Exception):
    """Base of every error shown to the user as one clear line."""


class ProjectError(WorkbenchError):
    """The project file cannot be used: not a project, too new, locked, corrupt."""


class ProjectLockedError(ProjectError):
    """Another program holds the project open for writing."""


class SignInRefused(ProjectError):
    """The server refused to sign in: a wrong or missing password, or an unknown user."""


class ProjectReadOnlyError(ProjectError):
    """The project file, or its folder, cannot be written: it may still be opened read-only."""


class ImportRefused(WorkbenchError):
    """A source file cannot be imported (empty, wrong type, corrupt, too large)."""


class NotFoundError(WorkbenchError):
    """A named thing (code path, source, case, coding) does not exist; suggests near names."""

    def __init__(self, kind: str, name: str, suggestions: list[str] | None = None):
        self.kind = kind
        self.name = name
        self.suggestions = suggestions or []
        msg = f"no {kind} named {name!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)


class ValidationError(WorkbenchError):
    """A well-formed value that does not fit the project (bad offsets, duplicate name...)."""


class Cancelled(WorkbenchError):
    """A long job was stopped by the user; nothing of it was kept."""


class ConnectionLost(ProjectError):
    """The connection to a server project was lost during an action (issue 14, item 6).

    `saved` says what became of the action: True when the server has it (the connection
    dropped after the commit reached it), False when nothing of it was kept, None when
    the action wrote nothing (a read)."""

    def __init__(self, message: str, saved: bool | None = None):
        super().__init__(message)
        self.saved = saved


class ConflictError(WorkbenchError):
    """Someone else changed or deleted what a change was made from, meanwhile: nothing was changed."""
