"""Projects on a PostgreSQL server: locations, one schema per project, locks, copies, checks, messages.

These run against the throwaway cluster of tests/conftest.py (skipped with one line where
none can start, a failure under CI=true). What both engines share runs in the engine-
parametrised tests; here is what only a server project has.
"""
from __future__ import annotations

import pytest
from sqlalchemy import text
from store_read import count, rows

from workbench.core.errors import ProjectError, ProjectLockedError, ValidationError
from workbench.core.location import ServerLocation, parse_location
from workbench.store.project import create_project, open_project

TABLES = ("project", "coder", "source", "speaker_turn", "code", "coding", "case_", "case_source",
          "attribute", "attribute_value", "memo", "tombstone", "project_meta")


def everything(location) -> dict[str, list[tuple]]:
    """Every row of the tables a project holds, ids included, columns in the models' order."""
    from workbench.store.models import Base

    out = {}
    for t in TABLES:
        cols = ", ".join(f'"{c.name}"' for c in Base.metadata.tables[t].columns)
        out[t] = sorted(rows(location, f"SELECT {cols} FROM {t}"), key=repr)
    return out


@pytest.fixture
def server(pg_databases):
    """A fresh, empty database; yields a function naming a project in it."""
    name = pg_databases.fresh()
    yield lambda project="p", **kw: pg_databases.cluster.url(name, project, **kw)
    pg_databases.drop(name)


# -- locations ----------------------------------------------------------------------------------

def test_a_location_is_a_file_or_a_server_project_and_never_shows_its_password():
    loc = parse_location("postgresql://thandi:s%40cret@db.example:5433/research?project=jhb_study&sslmode=require")
    assert isinstance(loc, ServerLocation)
    assert (loc.user, loc.password, loc.host, loc.port, loc.database, loc.project) == \
        ("thandi", "s@cret", "db.example", 5433, "research", "jhb_study")
    assert str(loc) == "postgresql://thandi:***@db.example:5433/research?project=jhb_study&sslmode=require"
    assert "s@cret" not in str(loc) and "cret" not in repr(str(loc))
    assert str(parse_location("team%20copy.qwb")) == "team%20copy.qwb"  # a file name, as typed
    assert str(parse_location("postgresql.qwb")) == "postgresql.qwb"


@pytest.mark.parametrize("url, words", [
    ("postgresql://h/db", "name the project once"),
    ("postgresql://h/db?project=Study", "lower-case letters"),
    ("postgresql://h/db?project=a-b", "lower-case letters"),
    ("postgresql://h/db?project=public", "keeps for itself"),
    ("postgresql://h/db?project=pg_x", "keeps for itself"),
    ("postgresql://h/db?project=" + "a" * 41, "at most 40"),
    ("postgresql://u:pw@h/?project=p", "postgresql://user@host"),
    ("postgresql://u:pw@h:99999/db?project=p", "not a usable server address"),
])
def test_a_bad_location_is_one_line_without_the_password(url, words):
    with pytest.raises(ProjectError) as exc:
        parse_location(url)
    assert words in str(exc.value) and "\n" not in str(exc.value)
    assert ":pw@" not in str(exc.value)


def test_an_unreachable_server_names_it_and_hides_the_password(pg_cluster):
    url = f"postgresql://wb:topsecret@127.0.0.1:{pg_cluster.port}/no_such_db?project=p"
    with pytest.raises(ProjectError) as exc:
        open_project(url)
    msg = str(exc.value)
    assert "topsecret" not in msg and "***" in msg and "no_such_db" in msg and "\n" not in msg


# -- one schema per project ---------------------------------------------------------------------

def test_projects_share_a_database_each_in_its_own_schema_with_its_own_revision(server):
    with create_project(server("one"), name="One", coder="Thandi") as a, \
            create_project(server("two"), name="Two", coder="Pieter") as b:
        assert a.info().name == "One" and b.info().name == "Two"
    assert rows(server("one"), "SELECT name FROM coder") == [("Thandi",)]
    assert rows(server("two"), "SELECT name FROM coder") == [("Pieter",)]
    schemas = rows(server("one"), "SELECT table_schema FROM information_schema.tables "
                                  "WHERE table_name = 'alembic_version' ORDER BY 1")
    assert schemas == [("one",), ("two",)]


def test_creating_a_project_twice_is_refused_and_a_failed_creation_leaves_no_schema(server, monkeypatch):
    create_project(server("study")).close()
    with pytest.raises(ProjectError, match="already exists"):
        create_project(server("study"))
    import workbench.store.migrate as migrate

    def broken(conn, target="head", schema=None):
        conn.execute(text("CREATE TABLE half_made (x int)"))
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(migrate, "upgrade_on", broken)
    with pytest.raises(RuntimeError):
        create_project(server("other"))
    assert rows(server("study"), "SELECT nspname FROM pg_namespace WHERE nspname = 'other'") == []


def test_a_schema_that_is_not_a_project_is_named(server, pg_cluster):
    create_project(server("real")).close()
    with open_project(server("real")) as p, p.transaction() as s:
        s.execute(text("CREATE SCHEMA stranger"))
    with pytest.raises(ProjectError, match="not a workbench project"):
        open_project(server("stranger"))
    with pytest.raises(ProjectError, match="no project named 'nobody'"):
        open_project(server("nobody"))


# -- one writer, read-only readers --------------------------------------------------------------

def test_one_writer_at_a_time_and_read_only_readers_beside_it(server):
    create_project(server(), coder="Thandi").close()
    with open_project(server()):
        with pytest.raises(ProjectLockedError, match="open for writing in another program"):
            open_project(server())
        with open_project(server(), readonly=True) as reader:
            assert reader.info() is not None
            with pytest.raises(ProjectError, match="read-only"):
                with reader.transaction():
                    pass
            with pytest.raises(ProjectError, match="read-only"):  # the server itself refuses too
                with reader.reading() as s:
                    s.execute(text("DELETE FROM coder"))
    with open_project(server()):  # the lock went with the first writer
        pass
    assert count(server(), "coder") == 1


def test_a_name_too_long_for_its_column_is_refused_before_the_server_sees_it(empty_project):
    from workbench.services.codebook import create_code

    with pytest.raises(ValidationError, match="at most 300"):
        create_code(empty_project, "x" * 301)


# -- copies, backups, checks --------------------------------------------------------------------

@pytest.mark.server_only
def test_backup_copy_to_file_and_upload_keep_every_row(project_location, tmp_path):
    from workbench.store.postgres import copy_file_to_server

    want = everything(project_location)
    with open_project(project_location) as p:
        backup = p.backend.backup("before-merge")
        p.backend.copy_to_file(tmp_path / "copy.qwb")
    assert "_bk_" in backup
    kept = everything(backup)
    tag = [r for r in kept["project_meta"] if r[0] == "backup_of"]
    assert tag == [("backup_of", f"before-merge of {project_location}")]
    kept["project_meta"].remove(tag[0])
    assert kept == want
    assert everything(tmp_path / "copy.qwb") == want
    up = parse_location(project_location).with_project("uploaded")
    copy_file_to_server(tmp_path / "copy.qwb", up)
    assert everything(up) == want
    with open_project(up) as p, p.transaction() as s:  # the id sequences go on past the copied rows
        s.execute(text("INSERT INTO coder (guid, name, name_key, created_at) "
                       "VALUES ('g-new', 'Lindiwe', 'lindiwe', '2026-01-01')"))
    assert max(r[0] for r in rows(up, "SELECT id FROM coder")) == max(r[0] for r in want["coder"]) + 1


@pytest.mark.server_only
def test_backups_within_one_second_each_get_a_schema_of_their_own(project_location, monkeypatch):
    """Two merges in a row (each backs up first) once failed: 'a project named p_bk_... already exists'."""
    import datetime as real

    from workbench.store import postgres

    class Frozen(real.datetime):
        @classmethod
        def now(cls, tz=None):
            return real.datetime(2026, 12, 2, 7, 22, 16, tzinfo=tz)

    monkeypatch.setattr(postgres, "datetime", Frozen)
    with open_project(project_location) as p:
        names = [p.backend.backup(f"before-merge {i}") for i in range(3)]
    assert [parse_location(n).project for n in names] == \
        ["p_bk_20261202072216", "p_bk_20261202072216_2", "p_bk_20261202072216_3"]
    assert [dict(rows(n, "SELECT key, value FROM project_meta"))["backup_of"] for n in names] == \
        [f"before-merge {i} of {project_location}" for i in range(3)]


@pytest.mark.server_only
def test_codes_whose_parent_came_later_copy_parents_first(project_location, tmp_path):
    from workbench.services.codebook import create_code_in, move_code

    with open_project(project_location) as p:
        with p.transaction() as s:
            late = create_code_in(s, "made last")
            first = s.execute(text("SELECT min(id) FROM code")).scalar()
        move_code(p, first, late)
        p.backend.copy_to_file(tmp_path / "moved.qwb")
    assert everything(tmp_path / "moved.qwb")["code"] == everything(project_location)["code"]


@pytest.mark.server_only
def test_integrity_check_names_what_the_schema_lacks(project_location):
    with open_project(project_location) as p:
        assert p.backend.integrity_problems() == []
        with p.transaction() as s:
            s.execute(text("DROP TABLE tombstone"))
            s.execute(text("ALTER TABLE memo DROP COLUMN title"))
        assert p.backend.integrity_problems() == ["table tombstone is missing", "column memo.title is missing"]
        with p.transaction() as s:  # put back, for the fixture's own check after the test
            s.execute(text("ALTER TABLE memo ADD COLUMN title varchar(300) NOT NULL DEFAULT ''"))
            s.execute(text("CREATE TABLE tombstone (guid varchar(36) PRIMARY KEY, kind varchar(20) NOT NULL, "
                           "deleted_at varchar(32) NOT NULL, deleted_by varchar(200) NOT NULL, detail text NOT NULL)"))


@pytest.mark.server_only
def test_views_and_triggers_someone_planted_are_dropped_on_open(project_location):
    with open_project(project_location) as p, p.transaction() as s:
        s.execute(text("CREATE VIEW spy AS SELECT * FROM coder"))
        s.execute(text("CREATE FUNCTION p.wipe() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$ BEGIN DELETE FROM coding; RETURN NEW; END $$"))
        s.execute(text("CREATE TRIGGER wipe AFTER INSERT ON code FOR EACH ROW EXECUTE FUNCTION p.wipe()"))
    with open_project(project_location) as p:
        assert len(p.warnings) == 1 and "view spy" in p.warnings[0] and "trigger wipe" in p.warnings[0]
        from workbench.services.codebook import create_code

        create_code(p, "harmless")
    assert count(project_location, "coding") == 8


# -- the same Alembic revisions on both engines -------------------------------------------------

def _schema_of(location, schema: str) -> dict[str, set]:
    """Columns, constraints and indexes of a schema as the server reports them, schema name removed."""
    def clean(value):
        return str(value).replace(f"{schema}.", "")

    cols = rows(location, "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, "
                          "column_default FROM information_schema.columns WHERE table_schema = :s "
                          "AND table_name <> 'alembic_version'", s=schema)
    cons = rows(location, "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                          "WHERE connamespace = CAST(:s AS regnamespace) AND conrelid::regclass::text NOT LIKE "
                          "'%alembic_version'", s=schema)
    idx = rows(location, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = :s "
                         "AND tablename <> 'alembic_version'", s=schema)
    return {"columns": {tuple(map(clean, r)) for r in cols}, "constraints": {tuple(map(clean, r)) for r in cons},
            "indexes": {tuple(map(clean, r)) for r in idx}}


def test_the_revisions_make_on_a_server_the_schema_the_models_describe(server):
    from sqlalchemy import create_engine

    from workbench.store.models import Base

    create_project(server("by_alembic")).close()
    loc = parse_location(server("by_models"))
    from workbench.store.postgres import engine_url

    engine = create_engine(engine_url(loc), connect_args={"options": "-c search_path=by_models,public"})
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA by_models"))
            Base.metadata.create_all(conn)
    finally:
        engine.dispose()
    made, described = _schema_of(server("by_alembic"), "by_alembic"), _schema_of(server("by_alembic"), "by_models")
    for part in ("columns", "constraints", "indexes"):
        assert made[part] == described[part], part
    assert len(made["indexes"]) > 20 and any("COALESCE(parent_id, 0)" in r[2] for r in made["indexes"])


@pytest.mark.server_only
def test_a_first_revision_server_project_upgrades_to_head_with_its_data(project_location):
    from alembic import command

    from workbench.store.migrate import run_on
    from workbench.store.postgres import make_engine
    from workbench.store.schema_version import HEAD, REVISIONS

    loc = parse_location(project_location)
    before = {t: count(project_location, t) for t in ("source", "code", "coding", "case_", "coder")}
    engine = make_engine(loc)
    try:
        with engine.connect() as conn:
            run_on(conn, command.downgrade, REVISIONS[0], loc.project)
            conn.commit()
    finally:
        engine.dispose()
    assert read_revision_of(loc) == REVISIONS[0]
    with pytest.raises(ProjectError, match="needs an upgrade"):
        open_project(project_location, readonly=True)
    with open_project(project_location) as p:
        assert p.info().name == "Small study"
    assert rows(project_location, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    assert {t: count(project_location, t) for t in before} == before
    backups = rows(project_location, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'p\\_bk\\_%'")
    assert len(backups) == 1
    assert read_revision_of(loc.with_project(backups[0][0])) == REVISIONS[0]


def read_revision_of(loc) -> str | None:
    """The revision stamped in a server project's schema, read without opening it."""
    from workbench.store.postgres import make_engine, read_revision

    engine = make_engine(loc)
    try:
        with engine.connect() as conn:
            return read_revision(conn, loc.project)
    finally:
        engine.dispose()
