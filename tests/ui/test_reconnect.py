"""The window through a lost connection (issue 14, item 6): "Reconnecting…", retries with backoff,
edits refused with a message meanwhile, each cut-off action said to be saved or not, and
nothing typed into a memo lost.

Against a real cluster of the test's own, stopped and started again, and with the program's
sessions ended by pg_terminate_backend (tests/pg_faults.py). What the project holds is read
with plain psycopg.
"""
from __future__ import annotations

import itertools

import pytest

from pg_faults import FaultCluster, KillAt, make_server_project
from pg_server import Unavailable
from workbench.ui import memo_drafts

_names = itertools.count(1)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    try:
        c = FaultCluster().start()
    except Unavailable as exc:
        import os

        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL: {exc}")
    c.sql("postgres", "CREATE DATABASE tpl")
    make_server_project(c.url("tpl", "p"), tmp_path_factory.mktemp("src"))
    yield c
    c.stop()


@pytest.fixture
def db(cluster):
    name = f"w{next(_names)}"
    cluster.sql("postgres", f"CREATE DATABASE {name} TEMPLATE tpl")
    yield name
    cluster.sql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def win(qtbot, coder_name, cluster, db):
    from workbench.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(cluster.url(db, "p"))
    assert w.ctx.ensure_coder() is not None
    yield w
    w.close_project()


def ids(win):
    sid = win.source_model.source_ids()[0]
    cid = next(r.id for r in win.code_model.rows() if r.path == "theme")
    return sid, cid


def codings(cluster, db):
    return set(cluster.rows(db, 'SELECT start, "end" FROM p.coding'))


def source_guid(cluster, db, sid):
    """What a source's memo draft is kept under (ui/memo_drafts.py)."""
    return cluster.rows(db, f"SELECT guid FROM p.source WHERE id = {int(sid)}")[0][0]


def source_memo(cluster, db):
    rows = cluster.rows(db, "SELECT text FROM p.memo WHERE source_id IS NOT NULL")
    return rows[0][0] if rows else None


def wait_connected(qtbot, win):
    qtbot.waitUntil(lambda: win.connection.label.text() == "Connected" and not win.connection.lost, timeout=30000)


def test_an_outage_says_reconnecting_refuses_edits_keeps_the_memo_and_recovers(qtbot, win, cluster, db):
    sid, cid = ids(win)
    sguid = source_guid(cluster, db, sid)  # read while the server is up
    win.memos.show_source(sid)
    before = codings(cluster, db)
    cluster.halt("fast")
    try:
        assert win.connection.check() is False
        assert win.connection.label.text().startswith("Reconnecting…")
        assert win.connection.label.objectName() == "connectionStatus"
        # An edit meanwhile is refused with a message, not queued.
        assert not win.coding_actions.code_selection(cid, (sid, 0, 10))
        assert "not done" in win.last_error and "reconnecting" in win.last_error
        assert win.ctx.undo_stack.count() == 0
        win.last_error = ""
        assert win.project_actions.import_files([__file__]) is None  # no import job starts either
        assert "Import sources: not done" in win.last_error
        # What is typed into a memo is kept on this computer.
        win.memo_pane.editor.setPlainText("Typed while the server was away")
        win.memo_pane.flush()
        draft = memo_drafts.load(win.ctx.guid, "source", sguid)
        assert draft is not None and draft["text"] == "Typed while the server was away"
        # The retries back off: half a second, then doubling.
        assert win.connection.next_delay() == 500
        qtbot.waitUntil(lambda: win.connection.attempts >= 2, timeout=10000)
        assert win.connection.next_delay() >= 2000 and "next try in" in win.connection.label.text()
    finally:
        cluster.resume()
    wait_connected(qtbot, win)
    # Back: the memo reached the server and its draft is gone; the edit can be made again.
    assert source_memo(cluster, db) == "Typed while the server was away"
    assert memo_drafts.load(win.ctx.guid, "source", sguid) is None
    assert codings(cluster, db) == before
    assert win.coding_actions.code_selection(cid, (sid, 0, 10))
    assert codings(cluster, db) == before | {(0, 10)}


def test_a_coding_cut_off_before_its_commit_is_said_not_saved(qtbot, win, cluster, db):
    sid, cid = ids(win)
    before = codings(cluster, db)
    kill = KillAt(cluster, db, win.ctx.project.engine, at="before-commit")
    try:
        assert not win.coding_actions.code_selection(cid, (sid, 20, 30))
    finally:
        kill.remove()
    assert kill.fired
    assert "NOT saved" in win.last_error and win.ctx.undo_stack.count() == 0
    assert win.connection.lost or win.connection.label.text() == "Connected"
    wait_connected(qtbot, win)
    assert codings(cluster, db) == before
    assert win.coding_actions.code_selection(cid, (sid, 20, 30))  # tried again: saved
    assert codings(cluster, db) == before | {(20, 30)}


def test_a_coding_whose_reply_was_lost_is_said_saved(qtbot, win, cluster, db):
    sid, cid = ids(win)
    before = codings(cluster, db)
    notes = []
    win.ctx.status.connect(notes.append)
    kill = KillAt(cluster, db, win.ctx.project.engine, at="after-commit")
    try:
        assert win.coding_actions.code_selection(cid, (sid, 40, 50))
    finally:
        kill.remove()
    assert kill.fired
    assert any("saved (the connection dropped" in n for n in notes)
    assert codings(cluster, db) == before | {(40, 50)}
    assert win.ctx.undo_stack.count() == 1  # it happened, so it can be undone
    assert win.ctx.undo()
    assert codings(cluster, db) == before


def test_a_memo_draft_left_by_an_outage_is_offered_back_on_reopen(qtbot, win, cluster, db):
    sid, _ = ids(win)
    url = cluster.url(db, "p")
    win.memos.show_source(sid)
    cluster.halt("fast")
    try:
        win.connection.check()
        win.memo_pane.editor.setPlainText("Never reached the server")
        win.close_project()  # the memo cannot be written: its draft stays
    finally:
        cluster.resume()
    assert source_memo(cluster, db) is None
    assert win.open_project(url)
    win.memos.show_source(sid)
    assert win.memo_pane.draft_bar.isVisible()
    assert win.memo_pane.editor.toPlainText() == ""  # the stored memo is shown until the user chooses
    win.memo_pane.restore_b.click()
    assert source_memo(cluster, db) == "Never reached the server"
    assert not win.memo_pane.draft_bar.isVisible()
    assert memo_drafts.load(win.ctx.guid, "source", source_guid(cluster, db, sid)) is None


def test_a_read_cut_off_inside_a_slot_starts_reconnecting_without_a_traceback(qtbot, win, cluster):
    from workbench.core.errors import ConnectionLost
    from workbench.ui.connection import lost_connection_hook

    others = []
    hook = lost_connection_hook(win, previous=lambda *a: others.append(a))
    cluster.halt("fast")
    try:
        hook(ConnectionLost, ConnectionLost("p: the connection to the server was lost; try again"), None)
        assert win.connection.lost and win.connection.label.text().startswith("Reconnecting…")
        assert "connection to the server was lost" in win.statusBar().currentMessage()
        hook(ValueError, ValueError("a bug"), None)
        assert len(others) == 1  # anything else still reaches the usual hook
    finally:
        cluster.resume()
    wait_connected(qtbot, win)


def test_the_heartbeat_notices_an_outage_while_the_user_only_reads(qtbot, win, cluster):
    win.connection.heartbeat.setInterval(200)
    win.connection.heartbeat.start()
    cluster.halt("fast")
    try:
        qtbot.waitUntil(lambda: win.connection.lost, timeout=10000)
        assert win.connection.label.text().startswith("Reconnecting…")
    finally:
        cluster.resume()
    wait_connected(qtbot, win)
