"""Issue 9, finding 2: an edit made in one copy merges the same in both directions, losing nothing.

Thandi gets a hand-out copy of the small project and makes one edit in it; the original stays
as it was. Merging her copy into the original and the original into her copy must both give
exactly her copy's content (GUID-free, as the user sees it), the same GUIDs either way, and no
conflicts (only one side changed anything).
"""
from __future__ import annotations

import shutil

import pytest

from merge_support import canonical, content, duplicates
from workbench.core.changes import Kind
from workbench.services import cases, codebook, coding, memos, saved_queries, sources
from workbench.services.handout import hand_out
from workbench.services.lookup import attribute_by_name, case_by_name, code_by_path, coder_by_name, source_by_name
from workbench.services.merge import merge_files
from workbench.store import sqlite as wsqlite
from workbench.store.project import open_project

FUND = "fund the exchanges ourselves"


def _look(p, what, name):
    with p.reading() as s:
        return {"code": code_by_path, "case": case_by_name, "attr": attribute_by_name, "coder": coder_by_name,
                "source": source_by_name}[what](s, name)


def _coding_at(p, code, phrase, coder="Thandi"):
    from sqlalchemy import select

    from workbench.store.models import Coding

    text = _text(p, "interview_jhb.txt")
    start = text.index(phrase)
    with p.reading() as s:
        return s.scalar(select(Coding.id).where(Coding.code_id == _look(p, "code", code), Coding.start == start,
                                                Coding.coder_id == _look(p, "coder", coder)))


def _text(p, name):
    from workbench.services.sources import source_text

    return source_text(p, name)


def _prepare(p):
    """Shared before the hand-out: memos by Thandi on two codes and on two codings of one passage
    (own funding and autonomy both on "fund the exchanges ourselves"), and a saved query."""
    thandi = _look(p, "coder", "Thandi")
    start = _text(p, "interview_jhb.txt").index(FUND)
    coding.apply_code(p, _look(p, "source", "interview_jhb.txt"), _look(p, "code", "autonomy"), thandi,
                      start, start + len(FUND))
    memos.set_memo(p, "code", _look(p, "code", "autonomy/own funding"), "money matters", thandi)
    memos.set_memo(p, "code", _look(p, "code", "autonomy"), "acting alone", thandi)
    memos.set_memo(p, "coding", _coding_at(p, "autonomy/own funding", FUND), "note on funding", thandi)
    memos.set_memo(p, "coding", _coding_at(p, "autonomy", FUND), "note on autonomy", thandi)
    saved_queries.save_query(p, "funding talk", {"filters": {"codes": ["autonomy"]}})
    cases.link_passage(p, _look(p, "case", "Addis Ababa"), _look(p, "source", "interview_jhb.txt"), 0, 20)
    sources.create_folder(p, "Policy texts")
    sources.move_to_folder(p, [_look(p, "source", "policy.txt")], _folder(p, "Policy texts"))


def _folder(p, name):
    return next(f.id for f in sources.folder_rows(p) if f.name == name)


def _unlink_passage(p):
    cases.unlink_by_name(p, "Addis Ababa", "interview_jhb.txt", 0, 20, deleted_by="Thandi")


def _new_folder(p):
    sources.create_folder(p, "Interviews")
    sources.move_to_folder(p, [_look(p, "source", "interview_addis.txt")], _folder(p, "Interviews"))


def _merge_codes(p):
    codebook.merge_codes(p, [_look(p, "code", "autonomy/own funding")], _look(p, "code", "autonomy"),
                         deleted_by="Thandi")


def _link(p, case, source, linked):
    cases.link_source(p, _look(p, "case", case), _look(p, "source", source), linked)


def _value(p, case, attr, value):
    cases.set_attribute_value(p, _look(p, "case", case), _look(p, "attr", attr), value)


EDITS = {
    "merge codes": _merge_codes,
    "move a code to the top": lambda p: codebook.move_code(p, _look(p, "code", "autonomy/own funding"), None),
    "move a code under another": lambda p: codebook.move_code(
        p, _look(p, "code", "provincial constraint"), _look(p, "code", "development outcome")),
    "rename a code": lambda p: codebook.rename_code(p, _look(p, "code", "autonomy"), "self-rule"),
    "recolour a code": lambda p: codebook.recolor_code(p, _look(p, "code", "autonomy"), "#112233"),
    "describe a code": lambda p: codebook.describe_code(p, _look(p, "code", "autonomy"), "acting alone abroad"),
    "delete a code": lambda p: codebook.delete_code(p, _look(p, "code", "autonomy/own funding"), force=True,
                                                    deleted_by="Thandi"),
    "new code and coding": lambda p: coding.apply_code(
        p, _look(p, "source", "policy.txt"), codebook.create_code(p, "approval").created[Kind.CODE][0],
        _look(p, "coder", "Thandi"), 0, 10),
    "remove a coding": lambda p: coding.remove_codings(p, [_coding_at(p, "autonomy", "We set our own agenda")],
                                                       deleted_by="Thandi"),
    "rename a case": lambda p: cases.rename_case(p, _look(p, "case", "Johannesburg"), "City of Johannesburg"),
    "delete a case": lambda p: cases.delete_case(p, _look(p, "case", "Addis Ababa"), deleted_by="Thandi"),
    "new case": lambda p: cases.create_case(p, "Tshwane", "the capital"),
    "new attribute with a value": lambda p: (cases.define_attribute(p, "population", "number"),
                                             _value(p, "Johannesburg", "population", "5600000")),
    "change a value": lambda p: _value(p, "Johannesburg", "region", "Southern Africa"),
    "clear a value": lambda p: _value(p, "Johannesburg", "region", ""),
    "unlink a source": lambda p: _link(p, "Johannesburg", "policy.txt", False),
    "link a source": lambda p: _link(p, "Addis Ababa", "policy.txt", True),
    "edit a memo": lambda p: memos.set_memo(p, "code", _look(p, "code", "autonomy"), "acting on its own",
                                            _look(p, "coder", "Thandi")),
    "delete a memo": lambda p: memos.set_memo(p, "code", _look(p, "code", "autonomy"), "",
                                              _look(p, "coder", "Thandi")),
    "delete a saved query": lambda p: saved_queries.delete_query(p, "funding talk", deleted_by="Thandi"),
    "link a passage": lambda p: cases.link_passage(p, _look(p, "case", "Johannesburg"),
                                                   _look(p, "source", "interview_jhb.txt"), 30, 60),
    "unlink a passage": _unlink_passage,
    "new folder with a source": _new_folder,
    "rename a folder": lambda p: sources.rename_folder(p, _folder(p, "Policy texts"), "Policies"),
    "delete a folder": lambda p: sources.delete_folder(p, _folder(p, "Policy texts"), deleted_by="Thandi"),
    "take a source out of a folder": lambda p: sources.move_to_folder(p, [_look(p, "source", "policy.txt")], None),
}


@pytest.fixture
def original_and_copy(project_path, tmp_path):
    with open_project(project_path) as p:
        _prepare(p)
        hand_out(p, tmp_path / "thandi.qwb", "Thandi")
    return project_path, tmp_path / "thandi.qwb"


def _both_ways(original, copy, tmp_path):
    into_original, into_copy = tmp_path / "into-original.qwb", tmp_path / "into-copy.qwb"
    for path in (original, copy):
        wsqlite.checkpoint(path)
    shutil.copy(original, into_original)
    shutil.copy(copy, into_copy)
    reports = [merge_files(into_original, [copy]), merge_files(into_copy, [original])]
    return into_original, into_copy, reports


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_in_one_copy_merges_the_same_both_ways(original_and_copy, tmp_path, edit):
    original, copy = original_and_copy
    with open_project(copy) as p:
        EDITS[edit](p)
    wanted = content(copy)
    assert wanted != content(original), "the edit changed nothing; the test would prove nothing"
    into_original, into_copy, reports = _both_ways(original, copy, tmp_path)
    assert [r.body["conflicts"] for r in reports] == [[], []]
    assert content(into_original) == wanted
    assert content(into_copy) == wanted
    assert canonical(into_original) == canonical(into_copy)
    for result in (into_original, into_copy):
        assert duplicates(result) == [] and wsqlite.integrity_problems(result) == []


def test_merge_codes_then_team_merge_keeps_all_eight_codings_both_ways(project_path, tmp_path):
    # The finding as reported: Thandi folds autonomy/own funding into autonomy in her copy.
    copy = tmp_path / "thandi.qwb"
    with open_project(project_path) as p:
        hand_out(p, copy, "Thandi")
    with open_project(copy) as p:
        _merge_codes(p)
        start = _text(p, "interview_jhb.txt").index(FUND)
    into_original, into_copy, _ = _both_ways(project_path, copy, tmp_path)
    for result in (into_original, into_copy):
        codings = content(result)["codings"]
        assert len(codings) == 8
        assert ("interview_jhb.txt", "autonomy", "Thandi", start, start + len(FUND)) in codings
        assert not [c for c in codings if c[1] == "autonomy/own funding"]
    assert canonical(into_original) == canonical(into_copy)


def test_merge_codes_leaves_redirects_the_merge_follows(project):
    # The tombstones of the code, the repeated coding and the memos that went name what they became.
    from sqlalchemy import select

    from workbench.services.merge_deletions import REDIRECT
    from workbench.store.models import Code, Coding, Memo, Tombstone

    _prepare(project)
    _merge_codes(project)
    with project.reading() as s:
        alive = set(s.scalars(select(Code.guid))) | set(s.scalars(select(Coding.guid))) | set(
            s.scalars(select(Memo.guid)))
        tombs = s.execute(select(Tombstone.kind, Tombstone.detail)).all()
    assert sorted(k for k, _ in tombs) == ["code", "coding", "memo", "memo"]
    for _, detail in tombs:
        m = REDIRECT.search(detail)
        assert m and m.group(1) in alive, detail
    # Nothing written on the codings that collapsed is lost: both notes are on the one that stayed.
    text = memos.get_memo(project, "coding", _coding_at(project, "autonomy", FUND))
    assert "note on autonomy" in text and "note on funding" in text


def test_a_copy_that_still_has_the_merged_code_brings_its_new_work_to_the_target(original_and_copy, tmp_path):
    # Thandi merges codes in her copy; Pieter, in the original, codes with the old code and writes on
    # its memo meanwhile. His coding follows the redirect to autonomy; his memo text is kept.
    original, copy = original_and_copy
    with open_project(copy) as p:
        _merge_codes(p)
    with open_project(original) as p:
        pieter = _look(p, "coder", "Pieter")
        coding.apply_code(p, _look(p, "source", "policy.txt"), _look(p, "code", "autonomy/own funding"), pieter, 3, 9)
        memos.set_memo(p, "code", _look(p, "code", "autonomy/own funding"), "money matters, says Pieter", pieter)
    into_original, into_copy, _ = _both_ways(original, copy, tmp_path)
    for result in (into_original, into_copy):
        got = content(result)
        assert ("policy.txt", "autonomy", "Pieter", 3, 9) in got["codings"]
        (memo,) = [m for m in got["memos"] if m[0] == ("code", "autonomy")]
        assert "money matters, says Pieter" in memo[2] and "acting alone" in memo[2]
    assert content(into_original) == content(into_copy)


def test_deleting_a_folder_buries_it_and_undo_lifts_it(original_and_copy, tmp_path):
    # Undo (as the window does it: the folder again with its id and GUID, its sources filed back)
    # leaves no tombstone, so a merge with the original keeps the folder in either direction.
    import store_read

    original, copy = original_and_copy
    with open_project(copy) as p:
        (folder,) = [f for f in sources.folder_rows(p) if f.name == "Policy texts"]
        ((guid,),) = store_read.rows(copy, "SELECT guid FROM source_folder WHERE id = :i", i=folder.id)
        sources.delete_folder(p, folder.id, deleted_by="Thandi")
        tombs = store_read.rows(copy, "SELECT guid, kind, deleted_by, detail FROM tombstone")
        assert tombs == [(guid, "folder", "Thandi", "Policy texts")]
        sources.create_folder(p, "Policy texts", None, folder.id, guid)
        sources.move_to_folder(p, list(folder.source_ids), folder.id)
        assert store_read.rows(copy, "SELECT guid FROM tombstone") == []
    wanted = content(original)
    into_original, into_copy, reports = _both_ways(original, copy, tmp_path)
    assert [r.body["conflicts"] for r in reports] == [[], []]
    assert content(into_original) == content(into_copy) == wanted
    assert ("policy.txt", "Policy texts") in wanted["in folders"]


def test_a_folder_deleted_in_one_copy_with_a_source_filed_in_it_in_the_other_is_a_question(
        original_and_copy, tmp_path):
    original, copy = original_and_copy
    with open_project(copy) as p:
        sources.delete_folder(p, _folder(p, "Policy texts"), deleted_by="Thandi")
    with open_project(original) as p:
        sources.move_to_folder(p, [_look(p, "source", "interview_addis.txt")], _folder(p, "Policy texts"))
    into_original, into_copy, reports = _both_ways(original, copy, tmp_path)
    for r in reports:
        (c,) = r.body["conflicts"]
        assert (c["kind"], c["default"]) == ("deletion", "keep")
        assert c["label"] == "folder Policy texts, deleted by Thandi"
    for result in (into_original, into_copy):  # kept: with both sources it holds in the original
        assert content(result)["in folders"] == [("interview_addis.txt", "Policy texts"),
                                                 ("policy.txt", "Policy texts")]
