"""Everything SQLite-specific lives here: connections, pragmas, file locks, copies, integrity checks.

A project is one file that users copy, e-mail and sync while the window is open, so
the file itself must hold every committed change at rest. Projects therefore use
SQLite's rollback journal (`journal_mode=DELETE`, `synchronous=FULL`), not WAL: a
commit writes its pages into the `.qwb` before it returns, the `-journal` beside it
exists only while a transaction is in flight, and a kill at any moment is rolled back
on the next open. (In WAL mode committed pages stay in `NAME.qwb-wal` until a
checkpoint: a copy of the `.qwb` alone held none of a session's work, issue 9.)

Paths never go into a URL unescaped: a project named `team%20copy.qwb`, `c?d.qwb` or
`a#b.qwb` is that file and no other (issue 12); connections come from `connect()`.
"""
from __future__ import annotations

import errno
import os
import re
import sqlite3
import sys
import urllib.parse
from pathlib import Path

from workbench.core.errors import ProjectError, ProjectLockedError

# SQLAlchemy (and typing, tempfile) load where they are used: `workbench info` reads a project
# through this module and must start quickly (issue 11). Type checkers read TYPE_CHECKING by name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# 'QWB1' as a big-endian integer: marks a SQLite file as one of our projects.
APPLICATION_ID = 0x51574231
SQLITE_HEADER = b"SQLite format 3\x00"
SIDECARS = ("-journal", "-wal", "-shm")
BUSY_TIMEOUT_MS = 5000


def looks_like_sqlite(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == SQLITE_HEADER


def file_uri(path: str | os.PathLike, **params: str) -> str:
    """An SQLite URI naming exactly this file: every byte of the path that is not plain is escaped."""
    raw = os.fsencode(Path(path).absolute())
    uri = "file:" + urllib.parse.quote(raw, safe="/")
    if params:
        uri += "?" + urllib.parse.urlencode(params)
    return uri


def _wal_mode(path: Path) -> bool:
    """Whether the file's header says WAL (bytes 18 and 19 are 2): such a file needs -shm to be read."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(20)
    except OSError:
        return False
    return len(head) == 20 and head[18] == 2 and head[19] == 2


def connect(path: str | os.PathLike, readonly: bool = False) -> sqlite3.Connection:
    """A DB-API connection to the file at path (no URL parsing of the path, ever)."""
    path = Path(path)
    params = {"mode": "ro"} if readonly else {}
    if readonly and _wal_mode(path) and not os.access(path.parent, os.W_OK) and not Path(f"{path}-wal").exists():
        # A WAL file in a folder we cannot write: SQLite could not make its -shm. With no -wal
        # there is nothing beyond the file itself to read, so read the file as it is.
        params["immutable"] = "1"
    return sqlite3.connect(file_uri(path, **params), uri=True, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000)


class SidecarGuard:
    """Removes the -wal/-shm files a read-only look at a WAL-mode file made, once it is over.

    Only files that were not there before are removed, and only when no program has the
    project open for writing (its flock is free): a file older programs left in WAL mode
    (a merge input, a refused newer file) is left as it was found, with nothing beside it.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.before = {s for s in ("-wal", "-shm") if Path(f"{self.path}{s}").exists()}

    def done(self) -> None:
        made = [s for s in ("-wal", "-shm") if s not in self.before and Path(f"{self.path}{s}").exists()]
        if not made:
            return
        wal = Path(f"{self.path}-wal")
        if wal.exists() and wal.stat().st_size:
            return  # it holds pages: not ours to drop
        lock = WriteLock(self.path)
        try:
            lock.acquire()
        except (ProjectError, OSError):
            return
        try:
            for s in made:
                Path(f"{self.path}{s}").unlink(missing_ok=True)
        finally:
            lock.release()


def make_engine(path: Path, readonly: bool = False, foreign_keys: bool = True) -> Engine:
    """The SQLAlchemy engine of a project file; connections come from `connect`, never a URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import QueuePool

    engine = create_engine("sqlite+pysqlite://", creator=lambda: connect(path, readonly), poolclass=QueuePool)
    install_pragmas(engine, readonly=readonly, foreign_keys=foreign_keys)
    return engine


def install_pragmas(engine: Engine, *, readonly: bool = False, foreign_keys: bool = True) -> None:
    """Foreign keys on, the rollback journal, and transactions we begin ourselves."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no branch - runs per connection
        apply_pragmas(dbapi_conn, readonly=readonly, foreign_keys=foreign_keys)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Only write transactions take the write lock up front (no deadlock on upgrade from
        # read to write); reads begin deferred, so they never queue behind a writer.
        write = not readonly and conn.get_execution_options().get("workbench_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def apply_pragmas(dbapi_conn, *, readonly: bool = False, foreign_keys: bool = True) -> None:
    """The settings of every connection to a project, with or without SQLAlchemy on top."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Files come from other people (team copies, downloads): be defensive.
    cur.execute("PRAGMA trusted_schema=OFF")
    cur.execute("PRAGMA cell_size_check=ON")
    # Big projects: a 64 MiB page cache instead of 2 MiB keeps bulk work from re-reading pages.
    cur.execute("PRAGMA cache_size=-65536")
    if not readonly:
        # See the module docstring: the file alone holds every committed change.
        cur.execute("PRAGMA journal_mode=DELETE")
        cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def set_application_id(dbapi_conn) -> None:
    dbapi_conn.execute(f"PRAGMA application_id={APPLICATION_ID}")


def _peek(path: Path, sql: str):
    """Run one read on a file without leaving anything beside it."""
    guard = SidecarGuard(path)
    con = connect(path, readonly=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
        guard.done()


def read_application_id(path: Path) -> int:
    return _peek(path, "PRAGMA application_id")[0][0]


def read_revision(path: Path) -> str | None:
    """The Alembic revision stamped in the file, or None when there is none.

    A file with more than one row in alembic_version was not written by Alembic: that is
    damage, said in one line, not a guess between the rows.
    """
    try:
        rows = _peek(path, "SELECT version_num FROM alembic_version")
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    if len(rows) > 1:
        raise ProjectError(f"{path}: the project file is damaged (it records {len(rows)} schema versions)")
    return rows[0][0] if rows else None


def drop_foreign_objects(dbapi_conn) -> list[str]:
    """Drop every trigger and view (the workbench makes none); returns what was dropped."""
    rows = dbapi_conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')").fetchall()
    for kind, name in rows:
        dbapi_conn.execute(f'DROP {kind.upper()} IF EXISTS "{name.replace(chr(34), chr(34) * 2)}"')
    return [f"{t} {n}" for t, n in rows]


# -- files beside files ------------------------------------------------------------------------
# A temporary, or one of its journal files or its lock.
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[A-Za-z0-9_]+\.part(?:-journal|-wal|-shm|\.lock)?$")


def temp_beside(dest: Path) -> Path:
    """A new, uniquely named empty file beside dest to build it in (hidden, `.NAME.PID-XXXX.part`).

    Leftovers of killed programs (their process is gone) are swept first, so a kill -9
    leaves no copy behind for long.
    """
    import tempfile

    dest = Path(dest)
    folder = dest.parent if str(dest.parent) else Path(".")
    sweep_dead_temps(folder, dest.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.{os.getpid()}-", suffix=".part", dir=folder)
    except OSError as exc:
        raise ProjectError(f"{dest}: cannot write there ({exc.strerror})") from None
    os.close(fd)
    return Path(tmp)


def sweep_dead_temps(folder: Path, name: str) -> list[str]:
    """Remove the temporaries (and their sidecars) that processes now gone left for `name`; their names."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    swept = []
    for entry in entries:
        m = _TEMP.match(entry.name)
        if not m or m.group("name") != name or _alive(int(m.group("pid"))):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        swept.append(entry.name)
    return swept


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clear_stale_sidecars(dest: Path) -> list[str]:
    """A -journal/-wal/-shm at a path where no file is belongs to no database: left there, SQLite
    would replay it onto the new file made there (issue 12). Removes them; returns their names."""
    if Path(dest).exists():
        return []
    found = [s for s in SIDECARS if Path(f"{dest}{s}").exists()]
    for s in found:
        Path(f"{dest}{s}").unlink(missing_ok=True)
    return found


def place_new_file(tmp: Path, dest: Path) -> None:
    """Move a finished file into place without ever replacing a file that appeared at dest."""
    clear_stale_sidecars(dest)
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise ProjectError(f"{dest}: a file already exists there; choose another name") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise ProjectError(f"{dest}: cannot write there ({exc.strerror})") from None
        # File systems without hard links (FAT, some network shares): check, then rename.
        if dest.exists():
            raise ProjectError(f"{dest}: a file already exists there; choose another name") from None
        os.replace(tmp, dest)
    else:
        tmp.unlink(missing_ok=True)
    _sync_folder(dest.parent)


def _sync_folder(folder: Path) -> None:
    """Make a new name durable (POSIX); a file system that cannot is left as it is."""
    try:
        fd = os.open(folder if str(folder) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_copy(path: Path, dest: Path) -> Path:
    """A consistent copy of a project file (SQLite's backup API), complete before it has its name.

    The copy is built under a temporary name beside dest and only then linked into place, so a
    kill mid-copy never leaves a half-written file that looks like a good backup (issue 12).
    """
    dest = Path(dest)
    tmp = temp_beside(dest)
    guard = SidecarGuard(path)
    try:
        src = connect(path, readonly=True)
        try:
            dst = sqlite3.connect(file_uri(tmp), uri=True)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
            guard.done()
        place_new_file(tmp, dest)
    except BaseException:
        remove_with_sidecars(tmp)
        raise
    return dest


def integrity_problems(path: Path) -> list[str]:
    """What PRAGMA integrity_check and foreign_key_check report; empty when the file is sound."""
    guard = SidecarGuard(path)
    con = connect(path, readonly=True)
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        problems += [f"foreign key: {r}" for r in con.execute("PRAGMA foreign_key_check")]
        return problems
    finally:
        con.close()
        guard.done()


def checkpoint(path: Path) -> None:
    """Make the file stand alone: fold any WAL into it and leave the rollback journal mode set."""
    con = connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()


def remove_with_sidecars(path: Path, *extra: str) -> None:
    """Remove a project file and its -journal, -wal and -shm files (and any other suffixes given)."""
    for suffix in ("", *SIDECARS, *extra):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def settle_into_place(tmp: Path, dest: Path) -> None:
    """Make the temporary project file tmp whole (WAL folded in, sidecars gone) and move it to dest,
    never over a file that is there."""
    checkpoint(tmp)
    for suffix in SIDECARS:
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    place_new_file(tmp, dest)


def writable_problem(path: Path) -> str | None:
    """Why a project file cannot be opened for writing, in words, or None."""
    if not os.access(path, os.W_OK):
        return "the project file is read-only; open it read-only, or make it writable"
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK | os.X_OK):
        return (f"the folder {folder} is read-only, and the workbench writes a journal beside the project "
                "while it saves; open it read-only, or move it to a folder you can write")
    return None


# What a failed read or write of the project file means, in words a user can act on: the
# command line (one line per command, CLI.md), the import batch (one line per file) and
# Project's transactions all say it so. The driver's exceptions carry SQLite's result code
# name (Python 3.11+), which is stabler than its messages; the messages are the fallback.
_FULL = {"SQLITE_FULL"}
_READONLY = {"SQLITE_READONLY", "SQLITE_READONLY_DBMOVED", "SQLITE_READONLY_DIRECTORY",
             "SQLITE_READONLY_RECOVERY", "SQLITE_READONLY_CANTLOCK", "SQLITE_READONLY_ROLLBACK",
             "SQLITE_PERM", "SQLITE_AUTH"}
_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_RECOVERY"}
_CANTOPEN = {"SQLITE_CANTOPEN", "SQLITE_CANTOPEN_ISDIR", "SQLITE_CANTOPEN_FULLPATH"}

DAMAGED_HINT = "restore it from a backup, or ask whoever sent it for a fresh copy"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def database_problem(exc: BaseException) -> str | None:
    """What a database error (the driver's, or SQLAlchemy's wrapping one) means for the user, or
    None when exc is not one."""
    err = exc if isinstance(exc, sqlite3.Error) else getattr(exc, "orig", None)
    if not isinstance(err, sqlite3.Error):
        if type(exc).__module__.startswith("sqlalchemy"):
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


def error_words(exc: BaseException) -> str:
    """Any error met while using the project file, in the words of database_problem."""
    return database_problem(exc) or f"the project file could not be used ({first_line(exc)})"


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


# -- bulk codings at the driver's speed (issue 11) ----------------------------------------------
# SQLAlchemy handles the parameters of every row of an executemany in Python; for tens of
# thousands of codings that cost more than SQLite's own work. These take the session's
# connection (its transaction) and hand plain tuples to the driver; store/bulk.py calls them.
_CODING_COLUMNS = ("guid", "source_id", "code_id", "coder_id", "start", "end", "created_at")


def insert_rows(conn, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One executemany of plain tuples into table (names are the program's own, quoted)."""
    names = ", ".join(f'"{c}"' for c in columns)
    conn.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})', rows)


def _padded(chunk: list) -> list:
    """chunk with its last item repeated up to a power of two (at least 16): statements then
    come in a few sizes, which SQLite and the driver prepare once each."""
    return chunk + chunk[-1:] * (max(16, 1 << (len(chunk) - 1).bit_length()) - len(chunk))


def rows_by_id(conn, table: str, columns: tuple[str, ...], ids) -> list[tuple]:
    """These columns of the rows of table whose id is among ids (each id's row once).

    Plain placeholders, 512 a statement, run on the driver's connection (inside the session's
    transaction) with no result rows of SQLAlchemy's: an expanding IN was compiled anew for
    every batch, and with its rows cost a bulk coding's checks more than the insert (issue 11).
    """
    ids = list(ids)
    names = ", ".join(f'"{c}"' for c in columns)
    driver = conn.connection.driver_connection
    out: list[tuple] = []
    for i in range(0, len(ids), 512):
        chunk = _padded(ids[i : i + 512])
        out += driver.execute(f'SELECT {names} FROM "{table}" WHERE id IN ({", ".join("?" * len(chunk))})',
                              chunk).fetchall()
    return out


def codings_at_spots(conn, spots: list[tuple[int, int]]) -> list[tuple]:
    """(source, code, coder, start, end) of the codings at these (source, start) spots.

    The spots are joined in as a VALUES table, so each is one look-up in the source/start
    index; the statement text comes in a few sizes (the last spot repeated), so SQLite and
    the driver prepare each size once.
    """
    out: list[tuple] = []
    for i in range(0, len(spots), 2000):
        chunk = _padded(spots[i : i + 2000])
        sql = ("WITH k(s, a) AS (VALUES " + ", ".join(["(?, ?)"] * len(chunk)) + ") "
               'SELECT c.source_id, c.code_id, c.coder_id, c.start, c."end" '
               "FROM k JOIN coding AS c ON c.source_id = k.s AND c.start = k.a")
        out += conn.exec_driver_sql(sql, tuple(x for spot in chunk for x in spot)).all()
    return out


def insert_codings(conn, rows: list[tuple]) -> list[tuple[int, str]]:
    """Insert (guid, source, code, coder, start, end, created_at) rows; their (id, guid) in order.

    The new ids are the rows above the largest id before: a writing transaction holds
    SQLite's one write lock, so no other program's rows can be among them. SQLite gives each
    row one above the largest id, so they are before+1, before+2, ... in order; only when the
    largest id after says otherwise (the largest possible id was taken, and SQLite picked free
    ones at random) are they found by their GUIDs.
    """
    before = conn.exec_driver_sql("SELECT max(id) FROM coding").scalar() or 0
    insert_rows(conn, "coding", _CODING_COLUMNS, rows)
    if conn.exec_driver_sql("SELECT max(id) FROM coding").scalar() == before + len(rows):
        return [(before + 1 + i, r[0]) for i, r in enumerate(rows)]
    guids = [r[0] for r in rows]
    by_guid: dict[str, int] = {}
    for i in range(0, len(guids), 512):
        chunk = _padded(guids[i : i + 512])
        by_guid.update(conn.exec_driver_sql(
            f'SELECT guid, id FROM coding WHERE guid IN ({", ".join("?" * len(chunk))})', tuple(chunk)).all())
    return [(by_guid[g], g) for g in guids]
