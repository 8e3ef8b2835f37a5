"""Concurrent edits of one team project by two real clients (issue 14, item 5; docs/team.md).

Two `Project`s on the same team project on the test cluster, as two programs would be. The
first runs its action inside an operation and holds it open; the second's action starts in a
thread and is seen waiting on the first's row lock (pg_stat_activity, not a clock); then the
first commits and the second finishes. What wins and what the loser is told is docs/team.md's
table; the rows afterwards are read with plain SQL.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from store_read import rows
from workbench.core.errors import ConflictError, ValidationError
from workbench.services import codebook as cb
from workbench.services import coding, memos, sources
from workbench.services.lookup import code_by_path, coder_by_name, source_by_name
from workbench.store.project import open_project
from workbench.store.team import mark_team

pytestmark = pytest.mark.server_only


@pytest.fixture
def team(project_location):
    """(alice, bob, watcher): two writers and a reader on the small project, made a team project."""
    with open_project(project_location) as p, p.engine.begin() as conn:
        mark_team(conn, conn.execute(text("SELECT current_schema()")).scalar())
    alice, bob = open_project(project_location), open_project(project_location)
    watcher = open_project(project_location, readonly=True)
    yield alice, bob, watcher
    for p in (alice, bob, watcher):
        p.close()


def ids(project, fn):
    with project.reading() as s:
        return fn(s)


class Second:
    """The second client's action, run in a thread; its result or its error kept."""

    def __init__(self, fn):
        self.result = self.error = None
        self.thread = threading.Thread(target=self._run, args=(fn,))
        self.thread.start()

    def _run(self, fn):
        try:
            self.result = fn()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            self.error = exc

    def join(self):
        self.thread.join(60)
        assert not self.thread.is_alive(), "the second client never finished"
        return self


def waiting_on_a_lock(watcher, n: int = 1) -> None:
    """Return once n backends wait on a lock (the second client blocked on the first's row)."""
    for _ in range(600):
        with watcher.reading() as s:
            if s.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                              "AND datname = current_database()")).scalar() >= n:
                return
        time.sleep(0.05)
    raise AssertionError("the second client never waited for the first")


def while_first_holds(first, first_action, watcher, second_action) -> Second:
    """first_action inside an open operation of first; second_action started meanwhile, seen waiting."""
    with first.operation():
        first_action()
        second = Second(second_action)
        waiting_on_a_lock(watcher)
    return second.join()


def test_two_rename_one_code_the_second_is_refused_and_told(team, project_location):
    alice, bob, watcher = team
    cid = ids(alice, lambda s: code_by_path(s, "autonomy"))
    seen = rows(project_location, "SELECT version FROM code WHERE id = :i", i=cid)[0][0]
    second = while_first_holds(alice, lambda: cb.rename_code(alice, cid, "fiscal autonomy", version=seen), watcher,
                               lambda: cb.rename_code(bob, cid, "self-rule", version=seen))
    assert isinstance(second.error, ConflictError)
    assert str(second.error) == ("this code was changed by someone else meanwhile (it is now 'fiscal autonomy'); "
                                 "your rename was not made")
    assert rows(project_location, "SELECT name, version FROM code WHERE id = :i", i=cid) == [("fiscal autonomy", seen + 1)]
    # Bob, having seen the new name, renames from its version: that is made.
    cb.rename_code(bob, cid, "self-rule", version=seen + 1)
    assert rows(project_location, "SELECT name FROM code WHERE id = :i", i=cid) == [("self-rule",)]


def test_a_rename_from_a_stale_view_is_refused_even_without_a_race(team, project_location):
    alice, bob, _ = team
    cid = ids(alice, lambda s: code_by_path(s, "autonomy"))
    seen = rows(project_location, "SELECT version FROM code WHERE id = :i", i=cid)[0][0]
    cb.recolor_code(alice, cid, "#123456", version=seen)
    with pytest.raises(ConflictError, match="changed by someone else meanwhile"):
        cb.rename_code(bob, cid, "self-rule", version=seen)
    assert rows(project_location, "SELECT name, color FROM code WHERE id = :i", i=cid) == [("autonomy", "#123456")]


def _fresh_code(project, name="fresh"):
    return cb.create_code(project, name).first_created


def _coding_of(bob, sid, cid, start=0, end=10):
    kid = ids(bob, lambda s: coder_by_name(s, "Pieter"))
    return lambda: coding.apply_code(bob, sid, cid, kid, start, end)


def test_a_coding_arriving_after_a_delete_is_refused_naming_who_deleted(team, project_location):
    alice, bob, watcher = team
    cid = _fresh_code(alice)
    sid = ids(alice, lambda s: source_by_name(s, "policy.txt"))
    before = rows(project_location, "SELECT count(*) FROM coding")[0][0]
    second = while_first_holds(alice, lambda: cb.delete_code(alice, cid, deleted_by="alice"), watcher,
                               _coding_of(bob, sid, cid))
    assert isinstance(second.error, ConflictError)
    assert str(second.error) == "the code 'fresh' was deleted by alice meanwhile; your coding was not made"
    assert rows(project_location, "SELECT count(*) FROM coding")[0][0] == before
    assert rows(project_location, "SELECT count(*) FROM code WHERE id = :i", i=cid) == [(0,)]


def test_a_coding_arriving_before_a_delete_makes_it_ask_for_force(team, project_location):
    alice, bob, watcher = team
    cid = _fresh_code(alice)
    sid = ids(alice, lambda s: source_by_name(s, "policy.txt"))
    second = while_first_holds(bob, _coding_of(bob, sid, cid), watcher,
                               lambda: cb.delete_code(alice, cid, deleted_by="alice"))
    assert isinstance(second.error, ValidationError)
    assert str(second.error) == "code 'fresh' holds 1 coding"
    assert rows(project_location, "SELECT count(*) FROM coding WHERE code_id = :i", i=cid) == [(1,)]


def test_a_coding_arriving_during_a_merge_is_refused_and_nothing_is_half_done(team, project_location):
    alice, bob, watcher = team
    gone, into = _fresh_code(alice, "money"), ids(alice, lambda s: code_by_path(s, "autonomy"))
    sid = ids(alice, lambda s: source_by_name(s, "policy.txt"))
    before = rows(project_location, "SELECT count(*) FROM coding")[0][0]
    second = while_first_holds(alice, lambda: cb.merge_codes(alice, [gone], into, deleted_by="alice"), watcher,
                               _coding_of(bob, sid, gone))
    assert isinstance(second.error, ConflictError)
    assert str(second.error) == "the code 'money' was merged into 'autonomy' by alice meanwhile; your coding was not made"
    assert rows(project_location, "SELECT count(*) FROM coding")[0][0] == before


def test_a_coding_made_before_a_merge_ends_on_the_merged_code(team, project_location):
    alice, bob, watcher = team
    gone, into = _fresh_code(alice, "money"), ids(alice, lambda s: code_by_path(s, "autonomy"))
    sid = ids(alice, lambda s: source_by_name(s, "policy.txt"))
    made = {}

    def bobs():
        made["id"] = _coding_of(bob, sid, gone, 3, 9)().first_created

    second = while_first_holds(bob, bobs, watcher, lambda: cb.merge_codes(alice, [gone], into, deleted_by="alice"))
    assert second.error is None
    assert rows(project_location, "SELECT code_id, start, \"end\" FROM coding WHERE id = :i", i=made["id"]) == [
        (into, 3, 9)]
    assert rows(project_location, "SELECT count(*) FROM code WHERE id = :i", i=gone) == [(0,)]


def test_two_edit_one_memo_the_second_is_refused_and_the_first_kept(team, project_location):
    alice, bob, watcher = team
    cid = ids(alice, lambda s: code_by_path(s, "autonomy"))
    memos.set_memo(alice, "code", cid, "first draft")
    seen = memos.memo_version(bob, "code", cid)
    assert seen == memos.memo_version(alice, "code", cid) >= 1
    second = while_first_holds(alice, lambda: memos.set_memo(alice, "code", cid, "alice's text", version=seen),
                               watcher, lambda: memos.set_memo(bob, "code", cid, "bob's text", version=seen))
    assert isinstance(second.error, ConflictError)
    assert "the memo on this code was written by someone else meanwhile; your edit was not saved" in str(second.error)
    assert rows(project_location, "SELECT text FROM memo WHERE code_id = :i", i=cid) == [("alice's text",)]


def test_two_write_the_first_memo_of_a_code_at_once_one_memo(team, project_location):
    alice, bob, watcher = team
    cid = _fresh_code(alice)
    second = while_first_holds(alice, lambda: memos.set_memo(alice, "code", cid, "alice", version=0), watcher,
                               lambda: memos.set_memo(bob, "code", cid, "bob", version=0))
    assert isinstance(second.error, ConflictError)
    assert rows(project_location, "SELECT text FROM memo WHERE code_id = :i", i=cid) == [("alice",)]


def test_a_coding_arriving_after_its_source_is_deleted_is_refused(team, project_location):
    alice, bob, watcher = team
    sid = ids(alice, lambda s: source_by_name(s, "policy.txt"))
    cid = ids(alice, lambda s: code_by_path(s, "autonomy"))
    second = while_first_holds(alice, lambda: sources.delete_source(alice, sid, "alice", force=True), watcher,
                               _coding_of(bob, sid, cid))
    assert isinstance(second.error, ConflictError)
    assert str(second.error) == "the source 'policy.txt' was deleted by alice meanwhile; your coding was not made"
    assert rows(project_location, "SELECT count(*) FROM coding WHERE source_id = :i", i=sid) == [(0,)]


def test_a_coding_arriving_before_its_source_is_deleted_makes_it_ask_for_force(team, project_location):
    alice, bob, watcher = team
    sid = ids(alice, lambda s: source_by_name(s, "policy.txt"))
    cid = ids(alice, lambda s: code_by_path(s, "autonomy"))
    n = rows(project_location, "SELECT count(*) FROM coding WHERE source_id = :i", i=sid)[0][0]
    second = while_first_holds(bob, _coding_of(bob, sid, cid), watcher,
                               lambda: sources.delete_source(alice, sid, "alice"))
    assert isinstance(second.error, ValidationError)
    assert str(second.error) == f"source 'policy.txt' holds {n + 1} codings"
    assert rows(project_location, "SELECT count(*) FROM coding WHERE source_id = :i", i=sid) == [(n + 1,)]


@pytest.mark.parametrize("parent", [None, "autonomy"])
def test_two_create_a_code_of_one_name_under_one_parent_one_is_made(team, project_location, parent):
    alice, bob, watcher = team
    pid = ids(alice, lambda s: code_by_path(s, parent)) if parent else None
    second = while_first_holds(alice, lambda: cb.create_code(alice, "Housing", pid), watcher,
                               lambda: cb.create_code(bob, "housing", pid))
    assert isinstance(second.error, ValidationError)
    assert str(second.error) == "a code named 'Housing' already exists there"
    where = "parent_id IS NULL" if pid is None else f"parent_id = {pid}"
    assert rows(project_location, f"SELECT name FROM code WHERE {where} AND name_key = 'housing'") == [("Housing",)]


def test_the_command_line_coding_with_a_code_deleted_meanwhile_names_who(team, project_location, capsys):
    from workbench.cli.main import main

    alice, _, _ = team
    cb.delete_code(alice, _fresh_code(alice), deleted_by="alice")
    merged = _fresh_code(alice, "money")
    cb.merge_codes(alice, [merged], ids(alice, lambda s: code_by_path(s, "autonomy")), deleted_by="alice")
    before = rows(project_location, "SELECT count(*) FROM coding")
    for code, said in (("fresh", "the code 'fresh' was deleted by alice"),
                       ("money", "the code 'money' was merged into 'autonomy' by alice")):
        assert main(["code", project_location, "--source", "policy.txt", "--code", code,
                     "--start", "0", "--end", "5"]) == 1  # as the signed-in role: a team project's rule
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"{said}; the coding was not made" in err
    assert rows(project_location, "SELECT count(*) FROM coding") == before


def test_an_orm_write_over_a_row_changed_since_it_was_read_is_refused_in_one_line(team, project_location):
    from workbench.store.models import Code

    alice, bob, _ = team
    cid = ids(alice, lambda s: code_by_path(s, "autonomy"))
    with pytest.raises(ConflictError) as err:
        with alice.transaction() as s:
            code = s.get(Code, cid)  # read without a lock, as a careless writer would
            cb.rename_code(bob, cid, "fiscal autonomy")  # another client commits in between
            code.name = "self-rule"
    said = str(err.value)
    assert ": someone else changed this meanwhile" in said and said.endswith("; nothing was changed")
    assert "\n" not in str(err.value)
    assert rows(project_location, "SELECT name FROM code WHERE id = :i", i=cid) == [("fiscal autonomy",)]
