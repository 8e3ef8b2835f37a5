"""Opening, creating and upgrading project files; sessions with one transaction per action."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from workbench.core.errors import ProjectError, ProjectReadOnlyError, ValidationError
from workbench.core.ids import new_guid
from workbench.core.timeutil import now_iso
from workbench.store import sqlite
from workbench.store.models import Base, Coder, ProjectInfo, ProjectMeta
from workbench.store.peek import check_project_file, upgrade_needed  # noqa: F401 (callers import it here)
from workbench.store.schema_version import HEAD

PROJECT_SUFFIX = ".qwb"


class Project:
    """An open project file. Each write goes through `transaction()`: all of it or none."""

    def __init__(self, path: Path, engine: Engine, lock: sqlite.WriteLock | None, readonly: bool,
                 warnings: list[str] | None = None, guard: sqlite.SidecarGuard | None = None):
        self.path = path
        self.engine = engine
        self.readonly = readonly
        self.warnings = list(warnings or [])  # said once to the user when the project opens
        self._lock = lock
        self._guard = guard  # read-only: what a look at an old WAL-mode file leaves is removed on close
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writer = engine.execution_options(workbench_write=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits at the end of the block, or rolls back on any error."""
        if self.readonly:
            raise ProjectError(f"{self.path}: the project is open read-only")
        try:
            with self._sessions(bind=self._writer) as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise self._in_words(exc) from exc

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        try:
            with self._sessions() as session:
                yield session  # closing ends the read transaction; loaded objects stay usable
        except DBAPIError as exc:
            raise self._in_words(exc) from exc

    def _in_words(self, exc: DBAPIError) -> Exception:
        """A database error as one line naming the project (damaged, read-only, disk full, busy)."""
        if isinstance(exc, IntegrityError):
            return ValidationError(f"{self.path}: the change breaks a rule of the project ({exc.orig})")
        return ProjectError(f"{self.path}: {sqlite.error_words(exc)}")

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
        if self._guard is not None:
            self._guard.done()
            self._guard = None

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _engine(path: Path, readonly: bool) -> Engine:
    return sqlite.make_engine(path, readonly)


def create_project(path: str | os.PathLike, name: str | None = None, coder: str | None = None) -> Project:
    """Create a new, empty project file at path; refuses to overwrite anything.

    The file is built under a unique temporary name beside path and linked into place only
    when complete: two programs making the same path at once get one project and one clear
    refusal, and neither removes the other's file (issue 12).
    """
    path = Path(path)
    if path.exists():
        raise ProjectError(f"{path}: a file already exists there; choose another name")
    if not path.parent.exists():
        raise ProjectError(f"{path}: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ProjectError(f"{path}: cannot write there (the folder {path.parent} is read-only)")
    from workbench.core.names import clean_name

    title = clean_name("project", name) if name else clean_name("project", path.stem or "project")
    tmp = sqlite.temp_beside(path)
    engine = _engine(tmp, readonly=False)
    try:
        with engine.begin() as conn:
            sqlite.set_application_id(conn.connection.dbapi_connection)
            Base.metadata.create_all(conn)
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                              "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": HEAD})
        with Session(engine) as s, s.begin():
            s.add(ProjectInfo(guid=new_guid(), name=title))
            s.add(ProjectMeta(key="created_with", value=_app_version()))
            if coder:
                s.add(Coder(name=clean_name("coder", coder)))
        engine.dispose()
        sqlite.place_new_file(tmp, path)
    except BaseException:
        engine.dispose()
        sqlite.remove_with_sidecars(tmp)
        raise
    return open_project(path)


def _app_version() -> str:
    from workbench import __version__

    return __version__


def open_project(path: str | os.PathLike, *, readonly: bool = False, upgrade: bool = True) -> Project:
    """Open a project, upgrading it (after a backup copy) when an older program wrote it."""
    path = Path(path)
    revision = check_project_file(path)
    lock = None
    warnings: list[str] = []
    if not readonly:
        problem = sqlite.writable_problem(path)
        if problem:
            raise ProjectReadOnlyError(f"{path}: {problem}")
        lock = sqlite.WriteLock(path)
        lock.acquire()
    try:
        if revision != HEAD:
            if readonly or not upgrade:
                raise upgrade_needed(path, revision)
            backup_before_upgrade(path, revision)
            run_migrations(path, HEAD)
        guard = sqlite.SidecarGuard(path) if readonly else None
        engine = _engine(path, readonly)
        try:
            with engine.connect() if readonly else engine.begin() as conn:
                conn.execute(text("SELECT 1 FROM project")).fetchone()
                if not readonly:
                    planted = sqlite.drop_foreign_objects(conn.connection.dbapi_connection)
                    if planted:
                        warnings.append(f"{path}: removed what the workbench never makes and someone put in "
                                        f"the file: {', '.join(planted)}")
        except DatabaseError as exc:
            engine.dispose()
            if guard is not None:
                guard.done()
            raise ProjectError(f"{path}: {sqlite.error_words(exc)}") from None
        return Project(path, engine, lock, readonly, warnings, guard)
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def backup_before_upgrade(path: Path, revision: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    dest = path.with_name(f"{path.stem}.before-upgrade-{revision}-{stamp}{path.suffix}")
    return sqlite.backup_copy(path, dest)


def run_migrations(path: Path, target: str) -> None:
    """Upgrade (or, for tests, downgrade) the file with the Alembic scripts; imports Alembic."""
    from workbench.store.migrate import upgrade

    upgrade(path, target)


def new_meta(session: Session, key: str, value: str) -> None:
    row = session.get(ProjectMeta, key)
    if row is None:
        session.add(ProjectMeta(key=key, value=value))
    else:
        row.value = value


def touch_project(session: Session) -> None:
    info = session.scalars(select(ProjectInfo)).one()
    info.updated_at = now_iso()
