"""Copying a whole project between engines, row by row (postgres.copy_file_to_server goes the other way).

The copy goes through SQLAlchemy Core only, table by table in the order of the models'
foreign keys, parents before children inside a table that refers to itself (codes, folders),
so it works between any two engines. A file is built under a temporary name beside dest and
linked into place only when complete, like every other project file the workbench writes;
a server project is made, filled and its id sequences set in one transaction.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine

from workbench.core.errors import ProjectError
from workbench.store import sqlite
from workbench.store.models import Base
from workbench.store.schema_version import HEAD

BATCH = 500
Progress = Callable[[int, int, str], None]  # rows done, rows in all, the table being copied
ShouldStop = Callable[[], bool]


def new_empty_file(engine: Engine) -> None:
    """The tables of a project at head, stamped, and no rows (create_project adds the first ones)."""
    with engine.begin() as conn:
        sqlite.set_application_id(conn.connection.dbapi_connection)
        Base.metadata.create_all(conn)
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                          "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": HEAD})


def copy_rows(src: Engine, dest: Engine | Connection, progress: Progress | None = None,
              should_stop: ShouldStop | None = None) -> None:
    """Every row of every table of the models from src into the (empty) tables of dest.

    progress(done, total, table) is called after each batch; should_stop() is asked after each
    batch, and when it says yes the copy raises Cancelled (dest's transaction is then undone)."""
    from workbench.core.errors import Cancelled

    if src.dialect.name == "postgresql":  # one snapshot for every table, while others write on
        src = src.execution_options(isolation_level="REPEATABLE READ")
    with src.connect() as read, (dest.begin() if isinstance(dest, Engine) else nullcontext(dest)) as write:
        revision = read.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if revision != HEAD:
            raise ProjectError(f"the project is at schema {revision}; open it for writing once to upgrade it")
        tables = Base.metadata.sorted_tables
        total = sum(read.execute(select(func.count()).select_from(t)).scalar() for t in tables) if progress else 0
        done = 0

        def step(table, n: int) -> None:
            nonlocal done
            done += n
            if should_stop is not None and should_stop():
                raise Cancelled("stopped; nothing was copied")
            if progress is not None:
                progress(done, total, table.name)

        for table in tables:
            self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            rows = read.execute(select(table)).mappings()
            if self_refs:  # a few hundred codes or folders at most: order them parents first
                ordered = parents_first([dict(r) for r in rows], self_refs[0])
                for i in range(0, len(ordered), BATCH):
                    write.execute(table.insert(), ordered[i:i + BATCH])
                    step(table, len(ordered[i:i + BATCH]))
                continue
            while batch := rows.fetchmany(BATCH):
                write.execute(table.insert(), [dict(r) for r in batch])
                step(table, len(batch))


def parents_first(rows: list[dict], parent: str) -> list[dict]:
    by_id = {r["id"]: r for r in rows}
    done: set[int] = set()
    out: list[dict] = []
    for r in sorted(rows, key=lambda r: r["id"]):
        chain = []
        while r is not None and r["id"] not in done and r not in chain:
            chain.append(r)
            r = by_id.get(r[parent])
        for row in reversed(chain):
            done.add(row["id"])
            out.append(row)
    return out


def write_file_copy(src: Engine, dest: Path, progress: Progress | None = None,
                    should_stop: ShouldStop | None = None) -> None:
    """A new project file at dest holding everything the project behind src holds."""
    if dest.exists():
        raise ProjectError(f"{dest}: a file already exists there; choose another name")
    tmp = sqlite.temp_beside(dest)
    engine = sqlite.make_engine(tmp, foreign_keys=False)  # codes may name parents made after them
    try:
        new_empty_file(engine)
        copy_rows(src, engine, progress, should_stop)
        engine.dispose()
        sqlite.place_new_file(tmp, dest)
    except BaseException:
        engine.dispose()
        sqlite.remove_with_sidecars(tmp)
        raise
