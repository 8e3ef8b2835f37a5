"""The store.backend.Backend of a project that is one SQLite file (store/sqlite.py does the work).

Kept apart from store/sqlite.py, which `workbench info` reads a file through and which must
load no SQLAlchemy (issue 11); this module is imported when a project is opened.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import Engine

from workbench.core.errors import ProjectReadOnlyError
from workbench.store import sqlite
from workbench.store.backend import Backend, WriteLock as BackendWriteLock
from workbench.store.peek import check_project_file

BackendWriteLock.register(sqlite.WriteLock)


class SqliteBackend(Backend):
    """A project that is one SQLite file (see the module docstring)."""

    kind = "sqlite"

    def __init__(self, path: Path, readonly: bool):
        from workbench.store.fts import Fts5Index

        self.path = Path(path)
        self.readonly = readonly
        self.search = Fts5Index()
        self._guard: sqlite.SidecarGuard | None = None

    def make_engine(self, readonly: bool, foreign_keys: bool = True) -> Engine:
        if readonly and self._guard is None:
            # what a look at an old WAL-mode file leaves is removed on close
            self._guard = sqlite.SidecarGuard(self.path)
        return sqlite.make_engine(self.path, readonly, foreign_keys)

    @property
    def location(self) -> Path:
        return self.path

    def lock_for_writing(self) -> sqlite.WriteLock:
        problem = sqlite.writable_problem(self.path)
        if problem:
            raise ProjectReadOnlyError(f"{self.path}: {problem}")
        lock = sqlite.WriteLock(self.path)
        lock.acquire()
        return lock

    def revision(self) -> str:
        return check_project_file(self.path)

    def backup(self, tag: str) -> str:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        dest = self.path.with_name(f"{self.path.stem}.{tag}-{stamp}{self.path.suffix}")
        return str(sqlite.backup_copy(self.path, dest))

    def copy_to_file(self, dest: Path) -> None:
        sqlite.backup_copy(self.path, dest)

    def integrity_problems(self) -> list[str]:
        return sqlite.integrity_problems(self.path)

    def error_words(self, exc: BaseException) -> str:
        return sqlite.error_words(exc)

    def on_open(self, conn) -> list[str]:
        planted = sqlite.drop_foreign_objects(conn.connection.dbapi_connection)
        if not planted:
            return []
        return [f"{self.path}: removed what the workbench never makes and someone put in the file: "
                f"{', '.join(planted)}"]

    def close(self) -> None:
        if self._guard is not None:
            self._guard.done()
            self._guard = None
