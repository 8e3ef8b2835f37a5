"""Undo of Merge codes puts back what the merge changed, and leaves what others did since.

The window's undo of a merge (services.codebook_undo.unmerge_codes) used to write back every row
its snapshot held: the target's codings and memos too, which the merge never touched, so a
colleague's deletion of one of them since was undone (the coding back, its tombstone lifted).
Undo is your own (docs/team.md): it now writes back what differs between the rows before and
after the merge, and refuses, changing nothing, when one of those was changed since.

The small project of tests/conftest.py, counted by hand:
  autonomy/own funding    Thandi  interview_jhb.txt  "fund the exchanges ourselves"
  provincial constraint   Thandi  interview_jhb.txt  "Every agreement waits for provincial sign-off"
                          Pieter  interview_jhb.txt  (the same passage)
                          Thandi  policy.txt         "Agreements are submitted to the Province before signature."
"""
from __future__ import annotations

import pytest
from sqlalchemy import text

from workbench.core.changes import Kind
from workbench.core.errors import ConflictError
from workbench.services import codebook_undo, coding, memos
from workbench.services.lookup import code_by_path, coder_by_name, source_by_name


def _ids(project, fn):
    with project.reading() as s:
        return fn(s)


def _codings(project) -> set[tuple]:
    """(code path's last name, coder, source, the coded text, memo) of every coding."""
    with project.reading() as s:
        rows = s.execute(text(
            "SELECT k.name, c.name, s.name, substr(s.text, g.start + 1, g.\"end\" - g.start), m.text"
            " FROM coding g JOIN code k ON k.id = g.code_id JOIN coder c ON c.id = g.coder_id"
            " JOIN source s ON s.id = g.source_id LEFT JOIN memo m ON m.coding_id = g.id")).all()
    return set(rows)


def _coding_id(project, code, coder, source) -> int:
    with project.reading() as s:
        return s.execute(text(
            "SELECT g.id FROM coding g JOIN code k ON k.id = g.code_id JOIN coder c ON c.id = g.coder_id"
            " JOIN source s ON s.id = g.source_id WHERE k.name = :k AND c.name = :c AND s.name = :s"),
            {"k": code, "c": coder, "s": source}).scalar_one()


def _buried(project, coding_id_guid: str) -> bool:
    with project.reading() as s:
        return s.execute(text("SELECT count(*) FROM tombstone WHERE guid = :g"), {"g": coding_id_guid}).scalar() > 0


def _has_code(project, name) -> bool:
    with project.reading() as s:
        return s.execute(text("SELECT count(*) FROM code WHERE name = :n"), {"n": name}).scalar() > 0


def _guid(project, coding_id) -> str:
    with project.reading() as s:
        return s.execute(text("SELECT guid FROM coding WHERE id = :i"), {"i": coding_id}).scalar_one()


SIGN_OFF = "Every agreement waits for provincial sign-off"
SUBMITTED = "Agreements are submitted to the Province before signature."
FUND = "fund the exchanges ourselves"


def test_undo_of_a_merge_leaves_a_colleagues_deletion_memo_and_coding_on_the_target(project):
    src, tgt = _ids(project, lambda s: (code_by_path(s, "autonomy/own funding"), code_by_path(s, "provincial constraint")))
    pieters = _coding_id(project, "provincial constraint", "Pieter", "interview_jhb.txt")
    thandis_policy = _coding_id(project, "provincial constraint", "Thandi", "policy.txt")
    merged = codebook_undo.merge_codes_kept(project, [src], tgt)
    # meanwhile, a colleague on the target: deletes Pieter's coding, writes a memo on one that
    # was there before, and codes a new passage
    pieters_guid = _guid(project, pieters)
    coding.remove_codings(project, [pieters])
    memos.set_memo(project, "coding", thandis_policy, "the Province again")
    sid, coder = _ids(project, lambda s: (source_by_name(s, "policy.txt"), coder_by_name(s, "Pieter")))
    coding.apply_code(project, sid, tgt, coder, 0, 10)

    back = codebook_undo.unmerge_codes(project, merged.result)
    with project.reading() as s:
        policy = s.execute(text("SELECT text FROM source WHERE name = 'policy.txt'")).scalar_one()
    assert _codings(project) == {
        ("own funding", "Thandi", "interview_jhb.txt", FUND, None),  # back on its own code
        ("provincial constraint", "Thandi", "interview_jhb.txt", SIGN_OFF, None),
        ("provincial constraint", "Thandi", "policy.txt", SUBMITTED, "the Province again"),
        ("provincial constraint", "Pieter", "policy.txt", policy[:10], None),
        # the other codings of the small project, untouched
        ("autonomy", "Thandi", "interview_jhb.txt", "We set our own agenda", None),
        ("autonomy", "Pieter", "interview_jhb.txt", "We set our own agenda and fund", None),
        ("development outcome", "Thandi", "interview_addis.txt", "Training for engineers, and a clinic", None),
        ("unrealised objective", "Pieter", "interview_addis.txt", "The bus project never left the drawing board.", None),
    }
    assert _buried(project, pieters_guid)  # Pieter's coding stays deleted, its tombstone with it
    assert back.ids("created", Kind.CODE) == [src]
    assert len(back.ids("updated", Kind.CODING)) == 1  # the one coding the merge moved
    assert not back.ids("created", Kind.CODING) and not back.ids("deleted", Kind.CODING)


def test_undo_of_a_merge_is_refused_when_a_coding_it_moved_was_deleted_since(project):
    src, tgt = _ids(project, lambda s: (code_by_path(s, "autonomy/own funding"), code_by_path(s, "provincial constraint")))
    fund = _coding_id(project, "own funding", "Thandi", "interview_jhb.txt")
    merged = codebook_undo.merge_codes_kept(project, [src], tgt)
    coding.remove_codings(project, [fund])  # the moved coding, now on the target
    held = _codings(project)
    with pytest.raises(ConflictError, match="a coding was deleted by someone else since the merge"):
        codebook_undo.unmerge_codes(project, merged.result)
    assert _codings(project) == held
    assert not _has_code(project, "own funding")  # not half undone


def test_undo_of_a_merge_is_refused_when_the_target_was_renamed_since(project):
    from workbench.services.codebook import rename_code

    src, tgt = _ids(project, lambda s: (code_by_path(s, "autonomy/own funding"), code_by_path(s, "provincial constraint")))
    merged = codebook_undo.merge_codes_kept(project, [src], tgt)
    rename_code(project, tgt, "provincial oversight")
    with pytest.raises(ConflictError, match=r"the code 'provincial constraint' was changed by someone else since "
                                            r"the merge \(it is now 'provincial oversight'\)"):
        codebook_undo.unmerge_codes(project, merged.result)
    assert not _has_code(project, "own funding")
