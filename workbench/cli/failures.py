"""Turning whatever stops a command into the one line CLI.md promises (issue 12, items 6 and 10).

WorkbenchErrors already say what is wrong. Everything else that can escape a command is
told apart here: the database refusing to write (read-only file, full disk, busy: see
store/errors.py), a damaged project (corrupt pages, missing tables, rows pointing
nowhere, which surface as DatabaseError or as a KeyError/TypeError in the code that trusted
them), and text that is not valid Unicode. What is none of these is a bug: it is still one
line, and says so.
"""
from __future__ import annotations

import os
from pathlib import Path

from workbench.core.text import has_surrogates, shown  # noqa: F401 - the CLI's printing
from workbench.store.errors import DAMAGED_HINT, database_problem, file_damage, first_line  # noqa: F401

# Python errors that code trusting the project's rows raises when rows are missing or mangled.
_DANGLING = (KeyError, TypeError, AttributeError, IndexError, LookupError, ValueError, AssertionError)



def project_damage(project: str | os.PathLike | None) -> str | None:
    """The first problem SQLite's own checks find in the project, or None when it is sound."""
    if not project or not Path(project).is_file():
        return None
    return file_damage(Path(project))


def unexpected_problem(exc: BaseException, project: str | None) -> str:
    """The line for an exception no layer turned into a WorkbenchError."""
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "there is not enough memory for this command; nothing was changed"
    if isinstance(exc, UnicodeError):
        return f"text that is not valid Unicode ({first_line(exc)}); nothing was changed"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}cannot be read or written ({exc.strerror or first_line(exc)})"
    if isinstance(exc, _DANGLING):
        damage = project_damage(project)
        if damage is not None:
            return f"the project file is damaged ({damage}); {DAMAGED_HINT}"
        return f"the project file holds something this version cannot read ({type(exc).__name__}: " \
               f"{first_line(exc)}); if it is not damaged, please report this as a bug"
    return f"internal error ({type(exc).__name__}: {first_line(exc)}); please report this as a bug"
