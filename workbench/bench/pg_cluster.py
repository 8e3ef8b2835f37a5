"""A throwaway PostgreSQL cluster on loopback: initdb and pg_ctl in a temporary folder, removed after.

The one implementation behind `workbench bench --server` (when no --url is given) and the test
suite's clusters (tests/pg_server.py adds its login roles and a psycopg helper on top).
PostgreSQL refuses to run as root, so when run as root the server runs as the `postgres` user
of Debian's package (or as `WORKBENCH_PG_USER`), in a folder it owns, on 127.0.0.1 and a free
port; authentication is `trust` on loopback only. `find_binaries` looks in PATH, then in
Debian's /usr/lib/postgresql/*/bin, newest first.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "wb"


class Unavailable(Exception):
    """No server can be started here: the reason, in one line."""


def find_binaries() -> Path:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if Path(bindir, "initdb").exists() and Path(bindir, "pg_ctl").exists():
            return Path(bindir)
    raise Unavailable("no PostgreSQL server programs (initdb, pg_ctl): install Debian's postgresql package")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One cluster; `start()` makes and runs it, `url(database, project)` names a project on it."""

    def __init__(self, prefix: str = "workbench-pg-", max_connections: int = 200) -> None:
        self.bindir = find_binaries()
        self.runas: str | None = None
        if os.geteuid() == 0:
            self.runas = os.environ.get("WORKBENCH_PG_USER", "postgres")
            try:
                pwd.getpwnam(self.runas)
            except KeyError:
                raise Unavailable(f"running as root and there is no user {self.runas!r} to run the server as") \
                    from None
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.data = self.root / "data"
        self.port = _free_port()
        self.max_connections = max_connections
        self.started = False

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.runas:
            cmd = ["runuser", "-u", self.runas, "--", *cmd]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if res.returncode:
            raise Unavailable(f"{args[0]} failed: {(res.stderr or res.stdout).strip().splitlines()[-1:]}")
        return res

    def start(self) -> "Cluster":
        if self.runas:
            pw = pwd.getpwnam(self.runas)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        self.run_server()
        self.started = True
        return self

    def run_server(self) -> None:
        """Start the server on the cluster's data, port and settings (again, after a stop)."""
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                f"-c max_connections={self.max_connections}")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  "-o", opts, "start")

    def url(self, database: str = "postgres", project: str | None = None, user: str = SUPERUSER) -> str:
        base = f"postgresql://{user}@127.0.0.1:{self.port}/{database}"
        return f"{base}?project={project}" if project else base

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            self.started = False
            shutil.rmtree(self.root, ignore_errors=True)
