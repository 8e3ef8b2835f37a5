"""What makes a server project a team project: roles, grants, row-level security (issue 14).

`secure(conn, schema)` is called inside the transaction that creates, publishes or
upgrades a team project; it is idempotent.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection

from workbench.store.team import mark_team


def secure(conn: Connection, schema: str) -> None:
    """Make the project in schema a team project (inside the caller's transaction)."""
    mark_team(conn, schema)
