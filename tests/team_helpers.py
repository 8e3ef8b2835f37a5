"""Helpers of the team-project tests (tests/team, tests/ui): a test database on the cluster, reached
with plain psycopg as any role, and login roles made when missing (roles are cluster-wide)."""
from __future__ import annotations

import psycopg


def ensure_login(cluster, *names: str) -> None:
    for name in names:
        if not cluster.sql("postgres", f"SELECT 1 FROM pg_roles WHERE rolname = '{name}'"):
            cluster.sql("postgres", f"CREATE ROLE {name} LOGIN")


class Team:
    def __init__(self, cluster, database: str):
        self.cluster, self.database = cluster, database

    def url(self, project: str = "p", user: str = "wb") -> str:
        return self.cluster.url(self.database, project, user=user)

    def connect(self, user: str, project: str = "p") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.cluster.port, user=user, dbname=self.database,
                               options=f"-c search_path={project},public", autocommit=True)

    def sql(self, statement: str, params=None) -> list[tuple]:
        with self.connect("wb") as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def one(self, statement: str, params=None):
        return self.sql(statement, params)[0][0]

    def coder_id(self, name: str) -> int:
        return self.one("SELECT id FROM coder WHERE name = %s", (name,))
