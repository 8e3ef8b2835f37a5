"""Everything PostgreSQL-specific: connections, the project's schema, locks, copies, checks, errors.

A server project is `postgresql://user@host[:port]/database?project=NAME` (core.location).
Several projects may share one database: each is the schema NAME, holding the same tables
as a project file and its own `alembic_version`. Every connection sets
`search_path = NAME, public`, so every model and every Alembic revision works unchanged.
Creating a project runs the Alembic revisions in its schema, all in one transaction: a
failure leaves no schema behind. A single-user project has one writer at a time, as a file
has: the writer holds a session-level advisory lock keyed on the database and schema. A
team project's writers share that lock (store/team.py) and its upgrades take it alone.
Passwords never appear in messages: locations print with the password hidden, and
errors are worded from the server's message, never from the connection string.
"""
from __future__ import annotations

import zlib
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from workbench.core.errors import ProjectError, ProjectLockedError, SignInRefused
from workbench.core.location import ServerLocation
from workbench.store.backend import Backend, WriteLock
from workbench.store.pg_names import quote

CONNECT_TIMEOUT = 10  # seconds libpq waits for a server to answer
LOCK_CLASS = 0x5157  # 'QW': the first key of every workbench advisory lock
SEARCH_TABLES = ("source_fold",)  # made by store/pg_search.py outside Alembic; never copied


def engine_url(loc: ServerLocation) -> URL:
    return URL.create("postgresql+psycopg", username=loc.user, password=loc.password, host=loc.host,
                      port=loc.port, database=loc.database, query=loc.tls_options())


def make_engine(loc: ServerLocation, readonly: bool = False, schema: str | None = None) -> Engine:
    """An engine whose every connection works in the project's schema (read-only if asked)."""
    opts = [f"-c search_path={schema or loc.project},public", "-c client_encoding=UTF8"]
    if readonly:
        opts.append("-c default_transaction_read_only=on")
    args = {"options": " ".join(opts), "application_name": "workbench"}
    if "connect_timeout" not in dict(loc.options):
        args["connect_timeout"] = CONNECT_TIMEOUT  # an unreachable host is said in seconds, not minutes
    return create_engine(engine_url(loc), connect_args=args,
                         pool_pre_ping=True)  # a connection dead since the last action is replaced


def schema_exists(conn: Connection, schema: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}).first() is not None


def tables_of(conn: Connection, schema: str) -> list[str]:
    return list(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
                             {"s": schema}).scalars())


def read_revision(conn: Connection, schema: str) -> str | None:
    if "alembic_version" not in tables_of(conn, schema):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {quote(schema)}.alembic_version")).scalars().all()
    if len(rows) > 1:
        raise ProjectError(f"the project is damaged (it records {len(rows)} schema versions)")
    return rows[0] if rows else None


class AdvisoryLock(WriteLock):
    """The writer's lock: a session-level advisory lock held on a connection of its own.

    Exclusive for a single-user project (one writer, as with a file); shared for a team
    project (store/team.py), whose writers work side by side and whose upgrades take it
    exclusive."""

    def __init__(self, engine: Engine, loc: ServerLocation, shared: bool = False):
        self._engine = engine
        self._conn: Connection | None = None
        self.loc = loc
        self.shared = shared

    def key(self) -> int:
        return zlib.crc32(f"{self.loc.database}/{self.loc.project}".encode()) - 2 ** 31

    def acquire(self) -> None:
        conn = self._engine.connect()
        fn = "pg_try_advisory_lock_shared" if self.shared else "pg_try_advisory_lock"
        got = conn.execute(text(f"SELECT {fn}(:c, :k)"), {"c": LOCK_CLASS, "k": self.key()}).scalar()
        conn.commit()
        if not got:
            conn.close()
            self._engine.dispose()
            raise ProjectLockedError(f"{self.loc}: the project is open for writing in another program; "
                                     "close it there first, or open it read-only")
        self._conn = conn

    def holds(self) -> bool:
        """Whether the lock's session is alive and still holds the lock."""
        if self._conn is None:
            return False
        try:
            mode = "ShareLock" if self.shared else "ExclusiveLock"
            held = self._conn.execute(text(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted "
                "AND classid = :c AND objid = :o AND mode = :m"),
                {"c": LOCK_CLASS, "o": self.key() & 0xFFFFFFFF, "m": mode}).first() is not None
            self._conn.commit()
            return held
        except DBAPIError:
            return False

    def renew(self) -> None:
        """After a lost connection: keep the lock if its session survived, else take it again
        (retried with backoff while the server comes back); ProjectLockedError if another
        program took the project for writing in between."""
        from workbench.store.reconnect import retrying

        if self.holds():
            return
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except DBAPIError:
                pass
            self._conn = None
        try:
            retrying(self._take)
        except ProjectLockedError:
            raise ProjectLockedError(f"{self.loc}: while the connection was lost another program opened the "
                                     "project for writing; close it here and open it again") from None

    def _take(self) -> None:
        conn = self._engine.connect()
        fn = "pg_try_advisory_lock_shared" if self.shared else "pg_try_advisory_lock"
        try:
            got = conn.execute(text(f"SELECT {fn}(:c, :k)"), {"c": LOCK_CLASS, "k": self.key()}).scalar()
            conn.commit()
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            raise ProjectLockedError(f"{self.loc}: the project is open for writing in another program")
        self._conn = conn

    def release(self) -> None:
        if self._conn is not None:
            try:
                fn = "pg_advisory_unlock_shared" if self.shared else "pg_advisory_unlock"
                self._conn.execute(text(f"SELECT {fn}(:c, :k)"), {"c": LOCK_CLASS, "k": self.key()})
                self._conn.commit()
            except DBAPIError:
                pass  # the connection is gone, and with it the lock
            finally:
                self._conn.close()
                self._conn = None
        self._engine.dispose()


class PostgresBackend(Backend):
    """A project that is one schema of a PostgreSQL database."""

    kind = "postgresql"

    def __init__(self, loc: ServerLocation, readonly: bool):
        from workbench.store.pg_search import WordIndex

        self.loc = loc
        self.readonly = readonly
        self.search = WordIndex()
        self.team: bool | None = None  # read by revision(): a team project (store/team.py)?

    @property
    def location(self) -> ServerLocation:
        return self.loc

    def make_engine(self, readonly: bool, foreign_keys: bool = True) -> Engine:
        return make_engine(self.loc, readonly)

    def admin(self) -> Engine:
        """An engine for the checks and copies around the project (schema named in each statement)."""
        return make_engine(self.loc)

    def lock_for_writing(self) -> AdvisoryLock:
        engine = self.admin()
        lock = AdvisoryLock(engine, self.loc, shared=bool(self.team))
        try:
            lock.acquire()
        except DBAPIError as exc:
            engine.dispose()
            raise ProjectError(f"{self.loc}: {self.error_words(exc)}") from None
        return lock

    def revision(self) -> str:
        from workbench.store.schema_version import REVISIONS

        engine = self.admin()
        try:
            with engine.connect() as conn:
                if not schema_exists(conn, self.loc.project):
                    raise ProjectError(f"{self.loc}: no project named {self.loc.project!r} in the database "
                                       f"{self.loc.database!r}")
                revision = read_revision(conn, self.loc.project)
                if revision is not None:
                    from workbench.store.team import is_team

                    self.team = is_team(conn, self.loc.project)
        except ProjectError as exc:
            if str(exc).startswith(str(self.loc)):
                raise
            raise ProjectError(f"{self.loc}: {exc}") from None
        except DBAPIError as exc:
            raise sign_in_error(exc, self.loc) from None
        finally:
            engine.dispose()
        if revision is None:
            raise ProjectError(f"{self.loc}: the schema {self.loc.project!r} is not a workbench project")
        if revision not in REVISIONS:
            raise ProjectError(f"{self.loc}: made by a newer version of the workbench (schema {revision}); "
                               "update the program to open it. The project was left untouched.")
        return revision

    def upgrade_team(self, revision: str, target: str) -> None:
        """Upgrade a team project (store/team.py): by an owner only, holding the exclusive lock, so
        while nobody else has it open; then its roles and policies are made again (team_roles.secure)
        for what the upgrade added. Anyone else is told why they cannot open it."""
        from workbench.store.team_roles import kind_of

        needs = (f"{self.loc}: the project needs an upgrade (schema {revision} to {target}) that its owner "
                 "must run when nobody else has it open")
        engine = self.admin()
        try:
            with engine.connect() as conn:
                kind = kind_of(conn, self.loc.project)
                me = conn.execute(text("SELECT session_user")).scalar()
        except DBAPIError as exc:
            raise ProjectError(f"{self.loc}: {self.error_words(exc)}") from None
        finally:
            engine.dispose()
        if kind != "owner":
            raise ProjectError(f"{needs}; you sign in as {me!r}, " +
                               (f"a {kind} of it" if kind else "who has no role in it"))
        lock = AdvisoryLock(self.admin(), self.loc, shared=False)
        try:
            lock.acquire()
        except ProjectLockedError:
            raise ProjectError(f"{needs}; someone has it open now") from None
        except DBAPIError as exc:
            raise ProjectError(f"{self.loc}: {self.error_words(exc)}") from None
        try:
            self.backup(f"before-upgrade-{revision}")
            upgrade_server_project(self, target, resecure=True)
        finally:
            lock.release()

    def backup(self, tag: str) -> str:
        """A copy of the project as a new schema NAME_bk_TIME in the same database (tag recorded in it);
        a second copy within the same second is NAME_bk_TIME_2, and so on (two quick merges)."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        base = f"{self.loc.project}_bk_{stamp}"  # at most 40 + 18 of PostgreSQL's 63 bytes
        engine = self.admin()
        try:
            with engine.begin() as conn:
                name, n = base, 1
                while schema_exists(conn, name):
                    n += 1
                    name = f"{base}_{n}"
                dest = self.loc.with_project(name)
                copy_schema(conn, self.loc.project, dest.project)
                conn.execute(text(f"INSERT INTO {quote(dest.project)}.project_meta (key, value) "
                                  "VALUES ('backup_of', :v)"), {"v": f"{tag} of {self.loc}"})
        except DBAPIError as exc:
            raise ProjectError(f"{self.loc}: the backup copy could not be made ({self.error_words(exc)})") from None
        finally:
            engine.dispose()
        return str(dest)

    def copy_to_file(self, dest: Path) -> None:
        from workbench.store.transfer import write_file_copy

        engine = self.make_engine(readonly=True)
        try:
            write_file_copy(engine, Path(dest))
        finally:
            engine.dispose()

    def integrity_problems(self) -> list[str]:
        """Tables or columns the models have and the schema lacks; rows a constraint would refuse."""
        from workbench.store.models import Base

        engine = self.admin()
        problems = []
        try:
            with engine.connect() as conn:
                have = set(tables_of(conn, self.loc.project))
                cols = {(t, c) for t, c in conn.execute(text(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = :s"),
                    {"s": self.loc.project})}
                for table in Base.metadata.sorted_tables:
                    if table.name not in have:
                        problems.append(f"table {table.name} is missing")
                        continue
                    problems += [f"column {table.name}.{c.name} is missing" for c in table.columns
                                 if (table.name, c.name) not in cols]
                # Constraints the server was told to skip (NOT VALID) are checked here.
                problems += [f"constraint {name} on {table} is not validated" for table, name in conn.execute(text(
                    "SELECT conrelid::regclass::text, conname FROM pg_constraint c JOIN pg_namespace n "
                    "ON n.oid = c.connamespace WHERE n.nspname = :s AND NOT c.convalidated"),
                    {"s": self.loc.project})]
        finally:
            engine.dispose()
        return problems

    def error_words(self, exc: BaseException) -> str:
        return error_words(exc, self.loc)

    def on_open(self, conn: Connection) -> list[str]:
        """Drop views and triggers someone put in the project's schema. The workbench makes no view
        and only the live-update triggers (store/live.py), kept when they are exactly its own:
        one of its names, calling its function in this schema, whose body is the one it wrote."""
        from workbench.store import live

        schema_name = self.loc.project
        views = conn.execute(text("SELECT table_name FROM information_schema.views WHERE table_schema = :s"),
                             {"s": schema_name}).scalars().all()
        rows = [("view", name, "") for name in views]
        rows += [("trigger", name, table) for name, table, fn, body, on in live.triggers_of(conn, schema_name)
                 if not live.is_ours(name, table, fn, body, schema_name, on)]
        schema = quote(schema_name)
        for kind, name, table in rows:
            on = f" ON {schema}.{quote(table)}" if kind == "trigger" else ""
            conn.execute(text(f"DROP {kind.upper()} IF EXISTS {'' if on else schema + '.'}{quote(name)}{on}"))
        self._put_back_live(conn)
        if not rows:
            return []
        return [f"{self.loc}: removed what the workbench never makes and someone put in the project: "
                f"{', '.join(f'{k} {n}' for k, n, _ in rows)}"]

    def _put_back_live(self, conn: Connection) -> None:
        """A project made before live updates (or whose triggers were dropped above) gets them back,
        where the signed-in role may (the owner's); for others it stays as it is."""
        from workbench.store import live

        if live.is_installed(conn, self.loc.project):
            return
        try:
            with conn.begin_nested():
                live.install(conn, self.loc.project)
        except DBAPIError:
            pass


def create_schema_project(conn: Connection, schema: str, live: bool = True) -> None:
    """Make the schema and run every Alembic revision in it, inside the caller's transaction;
    then the live-update triggers (live=False: the caller fills it first and installs them after,
    so a bulk copy sends no notifications)."""
    from workbench.store.migrate import upgrade_on

    conn.execute(text(f"CREATE SCHEMA {quote(schema)}"))
    conn.execute(text(f"SET LOCAL search_path TO {quote(schema)}, public"))
    upgrade_on(conn, "head", schema)
    if live:
        from workbench.store.live import install

        install(conn, schema)


def copy_schema(conn: Connection, src: str, dest: str) -> None:
    """Copy a project's schema to a new one at the same revision, rows and sequences included."""
    from workbench.store.migrate import upgrade_on
    from workbench.store.models import Base

    if schema_exists(conn, dest):
        raise ProjectError(f"a project named {dest!r} already exists in this database")
    revision = read_revision(conn, src)
    conn.execute(text(f"CREATE SCHEMA {quote(dest)}"))
    conn.execute(text(f"SET LOCAL search_path TO {quote(dest)}, public"))
    upgrade_on(conn, revision, dest)
    have = set(tables_of(conn, src)) - {"alembic_version", *SEARCH_TABLES}
    order = [t.name for t in Base.metadata.sorted_tables if t.name in have]
    order += sorted(have - set(order))
    for table in order:
        cols = ", ".join(quote(c) for c in conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = :s AND table_name = :t "
            "ORDER BY ordinal_position"), {"s": src, "t": table}).scalars())
        conn.execute(text(f"INSERT INTO {quote(dest)}.{quote(table)} ({cols}) "
                          f"SELECT {cols} FROM {quote(src)}.{quote(table)}"))
    reset_sequences(conn, dest)
    from workbench.store.live import install

    install(conn, dest)  # after the rows: a copy sends no notifications


def reset_sequences(conn: Connection, schema: str) -> None:
    """Set each id sequence of the schema past the largest id its table holds (after a copy)."""
    for table, col, seq in conn.execute(text(
            "SELECT c.table_name, c.column_name, pg_get_serial_sequence(quote_ident(c.table_schema) || '.' || "
            "quote_ident(c.table_name), c.column_name) FROM information_schema.columns c "
            "WHERE c.table_schema = :s AND c.column_default LIKE 'nextval%'"), {"s": schema}).all():
        conn.execute(text(f"SELECT setval(:seq, coalesce((SELECT max({quote(col)}) FROM "
                          f"{quote(schema)}.{quote(table)}), 0) + 1, false)"), {"seq": seq})


def signing_in_refused(exc: BaseException) -> bool:
    """Whether the server refused to sign in (a wrong or missing password, an unknown user)."""
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None) or ""
    low = str(orig).lower()
    return state.startswith("28") or (isinstance(exc, OperationalError) and not state and (
        "password" in low or "authentication failed" in low))


def sign_in_error(exc: BaseException, loc: ServerLocation) -> ProjectError:
    """The error of a failed first connection: SignInRefused when a password could help."""
    words = f"{loc}: {error_words(exc, loc)}"
    return SignInRefused(words) if signing_in_refused(exc) else ProjectError(words)


def error_words(exc: BaseException, loc: ServerLocation | None = None) -> str:
    """A server error in the user's words; the server's own first line in brackets."""
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None) or ""
    first = (str(orig).strip().splitlines() or [""])[0]
    where = f"{loc.host}:{loc.port or 5432}" if loc else "the server"
    low = first.lower()
    if state.startswith("28") or isinstance(exc, OperationalError) and not state:
        if "password" in low or "authentication" in low or state.startswith("28"):
            return f"the server at {where} refused the user name or password ({first})"
        if "does not exist" in low:
            return f"the server at {where} has no such database or user ({first})"
        return f"the server at {where} cannot be reached ({first})"
    if state == "22001":
        return f"a value is longer than the project allows ({first})"
    if state == "25006":
        return "the project is open read-only"
    if state in ("53100", "53200"):
        return "the server's disk or memory is full; nothing of this change was kept"
    if state in ("40001", "40P01", "55P03", "57014"):
        return "the project is busy in another program; try again in a moment"
    if state == "42501":
        return f"the server does not let this user do that ({first})"
    if state.startswith("42") or state.startswith("XX"):
        return f"the project is damaged or incomplete ({first})"
    if state.startswith("08") or state.startswith("57"):
        return f"the connection to the server at {where} was lost ({first})"
    return f"the project could not be used ({first})"


def create_server_project(loc: ServerLocation, first_rows) -> None:
    """Make the project's schema with the Alembic revisions and its first rows, in one transaction."""
    from sqlalchemy.orm import Session

    engine = make_engine(loc)
    try:
        with engine.connect() as conn:
            if schema_exists(conn, loc.project):
                raise ProjectError(f"{loc}: a project named {loc.project!r} already exists in the database "
                                   f"{loc.database!r}; choose another name")
            create_schema_project(conn, loc.project)
            with Session(bind=conn) as s:
                first_rows(s)
                s.flush()
            conn.commit()
    except DBAPIError as exc:
        raise ProjectError(f"{loc}: the project could not be created ({error_words(exc, loc)})") from None
    finally:
        engine.dispose()


def upgrade_server_project(backend: PostgresBackend, target: str, resecure: bool = False) -> None:
    """Run the Alembic revisions up to target in the project's schema, in one transaction
    (with resecure, a team project's roles and policies are made again in it)."""
    from workbench.store.migrate import upgrade_on

    engine = backend.admin()
    try:
        with engine.connect() as conn:
            if resecure:  # a team project: its policies name columns the revisions may change
                from workbench.store.team_roles import drop_policies, secure

                drop_policies(conn, backend.loc.project)
            upgrade_on(conn, target, backend.loc.project)
            from workbench.store.live import install

            install(conn, backend.loc.project)  # on the tables as the revisions left them
            if resecure:
                secure(conn, backend.loc.project)
            conn.commit()
    except DBAPIError as exc:
        raise ProjectError(f"{backend.loc}: the upgrade failed and was undone ({error_words(exc, backend.loc)})") \
            from None
    finally:
        engine.dispose()


def copy_file_to_server(path: Path, loc: ServerLocation) -> None:
    """A new server project at loc holding everything the project file at path holds."""
    from workbench.store import sqlite
    from workbench.store.transfer import copy_rows

    src = sqlite.make_engine(path, readonly=True)
    engine = make_engine(loc)
    try:
        with engine.connect() as conn:
            if schema_exists(conn, loc.project):
                raise ProjectError(f"{loc}: a project named {loc.project!r} already exists; choose another name")
            create_schema_project(conn, loc.project, live=False)
            copy_rows(src, conn)
            reset_sequences(conn, loc.project)
            from workbench.store.live import install

            install(conn, loc.project)
            conn.commit()
    finally:
        src.dispose()
        engine.dispose()
