"""The project file: creating, opening, refusing what is not ours, locking."""
from __future__ import annotations

import sqlite3
import warnings

import pytest

from workbench.core.errors import ProjectError, ProjectLockedError
from workbench.store import sqlite as wsqlite
from workbench.store.project import create_project, open_project
from workbench.store.schema_version import HEAD, REVISIONS


def test_new_project_is_stamped_at_head_with_our_application_id(tmp_path):
    path = tmp_path / "p.qwb"
    create_project(path, name="Study", coder="Thandi").close()
    assert wsqlite.read_revision(path) == HEAD
    assert wsqlite.read_application_id(path) == wsqlite.APPLICATION_ID
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # the file alone holds every change (issue 9)


def test_create_refuses_to_overwrite(tmp_path):
    path = tmp_path / "p.qwb"
    path.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        create_project(path)
    assert path.read_text() == "precious"


def test_revisions_constant_matches_alembic_scripts():
    from workbench.store.migrate import script_revisions

    assert tuple(script_revisions()) == REVISIONS


def test_migrations_build_the_same_schema_as_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from workbench.store.migrate import upgrade
    from workbench.store.models import Base

    path = tmp_path / "m.qwb"
    path.touch()
    upgrade(path, "head")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn, warnings.catch_warnings():
        # Reflection skips expression indexes; they are compared by their SQL below.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []
    fresh = tmp_path / "fresh.qwb"
    create_project(fresh).close()
    assert _index_sql(path) == _index_sql(fresh)


def _index_sql(path) -> dict[str, str]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall()
    finally:
        con.close()
    return {name: " ".join(sql.replace('"', "").split()) for name, sql in rows}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"hello, not a database", "not an SQLite database"),
        (b"", "not an SQLite database"),
    ],
)
def test_a_file_that_is_not_a_project_is_refused(tmp_path, content, message):
    path = tmp_path / "x.qwb"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=message):
        open_project(path)
    assert path.read_bytes() == content


def test_an_sqlite_file_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.qwb"
    con = sqlite3.connect(path)
    con.execute("create table t(x)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="another program"):
        open_project(path)
    assert path.read_bytes() == before


def test_a_project_from_a_newer_version_is_refused_untouched(project_path):
    con = sqlite3.connect(project_path)
    con.execute("UPDATE alembic_version SET version_num='9999'")
    con.commit()
    con.close()
    before = project_path.read_bytes()
    with pytest.raises(ProjectError, match="newer version"):
        open_project(project_path)
    assert project_path.read_bytes() == before
    con = sqlite3.connect(project_path)
    con.execute("UPDATE alembic_version SET version_num=?", (HEAD,))
    con.commit()
    con.close()


def test_second_writer_is_refused_while_readers_are_welcome(project_path):
    first = open_project(project_path)
    try:
        with pytest.raises(ProjectLockedError, match="open for writing in another program"):
            open_project(project_path)
        reader = open_project(project_path, readonly=True)
        assert reader.info().name == "Small study"
        reader.close()
    finally:
        first.close()
    open_project(project_path).close()  # the lock went with the first program


def test_a_failed_action_leaves_nothing_behind(project):
    from sqlalchemy import func, select

    from workbench.store.models import Code

    with project.reading() as s:
        before = s.scalar(select(func.count()).select_from(Code))
    with pytest.raises(RuntimeError):
        with project.transaction() as s:
            s.add(Code(name="half-made"))
            s.flush()
            raise RuntimeError("crash in the middle of an action")
    with project.reading() as s:
        assert s.scalar(select(func.count()).select_from(Code)) == before


def test_reads_do_not_wait_for_a_write_in_progress(project):
    """A reading session inside an open write transaction answers at once (it used to take the write lock)."""
    import time

    from sqlalchemy import func, select

    from workbench.store.models import Code

    with project.transaction() as s:
        s.add(Code(name="in flight"))
        s.flush()
        t = time.monotonic()
        with project.reading() as r:
            n = r.scalar(select(func.count()).select_from(Code))
        assert time.monotonic() - t < 2  # the busy timeout is 5 s
    assert n == 5  # the write in flight is not visible to the reader
