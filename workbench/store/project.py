"""Opening, creating and upgrading projects; sessions with one transaction per action.

A project is a file or a schema on a PostgreSQL server (core.location): `open_project`
opens either and returns the same `Project`; what differs between the engines sits
behind `project.backend` (store/backend.py).
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from workbench.core.errors import ConflictError, ConnectionLost, ProjectError, ValidationError
from workbench.core.ids import new_guid
from workbench.core.location import ServerLocation, parse_location
from workbench.store import sqlite
from workbench.store.backend import Backend, WriteLock
from workbench.store.models import Coder, ProjectInfo, ProjectMeta
from workbench.store.peek import ProjectSummary, upgrade_needed
from workbench.store.schema_version import HEAD
from workbench.store.sqlite_backend import SqliteBackend

PROJECT_SUFFIX = ".qwb"


class Project:
    """An open project. Each write goes through `transaction()`: all of it or none."""

    def __init__(self, backend: Backend, lock: WriteLock | None, readonly: bool, warnings: list[str] | None = None):
        self.backend = backend
        self.engine = backend.make_engine(readonly)
        self.readonly = readonly
        self.warnings = list(warnings or [])  # said once to the user when the project opens
        self._lock = lock
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = self.engine.execution_options(workbench_write=True)
        self._op = threading.local()  # the operation running on each thread, if any
        # A team project on a server (store/team.py): several writers at once, and the coder of
        # what this program writes is the role it signed in as.
        self.team = bool(getattr(backend, "team", False))
        self.signed_in: str | None = None
        # A server project rides out a lost connection (store/reconnect.py): new connections are
        # retried with backoff, the writer's lock is renewed before the next commit, and an
        # action cut off in its COMMIT is checked with the server. What the user should hear
        # about an action that did happen goes to `notices` (the window shows and clears them).
        self.notices: list[str] = []
        self._lost = False
        if backend.kind == "postgresql":
            from workbench.store import reconnect

            reconnect.install(self.engine, lost=self._connection_lost)

    @property
    def path(self) -> Path | ServerLocation:
        """The project's file, or its server location (prints with the password hidden)."""
        return self.backend.location

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits at the end of the block, or rolls back on any error.

        Inside an operation (see `operation`) on the same thread, the block joins it: its work
        commits or rolls back with the operation's, never on its own.
        """
        if self.readonly:
            raise ProjectError(f"{self.path}: the project is open read-only")
        outer = getattr(self._op, "session", None)
        if outer is not None:
            yield from self._joined(outer)
            return
        server = self.backend.kind == "postgresql"
        token: str | None = None
        committing = False
        try:
            with self._sessions(bind=self._writer) as session, session.begin():
                self._op.session = session
                try:
                    yield session
                    if getattr(self._op, "doomed", False):  # an inner block failed and was caught
                        raise ProjectError(f"{self.path}: a step of the change failed; nothing was changed")
                    if server:
                        token = self._before_commit(session)
                    committing = True  # leaving the block sends COMMIT
                finally:
                    self._op.session = None
                    self._op.doomed = False
        except DBAPIError as exc:
            if server and _lost(exc):
                self._connection_lost()
                if not committing:
                    raise ConnectionLost(f"{self.path}: the connection to the server was lost; the change was "
                                         "NOT saved: try again", saved=False) from None
                if token is None or self._committed(token):
                    self.notices.append(f"{self.path}: the connection to the server dropped as the change was "
                                        "being saved; the server has it: the change was saved")
                    return
                raise ConnectionLost(f"{self.path}: the connection to the server was lost while the change was "
                                     "being saved, and the server does not have it: the change was NOT saved: "
                                     "try again", saved=False) from None
            raise self._in_words(exc) from exc
        except StaleDataError:
            # An UPDATE or DELETE of the ORM matched no row at the version it read: another writer
            # changed it in between (docs/team.md), or, in a team project, a policy hides it from
            # this role (only your own codings and memos are yours to change). Rolled back.
            if self.team:
                raise ConflictError(f"{self.path}: someone else changed this meanwhile, or it is someone "
                                    "else's (the server lets you change only your own); nothing was changed") \
                    from None
            raise ConflictError(f"{self.path}: someone else changed this meanwhile; nothing was changed") from None

    def ping(self) -> bool:
        """Whether the project's server answers now (one try, no waiting); a file always does."""
        if self.backend.kind != "postgresql":
            return True
        from workbench.store.reconnect import ping

        return ping(self.engine)

    def take_notices(self) -> list[str]:
        """What the user should hear about actions that did happen despite a lost connection."""
        notes, self.notices = self.notices, []
        return notes

    def _connection_lost(self) -> None:
        self._lost = True

    def _before_commit(self, session: Session) -> str | None:
        """On a server: renew the writer's lock if a connection was lost since the last action
        (the lock lived on a session that may be gone), then note the transaction's id."""
        from workbench.store.reconnect import commit_token

        if self._lost:
            if self._lock is not None and hasattr(self._lock, "renew"):
                self._lock.renew()
            self._lost = False
        return commit_token(session)

    def _committed(self, token: str) -> bool:
        """What became of the transaction token, asked of the server once it answers again."""
        from workbench.store.reconnect import commit_outcome

        try:
            outcome = commit_outcome(self.engine, token)
        except DBAPIError:
            outcome = None
        if outcome is None:
            raise ConnectionLost(f"{self.path}: the connection to the server was lost while the change was being "
                                 "saved, and the server cannot be asked whether it has it; reopen the project "
                                 "to see whether the change is there", saved=None)
        return outcome

    def _joined(self, session: Session) -> Iterator[Session]:
        session.expire_all()  # what an earlier step wrote with Core statements is read afresh
        try:
            yield session
            session.flush()
        except BaseException:
            self._op.doomed = True
            raise

    @contextmanager
    def operation(self) -> Iterator[Session]:
        """One user action as one transaction: every service call made inside the block, on
        this thread, writes and reads through its one session and commits with it, all or none
        (issue 13: undo of a multi-step command must not be n commits)."""
        if getattr(self._op, "session", None) is not None:
            raise ProjectError(f"{self.path}: an operation cannot start inside another")
        with self.transaction() as session:
            self._op.reads = True
            try:
                yield session
            finally:
                self._op.reads = False

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed. Inside an operation it is the
        operation's session, so a step reads what the steps before it wrote."""
        if getattr(self._op, "reads", False):
            yield self._op.session
            return
        try:
            with self._sessions() as session:
                yield session  # closing ends the read transaction; loaded objects stay usable
        except DBAPIError as exc:
            if self.backend.kind == "postgresql" and _lost(exc):
                self._connection_lost()
                raise ConnectionLost(f"{self.path}: the connection to the server was lost; try again",
                                     saved=None) from None
            raise self._in_words(exc) from exc

    def _in_words(self, exc: DBAPIError) -> Exception:
        """A database error as one line naming the project (damaged, read-only, disk full, busy)."""
        if isinstance(exc, IntegrityError):
            first = (str(exc.orig).strip().splitlines() or [""])[0]  # PostgreSQL adds DETAIL lines
            return ValidationError(f"{self.path}: the change breaks a rule of the project ({first})")
        return ProjectError(f"{self.path}: {self.backend.error_words(exc)}")

    def info(self) -> ProjectInfo:
        with self.reading() as s:
            return s.scalars(select(ProjectInfo)).one()

    def meta(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as s:
            row = s.get(ProjectMeta, key)
            return row.value if row else default

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        self.backend.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _lost(exc: BaseException) -> bool:
    from workbench.store.reconnect import connection_lost

    return connection_lost(exc)


def backend_for(location: str | os.PathLike | ServerLocation, readonly: bool) -> Backend:
    """The backend of a location as typed (a file path or a postgresql:// URL)."""
    loc = parse_location(location)
    if isinstance(loc, ServerLocation):
        from workbench.store.postgres import PostgresBackend

        return PostgresBackend(loc, readonly)
    return SqliteBackend(loc, readonly)


def create_project(location: str | os.PathLike | ServerLocation, name: str | None = None,
                   coder: str | None = None) -> Project:
    """Create a new, empty project at a file path or server location; refuses to overwrite anything.

    A file is built under a unique temporary name beside path and linked into place only
    when complete: two programs making the same path at once get one project and one clear
    refusal, and neither removes the other's file (issue 12). A server project is made in
    one transaction (store/postgres.py).
    """
    from workbench.core.names import clean_name

    loc = parse_location(location)
    if isinstance(loc, ServerLocation):
        title = clean_name("project", name) if name else clean_name("project", loc.project)
        from workbench.store.postgres import create_server_project

        create_server_project(loc, lambda s: _first_rows(s, title, coder))
        return open_project(loc)
    path = loc
    if path.exists():
        raise ProjectError(f"{path}: a file already exists there; choose another name")
    if not path.parent.exists():
        raise ProjectError(f"{path}: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ProjectError(f"{path}: cannot write there (the folder {path.parent} is read-only)")
    from workbench.store.transfer import new_empty_file

    title = clean_name("project", name) if name else clean_name("project", path.stem or "project")
    tmp = sqlite.temp_beside(path)
    engine = sqlite.make_engine(tmp)
    try:
        new_empty_file(engine)
        with Session(engine) as s, s.begin():
            _first_rows(s, title, coder)
        engine.dispose()
        sqlite.place_new_file(tmp, path)
    except BaseException:
        engine.dispose()
        sqlite.remove_with_sidecars(tmp)
        raise
    return open_project(path)


def _first_rows(s: Session, title: str, coder: str | None) -> None:
    from workbench.core.names import clean_name

    s.add(ProjectInfo(guid=new_guid(), name=title))
    s.add(ProjectMeta(key="created_with", value=_app_version()))
    if coder:
        s.add(Coder(name=clean_name("coder", coder)))


def _app_version() -> str:
    from workbench import __version__

    return __version__


def check_project_file(location: str | os.PathLike | ServerLocation) -> str:
    """Raise ProjectError unless location holds a readable project; return its revision."""
    return backend_for(location, readonly=True).revision()


def open_project(location: str | os.PathLike | ServerLocation, *, readonly: bool = False,
                 upgrade: bool = True) -> Project:
    """Open a project, upgrading it (after a backup copy) when an older program wrote it."""
    backend = backend_for(location, readonly)
    where = backend.label
    revision = backend.revision()
    lock = None
    try:
        if revision != HEAD and not readonly and upgrade and getattr(backend, "team", False):
            backend.upgrade_team(revision, HEAD)  # by an owner, with nobody else in (store/team.py)
            revision = HEAD
        if not readonly:
            lock = backend.lock_for_writing()
        if revision != HEAD:
            if readonly or not upgrade:
                raise upgrade_needed(where, revision)
            backup_before_upgrade(backend, revision)
            run_migrations(backend, HEAD)
        project = Project(backend, lock, readonly)
        try:
            with project.engine.connect() if readonly else project.engine.begin() as conn:
                conn.execute(text("SELECT 1 FROM project")).fetchone()
                if project.team:
                    from workbench.store.team import signed_in_role

                    project.signed_in = signed_in_role(conn)
                if not readonly:
                    project.warnings += backend.on_open(conn)
        except DatabaseError as exc:
            project._lock = None
            project.close()
            raise ProjectError(f"{where}: {backend.error_words(exc)}") from None
        return project
    except BaseException:
        if lock is not None:
            lock.release()
        backend.close()
        raise


def backup_before_upgrade(backend: Backend | Path, revision: str) -> str:
    if isinstance(backend, Path):
        backend = SqliteBackend(backend, readonly=False)
    return backend.backup(f"before-upgrade-{revision}")


def run_migrations(backend: Backend | Path, target: str) -> None:
    """Upgrade (or, for tests, downgrade) the project with the Alembic scripts; imports Alembic."""
    from workbench.store.migrate import upgrade

    if isinstance(backend, Path):
        upgrade(backend, target)
    elif backend.kind == "sqlite":
        upgrade(backend.location, target)
    else:
        from workbench.store.postgres import upgrade_server_project

        upgrade_server_project(backend, target)


def new_meta(session: Session, key: str, value: str) -> None:
    row = session.get(ProjectMeta, key)
    if row is None:
        session.add(ProjectMeta(key=key, value=value))
    else:
        row.value = value


def server_summary(location: ServerLocation | str) -> ProjectSummary:
    """The same summary of a server project, read through the store (a server has no file to peek at)."""
    from sqlalchemy import func

    from workbench.store import models

    tables = {"sources": models.Source, "codes": models.Code, "codings": models.Coding, "cases": models.Case}
    with open_project(location, readonly=True) as project, project.reading() as s:
        info = s.execute(select(models.ProjectInfo.guid, models.ProjectInfo.name)).one()
        counts = {key: s.scalar(select(func.count()).select_from(m)) for key, m in tables.items()}
        coders = list(s.scalars(select(models.Coder.name).order_by(models.Coder.name)))
        return ProjectSummary(HEAD, info.guid, info.name, coders=coders, **counts)
