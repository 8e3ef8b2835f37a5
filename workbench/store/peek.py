"""Looking into a project file with the sqlite3 module alone: is it a project, and what it holds.

Opening a project through SQLAlchemy and the ORM costs about a second of imports, so a command
that reads a few numbers (`workbench info`) must not go that way (issue 11: 1.07 s of CPU for
22 ms of work). The questions are asked here, behind functions, so that another store (a
PostgreSQL backend) answers them in its own way and the callers do not change.
"""
from __future__ import annotations

import os
import sqlite3
from collections import namedtuple
from pathlib import Path

from workbench.core.errors import ProjectError
from workbench.store import sqlite as wsqlite
from workbench.store.schema_version import HEAD, REVISIONS


def check_project_file(path: Path) -> str:
    """Raise ProjectError unless path is a readable project file; return its revision."""
    if not path.exists():
        raise ProjectError(f"{path}: no such file")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    if not path.is_file():
        raise ProjectError(f"{path}: not a project file (a device, pipe or other special file)")
    try:
        is_sqlite = wsqlite.looks_like_sqlite(path)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot be read ({exc.strerror})") from None
    if not is_sqlite:
        raise ProjectError(f"{path}: not a workbench project (not an SQLite database)")
    try:
        app_id = wsqlite.read_application_id(path)
        revision = wsqlite.read_revision(path)
    except ProjectError:
        raise
    except Exception as exc:  # sqlite3.DatabaseError and friends: the header said SQLite
        raise ProjectError(f"{path}: {wsqlite.error_words(exc)}") from None
    if app_id != wsqlite.APPLICATION_ID or revision is None:
        raise ProjectError(f"{path}: not a workbench project (an SQLite file of another program)")
    if revision not in REVISIONS:
        raise ProjectError(
            f"{path}: made by a newer version of the workbench (schema {revision}); "
            "update the program to open it. The file was left untouched."
        )
    return revision


def upgrade_needed(path: Path, revision: str) -> ProjectError:
    """The refusal to read an older file without upgrading it (which needs it open for writing)."""
    return ProjectError(f"{path}: schema {revision} needs an upgrade to {HEAD}; open it for writing")


class ProjectSummary(namedtuple("ProjectSummary", "schema guid name sources codes codings cases coders")):
    """What a project holds, in numbers: the answer of `workbench info`; coders are names, by name.
    (A named tuple, not a dataclass: importing dataclasses costs this quick read a third of its time.)"""

    __slots__ = ()


# The tables of store/models.py that the summary counts (a test compares it with the ORM's counts).
_COUNTED = {"sources": "source", "codes": "code", "codings": "coding", "cases": "case_"}


def project_summary(path: str | os.PathLike) -> ProjectSummary:
    """The summary of the project at path, read in one read transaction; checked as open_project
    checks a file opened read-only, and leaving nothing beside it."""
    path = Path(path)
    revision = check_project_file(path)
    if revision != HEAD:
        raise upgrade_needed(path, revision)
    guard = wsqlite.SidecarGuard(path)
    try:
        con = wsqlite.connect(path, readonly=True)
        try:
            wsqlite.apply_pragmas(con, readonly=True)
            con.execute("BEGIN")
            rows = con.execute("SELECT guid, name FROM project").fetchall()
            if len(rows) != 1:
                raise ProjectError(f"{path}: the project file is damaged (it has {len(rows)} project records)")
            counts = {key: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                      for key, table in _COUNTED.items()}
            coders = [r[0] for r in con.execute("SELECT name FROM coder ORDER BY name")]
            con.execute("ROLLBACK")
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: {wsqlite.error_words(exc)}") from None
    finally:
        guard.done()
    return ProjectSummary(revision, rows[0][0], rows[0][1], coders=coders, **counts)



def source_excerpt(path: str | os.PathLike, source_guid: str, start: int, length: int) -> str:
    """Up to length characters of a source's text from offset start, read read-only and
    defensively from the project file at path (a merge input, perhaps someone else's copy);
    "" when the file, the source or the text cannot be read: a label only loses its quotation."""
    path = Path(path)
    guard = wsqlite.SidecarGuard(path)
    try:
        con = wsqlite.connect(path, readonly=True)
        try:
            wsqlite.apply_pragmas(con, readonly=True)
            found = con.execute("SELECT substr(text, ?, ?) FROM source WHERE guid = ?",
                                (start + 1, length, source_guid)).fetchone()
        finally:
            con.close()
    except (sqlite3.Error, OSError):
        return ""
    finally:
        guard.done()
    return found[0] if found and found[0] else ""
