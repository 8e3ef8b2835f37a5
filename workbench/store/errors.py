"""Database errors in the user's words, whichever engine raised them.

The command line (one line per command), the import batch (one line per file) and the
window say what a failed read or write means through these, so nothing above the store
needs to know which engine the project lives in (the engines stay private to store).
"""
from __future__ import annotations

from pathlib import Path

from workbench.store.sqlite import DAMAGED_HINT, first_line
from workbench.store.sqlite import database_problem as _sqlite_problem

__all__ = ["DAMAGED_HINT", "database_problem", "file_damage", "first_line"]


def database_problem(exc: BaseException) -> str | None:
    """What a database error means for the user, or None when exc is not one."""
    orig = getattr(exc, "orig", exc)
    if type(orig).__module__.startswith("psycopg"):
        from workbench.store.postgres import error_words

        return error_words(exc)
    return _sqlite_problem(exc)


def file_damage(path: Path) -> str | None:
    """The first problem SQLite's own checks find in a project file, or None when it is sound."""
    from workbench.store.sqlite import integrity_problems

    try:
        problems = integrity_problems(Path(path))
    except Exception as exc:  # a file too damaged to check is damaged
        return first_line(exc)
    return problems[0][:200] if problems else None
