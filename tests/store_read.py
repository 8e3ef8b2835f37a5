"""Reading what a test left in a project, on either engine, through the store (never sqlite3)."""
from __future__ import annotations

import re

from sqlalchemy import text

from workbench.store.project import open_project


def rows(location, sql: str, **params) -> list[tuple]:
    """The rows of one SQL query on the project at location (a file path or a postgresql:// URL)."""
    with open_project(location, readonly=True) as p, p.reading() as s:
        return [tuple(r) for r in s.execute(text(sql), params)]


def count(location, table: str) -> int:
    return rows(location, f"SELECT count(*) FROM {table}")[0][0]


class _Result:
    def __init__(self, rows: list[tuple]):
        self._rows = rows

    def __iter__(self):
        return iter(self._rows)

    def fetchall(self) -> list[tuple]:
        return list(self._rows)

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None


class Reader:
    """A read-only connection to a project with sqlite3's shape (execute(sql, params), close()),
    so the tests' plain SQL reads run on either engine; `?` placeholders are taken in order."""

    def __init__(self, location):
        self._project = open_project(location, readonly=True)
        self._conn = self._project.engine.connect()

    def execute(self, sql: str, params: tuple = ()) -> _Result:
        names = iter(range(len(params)))
        sql = re.sub(r"\?", lambda _m: f":p{next(names)}", sql)
        result = self._conn.execute(text(sql), {f"p{i}": v for i, v in enumerate(params)})
        return _Result([tuple(r) for r in result] if result.returns_rows else [])

    def close(self) -> None:
        self._conn.close()
        self._project.close()


def connect(location) -> Reader:
    return Reader(location)
