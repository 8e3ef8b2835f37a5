"""The live-update triggers of a server project (store/live.py), read with plain psycopg (issue 14).

Every server project gets them when it is made, copied or upgraded; one statement sends one
notification; a statement whose ids pass NOTIFY's limit sends "reset"; opening a project
keeps exactly the workbench's own triggers and drops any other.
"""
from __future__ import annotations

import json

import psycopg
import pytest
from sqlalchemy import text

from workbench.core.location import parse_location
from workbench.store import live
from workbench.store.project import create_project, open_project

SCHEMA = "p"


@pytest.fixture
def server(pg_databases):
    name = pg_databases.fresh()
    cluster = pg_databases.cluster
    yield cluster.url(name, SCHEMA), lambda: psycopg.connect(host="127.0.0.1", port=cluster.port, user="wb",
                                                              dbname=name, autocommit=True)
    pg_databases.drop(name)


def _triggers(raw, schema=SCHEMA) -> set[tuple[str, str]]:
    return set(raw.execute(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal",
        (schema,)).fetchall())


def _expected(raw, schema=SCHEMA) -> set[tuple[str, str]]:
    tables = {r[0] for r in raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))}
    names = ("wb_live_insert", "wb_live_update", "wb_live_delete", "wb_live_truncate")
    return {(t, n) for t in ("coding", "code", "memo", "case_", "case_source", "case_passage", "attribute",
                             "attribute_value", "source", "source_folder", "coder", "project", "saved_query",
                             "report", "source_page", "speaker_turn") if t in tables for n in names}


def _heard(raw, timeout=2.0) -> list[dict]:
    return [json.loads(n.payload) for n in raw.notifies(timeout=timeout)]


def test_a_new_server_project_has_the_triggers_and_install_is_idempotent(server):
    url, connect = server
    create_project(url, name="Live", coder="wb").close()
    with connect() as raw:
        have = _triggers(raw)
        assert have == _expected(raw) and len(have) == 4 * 16
        p = open_project(url)
        try:
            with p.engine.begin() as conn:
                live.install(conn, SCHEMA)
                live.install(conn, SCHEMA)
            assert p.warnings == []
        finally:
            p.close()
        assert _triggers(raw) == have


def test_one_statement_sends_one_notification_with_its_ids_and_who(server):
    url, connect = server
    create_project(url, name="Live", coder="wb").close()
    with connect() as raw, open_project(url) as p:
        raw.execute('LISTEN "wb_p"')
        with p.transaction() as s:
            s.execute(text("INSERT INTO coder (guid, name, name_key, created_at) VALUES "
                           "('g1', 'ann', 'ann', 'x'), ('g2', 'ben', 'ben', 'x'), ('g3', 'cy', 'cy', 'x')"))
        ids = sorted(r[0] for r in raw.execute("SELECT id FROM p.coder WHERE name IN ('ann', 'ben', 'cy')"))
        got = _heard(raw, 1.0)
        assert [(d["table"], d["op"], d["ids"], d["by"]) for d in got] == [("coder", "insert", ids, "wb")]
        with p.transaction() as s:
            s.execute(text("UPDATE coder SET name = name || '!' WHERE name IN ('ann', 'ben')"))
            s.execute(text("DELETE FROM coder WHERE name = 'cy'"))
            s.execute(text("UPDATE coder SET name = 'x' WHERE false"))  # no row: nothing sent
        got = _heard(raw, 1.0)
        assert [(d["table"], d["op"], d["ids"]) for d in got] == [("coder", "update", ids[:2]),
                                                                 ("coder", "delete", ids[2:])]


@pytest.mark.server_only
def test_a_coding_names_its_source_and_code_under_counts(project_location):
    loc = parse_location(project_location)
    with psycopg.connect(host=loc.host, port=loc.port, user="wb", dbname=loc.database, autocommit=True) as raw, \
            open_project(project_location) as p:
        from workbench.services.coding import apply_code

        src, code, coder = raw.execute("SELECT (SELECT min(id) FROM p.source), (SELECT min(id) FROM p.code), "
                                       "(SELECT min(id) FROM p.coder)").fetchone()
        raw.execute('LISTEN "wb_p"')
        made = apply_code(p, src, code, coder, 0, 5).first_created
        got = [d for d in _heard(raw, 1.0) if d["table"] == "coding"]
        assert got == [{"table": "coding", "op": "insert", "ids": [made], "by": "wb",
                        "counts": {"source": [src], "code": [code]}}]
        ch = live.changes_of(got[0])
        assert ch.ids("created", live.Kind.CODING) == [made]
        assert ch.ids("counts", live.Kind.SOURCE) == [src] and ch.ids("counts", live.Kind.CODE) == [code]


def test_ids_past_the_notify_limit_send_reset(server):
    url, connect = server
    create_project(url, name="Live", coder="wb").close()
    with connect() as raw, open_project(url) as p:
        raw.execute('LISTEN "wb_p"')
        # 3000 ids of at least four digits: far past 8000 bytes
        with p.transaction() as s:
            s.execute(text("INSERT INTO coder (id, guid, name, name_key, created_at) SELECT 1000 + i, 'g' || i, "
                           "'c' || i, 'c' || i, 'x' FROM generate_series(1, 3000) i"))
        got = _heard(raw, 1.0)
        assert got == [{"table": "coder", "op": "reset", "ids": [], "by": "wb"}]
        ch = live.changes_of(got[0])
        assert ch.bulk() and ch.touched(live.Kind.CODER)
        with p.transaction() as s:
            s.execute(text("TRUNCATE saved_query"))
        assert [(d["table"], d["op"]) for d in _heard(raw, 1.0)] == [("saved_query", "reset")]


def test_opening_keeps_our_triggers_and_drops_a_foreign_one_and_a_tampered_one(server):
    url, connect = server
    create_project(url, name="Live", coder="wb").close()
    with connect() as raw:
        ours = _triggers(raw)
        raw.execute("CREATE FUNCTION p.wipe() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN DELETE FROM p.coding; RETURN NULL; END $$")
        raw.execute("CREATE TRIGGER wipe AFTER INSERT ON p.code FOR EACH STATEMENT EXECUTE FUNCTION p.wipe()")
        # our name, but someone else's function: not ours
        raw.execute("DROP TRIGGER wb_live_insert ON p.memo")
        raw.execute("CREATE TRIGGER wb_live_insert AFTER INSERT ON p.memo FOR EACH STATEMENT "
                    "EXECUTE FUNCTION p.wipe()")
        with open_project(url) as p:
            assert len(p.warnings) == 1
            assert "trigger wipe" in p.warnings[0] and "trigger wb_live_insert" in p.warnings[0]
        assert _triggers(raw) == ours  # the foreign ones gone, ours put back
        body = raw.execute("SELECT prosrc FROM pg_proc WHERE proname = 'wb_live_notify'").fetchone()[0]
        assert body == live.FUNCTION_BODY
        # Our function rewritten: every trigger calling it is dropped, and put back as written.
        raw.execute("CREATE OR REPLACE FUNCTION p.wb_live_notify() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN DELETE FROM p.coding; RETURN NULL; END $$")
        with open_project(url) as p:
            assert len(p.warnings) == 1 and p.warnings[0].count("trigger wb_live_") == len(ours)
        assert _triggers(raw) == ours
        body = raw.execute("SELECT prosrc FROM pg_proc WHERE proname = 'wb_live_notify'").fetchone()[0]
        assert body == live.FUNCTION_BODY
        # One of ours disabled: live updates would stop without a word; it is made again, enabled.
        raw.execute("ALTER TABLE p.coding DISABLE TRIGGER wb_live_insert")
        with open_project(url) as p:
            assert len(p.warnings) == 1 and "trigger wb_live_insert" in p.warnings[0]
        assert _triggers(raw) == ours
        assert raw.execute("SELECT count(*) FROM pg_trigger WHERE tgenabled = 'D'").fetchone()[0] == 0


def test_a_copy_and_an_upgrade_get_the_triggers(server):
    url, connect = server
    create_project(url, name="Live", coder="wb").close()
    from workbench.store.postgres import PostgresBackend, copy_schema, upgrade_server_project
    from workbench.store.schema_version import HEAD

    backend = PostgresBackend(parse_location(url), readonly=False)
    engine = backend.admin()
    try:
        with engine.begin() as conn:
            copy_schema(conn, SCHEMA, "q")
            for name in ("wb_live_insert", "wb_live_update"):
                conn.execute(text(f"DROP TRIGGER {name} ON p.coding"))
    finally:
        engine.dispose()
    with connect() as raw:
        assert _triggers(raw, "q") == _expected(raw, "q")
        assert ("coding", "wb_live_insert") not in _triggers(raw)
        upgrade_server_project(backend, HEAD)
        assert _triggers(raw) == _expected(raw)


def test_a_plain_role_writing_sends_the_notice_as_itself_without_any_grant_on_the_function(server):
    url, connect = server
    create_project(url, name="Live", coder="wb").close()
    loc = parse_location(url)
    with connect() as raw:
        raw.execute("GRANT USAGE ON SCHEMA p TO alice")
        raw.execute("GRANT SELECT, INSERT ON p.saved_query TO alice")
        raw.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA p TO alice")
        raw.execute("REVOKE ALL ON FUNCTION p.wb_live_notify() FROM PUBLIC")
        raw.execute('LISTEN "wb_p"')
        with psycopg.connect(host=loc.host, port=loc.port, user="alice", dbname=loc.database,
                             autocommit=True) as alice:
            qid = alice.execute("INSERT INTO p.saved_query (guid, name, name_key, definition, created_at, updated_at) "
                                "VALUES ('q1', 'mine', 'mine', '{}', 'x', 'x') RETURNING id").fetchone()[0]
        assert _heard(raw, 1.0) == [{"table": "saved_query", "op": "insert", "ids": [qid], "by": "alice",
                                     "counts": {}}]
