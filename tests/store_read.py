"""Reading what a test left in a project, on either engine, through the store (never sqlite3)."""
from __future__ import annotations

from sqlalchemy import text

from workbench.store.project import open_project


def rows(location, sql: str, **params) -> list[tuple]:
    """The rows of one SQL query on the project at location (a file path or a postgresql:// URL)."""
    with open_project(location, readonly=True) as p, p.reading() as s:
        return [tuple(r) for r in s.execute(text(sql), params)]


def count(location, table: str) -> int:
    return rows(location, f"SELECT count(*) FROM {table}")[0][0]
