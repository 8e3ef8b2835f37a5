"""Merging: matching, tombstones, conflicts and their resolutions, bad input, a killed merge."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from merge_support import canonical, duplicates
from workbench.core.errors import ProjectError
from workbench.services import cases, codebook, coding, memos
from workbench.services.handout import hand_out, handouts
from workbench.services.lookup import attribute_by_name, case_by_name, code_by_path, coder_by_name, source_by_name
from workbench.services.merge import apply_merge, copy_then_merge, merge_files, plan_merge
from workbench.services.sources import import_files
from workbench.store import sqlite as wsqlite
from workbench.store.project import create_project, open_project


def _ids(project, code="autonomy", source="interview_jhb.txt", coder="Thandi"):
    with project.reading() as s:
        return code_by_path(s, code), source_by_name(s, source), coder_by_name(s, coder)


@pytest.fixture
def pair(project_path, tmp_path):
    """The small project handed out to Thandi (a) and plainly copied for Pieter (b)."""
    a, b = tmp_path / "a.qwb", tmp_path / "b.qwb"
    with open_project(project_path) as p:
        hand_out(p, a, "Thandi")
    shutil.copy(project_path, b)
    return project_path, a, b


def test_hand_out_records_the_copy_in_both_files(pair):
    origin, a, _ = pair
    with open_project(origin) as p:
        (mine,) = handouts(p)
    with open_project(a) as p:
        (theirs,) = handouts(p)
    assert mine["key"] == theirs["key"] and mine["role"] == "original" and theirs["role"] == "copy"
    assert theirs["coder"] == "Thandi" and theirs["original"] == mine["original"]
    assert canonical(a)["codings"] == canonical(origin)["codings"]


def test_new_codings_from_both_sides_arrive_once_and_coders_stay_apart(pair):
    _, a, b = pair
    with open_project(a) as p:
        code, src, thandi = _ids(p)
        coding.apply_code(p, src, code, thandi, 0, 10)
    with open_project(b) as p:
        code, src, pieter = _ids(p, coder="Pieter")
        _, _, thandi = _ids(p)
        coding.apply_code(p, src, code, pieter, 0, 10)  # same passage, another coder: kept apart
        coding.apply_code(p, src, code, thandi, 0, 10)  # same passage, same coder: one coding
    report = merge_files(a, [b])
    keys = canonical(a)["codings"]
    assert keys.count((canonical(a)["codings"][0][0],) + keys[0][1:]) == 1
    mine = [k for k in keys if k[3:] == (0, 10)]
    assert sorted(k[2] for k in mine) == ["Pieter", "Thandi"]
    assert report.body["counts"]["coding"]["new"] == 1
    assert duplicates(a) == []
    with open_project(a) as p, p.reading() as s:
        from workbench.store.models import Report

        row = s.query(Report).one()
    assert row.kind == "merge" and json.loads(row.body)["counts"]["coding"]["new"] == 1


def test_a_deletion_removes_what_the_other_side_left_alone(pair):
    # Pieter deletes a code that holds only his own coding: nothing of anyone else's goes with it.
    _, a, b = pair
    with open_project(b) as p:
        code, _, _ = _ids(p, code="development outcome/unrealised objective")
        codebook.delete_code(p, code, force=True, deleted_by="Pieter")
    plan_report = merge_files(a, [b])
    assert "development outcome/unrealised objective" not in {v[0] for v in canonical(a)["codes"].values()}
    assert not [k for k in canonical(a)["codings"] if k[2] == "Pieter" and k[1].startswith("development")]
    assert plan_report.body["conflicts"] == []


def test_a_deletion_meeting_new_work_is_a_conflict_kept_by_default(pair):
    _, a, b = pair
    with open_project(a) as p:
        code, src, thandi = _ids(p, code="provincial constraint")
        coding.apply_code(p, src, code, thandi, 0, 5)
    with open_project(b) as p:
        code, _, _ = _ids(p, code="provincial constraint")
        codebook.delete_code(p, code, force=True)
    c = b.with_name("c.qwb")
    shutil.copy(b, c)
    with open_project(b) as p:
        plan = plan_merge(p, [a])
        (conflict,) = [c for c in plan.conflicts if c.kind == "deletion"]
        assert conflict.default == "keep" and conflict.label.startswith("code provincial constraint, deleted by")
        apply_merge(p, plan)
    assert "provincial constraint" in {v[0] for v in canonical(b)["codes"].values()}
    # The user may choose the deletion instead: then the new work goes with it.
    with open_project(c) as p:
        plan = plan_merge(p, [a])
        (conflict,) = [x for x in plan.conflicts if x.kind == "deletion"]
        apply_merge(p, plan, {conflict.id: "delete"})
    assert "provincial constraint" not in {v[0] for v in canonical(c)["codes"].values()}
    assert duplicates(c) == [] and wsqlite.integrity_problems(c) == []


def test_rename_both_sides_keeps_the_latest_and_reports_the_alias(pair):
    _, a, b = pair
    with open_project(a) as p:
        codebook.rename_code(p, _ids(p)[0], "self-rule")
    with open_project(b) as p:
        codebook.rename_code(p, _ids(p)[0], "city autonomy")  # later
    with open_project(a) as p:
        plan = plan_merge(p, [b])
        (c,) = plan.conflicts
        assert (c.kind, c.field, c.ours["value"], c.other["value"], c.default) == (
            "code", "name", "self-rule", "city autonomy", "other")
        report = apply_merge(p, plan)
    names = {v[0] for v in canonical(a)["codes"].values()}
    assert "city autonomy" in names and "self-rule" not in names
    assert report.body["aliases"] == [{"kind": "code", "guid": c.guid, "name": "city autonomy", "alias": "self-rule"}]


def test_rename_conflict_resolved_for_ours(pair):
    _, a, b = pair
    with open_project(a) as p:
        codebook.rename_code(p, _ids(p)[0], "self-rule")
    with open_project(b) as p:
        codebook.rename_code(p, _ids(p)[0], "city autonomy")
    with open_project(a) as p:
        plan = plan_merge(p, [b])
        apply_merge(p, plan, {plan.conflicts[0].id: "ours"})
    assert "self-rule" in {v[0] for v in canonical(a)["codes"].values()}


def test_memo_edited_on_both_sides_keeps_both_texts(pair):
    _, a, b = pair
    with open_project(a) as p:
        memos.set_memo(p, "project", None, "the base memo")
    shutil.copy(a, b)  # both start from the same memo
    with open_project(a) as p:
        memos.set_memo(p, "project", None, "Thandi's view")
    with open_project(b) as p:
        memos.set_memo(p, "project", None, "Pieter's view")
    merge_files(a, [b])
    (memo,) = canonical(a)["memos"].values()
    text = memo[2]
    assert text.startswith("Pieter's view\n\n--- other version, edited ") and text.endswith("\nThandi's view")


def test_attribute_value_changed_on_both_sides_takes_the_latest(pair):
    _, a, b = pair
    for path, value in ((a, "Southern Africa"), (b, "Sub-Saharan Africa")):
        with open_project(path) as p:
            with p.reading() as s:
                case, attr = case_by_name(s, "Johannesburg"), attribute_by_name(s, "region")
            cases.set_attribute_value(p, case, attr, value)
    report = merge_files(a, [b])
    assert [c["kind"] for c in report.body["conflicts"]] == ["value"]
    assert ("Sub-Saharan Africa" in [v[2] for v in canonical(a)["values"]])


def test_projects_that_never_shared_a_copy_match_by_content_path_and_name(tmp_path, project_path):
    from workbench.services.sources import source_text

    with open_project(project_path) as p:
        jhb = source_text(p, "interview_jhb.txt")
    text = tmp_path / "jhb copy.txt"
    text.write_text(jhb, encoding="utf-8")
    other = tmp_path / "other.qwb"
    with create_project(other, coder="Thandi") as p:
        import_files(p, [text], coder="Thandi", case="JOHANNESBURG")
        codebook.create_code(p, "AUTONOMY")
        code, src, thandi = _ids(p, code="autonomy", source="jhb copy.txt")
        coding.apply_code(p, src, code, thandi, 3, 9)
    before = canonical(project_path)
    report = merge_files(project_path, [other])
    after = canonical(project_path)
    by = {(m["kind"], m["by"]) for m in report.body["matches"]}
    assert {("source", "content"), ("code", "path"), ("case", "name"), ("coder", "name")} <= by
    assert len(after["sources"]) == 3 and len(after["codes"]) == len(before["codes"])
    assert len(after["cases"]) == 2 and sorted(after["coders"]) == ["Pieter", "Thandi"]
    # The matched code takes the spelling of its most recent change (here the other project's).
    # The matched source keeps the smaller of the two GUIDs, so compare codings without it.
    fold = lambda keys: {(k[1].casefold(),) + tuple(k[2:]) for k in keys}  # noqa: E731
    assert fold(after["codings"]) - fold(before["codings"]) == {("autonomy", "Thandi", 3, 9)}


def test_distinct_sources_with_one_name_are_both_kept(tmp_path, project_path):
    text = tmp_path / "policy.txt"
    text.write_text("A different policy text.\n", encoding="utf-8")
    other = tmp_path / "other.qwb"
    with create_project(other, coder="Thandi") as p:
        import_files(p, [text])
    merge_files(project_path, [other])
    names = sorted(v[0] for v in canonical(project_path)["sources"].values())
    assert names.count("policy.txt") == 1 and len([n for n in names if n.startswith("policy")]) == 2


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_not_a_project_newer_version_and_itself_are_refused_untouched(pair, tmp_path):
    _, a, b = pair
    junk = tmp_path / "notes.qwb"
    junk.write_text("just some notes")
    newer = tmp_path / "newer.qwb"
    shutil.copy(b, newer)
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = canonical(a)
    for other, message in ((junk, "not a workbench project"), (newer, "newer version"),
                           (a, "cannot be merged with itself"), (tmp_path / "missing.qwb", "no such file")):
        with pytest.raises(ProjectError, match=message) as err:
            merge_files(a, [b, other])
        assert str(other) in str(err.value)
    link = tmp_path / "link.qwb"
    link.symlink_to(a)
    with pytest.raises(ProjectError, match="itself"):
        merge_files(a, [link])
    assert canonical(a) == before
    assert not list(tmp_path.glob("a.before-merge-*"))


def test_a_source_with_the_same_identity_and_other_text_is_refused(pair):
    _, a, b = pair
    con = sqlite3.connect(b)
    con.execute("UPDATE source SET text = 'changed', sha256 = 'x' WHERE name = 'policy.txt'")
    con.commit()
    con.close()
    before = canonical(a)
    with pytest.raises(ProjectError, match="different text") as err:
        merge_files(a, [b])
    assert str(b) in str(err.value) and "policy.txt" in str(err.value)
    assert canonical(a) == before


def test_an_older_version_is_upgraded_in_a_temporary_copy(pair, tmp_path):
    from workbench.store.migrate import downgrade

    _, a, b = pair
    with open_project(b) as p:
        code, src, pieter = _ids(p, coder="Pieter")
        coding.apply_code(p, src, code, pieter, 1, 4)
    wsqlite.checkpoint(b)
    downgrade(b, "0001")
    digest = _digest(b)
    merge_files(a, [b])
    assert ("autonomy", "Pieter", 1, 4) in {k[1:] for k in canonical(a)["codings"]}
    assert _digest(b) == digest and wsqlite.read_revision(b) == "0001"
    assert not list(tmp_path.glob("b.before-upgrade-*"))


def test_merge_into_a_new_file_leaves_the_project_alone(pair, tmp_path):
    from workbench.cli.main import main

    _, a, b = pair
    with open_project(b) as p:
        code, src, pieter = _ids(p, coder="Pieter")
        coding.apply_code(p, src, code, pieter, 1, 4)
    digest = _digest(a)
    out = tmp_path / "team.qwb"
    assert main(["merge", str(a), str(b), "-o", str(out), "--json"]) == 0
    assert _digest(a) == digest
    assert ("autonomy", "Pieter", 1, 4) in {k[1:] for k in canonical(out)["codings"]}
    assert wsqlite.integrity_problems(out) == []
    assert main(["merge", str(a), str(b), "-o", str(out)]) == 1  # refuses to overwrite
    with pytest.raises(ProjectError):
        copy_then_merge(a, tmp_path / "t2.qwb", [a])


def test_merge_cli_preview_json_changes_nothing(pair, capsys):
    from workbench.cli.main import main

    _, a, b = pair
    with open_project(b) as p:
        code, src, pieter = _ids(p, coder="Pieter")
        coding.apply_code(p, src, code, pieter, 1, 4)
    before = canonical(a)
    assert main(["merge", str(a), str(b), "--preview", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["coding"]["new"] == 1 and data["items"]["coding"]["new"] == [
        "autonomy on interview_jhb.txt 1-4"]
    assert canonical(a) == before
    assert main(["merge", str(a), str(b), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["coding"]["new"] == 1 and os.path.exists(data["backup"])


PAUSE_BEFORE_COMMIT = '''
import sys, time
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine

flag, args = Path(sys.argv[1]), sys.argv[2:]
wrote = set()

@event.listens_for(Engine, "before_cursor_execute")
def _seen(conn, cursor, statement, *rest):
    if statement.lstrip().upper().startswith("INSERT INTO REPORT"):
        wrote.add(id(conn))

@event.listens_for(Engine, "commit")
def _hold(conn):
    if id(conn) in wrote:
        flag.write_text("about to commit\\n")
        time.sleep(120)

from workbench.cli.main import main
sys.exit(main(args))
'''


def test_a_merge_killed_before_commit_leaves_the_project_as_it_was(pair, tmp_path):
    _, a, b = pair
    with open_project(b) as p:
        code, src, pieter = _ids(p, coder="Pieter")
        for i in range(50):
            coding.apply_code(p, src, code, pieter, i, i + 20)
        codebook.create_code(p, "new from b")
    before = canonical(a)
    flag = tmp_path / "about-to-commit"
    # The pause is the test's own: a SQLAlchemy hook in the child, holding the merge's COMMIT once the
    # report row (the merge's last write) is in; no hook in shipped code.
    child = subprocess.Popen([sys.executable, "-c", PAUSE_BEFORE_COMMIT, str(flag), "merge", str(a), str(b)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():  # the child writes it after all rows are written, just before COMMIT
            assert child.poll() is None, child.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert wsqlite.integrity_problems(a) == []
    with open_project(a):
        pass
    assert canonical(a) == before


def test_a_failed_hand_out_leaves_no_record_and_no_file(project, tmp_path, monkeypatch):
    def fail(*_a, **_k):
        raise OSError(28, "No space left on device")

    from workbench.store import files

    monkeypatch.setattr(files, "settle_into_place", fail)
    dest = tmp_path / "for-pieter.qwb"
    with pytest.raises(OSError):
        hand_out(project, dest, "Pieter")
    assert handouts(project) == []
    assert sorted(p.name for p in tmp_path.iterdir() if "pieter" in p.name.lower()) == []
