"""The test suite's throwaway PostgreSQL cluster: workbench.bench.pg_cluster's, with test roles.

The cluster (initdb and pg_ctl on loopback, as the `postgres` user when the tests run as root,
removed after) is the one `workbench bench --server` uses. Here it also has plain login roles
`alice` and `bob` for tests of what another user may do, beside the superuser `wb` (the
projects' owner), and `sql()` to run statements outside any transaction.
"""
from __future__ import annotations

from workbench.bench.pg_cluster import SUPERUSER, Unavailable, find_binaries
from workbench.bench.pg_cluster import Cluster as _Cluster

__all__ = ["SUPERUSER", "ROLES", "Cluster", "Unavailable", "find_binaries"]

ROLES = ("alice", "bob")


class Cluster(_Cluster):
    """One running cluster with the test roles; `url(database, project)` names a project on it."""

    def start(self) -> "Cluster":
        super().start()
        for role in ROLES:
            self.sql("postgres", f"CREATE ROLE {role} LOGIN")
        return self

    def sql(self, database: str, *statements: str) -> list[tuple]:
        """Run statements outside any transaction (CREATE DATABASE ...); the last one's rows."""
        import psycopg

        rows: list[tuple] = []
        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database,
                             autocommit=True) as conn:
            for st in statements:
                cur = conn.execute(st)
                rows = cur.fetchall() if cur.description else []
        return rows
