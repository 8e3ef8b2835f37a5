"""One client writes a team project, another's Listener hears it as typed Changes (issue 14, item 4).

Two `Project`s on one team project, as two programs would hold them; the second one's
Listener gets the Changes of the first one's coding, code rename, memo and case link, and
none of its own. Presence: who else is in, and which source they show.
"""
from __future__ import annotations

import queue

import pytest
from sqlalchemy import text

from workbench.core.changes import Kind
from workbench.core.location import parse_location
from workbench.store import live
from workbench.store.project import open_project
from workbench.store.team import mark_team

WAIT = 1.0  # the promise: within a second


@pytest.fixture
def team(project_location):
    with open_project(project_location) as p, p.engine.begin() as conn:
        mark_team(conn, "p")
    a, b = open_project(project_location), open_project(project_location)
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def heard(team):
    """A Listener for the second client, ignoring its own connections; its batches on a queue."""
    _, b = team
    got: queue.Queue = queue.Queue()
    listener = live.Listener(b.path, lambda ch, by: got.put((ch, by)), ignore=live.own_backends(b.engine))
    yield got
    listener.close()


def _next(got: queue.Queue, want):
    """The first batch for which want(changes) holds, within WAIT seconds of the last one."""
    while True:
        try:
            ch, by = got.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError("no such change was heard within a second") from None
        if want(ch):
            return ch, by


def _one(p, sql, **kw):
    with p.reading() as s:
        return s.execute(text(sql), kw).scalar()


pytestmark = pytest.mark.server_only


def test_another_clients_coding_arrives_with_its_counts(team, heard):
    a, _ = team
    from workbench.services.coding import apply_code

    src = _one(a, "SELECT id FROM source WHERE name = 'policy.txt'")
    code = _one(a, "SELECT id FROM code WHERE name = 'autonomy'")
    coder = _one(a, "SELECT min(id) FROM coder")
    made = apply_code(a, src, code, coder, 0, 9).first_created
    ch, by = _next(heard, lambda c: c.touched(Kind.CODING))
    assert ch.ids("created", Kind.CODING) == [made] and by == {"wb"}
    assert ch.ids("counts", Kind.SOURCE) == [src] and ch.ids("counts", Kind.CODE) == [code]


def test_a_renamed_code_arrives_as_an_update(team, heard):
    a, _ = team
    from workbench.services.codebook import rename_code

    code = _one(a, "SELECT id FROM code WHERE name = 'autonomy'")
    rename_code(a, code, "self-rule")
    ch, _ = _next(heard, lambda c: c.touched(Kind.CODE))
    assert ch.ids("updated", Kind.CODE) == [code] and not ch.ids("created", Kind.CODE)


def test_a_memo_arrives_with_its_target(team, heard):
    a, _ = team
    from workbench.services.memos import set_memo

    src = _one(a, "SELECT id FROM source WHERE name = 'policy.txt'")
    set_memo(a, "source", src, "Read this against the 2001 agreement.")
    memo = _one(a, "SELECT id FROM memo WHERE source_id = :s", s=src)
    ch, _ = _next(heard, lambda c: c.touched(Kind.MEMO))
    assert ch.ids("created", Kind.MEMO) == [memo] and ch.ids("counts", Kind.SOURCE) == [src]


def test_a_linked_case_arrives_as_a_link_of_that_case(team, heard):
    a, _ = team
    from workbench.services.cases import link_source

    case = _one(a, "SELECT id FROM case_ WHERE name = 'Addis Ababa'")
    src = _one(a, "SELECT id FROM source WHERE name = 'policy.txt'")
    link_source(a, case, src)
    ch, _ = _next(heard, lambda c: c.touched(Kind.LINK))
    assert ch.ids("updated", Kind.LINK) == [case] and ch.ids("counts", Kind.SOURCE) == [src]


def test_ones_own_writes_are_not_heard(team, heard):
    a, b = team
    from workbench.services.codebook import create_code

    create_code(b, "mine")  # the listener's own client: ignored
    create_code(a, "theirs")
    ch, _ = _next(heard, lambda c: c.touched(Kind.CODE))
    theirs = _one(a, "SELECT id FROM code WHERE name = 'theirs'")
    assert ch.ids("created", Kind.CODE) == [theirs]
    assert heard.empty()


def test_presence_says_who_is_in_and_which_source_they_show(team):
    a, b = team
    loc = parse_location(str(a.path))
    src = _one(a, "SELECT id FROM source WHERE name = 'policy.txt'")
    told: queue.Queue = queue.Queue()
    mine = live.Listener(loc, lambda *_: None, on_presence=told.put, presence_every=60)

    def next_told():
        return [(o.role, o.source_id) for o in told.get(timeout=WAIT)]

    try:
        assert next_told() == []  # read once at the start: nobody else
        theirs = live.Listener(loc.__class__(loc.host, loc.port, loc.database, loc.project, "alice"),
                               lambda *_: None, source_id=None)
        try:
            assert next_told() == [("alice", None)]  # they said they came
            theirs.show_source(src)
            assert next_told() == [("alice", src)]
            assert [(o.role, o.source_id) for o in theirs.others()] == [("wb", None)]
            assert [(o.role, o.source_id) for o in mine.others()] == [("alice", src)]
        finally:
            theirs.close()
        assert next_told() == []  # and that they left
    finally:
        mine.close()


def test_payloads_become_changes_by_table():
    ch = live.changes_of('{"table": "attribute_value", "op": "insert", "ids": [4, 5], "by": "bob", '
                         '"counts": {"attribute": [2]}}')
    assert ch.ids("updated", Kind.VALUE) == [4, 5] and ch.ids("counts", Kind.ATTRIBUTE) == [2]
    assert live.changes_of('{"table": "coding", "op": "delete", "ids": [7], "by": "x"}').ids(
        "deleted", Kind.CODING) == [7]
    assert live.changes_of('{"table": "tombstone", "op": "insert", "ids": [], "by": "x"}') is None
    assert live.changes_of("not json") is None
    assert live.changes_of('{"table": "presence", "op": "update", "ids": [], "by": "x"}') is None


def test_a_dropped_listener_comes_back_says_reset_and_hears_on(team):
    a, b = team
    got: queue.Queue = queue.Queue()
    listener = live.Listener(b.path, lambda ch, by: got.put((ch, by)), ignore=live.own_backends(b.engine))
    try:
        first = listener.pid
        with a.transaction() as s:
            assert s.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first}).scalar()
        ch, _ = _next(got, lambda c: c.bulk())  # missed meanwhile: every kind reloads
        assert all(ch.touched(k) for k in (Kind.CODING, Kind.CODE, Kind.MEMO, Kind.CASE, Kind.SOURCE))
        assert listener.pid != first and not listener.lost
        from workbench.services.codebook import create_code

        create_code(a, "after the drop")
        ch, _ = _next(got, lambda c: c.touched(Kind.CODE) and not c.bulk())
        assert ch.ids("created", Kind.CODE) == [_one(a, "SELECT id FROM code WHERE name = 'after the drop'")]
    finally:
        listener.close()


def test_a_burst_past_the_bulk_limit_arrives_as_a_reload_of_that_kind(team, heard):
    a, _ = team
    n = live.Listener.BULK + 100
    with a.transaction() as s:  # one statement per row, as executemany sends them: n notifications
        s.execute(text("INSERT INTO coder (guid, name, name_key, created_at) VALUES (:g, :n, :n, 'x')"),
                  [{"g": f"g{i}", "n": f"coder {i}"} for i in range(n)])
    ch, _ = _next(heard, lambda c: c.touched(Kind.CODER))
    assert ch.bulk() and ch.ids("created", Kind.CODER) == []


def test_an_application_name_fits_the_servers_63_bytes():
    assert live.application_name("p", 12) == "workbench p 12"
    assert live.application_name("p", None) == "workbench p -"
    long = "a_very_long_project_name_" * 2
    name = live.application_name(long, 1234567890)
    assert len(name.encode()) <= 63 and name.startswith("workbench #") and name.endswith(" 1234567890")
    assert live.application_name(long + "x", 1) != live.application_name(long, 1)
