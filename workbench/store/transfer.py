"""Copying a whole project between engines, row by row (a server project into a new project file).

The copy goes through SQLAlchemy Core only, table by table in the order of the models'
foreign keys, so it works from any engine into a project file. The file is built under a
temporary name beside dest and linked into place only when complete, like every other
project file the workbench writes.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from workbench.core.errors import ProjectError
from workbench.store import sqlite
from workbench.store.models import Base
from workbench.store.schema_version import HEAD

BATCH = 500


def new_empty_file(engine: Engine) -> None:
    """The tables of a project at head, stamped, and no rows (create_project adds the first ones)."""
    with engine.begin() as conn:
        sqlite.set_application_id(conn.connection.dbapi_connection)
        Base.metadata.create_all(conn)
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                          "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": HEAD})


def copy_rows(src: Engine, dest: Engine) -> None:
    """Every row of every table of the models from src into the (empty) tables of dest."""
    with src.connect() as read, dest.begin() as write:
        revision = read.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if revision != HEAD:
            raise ProjectError(f"the project is at schema {revision}; open it for writing once to upgrade it")
        for table in Base.metadata.sorted_tables:
            rows = read.execute(select(table)).mappings()
            while batch := rows.fetchmany(BATCH):
                write.execute(table.insert(), [dict(r) for r in batch])


def write_file_copy(src: Engine, dest: Path) -> None:
    """A new project file at dest holding everything the project behind src holds."""
    if dest.exists():
        raise ProjectError(f"{dest}: a file already exists there; choose another name")
    tmp = sqlite.temp_beside(dest)
    engine = sqlite.make_engine(tmp, foreign_keys=False)  # codes may name parents made after them
    try:
        new_empty_file(engine)
        copy_rows(src, engine)
        engine.dispose()
        sqlite.place_new_file(tmp, dest)
    except BaseException:
        engine.dispose()
        sqlite.remove_with_sidecars(tmp)
        raise

