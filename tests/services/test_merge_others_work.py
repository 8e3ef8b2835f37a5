"""Issue 9, finding 4: a merge never silently applies one coder's deletion of another coder's work.

Pieter gets a hand-out copy of the small project and deletes things in it; Thandi's work is in
both files. Each merge direction must show the deletion as a conflict naming both coders and the
passage, and keep the work by default. Deleting one's own work still applies without a question.
Also: values cleared, sources unlinked and saved queries deleted on one side stay so.
"""
from __future__ import annotations

import shutil

import pytest

from merge_support import content
from workbench.services import cases, codebook, coding, memos, saved_queries
from workbench.services.handout import hand_out
from workbench.services.lookup import attribute_by_name, case_by_name, code_by_path, coder_by_name, source_by_name
from workbench.services.merge import apply_merge, merge_files, plan_merge
from workbench.store import sqlite as wsqlite
from workbench.store.project import open_project

AGENDA = "We set our own agenda"  # Thandi's autonomy coding in interview_jhb.txt


def _look(p, what, name):
    with p.reading() as s:
        return {"code": code_by_path, "case": case_by_name, "attr": attribute_by_name, "coder": coder_by_name,
                "source": source_by_name}[what](s, name)


def _codings(p, code, coder):
    from sqlalchemy import select

    from workbench.store.models import Coding

    with p.reading() as s:
        return list(s.scalars(select(Coding.id).where(Coding.code_id == _look(p, "code", code),
                                                       Coding.coder_id == _look(p, "coder", coder))))


@pytest.fixture
def pieters_copy(project_path, tmp_path):
    """The original (with Thandi's memo on autonomy) and Pieter's hand-out copy of it."""
    with open_project(project_path) as p:
        memos.set_memo(p, "code", _look(p, "code", "autonomy"), "acting alone", _look(p, "coder", "Thandi"))
        saved_queries.save_query(p, "funding talk", {"filters": {"codes": ["autonomy"]}})
        hand_out(p, tmp_path / "pieter.qwb", "Pieter")
    return project_path, tmp_path / "pieter.qwb"


def _plans(original, copy, tmp_path):
    """Both directions: (result file, plan) for the copy merged into the original and the reverse."""
    out = []
    for name, into, other in (("into-original", original, copy), ("into-copy", copy, original)):
        wsqlite.checkpoint(into)
        result = tmp_path / f"{name}.qwb"
        shutil.copy(into, result)
        project = open_project(result)
        out.append((result, project, plan_merge(project, [other])))
    return out


def _apply(project, plan, resolutions=None):
    try:
        apply_merge(project, plan, resolutions)
    finally:
        plan.close()
        project.close()


def test_deleting_another_coders_coding_is_a_conflict_naming_both_and_the_passage(pieters_copy, tmp_path):
    original, copy = pieters_copy
    with open_project(copy) as p:
        (mine,) = _codings(p, "autonomy", "Thandi")
        (removed,) = coding.remove_codings(p, [mine], deleted_by="Pieter").result
        where = f"{removed.start}-{removed.end}"
    for result, project, plan in _plans(original, copy, tmp_path):
        (c,) = plan.conflicts
        assert (c.kind, c.options, c.default) == ("deletion", ["keep", "delete"], "keep")
        assert "Thandi" in c.label and "Pieter" in c.label
        assert AGENDA in c.label and where in c.label and "interview_jhb.txt" in c.label
        _apply(project, plan)
        assert len(content(result)["codings"]) == 8, result.name  # her coding stayed


def test_choosing_delete_applies_the_other_coders_deletion(pieters_copy, tmp_path):
    original, copy = pieters_copy
    with open_project(copy) as p:
        coding.remove_codings(p, _codings(p, "autonomy", "Thandi"), deleted_by="Pieter")
    for result, project, plan in _plans(original, copy, tmp_path):
        (c,) = plan.conflicts
        _apply(project, plan, {c.id: "delete"})
        assert len(content(result)["codings"]) == 7


def test_deleting_ones_own_coding_applies_without_a_question(pieters_copy, tmp_path):
    original, copy = pieters_copy
    with open_project(copy) as p:
        coding.remove_codings(p, _codings(p, "autonomy", "Pieter"), deleted_by="Pieter")
    for result, project, plan in _plans(original, copy, tmp_path):
        assert plan.conflicts == []
        _apply(project, plan)
        assert not [k for k in content(result)["codings"] if k[1:3] == ("autonomy", "Pieter")]


def test_a_deletion_that_names_no_one_counts_as_someone_elses(pieters_copy, tmp_path):
    # An older file or a command without --coder leaves no name: the work is kept unless chosen.
    original, copy = pieters_copy
    with open_project(copy) as p:
        coding.remove_codings(p, _codings(p, "autonomy", "Thandi"))
    for result, project, plan in _plans(original, copy, tmp_path):
        (c,) = plan.conflicts
        assert "deleted by someone" in c.label and c.default == "keep"
        _apply(project, plan)
        assert len(content(result)["codings"]) == 8


def test_deleting_another_coders_memo_is_a_conflict_kept_by_default(pieters_copy, tmp_path):
    original, copy = pieters_copy
    with open_project(copy) as p:  # the memo pane deletes a memo by emptying it, as Pieter
        memos.set_memo(p, "code", _look(p, "code", "autonomy"), "", _look(p, "coder", "Pieter"))
    for result, project, plan in _plans(original, copy, tmp_path):
        (c,) = plan.conflicts
        assert c.label.startswith("memo by Thandi, deleted by Pieter: memo on code autonomy")
        _apply(project, plan)
        assert [m[2] for m in content(result)["memos"]] == ["acting alone"]


def test_deleting_a_code_with_another_coders_codings_asks_once_and_keeps_them(pieters_copy, tmp_path):
    original, copy = pieters_copy
    with open_project(copy) as p:
        codebook.delete_code(p, _look(p, "code", "provincial constraint"), force=True, deleted_by="Pieter")
    wanted = content(original)
    for result, project, plan in _plans(original, copy, tmp_path):
        (c,) = plan.conflicts  # one question for the code; its codings go or stay with it
        assert c.label.startswith("code provincial constraint, deleted by Pieter, holds another coder's work")
        assert "coding by Thandi" in c.label and "and 1 more" in c.label
        _apply(project, plan)
        got = content(result)
        # Kept: the code and Thandi's two codings; Pieter's own coding on it went, as he deleted it.
        assert [k for k in got["codings"] if k[1] == "provincial constraint"] == [
            k for k in wanted["codings"] if k[1] == "provincial constraint" and k[2] == "Thandi"]


def test_cleared_value_unlinked_source_and_deleted_query_stay_so_both_ways(pieters_copy, tmp_path):
    original, copy = pieters_copy
    with open_project(copy) as p:
        cases.set_attribute_value(p, _look(p, "case", "Johannesburg"), _look(p, "attr", "region"), "")
        cases.link_source(p, _look(p, "case", "Johannesburg"), _look(p, "source", "policy.txt"), False)
        saved_queries.delete_query(p, "funding talk", deleted_by="Pieter")
    wanted = content(copy)
    for result, project, plan in _plans(original, copy, tmp_path):
        assert plan.conflicts == []
        _apply(project, plan)
        assert content(result) == wanted
        assert wsqlite.integrity_problems(result) == []


def test_a_value_cleared_on_one_side_and_changed_on_the_other_is_a_conflict(pieters_copy, tmp_path):
    original, copy = pieters_copy
    with open_project(copy) as p:
        cases.set_attribute_value(p, _look(p, "case", "Johannesburg"), _look(p, "attr", "region"), "")
    with open_project(original) as p:
        cases.set_attribute_value(p, _look(p, "case", "Johannesburg"), _look(p, "attr", "region"), "Southern Africa")
    for result, project, plan in _plans(original, copy, tmp_path):
        (c,) = plan.conflicts
        assert (c.kind, c.default) == ("deletion", "keep") and "Johannesburg / region" in c.label
        _apply(project, plan)
        assert ("Johannesburg", "region", "Southern Africa") in content(result)["values"]


def test_set_again_after_clearing_is_alive_again(project):
    # A value cleared and set again, or a source unlinked and linked again, leaves no tombstone.
    from sqlalchemy import func, select

    from workbench.store.models import Tombstone

    case, attr, src = _look(project, "case", "Johannesburg"), _look(project, "attr", "region"), _look(
        project, "source", "policy.txt")
    cases.set_attribute_value(project, case, attr, "")
    cases.link_source(project, case, src, False)
    with project.reading() as s:
        assert sorted(s.scalars(select(Tombstone.kind))) == ["link", "value"]
    cases.set_attribute_value(project, case, attr, "Africa")
    cases.link_source(project, case, src, True)
    with project.reading() as s:
        assert s.scalar(select(func.count()).select_from(Tombstone)) == 0


def test_a_merge_twice_with_a_kept_deletion_asks_nothing_the_second_time(pieters_copy, tmp_path):
    original, copy = pieters_copy
    with open_project(copy) as p:
        coding.remove_codings(p, _codings(p, "autonomy", "Thandi"), deleted_by="Pieter")
    first = merge_files(original, [copy])
    assert len(first.body["conflicts"]) == 1
    before = content(original)
    again = merge_files(original, [copy])
    assert again.body["conflicts"] == [] and content(original) == before


def test_a_coding_kept_with_its_code_is_not_asked_again_after_the_code_is_merged(pieters_copy):
    # Pieter deletes a code holding Thandi's codings; the merge asks once (about the code) and keeps
    # it. Thandi then merges that code into another. Merging Pieter's copy again asks nothing.
    original, copy = pieters_copy
    with open_project(copy) as p:
        codebook.delete_code(p, _look(p, "code", "provincial constraint"), force=True, deleted_by="Pieter")
    first = merge_files(original, [copy])
    assert [c["guid"] for c in first.body["conflicts"]] == [_code_guid(original, "provincial constraint")]
    with open_project(original) as p:
        codebook.merge_codes(p, [_look(p, "code", "provincial constraint")], _look(p, "code", "development outcome"))
    before = content(original)
    again = merge_files(original, [copy])
    assert again.body["conflicts"] == [] and content(original) == before


def _code_guid(path, code):
    from sqlalchemy import select

    from workbench.store.models import Code

    with open_project(path) as p, p.reading() as s:
        return s.scalar(select(Code.guid).where(Code.id == code_by_path(s, code)))


def test_the_answers_given_are_read_back_from_the_report_stored_in_the_project(pieters_copy, tmp_path):
    """weighed-before-not-asked: a later merge reads, from the merge report stored in the project,
    how each deletion question was answered, by the version it weighed (key, "deleted by ...",
    the deletion's time). Pieter deleted Thandi's autonomy coding (answered keep) and the code
    "development outcome" with her coding on it (answered delete): the coding decided with its
    code (deleted-with-its-container) takes the code's answer."""
    import json

    import store_read
    from workbench.services.merge_conflicts import deletion_answers, seen_versions
    from workbench.services.merge_state import load_state
    from workbench.store.models import Coding

    original, copy = pieters_copy
    with open_project(copy) as p:
        (hers_id,) = _codings(p, "autonomy", "Thandi")
        (on_code_id,) = _codings(p, "development outcome", "Thandi")
        with p.reading() as s:
            hers, on_code = s.get(Coding, hers_id).guid, s.get(Coding, on_code_id).guid
        coding.remove_codings(p, [hers_id], deleted_by="Pieter")
        codebook.delete_code(p, _look(p, "code", "development outcome"), force=True, deleted_by="Pieter")
    con = store_read.connect(copy)
    try:
        when = dict(con.execute("SELECT guid, deleted_at FROM tombstone"))
        (code,) = [g for (g,) in con.execute("SELECT guid FROM tombstone WHERE kind = 'code' AND detail = ?",
                                             ("development outcome",))]
    finally:
        con.close()
    result = tmp_path / "merged.qwb"
    wsqlite.checkpoint(original)
    shutil.copy(original, result)
    project = open_project(result)
    plan = plan_merge(project, [copy])
    asked = {c.guid: c.id for c in plan.conflicts if c.kind == "deletion"}
    assert sorted(asked) == sorted([hers, code])
    _apply(project, plan, {asked[hers]: "keep", asked[code]: "delete"})
    with open_project(result, readonly=True) as p, p.reading() as s:
        state = load_state(s, result)
    dead = json.dumps("deleted by Pieter")
    version = {g: (f"deletion:{g}:deleted", dead, when[g]) for g in (hers, code, on_code)}
    answers = deletion_answers(state)
    assert {g: answers.get(v) for g, v in version.items()} == {hers: "keep", code: "delete", on_code: "delete"}
    assert all(key.startswith("deletion:") for key, _, _ in answers)
    assert set(version.values()) <= seen_versions(state)
