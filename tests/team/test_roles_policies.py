"""Who may do what in a team project, enforced by the server (issue 14, item 3).

Each test connects with plain psycopg as a member's own login role and tries what the
brief says it may and may not do; the outcome is read back as the superuser, by raw SQL.
Roles: alice and bob code, carol reads, dave owns (store/team_roles.py).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from psycopg import errors

# Loaded by path: several test folders have a conftest.py, so "from conftest import" is ambiguous.
_spec = importlib.util.spec_from_file_location("_small_project_conftest_roles",
                                               Path(__file__).resolve().parents[1] / "conftest.py")
_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_conftest)
build_small_project = _conftest.build_small_project
from team_helpers import Team, ensure_login
from workbench.core.location import parse_location
from workbench.store.postgres import make_engine
from workbench.store.team_roles import grant_member, role_names, secure

MEMBERS = {"alice": "coder", "bob": "coder", "carol": "reader", "dave": "owner"}


def make_team(url: str, members: dict[str, str]) -> None:
    engine = make_engine(parse_location(url))
    try:
        with engine.begin() as conn:
            secure(conn, parse_location(url).project)
            for login, kind in members.items():
                grant_member(conn, parse_location(url).project, login, kind)
    finally:
        engine.dispose()


@pytest.fixture
def team(pg_databases, tmp_path):
    dbs = pg_databases
    ensure_login(dbs.cluster, *MEMBERS)
    template = dbs.template("tpl_small", lambda url: build_small_project(url, tmp_path / "template-sources"))
    name = dbs.fresh(template)
    t = Team(dbs.cluster, name)
    make_team(t.url(), MEMBERS)
    yield t
    dbs.drop(name)


def _insert_coding(conn, coder_id: int, start: int = 0, end: int = 5) -> int:
    return conn.execute(
        "INSERT INTO coding (guid, source_id, code_id, coder_id, start, \"end\", created_at) "
        "VALUES (gen_random_uuid()::text, (SELECT min(id) FROM source), (SELECT min(id) FROM code), %s, %s, %s, '') "
        "RETURNING id", (coder_id, start, end)).fetchone()[0]


def test_roles_are_named_per_database_and_project_within_63_bytes():
    a, b = role_names("research", "study"), role_names("teaching", "study")
    assert set(a.values()).isdisjoint(b.values())
    assert a["coder"].startswith("wb_study_") and a["coder"].endswith("_coder")
    longest = role_names("d" * 63, "p" * 40)
    assert max(len(n.encode()) for n in longest.values()) <= 63


def test_a_coder_codes_and_uncodes_their_own(team):
    alice = team.coder_id("alice")
    with team.connect("alice") as conn:
        cid = _insert_coding(conn, alice)
        assert conn.execute("UPDATE coding SET \"end\" = 7 WHERE id = %s", (cid,)).rowcount == 1
        conn.execute("INSERT INTO tombstone (guid, kind, deleted_at, deleted_by, detail) "
                     "VALUES ('g-1', 'coding', '', 'alice', '')")
        assert conn.execute("DELETE FROM coding WHERE id = %s", (cid,)).rowcount == 1
    assert team.sql("SELECT id FROM coding WHERE id = %s", (cid,)) == []
    assert team.one("SELECT deleted_by FROM tombstone WHERE guid = 'g-1'") == "alice"


def test_a_coder_fails_to_delete_or_change_another_coders_coding(team):
    thandi = team.coder_id("Thandi")
    theirs = team.one("SELECT min(id) FROM coding WHERE coder_id = %s", (thandi,))
    before = team.one("SELECT count(*) FROM coding")
    with team.connect("alice") as conn:
        assert conn.execute("DELETE FROM coding WHERE id = %s", (theirs,)).rowcount == 0
        assert conn.execute("DELETE FROM coding").rowcount == 0  # sees them all, removes none
        assert conn.execute("UPDATE coding SET start = 1 WHERE id = %s", (theirs,)).rowcount == 0
    assert team.one("SELECT count(*) FROM coding") == before
    assert team.one("SELECT coder_id FROM coding WHERE id = %s", (theirs,)) == thandi


def test_a_coder_fails_to_code_as_someone_else_or_hand_a_coding_over(team):
    alice, bob = team.coder_id("alice"), team.coder_id("bob")
    with team.connect("alice") as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            _insert_coding(conn, bob)
        mine = _insert_coding(conn, alice)
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE coding SET coder_id = %s WHERE id = %s", (bob, mine))
    assert team.one("SELECT coder_id FROM coding WHERE id = %s", (mine,)) == alice
    assert team.one("SELECT count(*) FROM coding WHERE coder_id = %s", (bob,)) == 0


def test_a_coder_fails_to_rename_move_delete_a_code_or_change_created_by(team):
    code = team.one("SELECT min(id) FROM code")
    name = team.one("SELECT name FROM code WHERE id = %s", (code,))
    with team.connect("alice") as conn:
        for statement in ("UPDATE code SET name = 'renamed' WHERE id = %s",
                          "UPDATE code SET parent_id = NULL, position = 9 WHERE id = %s",
                          "UPDATE code SET created_by_id = NULL WHERE id = %s",
                          "DELETE FROM code WHERE id = %s"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement, (code,))
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE source SET imported_by_id = NULL")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE coder SET name = 'alice' WHERE name = 'Thandi'")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE project_meta SET value = 'yes'")
    assert team.one("SELECT name FROM code WHERE id = %s", (code,)) == name


def test_a_coder_creates_codes_only_where_the_owner_allows_it(team):
    alice = team.coder_id("alice")
    new_code = ("INSERT INTO code (guid, name, name_key, color, description, position, created_at, updated_at, "
                "created_by_id) VALUES (gen_random_uuid()::text, %s, %s, '#000000', '', 0, '', '', %s)")
    with team.connect("alice") as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(new_code, ("mine", "mine", alice))
    team.sql("INSERT INTO project_meta (key, value) VALUES ('coders_create_codes', 'yes') "
             "ON CONFLICT (key) DO UPDATE SET value = 'yes'")
    with team.connect("alice") as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(new_code, ("theirs", "theirs", team.coder_id("Thandi")))  # created_by someone else
        conn.execute(new_code, ("mine", "mine", alice))
    assert team.one("SELECT created_by_id FROM code WHERE name = 'mine'") == alice


def test_a_coder_writes_their_own_memos_only(team):
    alice, thandi = team.coder_id("alice"), team.coder_id("Thandi")
    team.sql("INSERT INTO memo (guid, title, text, author_id, created_at, updated_at) "
             "VALUES ('m-thandi', '', 'hers', %s, '', '')", (thandi,))
    with team.connect("alice") as conn:
        conn.execute("INSERT INTO memo (guid, title, text, author_id, created_at, updated_at) "
                     "VALUES ('m-alice', '', 'mine', %s, '', '')", (alice,))
        assert conn.execute("UPDATE memo SET text = 'mine, edited' WHERE guid = 'm-alice'").rowcount == 1
        assert conn.execute("UPDATE memo SET text = 'overwritten' WHERE guid = 'm-thandi'").rowcount == 0
        assert conn.execute("DELETE FROM memo WHERE guid = 'm-thandi'").rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE memo SET author_id = %s WHERE guid = 'm-alice'", (thandi,))
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO tombstone (guid, kind, deleted_at, deleted_by, detail) "
                         "VALUES ('g-2', 'memo', '', 'Thandi', '')")  # a tombstone in someone else's name
    assert dict(team.sql("SELECT guid, text FROM memo WHERE guid LIKE 'm-%'")) == {
        "m-thandi": "hers", "m-alice": "mine, edited"}


def test_a_reader_reads_and_fails_to_write(team):
    total = team.one("SELECT count(*) FROM coding")
    with team.connect("carol") as conn:
        assert conn.execute("SELECT count(*) FROM coding").fetchone()[0] == total
        assert conn.execute("SELECT count(*) FROM source").fetchone()[0] == 3
        for statement in ("DELETE FROM coding", "UPDATE code SET name = 'x'",
                          "INSERT INTO memo (guid, text, created_at, updated_at) VALUES ('m', '', '', '')"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
        with pytest.raises(errors.InsufficientPrivilege):
            _insert_coding(conn, team.coder_id("carol"))
    assert team.one("SELECT count(*) FROM coding") == total


def test_the_owner_does_everything(team):
    with team.connect("dave") as conn:
        assert conn.execute("UPDATE code SET name = 'renamed', name_key = 'renamed' "
                            "WHERE id = (SELECT min(id) FROM code)").rowcount == 1
        assert conn.execute("DELETE FROM coding WHERE coder_id = (SELECT id FROM coder WHERE name = 'Thandi')"
                            ).rowcount == 5
        conn.execute("UPDATE source SET name = 'renamed.txt', name_key = 'renamed.txt' WHERE id = (SELECT min(id) FROM source)")
        conn.execute("INSERT INTO project_meta (key, value) VALUES ('coders_create_codes', 'yes')")
        conn.execute("INSERT INTO case_ (guid, name, name_key, description, position, created_at, updated_at) "
                     "VALUES ('c-new', 'Lagos', 'lagos', '', 0, '', '')")
    assert team.one("SELECT count(*) FROM coding WHERE coder_id = %s", (team.coder_id("Thandi"),)) == 0
    assert team.one("SELECT count(*) FROM case_ WHERE name = 'Lagos'") == 1


def test_no_role_of_one_project_reads_another_in_the_same_database(team):
    from workbench.store.project import create_project

    create_project(team.url("q"), name="Other", coder="Zola").close()  # a single-user project
    create_project(team.url("s"), name="Third", coder="Zola").close()
    make_team(team.url("s"), {"bob": "coder"})
    for user in ("alice", "carol", "dave"):
        with team.connect(user) as conn:
            for other in ("q", "s"):
                with pytest.raises(errors.InsufficientPrivilege, match="permission denied for schema"):
                    conn.execute(f"SELECT count(*) FROM {other}.coding")
                with pytest.raises(errors.InsufficientPrivilege):
                    conn.execute(f"SELECT name FROM {other}.coder")
    with team.connect("bob", project="s") as conn:  # bob, a member of both, reads both
        assert conn.execute("SELECT name FROM coder ORDER BY id").fetchall()[0] == ("Zola",)
        assert conn.execute("SELECT count(*) FROM p.coding").fetchone()[0] == 8


def test_secure_is_idempotent(team):
    policies = team.sql("SELECT tablename, policyname, cmd FROM pg_policies WHERE schemaname = 'p' ORDER BY 1, 2")
    make_team(team.url(), MEMBERS)
    assert team.sql("SELECT tablename, policyname, cmd FROM pg_policies WHERE schemaname = 'p' ORDER BY 1, 2") \
        == policies
    tables = {t for (t,) in team.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'p'")}
    secured = {t for (t,) in team.sql("SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                       "WHERE n.nspname = 'p' AND c.relkind = 'r' AND c.relrowsecurity")}
    assert tables == secured and "source_fold" in tables


def test_a_coder_fails_to_bury_someone_elses_coding(team):
    guid = team.one("SELECT guid FROM coding WHERE coder_id = %s LIMIT 1", (team.coder_id("Thandi"),))
    with team.connect("alice") as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO tombstone (guid, kind, deleted_at, deleted_by, detail) "
                         "VALUES (%s, 'coding', '', 'alice', '')", (guid,))
    assert team.sql("SELECT 1 FROM tombstone WHERE guid = %s", (guid,)) == []


def test_the_login_thandi_is_the_coder_thandi_of_the_published_file(team):
    """Names compare as everywhere (name_key): granting `thandi` makes no second coder, and her
    codings from the file are hers to change; still nobody else's."""
    ensure_login(team.cluster, "thandi")
    make_team(team.url(), {"thandi": "coder"})
    assert team.sql("SELECT name FROM coder WHERE lower(name) = 'thandi'") == [("Thandi",)]
    thandi = team.coder_id("Thandi")
    theirs = team.one("SELECT count(*) FROM coding WHERE coder_id = %s", (thandi,))
    with team.connect("thandi") as conn:
        assert conn.execute("DELETE FROM coding WHERE coder_id = %s", (thandi,)).rowcount == theirs == 5
        assert conn.execute("DELETE FROM coding").rowcount == 0  # Pieter's stay
    assert team.one("SELECT count(*) FROM coding") == 3
