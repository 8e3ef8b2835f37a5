"""Bulk reads and writes: the few statements that bulk coding ("code all hits", undo, merges)
and imports spend their time in, behind functions so each engine runs its fastest form.

SQLite gets the driver-level bodies of store/sqlite.py; any other engine the portable
SQLAlchemy ones below (tests run both on SQLite).
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from workbench.store import sqlite
from workbench.store.models import Code, Coder, Coding, Source


def existing_keys(session: Session, keys: set[tuple]) -> set[tuple]:
    """Which of these (source, code, coder, start, end) keys are codings already.

    Each key's (source, start) spot is looked up in the source/start index, so the cost
    follows the keys, not the table. (A row-value IN over the five columns was planned as a
    full scan of `coding`, once a chunk: bulk coding was quadratic, issue 11.)
    """
    if not keys:
        return set()
    spots = list({(k[0], k[3]) for k in keys})
    session.flush()
    conn = session.connection()
    found = sqlite.codings_at_spots(conn, spots) if _is_sqlite(conn) else _portable_codings_at_spots(session, spots)
    return {r for r in map(tuple, found) if r in keys}


def _rows_by_id(session: Session, model, columns: tuple[str, ...], ids: set[int]) -> list[tuple]:
    """These columns of the rows of model's table whose id is one of ids (any order); rows made in this
    session and not yet written (a coder named just now) count."""
    if not ids:
        return []
    session.flush()
    conn = session.connection()
    if _is_sqlite(conn):
        return list(sqlite.rows_by_id(conn, model.__tablename__, columns, ids))
    picked = select(*(getattr(model, c) for c in columns)).where(model.id.in_(ids))
    return [tuple(r) for r in session.execute(picked)]


def present_ids(session: Session, table: str, ids: set[int]) -> set[int]:
    """Which of these ids are rows of table ("code" or "coder"): a bulk coding's checks."""
    model = {"code": Code, "coder": Coder}[table]
    return {r[0] for r in _rows_by_id(session, model, ("id",), ids)}


def source_lengths(session: Session, ids: set[int]) -> dict[int, int]:
    """The length of each of these sources that exists, by id."""
    return dict(_rows_by_id(session, Source, ("id", "length"), ids))


def insert_codings(session: Session, rows: list[tuple]) -> list[tuple[int, str]]:
    """Insert (guid, source, code, coder, start, end, created_at) rows; returns their (id, guid)."""
    if not rows:
        return []
    session.flush()
    conn = session.connection()
    if _is_sqlite(conn):
        return sqlite.insert_codings(conn, rows)
    return _portable_insert(session, rows)


def insert_rows(session: Session, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows (every column given: no defaults are filled in) into a table."""
    if not rows:
        return
    session.flush()
    conn = session.connection()
    if _is_sqlite(conn):
        sqlite.insert_rows(conn, table.name, columns, rows)
    else:
        session.execute(insert(table), [dict(zip(columns, r)) for r in rows])


def _is_sqlite(conn) -> bool:
    return conn.dialect.name == "sqlite"


def _portable_codings_at_spots(session: Session, spots: list[tuple[int, int]]) -> list[tuple]:
    out: list[tuple] = []
    for i in range(0, len(spots), 2000):
        chunk = spots[i : i + 2000]
        chunk += chunk[-1:] * (max(16, 1 << (len(chunk) - 1).bit_length()) - len(chunk))
        params = {f"p{j}": v for j, v in enumerate(x for spot in chunk for x in spot)}
        out += session.execute(_spots_query(len(chunk)), params).all()
    return out


@lru_cache(maxsize=16)
def _spots_query(n: int):
    """Plain SQL text (a CTE over VALUES, which every engine reads), built once a size: compiling
    a statement of thousands of parameters for every batch would cost more than running it."""
    rows = ", ".join(f"(:p{2 * r}, :p{2 * r + 1})" for r in range(n))
    return text(f"WITH k(s, a) AS (VALUES {rows}) "
                'SELECT c.source_id, c.code_id, c.coder_id, c.start, c."end" '
                "FROM k JOIN coding c ON c.source_id = k.s AND c.start = k.a")


def _portable_insert(session: Session, rows: list[tuple]) -> list[tuple[int, str]]:
    table = Coding.__table__
    names = ("guid", "source_id", "code_id", "coder_id", "start", "end", "created_at")
    result = session.execute(insert(table).returning(table.c.id, table.c.guid, sort_by_parameter_order=True),
                             [dict(zip(names, r)) for r in rows])
    return [tuple(r) for r in result]


def raw_file_connection(path):
    """(engine, DB-API connection) to a project file with exactly the program's own pragmas: the
    benchmark's bare-executemany baseline runs on it (issue 11: bulk codings ≤ 2× that floor)."""
    engine = sqlite.make_engine(path)
    return engine, engine.raw_connection()
