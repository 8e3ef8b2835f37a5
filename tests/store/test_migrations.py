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
