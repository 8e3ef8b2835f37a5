"""What a failed read or write of the project file means, in words a user can act on.

Both the command line (one line per command, CLI.md) and the import batch (one line per
file) need it. The database driver's exceptions carry SQLite's result code name (Python
3.11+), which is stabler than its messages; the messages are the fallback.
"""
from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

_FULL = {"SQLITE_FULL"}
_READONLY = {"SQLITE_READONLY", "SQLITE_READONLY_DBMOVED", "SQLITE_READONLY_DIRECTORY",
             "SQLITE_READONLY_RECOVERY", "SQLITE_READONLY_CANTLOCK", "SQLITE_READONLY_ROLLBACK",
             "SQLITE_PERM", "SQLITE_AUTH"}
_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_RECOVERY"}
_CANTOPEN = {"SQLITE_CANTOPEN", "SQLITE_CANTOPEN_ISDIR", "SQLITE_CANTOPEN_FULLPATH"}

DAMAGED_HINT = "restore it from a backup, or ask whoever sent it for a fresh copy"


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    if isinstance(exc, sqlite3.Error):
        return exc
    if isinstance(exc, DBAPIError) and isinstance(exc.orig, sqlite3.Error):
        return exc.orig
    return None


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def database_problem(exc: BaseException) -> str | None:
    """What a database error means for the user, or None when exc is not one."""
    err = _sqlite_error(exc)
    if err is None:
        if isinstance(exc, SQLAlchemyError):
            return f"the project file cannot be used ({type(exc).__name__}: {first_line(exc)}); {DAMAGED_HINT}"
        return None
    name = getattr(err, "sqlite_errorname", "") or ""
    detail = first_line(err)
    if name in _FULL or "disk is full" in detail:
        return "the disk is full (or the project reached the size its file may have); nothing was changed. " \
               "Free some space and try again"
    if name in _READONLY or "readonly" in detail:
        return "the project file is read-only (no permission to write it or its folder); nothing was changed. " \
               "Copy it to a folder you can write, or change its permissions"
    if name in _BUSY or "locked" in detail:
        return "the project is busy: another program is writing it; nothing was changed. Try again in a moment"
    if name in _CANTOPEN:
        return f"the project file cannot be opened ({detail})"
    if name.startswith("SQLITE_IOERR"):
        return f"the project file could not be read or written (a disk error: {detail}); nothing was changed"
    if isinstance(err, sqlite3.IntegrityError):
        return f"the project file is damaged: its rows contradict each other ({detail}); {DAMAGED_HINT}"
    return f"the project file is damaged ({detail}); {DAMAGED_HINT}"
