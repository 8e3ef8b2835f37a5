"""Faults for the server tests (issue 14, item 6): a cluster of the test's own that it stops and
starts again, and a way to end the workbench's sessions at a chosen statement or COMMIT.

Tests that stop the server start their own `FaultCluster`, never the shared session one.
Sessions are ended with `pg_terminate_backend`, from a plain psycopg connection whose
application_name is not 'workbench' (so it ends only the program's sessions, not itself).
"""
from __future__ import annotations

import psycopg

from pg_server import SUPERUSER, Cluster


class FaultCluster(Cluster):
    """A throwaway cluster that can be stopped and started again on the same port and data."""

    def halt(self, mode: str = "fast") -> None:
        """Stop the server (fast: sessions ended, everything committed kept; immediate: a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def resume(self) -> None:
        """Start the server again on the same data and port."""
        self.run_server()

    def kill_workbench(self, database: str) -> int:
        """End every workbench session on database, waiting until each is gone; how many there were."""
        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database,
                             autocommit=True, application_name="fault-tests") as conn:
            rows = conn.execute("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                                "WHERE application_name = 'workbench' AND pid <> pg_backend_pid()").fetchall()
        return len(rows)

    def rows(self, database: str, sql: str) -> list[tuple]:
        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database,
                             application_name="fault-tests") as conn:
            return conn.execute(sql).fetchall()


class KillAt:
    """Ends the workbench's sessions just before the nth statement a project's engine sends
    (the statement then meets a dead connection), or around its COMMIT:
    at="before-commit" ends them before COMMIT is sent (the server rolls back),
    at="after-commit" lets COMMIT through and ends them before the reply is read, as a
    connection dropping on the way back does (the server has the change, the program
    does not know)."""

    def __init__(self, cluster: FaultCluster, database: str, engine, nth: int | None = None,
                 at: str | None = None):
        from sqlalchemy import event

        self.cluster, self.database, self.engine = cluster, database, engine
        self.nth, self.at = nth, at
        self.count = 0
        self.fired = False
        event.listen(engine, "before_cursor_execute", self._before)
        if at:
            dialect = engine.dialect
            self._commit = dialect.do_commit
            dialect.do_commit = self._do_commit  # on this engine's dialect instance only

    def _before(self, conn, cursor, statement, params, context, executemany):  # noqa: ANN001
        self.count += 1
        if self.nth is not None and self.count == self.nth and not self.fired:
            self.fired = True
            self.cluster.kill_workbench(self.database)

    def _do_commit(self, dbapi_conn):  # noqa: ANN001
        if self.fired or self.at is None:
            return self._commit(dbapi_conn)
        self.fired = True
        if self.at == "before-commit":
            self.cluster.kill_workbench(self.database)
            return self._commit(dbapi_conn)
        self._commit(dbapi_conn)
        self.cluster.kill_workbench(self.database)
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    def remove(self) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._before)
        if self.at:
            self.engine.dialect.do_commit = self._commit


TEXT = "The clinic opened in 2019 and the bus project never left the drawing board. " * 20


def make_server_project(url: str, folder) -> None:
    """A small server project: coder wb, the code "theme", and one source, interview.txt."""
    from pathlib import Path

    from workbench.services.codebook import create_code
    from workbench.services.sources import import_files
    from workbench.store.project import create_project

    p = create_project(url, name="Faults", coder="wb")
    try:
        create_code(p, "theme")
        f = Path(folder) / "interview.txt"
        f.write_text(TEXT, encoding="utf-8")
        import_files(p, [f], coder="wb")
    finally:
        p.close()


def allow_password_only(cluster: FaultCluster, role: str, password: str) -> None:
    """Make role sign in with a password (scram) on loopback; every other role keeps trust."""
    cluster.sql("postgres", f"ALTER ROLE {role} PASSWORD '{password}'")
    hba = cluster.data / "pg_hba.conf"
    hba.write_text(f"host all {role} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    cluster._run("pg_ctl", "-D", str(cluster.data), "reload")
    import time

    time.sleep(0.5)  # the postmaster reads the file on SIGHUP
