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
from collections.abc import Iterator
from contextlib import contextmanager
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


# -- a read transaction for the quick read-only commands ------------------------------------------
# `workbench query` of codes, and the .qdc codebook export, read through here when the file is a
# local project at this program's schema: what they read is a handful of plain rows, and
# opening the store would cost them more than all their work (issue 11). The column lists are
# those of store/models.py; a test reads each through both ways and compares.

_IN_CHUNK = 500  # ids bound a statement, as the store's own readers do


class QuickRead:
    """Plain rows of one project file, read in one read transaction (see quick_read)."""

    def __init__(self, con: sqlite3.Connection):
        self._con = con

    def _all(self, sql: str, params=()) -> list[tuple]:
        return self._con.execute(sql, params).fetchall()

    def _in(self, sql: str, ids) -> list[tuple]:
        """sql with an `{ids}` placeholder, run once a chunk of the ids; the rows of all."""
        ids = sorted(set(ids))
        out: list[tuple] = []
        for i in range(0, len(ids), _IN_CHUNK):
            chunk = ids[i:i + _IN_CHUNK]
            out += self._all(sql.format(ids=",".join("?" * len(chunk))), chunk)
        return out

    def code_tree_rows(self) -> list[tuple]:
        """(id, parent_id, name, position) of every code: what core.codetree.CodeTree takes."""
        return self._all("SELECT id, parent_id, name, position FROM code")

    def codebook_rows(self) -> list[tuple]:
        """(id, guid, name, color, description) of every code."""
        return self._all("SELECT id, guid, name, color, description FROM code")

    def source_rows(self) -> list[tuple]:
        """(id, name, position) of every source."""
        return self._all("SELECT id, name, position FROM source")

    def coder_rows(self) -> list[tuple]:
        """(id, name) of every coder."""
        return self._all("SELECT id, name FROM coder")

    def id_by_key(self, kind: str, key: str) -> int | None:
        """The id of the source or coder whose name_key is key (core.names), or None."""
        table = {"source": "source", "coder": "coder"}[kind]
        row = self._con.execute(f"SELECT id FROM {table} WHERE name_key = ?", (key,)).fetchone()
        return row[0] if row else None

    def case_map_rows(self) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """What query.membership.CaseMap.from_rows takes: cases (id, name) in case order,
        passages (case_id, source_id, start, end), sources linked whole (case_id, source_id)."""
        return (self._all("SELECT id, name FROM case_ ORDER BY position, name, id"),
                self._all('SELECT case_id, source_id, start, "end" FROM case_passage'),
                self._all("SELECT case_id, source_id FROM case_source"))

    def code_counts(self) -> list[tuple]:
        """(code_id, codings) of every code that has codings."""
        return self._all("SELECT code_id, count(*) FROM coding GROUP BY code_id")

    def coding_rows(self, code_ids=None, source_ids=None, coder_ids=None, scan: bool = False) -> list[tuple]:
        """(source_id, start, end, code_id, id, guid, coder_id) of the codings of these codes,
        sources and coders (None: any), as query.segments.coding_rows reads them; with scan, the
        codes are compared in an expression the planner cannot serve from the code index."""
        where, params = [], []
        for column, ids in (("code_id + 0" if scan else "code_id", code_ids), ("source_id", source_ids),
                            ("coder_id", coder_ids)):
            if ids is not None:
                ids = sorted(set(ids))
                where.append(f"{column} IN ({','.join('?' * len(ids))})" if ids else "0")
                params += ids
        sql = 'SELECT source_id, start, "end", code_id, id, guid, coder_id FROM coding'
        return self._all(sql + (" WHERE " + " AND ".join(where) if where else ""), params)

    def memo_rows(self) -> list[tuple]:
        """(coding_id, text) of the memos on codings, the newest first (io.exporters.excerpts._memos)."""
        return self._all("SELECT coding_id, text FROM memo WHERE coding_id IS NOT NULL ORDER BY id DESC")

    def page_rows(self, source_ids) -> list[tuple]:
        """(source_id, start, page, label) of these sources' pages, by source and page."""
        return self._in("SELECT source_id, start, page, label FROM source_page WHERE source_id IN ({ids})"
                        " ORDER BY source_id, page", source_ids)  # chunks of ids in order: rows in order

    def texts(self, source_ids) -> dict[int, str]:
        """The stored texts of these sources, by id."""
        return dict(self._in("SELECT id, text FROM source WHERE id IN ({ids})", source_ids))


@contextmanager
def quick_read(location) -> Iterator[QuickRead | None]:
    """A QuickRead of the project file at location in one read transaction, checked as
    open_project checks a file opened read-only; None for what must go through the store
    (a server project, a file at an older schema, which only an upgrade makes readable).
    Raises ProjectError as open_project does for a file that is no project."""
    if isinstance(location, str) and "://" in location:
        # A server URL, or what might be one: the store's way tells which (core.location, whose
        # import would cost the .qdc export an eighth of its time) and gives the same answer.
        yield None
        return
    path = Path(location)
    if check_project_file(path) != HEAD:
        yield None
        return
    guard = wsqlite.SidecarGuard(path)
    try:
        try:
            con = wsqlite.connect(path, readonly=True)
            wsqlite.apply_pragmas(con, readonly=True)
            con.execute("BEGIN")
        except sqlite3.Error as exc:
            raise ProjectError(f"{path}: {wsqlite.error_words(exc)}") from None
        try:
            yield QuickRead(con)
        except sqlite3.Error as exc:
            raise ProjectError(f"{path}: {wsqlite.error_words(exc)}") from None
        finally:
            con.close()
    finally:
        guard.done()
