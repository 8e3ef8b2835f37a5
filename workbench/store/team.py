"""Team projects: one project on a PostgreSQL server that several people write at once (issue 14).

A server project is a team project when its `project_meta` holds `team = on` (set by
`workbench server init`). Then:
- every program that opens it for writing holds the *shared* advisory lock of the project,
  not the exclusive one a single-user project takes, so several writers work side by side,
  each action one transaction of its own; what needs the project to itself (an upgrade of
  the schema) takes the exclusive lock, and gets it only when nobody else is in;
- the coder of what a person writes is the PostgreSQL role they signed in as
  (`current_user`), never a name the client sends: `Project.signed_in` holds it, and the
  window and the command line code under that name.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from workbench.store.pg_names import quote

TEAM_KEY = "team"


def is_team(conn: Connection, schema: str) -> bool:
    """Whether the project in schema is a team project (project_meta team = on)."""
    if conn.execute(text("SELECT to_regclass(:t)"), {"t": f"{quote(schema)}.project_meta"}).scalar() is None:
        return False
    value = conn.execute(text(f"SELECT value FROM {quote(schema)}.project_meta WHERE key = :k"),
                         {"k": TEAM_KEY}).scalar()
    return value == "on"


def mark_team(conn: Connection, schema: str) -> None:
    """Make the project in schema a team project, inside the caller's transaction."""
    conn.execute(text(f"DELETE FROM {quote(schema)}.project_meta WHERE key = :k"), {"k": TEAM_KEY})
    conn.execute(text(f"INSERT INTO {quote(schema)}.project_meta (key, value) VALUES (:k, 'on')"), {"k": TEAM_KEY})


def signed_in_role(conn: Connection) -> str:
    """The PostgreSQL role this connection signed in as: the coder of what it writes."""
    return conn.execute(text("SELECT session_user")).scalar()

