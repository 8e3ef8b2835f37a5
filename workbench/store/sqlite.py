"""Everything SQLite-specific lives here: pragmas, file locks, backups, integrity checks.

Keep this module small: a later step lets a team keep one project on a
PostgreSQL server, where none of this applies.
"""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from workbench.core.errors import ProjectError, ProjectLockedError

# 'QWB1' as a big-endian integer: marks a SQLite file as one of our projects.
APPLICATION_ID = 0x51574231
SQLITE_HEADER = b"SQLite format 3\x00"


def looks_like_sqlite(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == SQLITE_HEADER


def install_pragmas(engine: Engine, *, readonly: bool = False, foreign_keys: bool = True) -> None:
    """Foreign keys on, WAL, and transactions we begin ourselves (pysqlite's own are unreliable)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no branch - runs per connection
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cur.execute("PRAGMA busy_timeout=5000")
        # Files come from other people (team copies, downloads): be defensive.
        cur.execute("PRAGMA trusted_schema=OFF")
        cur.execute("PRAGMA cell_size_check=ON")
        if not readonly:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Only write transactions take the write lock up front (no deadlock on upgrade from
        # read to write); reads begin deferred, so they never queue behind a writer.
        write = not readonly and conn.get_execution_options().get("workbench_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def set_application_id(dbapi_conn) -> None:
    dbapi_conn.execute(f"PRAGMA application_id={APPLICATION_ID}")


def read_application_id(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA application_id").fetchone()[0]
    finally:
        con.close()


def read_revision(path: Path) -> str | None:
    """The Alembic revision stamped in the file, or None when there is none."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return None
        return row[0] if row else None
    finally:
        con.close()


def backup_copy(path: Path, dest: Path) -> Path:
    """A consistent copy of a project file, taken through SQLite's backup API."""
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return dest


def integrity_problems(path: Path) -> list[str]:
    """What PRAGMA integrity_check and foreign_key_check report; empty when the file is sound."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        problems += [f"foreign key: {r}" for r in con.execute("PRAGMA foreign_key_check")]
        return problems
    finally:
        con.close()


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file, so a plain file copy carries everything."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def remove_with_sidecars(path: Path, *extra: str) -> None:
    """Remove a project file and its -wal and -shm files (and any other suffixes given), if there."""
    for suffix in ("", "-wal", "-shm", *extra):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def settle_into_place(tmp: Path, dest: Path) -> None:
    """Make the temporary project file tmp whole (WAL folded in, sidecars gone) and rename it to dest."""
    checkpoint(tmp)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, dest)


class WriteLock:
    """An advisory lock held while a program has a project open for writing.

    On POSIX it is a flock() on the project file itself, which SQLite's own
    fcntl() locks do not see. The descriptor must stay open until SQLite has
    closed every connection: closing any descriptor of the file drops the
    process's fcntl() locks. On Windows a sidecar file is locked instead.
    """

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._sidecar: Path | None = None

    def acquire(self) -> None:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            self._sidecar = self.path.with_name(self.path.name + ".lock")
            fd = os.open(self._sidecar, os.O_RDWR | os.O_CREAT)
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            except OSError:
                os.close(fd)
                raise ProjectLockedError(f"{self.path}: the project is open in another program") from None
            self._fd = fd
            return
        import fcntl

        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ProjectLockedError(
                f"{self.path}: the project is open for writing in another program; "
                "close it there first, or open it read-only"
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._sidecar is not None:  # pragma: no cover - Windows only
            try:
                self._sidecar.unlink()
            except OSError:
                pass
            self._sidecar = None


def is_not_a_database(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc)


__all__ = [
    "APPLICATION_ID",
    "ProjectError",
    "WriteLock",
    "backup_copy",
    "checkpoint",
    "install_pragmas",
    "integrity_problems",
    "looks_like_sqlite",
    "read_application_id",
    "read_revision",
    "set_application_id",
]
