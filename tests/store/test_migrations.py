"""Upgrading a project written at the first revision keeps every piece of its data."""
from __future__ import annotations

import sqlite3

from workbench.store import sqlite as wsqlite
from workbench.store.migrate import downgrade
from workbench.store.project import open_project
from workbench.store.schema_version import HEAD, REVISIONS


def _counts(path):
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("source", "code", "coding", "case_", "attribute_value", "coder", "speaker_turn")}
    finally:
        con.close()


def test_a_first_revision_project_upgrades_to_head_with_its_data(project_path):
    downgrade(project_path, REVISIONS[0])
    assert wsqlite.read_revision(project_path) == REVISIONS[0]
    con = sqlite3.connect(project_path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "saved_query" not in tables and "report" not in tables
    texts = dict(con.execute("SELECT guid, text FROM source"))
    codings = sorted(con.execute("SELECT guid, source_id, code_id, coder_id, start, \"end\" FROM coding"))
    con.close()
    before = _counts(project_path)
    assert before["coding"] == 8 and before["source"] == 3

    project = open_project(project_path)
    try:
        with project.reading() as s:
            from sqlalchemy import text

            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
            assert s.execute(text("SELECT count(*) FROM saved_query")).scalar() == 0
    finally:
        project.close()
    assert _counts(project_path) == before
    con = sqlite3.connect(project_path)
    assert dict(con.execute("SELECT guid, text FROM source")) == texts
    assert sorted(con.execute("SELECT guid, source_id, code_id, coder_id, start, \"end\" FROM coding")) == codings
    con.close()
    backups = list(project_path.parent.glob(f"{project_path.stem}.before-upgrade-{REVISIONS[0]}-*.qwb"))
    assert len(backups) == 1
    assert wsqlite.read_revision(backups[0]) == REVISIONS[0]
    assert _counts(backups[0]) == before
    assert wsqlite.integrity_problems(project_path) == []


def test_read_only_open_refuses_to_upgrade_and_changes_nothing(project_path):
    import pytest

    from workbench.core.errors import ProjectError

    downgrade(project_path, REVISIONS[0])
    before = project_path.read_bytes()
    with pytest.raises(ProjectError, match="needs an upgrade"):
        open_project(project_path, readonly=True)
    assert project_path.read_bytes() == before
    open_project(project_path).close()  # and the fixture's integrity check sees it upgraded



def _engine_of(location):
    """A bare engine on the project at location, at any revision (open_project would upgrade it)."""
    from workbench.core.location import ServerLocation, parse_location

    loc = parse_location(location)
    if isinstance(loc, ServerLocation):
        from workbench.store.postgres import make_engine

        return loc, make_engine(loc)
    return loc, wsqlite.make_engine(loc, foreign_keys=False)


def _downgrade_to(location, revision):
    """Take the project at location (file or server) down to revision, outside the program."""
    from alembic import command

    from workbench.store.migrate import run_on

    loc, engine = _engine_of(location)
    try:
        with engine.connect() as conn:
            run_on(conn, command.downgrade, revision, getattr(loc, "project", None))
            conn.commit()
    finally:
        engine.dispose()


def _all_rows(location, extra: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table of the models, the columns of revision 0003 (plus extra) only."""
    from sqlalchemy import text

    from workbench.store.models import Base

    _, engine = _engine_of(location)
    out = {}
    try:
        with engine.connect() as conn:
            for name, table in Base.metadata.tables.items():
                cols = [c.name for c in table.columns if c.name != "version" or c.name in extra]
                cols += [c for c in extra if c in table.columns and c not in cols]
                sql = "SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{name}"'
                out[name] = sorted(map(tuple, conn.execute(text(sql))), key=repr)
    finally:
        engine.dispose()
    return out


def test_upgrade_0003_to_0004_keeps_every_row_and_starts_versions_at_1(project_location):
    """Every row of every table, column by column, survives 0003 -> 0004; each version is 1; a
    tombstone's deleted_by holds more than the old 200 characters (a merge joining long names)."""
    from sqlalchemy import text

    from workbench.store.models import VERSIONED

    from workbench.services import codebook, memos
    from workbench.services.lookup import code_by_path

    with open_project(project_location) as p:  # a memo and a tombstone, so every kind of row is there
        with p.reading() as s:
            cid = code_by_path(s, "autonomy")
        memos.set_memo(p, "code", cid, "why it matters")
        codebook.delete_code(p, codebook.create_code(p, "passing").first_created, deleted_by="Thandi")
    _downgrade_to(project_location, "0003")
    before = _all_rows(project_location)
    assert sum(map(len, before.values())) > 40 and before["coding"] and before["memo"] and before["tombstone"]
    with open_project(project_location) as p:  # upgrades
        with p.reading() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD == "0004"
            for table in VERSIONED:
                assert set(s.execute(text(f'SELECT DISTINCT version FROM "{table}"')).scalars()) <= {1}, table
        names = " + ".join(["a coder with a very long name indeed, " * 3] * 4)
        assert len(names) > 200
        with p.transaction() as s:
            s.execute(text("INSERT INTO tombstone (guid, kind, deleted_at, deleted_by, detail) "
                           "VALUES ('00000000-0000-0000-0000-0000000000aa', 'code', 'now', :b, '')"), {"b": names})
    after = _all_rows(project_location)
    after["tombstone"] = [r for r in after["tombstone"] if r[0] != "00000000-0000-0000-0000-0000000000aa"]
    assert after == before
