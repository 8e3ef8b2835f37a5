"""Publishing a project file as a new team project on a server, in one transaction (issue 14).

The file's write lock is held while it is read (nobody may change it meanwhile); the file must
pass SQLite's integrity check; the server must not hold a project of that name. The schema is
made by the Alembic revisions, filled row by row (store/transfer.copy_rows, every GUID kept),
its id sequences set, and made a team project by `store.team_roles.secure`, all in one
transaction: a failure or a cancel leaves nothing on the server.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from workbench.core.errors import ProjectError
from workbench.core.location import ServerLocation
from workbench.store import sqlite
from workbench.store.peek import check_project_file
from workbench.store.postgres import (create_schema_project, error_words, make_engine, quote, reset_sequences,
                                      schema_exists)
from workbench.store.schema_version import HEAD
from workbench.store.team_roles import secure
from workbench.store.models import Base
from workbench.store.transfer import BATCH, Progress, ShouldStop, parents_first

COUNTED = ("source", "code", "coding", "case_", "memo", "tombstone")


def copy_in(src, conn, schema: str, progress: Progress | None = None, should_stop: ShouldStop | None = None) -> None:
    """Every row of every table of the models from the file behind src into the empty tables of
    schema, by PostgreSQL's COPY inside conn's transaction (row-by-row INSERTs, even pipelined,
    took four times as long for the L workload). Parents before children in a table that refers
    to itself, as in transfer.copy_rows; should_stop() yes raises Cancelled."""
    from sqlalchemy import func, select

    from workbench.core.errors import Cancelled

    raw = conn.connection.dbapi_connection  # the psycopg connection of conn's transaction
    tables = Base.metadata.sorted_tables
    with src.connect() as read:
        total = sum(read.execute(select(func.count()).select_from(t)).scalar() for t in tables) if progress else 0
        done = 0
        for table in tables:
            names = [c.name for c in table.columns]
            self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            result = read.execute(select(table))
            if self_refs:  # a few hundred codes or folders at most
                by_name = [dict(zip(names, r)) for r in result]
                batches = [[tuple(r[n] for n in names) for r in parents_first(by_name, self_refs[0])]]
            else:
                batches = iter(lambda: result.fetchmany(BATCH * 4), [])
            columns = ", ".join(quote(n) for n in names)
            with raw.cursor() as cur, cur.copy(f"COPY {quote(schema)}.{quote(table.name)} ({columns}) FROM STDIN") as copy:
                for batch in batches:
                    for row in batch:
                        copy.write_row(tuple(row))
                    done += len(batch)
                    if should_stop is not None and should_stop():
                        raise Cancelled("stopped; nothing was published")
                    if progress is not None:
                        progress(done, total, table.name)


def publish_file(path: Path, loc: ServerLocation, drop_keys: tuple[str, ...] = (),
                 progress: Progress | None = None, should_stop: ShouldStop | None = None,
                 lock_held: bool = False) -> dict[str, int]:
    """A new team project at loc holding everything the project file at path holds; the
    project_meta keys in drop_keys (what a copy says about itself) are left out. Returns the
    row counts of the main tables on the server. lock_held: the caller holds the file's write
    lock (the window publishing the project it has open), so nobody else writes it meanwhile."""
    revision = check_project_file(path)  # not a project, or from a newer version: refused here
    if revision != HEAD:
        raise ProjectError(f"{path}: the file is at schema {revision}; open it once with this version to "
                           "upgrade it, then publish it")
    lock = None if lock_held else sqlite.WriteLock(path)  # a program writing the file refuses us, and we it
    if lock is not None:
        lock.acquire()
    src = engine = None
    try:
        problems = sqlite.integrity_problems(path)
        if problems:
            raise ProjectError(f"{path}: the file is damaged ({problems[0]}); nothing was published")
        src = sqlite.make_engine(path, readonly=True)
        engine = make_engine(loc)
        with engine.connect() as conn:
            if schema_exists(conn, loc.project):
                raise ProjectError(f"{loc}: a project named {loc.project!r} already exists in the database "
                                   f"{loc.database!r}; choose another name")
            create_schema_project(conn, loc.project, live=False)  # its triggers after the rows
            copy_in(src, conn, loc.project, progress, should_stop)
            reset_sequences(conn, loc.project)
            from workbench.store.live import install

            install(conn, loc.project)  # after the rows: publishing sends no notifications
            if drop_keys:
                conn.execute(text(f"DELETE FROM {quote(loc.project)}.project_meta WHERE key = ANY(:k)"),
                             {"k": list(drop_keys)})
            secure(conn, loc.project)
            counts = {t: conn.execute(text(f"SELECT count(*) FROM {quote(loc.project)}.{quote(t)}")).scalar()
                      for t in COUNTED}
            conn.commit()
        return counts
    except DBAPIError as exc:
        if isinstance(exc.orig, sqlite3.Error):  # reading the file went wrong, not the server
            raise ProjectError(f"{path}: {sqlite.error_words(exc)}; nothing was published") from None
        raise ProjectError(f"{loc}: the project could not be published; nothing was kept "
                           f"({error_words(exc, loc)})") from None
    except sqlite3.Error as exc:  # the integrity check itself could not read the file
        raise ProjectError(f"{path}: {sqlite.error_words(exc)}; nothing was published") from None
    finally:
        if src is not None:
            src.dispose()
        if engine is not None:
            engine.dispose()
        if lock is not None:
            lock.release()
