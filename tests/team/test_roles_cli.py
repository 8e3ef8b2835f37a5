"""workbench server init, grant and revoke end to end, and coding as the signed-in role (issue 14).

Against the real test cluster; what the commands did is read back by raw SQL as the superuser.
"""
from __future__ import annotations

import pytest

from team_helpers import Team, ensure_login
from workbench.cli.main import main
from workbench.store.team_roles import role_names

TEXT = "We set our own agenda and fund the exchanges ourselves.\n"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def team(pg_databases):
    ensure_login(pg_databases.cluster, "alice", "bob", "carol")
    name = pg_databases.fresh()
    yield Team(pg_databases.cluster, name)
    pg_databases.drop(name)


@pytest.fixture
def coded(team, capsys, tmp_path):
    """A team project made by the CLI: wb owns it and imported a source; alice codes, carol reads."""
    assert run(capsys, "server", "init", team.url(), "--name", "Study")[0] == 0
    src = tmp_path / "jhb.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert run(capsys, "import", team.url(), src)[0] == 0
    assert run(capsys, "grant", team.url(), "--coder", "alice", "--role", "coder")[0] == 0
    assert run(capsys, "grant", team.url(), "--coder", "carol", "--role", "reader")[0] == 0
    team.sql("INSERT INTO code (guid, name, name_key, color, description, position, created_at, updated_at) "
             "VALUES ('c-1', 'autonomy', 'autonomy', '#000000', '', 0, '', '')")
    return team


def test_server_init_makes_a_team_project_and_refuses_an_existing_one(team, capsys):
    code, out, err = run(capsys, "server", "init", team.url(), "--name", "Study")
    assert (code, err) == (0, "") and "created the team project" in out
    assert team.one("SELECT value FROM project_meta WHERE key = 'team'") == "on"
    assert team.one("SELECT name FROM project") == "Study"
    assert team.sql("SELECT name FROM coder") == [("wb",)]
    assert team.one("SELECT count(*) FROM pg_tables WHERE schemaname = 'p' AND NOT rowsecurity") == 0
    code, out, err = run(capsys, "server", "init", team.url())
    assert code == 1 and "already exists" in err and len(err.splitlines()) == 1


def test_server_init_refuses_a_file(capsys, tmp_path):
    code, _, err = run(capsys, "server", "init", tmp_path / "a.qwb")
    assert code == 1 and "postgresql://" in err and not (tmp_path / "a.qwb").exists()


def test_grant_names_the_missing_role_and_the_line_that_makes_it(coded, capsys):
    code, _, err = run(capsys, "grant", coded.url(), "--coder", "nobody_here", "--role", "coder")
    assert code == 1 and len(err.splitlines()) == 1
    assert "CREATE ROLE \"nobody_here\" LOGIN PASSWORD" in err
    assert coded.sql("SELECT 1 FROM coder WHERE name = 'nobody_here'") == []


def test_grant_refuses_a_project_that_is_not_a_team_project(team, capsys):
    from workbench.store.project import create_project

    create_project(team.url(), name="Solo", coder="wb").close()
    code, _, err = run(capsys, "grant", team.url(), "--coder", "alice", "--role", "coder")
    assert code == 1 and "no team project" in err


def test_a_coder_codes_as_themselves_and_never_as_someone_else(coded, capsys):
    alice = coded.url(user="alice")
    base = ("code", alice, "--source", "jhb.txt", "--code", "autonomy", "--start", 0, "--end", 20)
    code, out, err = run(capsys, *base, "--coder", "wb")
    assert code == 1 and "you write as yourself, 'alice'" in err
    assert coded.one("SELECT count(*) FROM coding") == 0
    code, out, err = run(capsys, *base)
    assert (code, err) == (0, ""), err
    guid = out.strip()
    assert coded.sql("SELECT c.name FROM coding g JOIN coder c ON c.id = g.coder_id WHERE g.guid = %s",
                     (guid,)) == [("alice",)]
    code, _, err = run(capsys, "uncode", alice, guid)
    assert (code, err) == (0, "")
    assert coded.sql("SELECT deleted_by FROM tombstone WHERE guid = %s", (guid,)) == [("alice",)]


def test_a_coder_fails_to_uncode_the_owners_coding_and_nothing_changes(coded, capsys):
    code, out, _ = run(capsys, "code", coded.url(), "--source", "jhb.txt", "--code", "autonomy",
                       "--start", 0, "--end", 20)
    guid = out.strip()
    code, _, err = run(capsys, "uncode", coded.url(user="alice"), guid)
    assert code == 1 and "does not let this user" in err and len(err.splitlines()) == 1
    assert coded.one("SELECT count(*) FROM coding WHERE guid = %s", (guid,)) == 1
    assert coded.sql("SELECT 1 FROM tombstone") == []


def test_a_coder_searches_and_a_reader_queries_and_fails_to_code(coded, capsys):
    run(capsys, "code", coded.url(user="alice"), "--source", "jhb.txt", "--code", "autonomy",
        "--start", 0, "--end", 20)
    code, out, err = run(capsys, "search", coded.url(user="alice"), "exchanges")
    assert (code, err) == (0, "") and "jhb.txt" in out
    code, out, err = run(capsys, "query", coded.url(user="carol"), "--code", "autonomy")
    assert (code, err) == (0, "") and "alice: We set our own agend\n" in out
    code, out, err = run(capsys, "search", coded.url(user="carol"), "agenda")
    assert (code, err) == (0, "") and "jhb.txt" in out
    code, _, err = run(capsys, "code", coded.url(user="carol"), "--source", "jhb.txt", "--code", "autonomy",
                       "--start", 0, "--end", 5)
    assert code == 1 and "does not let this user" in err
    assert coded.one("SELECT count(*) FROM coding") == 1


def test_revoke_takes_the_role_and_keeps_the_codings(coded, capsys):
    run(capsys, "code", coded.url(user="alice"), "--source", "jhb.txt", "--code", "autonomy",
        "--start", 0, "--end", 20)
    code, out, err = run(capsys, "revoke", coded.url(), "--coder", "alice")
    assert (code, err) == (0, "")
    assert coded.one("SELECT count(*) FROM coding g JOIN coder c ON c.id = g.coder_id WHERE c.name = 'alice'") == 1
    code, _, err = run(capsys, "query", coded.url(user="alice"), "--code", "autonomy")
    assert code == 1 and "permission denied" in err
    code, _, err = run(capsys, "revoke", coded.url(), "--coder", "alice")
    assert code == 1 and "has no role" in err


def test_an_owner_grants_and_a_coder_cannot(coded, capsys):
    assert run(capsys, "grant", coded.url(), "--coder", "bob", "--role", "owner")[0] == 0
    code, _, err = run(capsys, "grant", coded.url(user="bob"), "--coder", "carol", "--role", "coder")
    assert (code, err) == (0, ""), err
    roles = role_names(coded.database, "p")
    assert coded.sql("SELECT g.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                     "JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = 'carol' AND g.rolname = ANY(%s)",
                     (list(roles.values()),)) == [(roles["coder"],)]
    code, _, err = run(capsys, "grant", coded.url(user="alice"), "--coder", "carol", "--role", "owner")
    assert code == 1 and "nothing was changed" in err


def test_help_has_examples(capsys):
    for cmd in (["server", "init"], ["grant"], ["revoke"], ["server"]):
        with pytest.raises(SystemExit):
            main([*cmd, "--help"])
        assert "Example" in capsys.readouterr().out


def test_an_it_person_without_superuser_sets_it_up_as_the_readme_says(pg_databases, capsys, tmp_path):
    """README: a login role with CREATEROLE, owning the database, runs init and grant."""
    cluster = pg_databases.cluster
    ensure_login(cluster, "alice")
    if not cluster.sql("postgres", "SELECT 1 FROM pg_roles WHERE rolname = 'lead'"):
        cluster.sql("postgres", "CREATE ROLE lead LOGIN CREATEROLE")
    name = pg_databases.fresh()
    cluster.sql("postgres", f"ALTER DATABASE {name} OWNER TO lead")
    t = Team(cluster, name)
    try:
        assert run(capsys, "server", "init", t.url(user="lead"))[0] == 0
        assert run(capsys, "grant", t.url(user="lead"), "--coder", "alice", "--role", "coder")[0] == 0
        t.sql("INSERT INTO code (guid, name, name_key, color, description, position, created_at, updated_at) "
              "VALUES ('c-1', 'autonomy', 'autonomy', '#000000', '', 0, '', '')")
        src = tmp_path / "jhb.txt"
        src.write_text(TEXT, encoding="utf-8")
        assert run(capsys, "import", t.url(user="lead"), src)[0] == 0
        code, out, err = run(capsys, "code", t.url(user="alice"), "--source", "jhb.txt", "--code", "autonomy",
                             "--start", 0, "--end", 5)
        assert (code, err) == (0, ""), err
        code, out, err = run(capsys, "search", t.url(user="lead"), "agenda")
        assert (code, err) == (0, "") and "jhb.txt" in out
        assert t.one("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'p'") \
            == role_names(name, "p")["owner"]
    finally:
        pg_databases.drop(name)


def test_a_password_in_the_url_never_shows_in_an_error(team, capsys):
    url = team.url().replace("wb@", "wb:s3cret-pw@")
    for argv in (("grant", url, "--coder", "alice", "--role", "coder"), ("revoke", url, "--coder", "alice")):
        code, out, err = run(capsys, *argv)
        assert code == 1 and "no team project" in err and "***" in err
        assert "s3cret-pw" not in out + err
